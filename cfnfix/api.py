"""The Python API behind ``cfnfix``: :func:`check`, :func:`fix` and :func:`apply_patch`.

This module only turns the public arguments (a source, a configuration, overrides) into
text and settings; the work is the rule runner's (:mod:`cfnfix.checking`), the fix loop's
(:mod:`cfnfix.fixing`, which also defines :class:`~cfnfix.fixing.FixResult`) and the patch
engine's (:mod:`cfnfix.patch`), imported when first called, so that ``apply_patch`` does
not load the rules. The command line, the language server and the batch runner call them
directly.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Union

from pydantic import ValidationError

from .config import Settings
from .document import Document, load
from .errors import ArgumentError, ConfigError, TemplateError
from .io.files import read_text

if TYPE_CHECKING:
    from .findings import Finding, Patch
    from .fixing import FixResult

__all__ = [
    "ConfigArg",
    "Source",
    "SourceFormat",
    "apply_patch",
    "check",
    "fix",
    "load_source",
    "make_settings",
    "resolve_config",
]

#: What a source holds: a template, or a Markdown text with templates in fenced blocks (None: recognise it).
SourceFormat = Literal["template", "markdown"]

#: A template: a path (``os.PathLike``, e.g. ``pathlib.Path``) is read from disk; a ``str`` is the text itself.
Source = Union[str, "os.PathLike[str]"]
ConfigArg = Union[Settings, str, "os.PathLike[str]", None]


def _read_source(source: Source) -> tuple[str, str | None]:
    """(text, file name): a path (``os.PathLike``, e.g. :class:`pathlib.Path`) is read; a ``str`` is the text."""
    if isinstance(source, os.PathLike):
        return read_text(source), os.fspath(source)
    if isinstance(source, str):
        return source, None
    raise ArgumentError(f"a template is text (str) or a file path (pathlib.Path), not {type(source).__name__}")


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
    from .checking import load_template

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
        return _revalidated(config)
    if config is not None and not isinstance(config, (str, os.PathLike)):
        raise ArgumentError(
            f"config is a Settings, the path of a configuration file or None, not {type(config).__name__}"
        )
    from .config_files import find_config, load_config_file

    if config is not None:
        return load_config_file(config)
    if file is not None:
        found = find_config(Path(file).parent)
        if found is not None:
            return load_config_file(found)
    return Settings()


def _revalidated(settings: Settings) -> Settings:
    """``settings`` as given, once checked again: a ``Settings`` built with ``model_construct``
    or changed after it was made may hold anything (a :class:`ConfigError` then, one line)."""
    try:
        Settings.model_validate(settings.model_dump(by_alias=True, warnings=False), context={"quiet": True})
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err.get("loc", ())) or "(top level)"
        raise ConfigError(f"invalid Settings: {key}: {err.get('msg', 'invalid value')}") from None
    return settings


def make_settings(
    config: Settings | None = None,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    unsafe: bool | None = None,
) -> Settings:
    """``config`` (or defaults) with the given overrides applied; an unknown rule in ``select``
    or ``ignore`` is a :class:`~cfnfix.errors.ConfigError` (it would turn a check off silently)."""
    from .errors import ConfigError
    from .rules import looks_like_name, selector_problem

    settings = config or Settings()
    update: dict[str, Any] = {}
    for key, tokens in (("select", select), ("ignore", ignore)):
        if tokens is None:
            continue
        for token in tokens:
            problem = selector_problem(token) if isinstance(token, str) else "a rule selector is a string"
            if problem is not None and settings.cfn_lint and looks_like_name(token):
                from .cfn_lint.findings import is_cfn_lint_rule_name

                problem = None if is_cfn_lint_rule_name(token) else problem
            if problem is not None:
                raise ConfigError(f"{key}: {problem}")
        update[key] = list(tokens)
    if unsafe is not None:
        update["unsafe_fixes"] = unsafe
    return settings.model_copy(update=update) if update else settings


def _is_markdown(text: str, file: str | None, format: SourceFormat | None) -> bool:
    """``format`` when given; else Markdown for a ``.md``/``.markdown`` path or a text with a fence line."""
    if format is not None:
        if format not in ("template", "markdown"):
            raise ValueError(f"format is 'template' or 'markdown', not {format!r}")
        return format == "markdown"
    from .markdown.recognise import is_markdown_path, looks_like_markdown

    return is_markdown_path(file) if file is not None else looks_like_markdown(text)


def check(
    source: Source,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    config: ConfigArg = None,
    format: SourceFormat | None = None,
) -> list[Finding]:
    """Findings for one template.

    ``source`` is a path to a template file (``os.PathLike``, e.g. :class:`pathlib.Path`:
    a missing file raises :class:`~cfnfix.errors.TemplateError` "no such file") or the
    template text (a ``str`` is always text, never a file name). ``config`` is
    :class:`Settings`, a configuration file path, or None (discover it from the template's
    folder when ``source`` is a file; defaults otherwise). ``select``/``ignore`` override
    the configuration. Suppressions in the template's Metadata are honoured.

    ``format="markdown"`` (or a ``.md`` path, or text with a line that starts a fence) reads
    a Markdown text: the findings of every template in its fenced blocks, placed in it
    (lines of the text, pointers ``/<fence index>/…``); a fence that does not parse raises
    its :class:`~cfnfix.errors.TemplateError` (:func:`cfnfix.markdown.check_markdown` gives
    the other fences' findings and every error instead).
    """
    from .checking import findings_for, require_runnable

    text, file = _read_source(source)
    settings = make_settings(resolve_config(config, file), select=select, ignore=ignore)
    require_runnable(settings)
    if _is_markdown(text, file, format):
        from .markdown import check_markdown

        checked = check_markdown(text, file, settings)
        if checked.errors:
            raise checked.errors[0].error(file)
        return checked.findings
    return findings_for(_load_text(text, file, settings), settings)


def fix(
    source: Source,
    *,
    unsafe: bool = False,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    config: ConfigArg = None,
    format: SourceFormat | None = None,
) -> FixResult:
    """Apply fixes to one template until none applies (at most :data:`~cfnfix.fixing.MAX_PASSES` passes).

    ``source`` and ``config`` are as for :func:`check`; ``unsafe=True`` also applies fixes
    marked unsafe (as does ``unsafe-fixes = true`` in the configuration). Nothing is
    written: the result holds the new text, the combined patch and the unified diff.

    A Markdown text (``format`` as for :func:`check`) gives a
    :class:`~cfnfix.markdown.MarkdownFixResult`: each fenced template fixed on its own and
    put back in its fence; fences that do not parse are left as they are and listed in its
    ``errors`` (nothing is raised for them).
    """
    from .checking import require_runnable
    from .fixing import fix_text

    text, file = _read_source(source)
    settings = make_settings(
        resolve_config(config, file), select=select, ignore=ignore, unsafe=True if unsafe else None
    )
    require_runnable(settings)
    if _is_markdown(text, file, format):
        from .markdown import fix_markdown

        return fix_markdown(text, file, settings)
    return fix_text(text, file, settings, _load_text(text, file, settings))


def apply_patch(text: str, patch: Patch, *, file: str | None = None, strict: bool = False) -> str:
    """Apply an RFC 6902 ``patch`` to the template ``text``, changing nothing else, and return the new text.

    The patch engine's :func:`~cfnfix.patch.engine.apply_patch` (its errors, its
    verification, ``strict``) with CloudFormation's section order: a section the patch adds
    goes where the template anatomy puts it (:data:`cfnfix.template.model.SECTION_ORDER`).
    """
    from .patch.engine import apply_patch as engine_apply
    from .template.model import SECTION_ORDER

    return engine_apply(text, patch, file=file, strict=strict, key_order=SECTION_ORDER)
