"""The Python API behind ``cfnfix``: :func:`check` and :func:`fix`, and what they take and return.

This module only turns the public arguments (a source, a configuration, overrides) into
text and settings; the work is the rule runner's (:mod:`cfnfix.checking`) and the fix
loop's (:mod:`cfnfix.fixing`), which the command line, the language server and the batch
runner call directly.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Union

from .checking import findings_for, load_template
from .config import Settings
from .document import Document, load
from .errors import TemplateError
from .findings import Finding
from .fixing import FailedFix, FixResult, fix_text
from .io.files import read_text

__all__ = [
    "ConfigArg",
    "FailedFix",
    "FixResult",
    "Source",
    "check",
    "fix",
    "load_source",
    "make_settings",
    "resolve_config",
]

#: A template: a path (``os.PathLike``, e.g. ``pathlib.Path``) is read from disk; a ``str`` is the text itself.
Source = Union[str, "os.PathLike[str]"]
ConfigArg = Union[Settings, str, "os.PathLike[str]", None]


def _read_source(source: Source) -> tuple[str, str | None]:
    """(text, file name): a path (``os.PathLike``, e.g. :class:`pathlib.Path`) is read; a ``str`` is the text."""
    if isinstance(source, os.PathLike):
        return read_text(source), os.fspath(source)
    if isinstance(source, str):
        return source, None
    raise TypeError(f"a template is text (str) or a file path (pathlib.Path), not {type(source).__name__}")


#: A one-line str that reads as a file name rather than a template.
_PATHLIKE_TEXT = re.compile(r"[^\r\n:{}\[\]]*\.(?:ya?ml|json|template|cfn|txt)\s*\Z", re.IGNORECASE)


def load_source(source: Source, settings: Settings | None = None) -> Document:
    """The parsed template of a :func:`check` / :func:`fix` ``source`` (a path is read, a str is text).

    A str that is a file name (``check("stack.yaml")``) is text to the API, so it is refused
    as a scalar; the error then says to pass a :class:`pathlib.Path`. With ``settings``, JSON
    that only needs the CFX801 repair is read through it (:func:`load_template`).
    """
    text, file = _read_source(source)
    return _load_text(text, file, settings)


def _load_text(text: str, file: str | None, settings: Settings | None) -> Document:
    """:func:`load_source` once the source is read."""
    try:
        return load_template(text, file, settings) if settings is not None else load(text, file)
    except TemplateError as exc:
        if file is None and exc.reason.endswith("found a scalar") and _PATHLIKE_TEXT.match(text):
            raise TemplateError(
                f"{exc.reason}: a str is template text; to read the file {text.strip()!r} pass a path, "
                f"e.g. check(Path({text.strip()!r}))",
                line=exc.line,
                column=exc.column,
            ) from None
        raise


def resolve_config(config: ConfigArg, file: str | None) -> Settings:
    """The settings for one template.

    ``config`` may be :class:`Settings`, or the path of a configuration file
    (``.cfnfix.toml`` or a ``pyproject.toml`` with ``[tool.cfnfix]``). When it is None and
    the template was read from a file, the configuration is discovered from the file's
    folder upwards (as the command line does); otherwise the defaults apply.
    """
    if isinstance(config, Settings):
        return config
    from .config_files import find_config, load_config_file

    if config is not None:
        return load_config_file(config)
    if file is not None:
        found = find_config(Path(file).parent)
        if found is not None:
            return load_config_file(found)
    return Settings()


def make_settings(
    config: Settings | None = None,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    unsafe: bool | None = None,
) -> Settings:
    """``config`` (or defaults) with the given overrides applied."""
    settings = config or Settings()
    update: dict[str, Any] = {}
    if select is not None:
        update["select"] = list(select)
    if ignore is not None:
        update["ignore"] = list(ignore)
    if unsafe is not None:
        update["unsafe_fixes"] = unsafe
    return settings.model_copy(update=update) if update else settings


def check(
    source: Source,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    config: ConfigArg = None,
) -> list[Finding]:
    """Findings for one template.

    ``source`` is a path to a template file (``os.PathLike``, e.g. :class:`pathlib.Path`:
    a missing file raises :class:`~cfnfix.errors.TemplateError` "no such file") or the
    template text (a ``str`` is always text, never a file name). ``config`` is
    :class:`Settings`, a configuration file path, or None (discover it from the template's
    folder when ``source`` is a file; defaults otherwise). ``select``/``ignore`` override
    the configuration. Suppressions in the template's Metadata are honoured.
    """
    text, file = _read_source(source)
    settings = make_settings(resolve_config(config, file), select=select, ignore=ignore)
    return findings_for(_load_text(text, file, settings), settings)


def fix(
    source: Source,
    *,
    unsafe: bool = False,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    config: ConfigArg = None,
) -> FixResult:
    """Apply fixes to one template until none applies (at most :data:`~cfnfix.fixing.MAX_PASSES` passes).

    ``source`` and ``config`` are as for :func:`check`; ``unsafe=True`` also applies fixes
    marked unsafe (as does ``unsafe-fixes = true`` in the configuration). Nothing is
    written: the result holds the new text, the combined patch and the unified diff.
    """
    text, file = _read_source(source)
    settings = make_settings(
        resolve_config(config, file), select=select, ignore=ignore, unsafe=True if unsafe else None
    )
    return fix_text(text, file, settings, _load_text(text, file, settings))
