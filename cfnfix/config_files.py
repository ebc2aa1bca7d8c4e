"""Configuration files: discovery and validation.

cfnfix reads ``.cfnfix.toml`` (keys at the top level) or the ``[tool.cfnfix]`` table of
``pyproject.toml``. For a template, the nearest such file in its folder or a folder above it
wins (in one folder ``.cfnfix.toml`` beats ``pyproject.toml``; a ``pyproject.toml`` without
``[tool.cfnfix]`` is passed over). There is no merging between files: the nearest file is
the configuration. Values are validated strictly by :class:`~cfnfix.config.Settings`: an
unknown key, a wrong type, an unknown rule under ``[rules]``, or TOML that does not parse
raises :class:`~cfnfix.errors.ConfigError` naming the file, the key and (when it can be
found) the line.
"""

from __future__ import annotations

import os
import re
import sys
import warnings
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .config import Settings
from .errors import ConfigError
from .io.files import read_utf8

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["CONFIG_FILE", "PYPROJECT", "ConfigResolver", "find_config", "load_config_file", "settings_from_mapping"]

CONFIG_FILE = ".cfnfix.toml"
PYPROJECT = "pyproject.toml"

#: A configuration file is a few hundred bytes; 1 MB is refused.
_MAX_CONFIG_BYTES = 1024 * 1024

_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    name = str(path)
    text = read_utf8(name, error=ConfigError, kind="configuration file", limit=_MAX_CONFIG_BYTES)
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS.search(msg)
        if m:
            reason = _TOML_POS.sub("", msg).strip()
            raise ConfigError(f"invalid TOML: {reason}", file=name, line=int(m[1]), column=int(m[2])) from None
        if "(at end of document)" in msg:
            reason = msg.replace("(at end of document)", "at the end of the file").strip()
            line, column = text.count("\n") + 1, len(text) - text.rfind("\n")
            raise ConfigError(f"invalid TOML: {reason}", file=name, line=line, column=column) from None
        raise ConfigError(f"invalid TOML: {msg}", file=name) from None
    except RecursionError:
        raise ConfigError("invalid TOML: arrays or tables nested too deeply", file=name) from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise ConfigError(f"invalid TOML: {str(exc).split(';')[0]}", file=name) from None


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return re.search(r"(?m)^\s*\[\s*tool\s*\.\s*cfnfix\s*[\].]", text) is not None


def _key_line(text: str, key: str, after: int = 0) -> int | None:
    """Best-effort 1-based line where ``key`` is assigned or opens a table (after offset ``after``)."""
    pattern = re.compile(rf'(?m)^[ \t]*(?:\[[^\]\n]*)?["\']?{re.escape(key)}["\']?[ \t]*(?:=|\.|\])')
    m = pattern.search(text, after)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _token_line(text: str, key: str, token: str, after: int = 0) -> int | None:
    """Best-effort 1-based line of the string ``token`` in the value of ``key`` (else the key's line)."""
    line = _key_line(text, key, after)
    if line is None:
        return None
    start = sum(len(part) for part in text.splitlines(keepends=True)[: line - 1])
    m = re.search(r"[\"']" + re.escape(token) + r"[\"']", text[start:])
    return text.count("\n", 0, start + m.start()) + 1 if m else line


def _describe(err: Any) -> str:
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "unknown key"
    msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    return msg[0].lower() + msg[1:] if msg else "invalid value"


def settings_from_mapping(
    data: dict[str, Any], *, file: str | None = None, text: str | None = None, prefix: str = ""
) -> Settings:
    """Validate a configuration mapping (as read from TOML) into :class:`Settings`.

    ``prefix`` (``tool.cfnfix.``) is prepended to key names in error messages.
    """
    base = 0
    if text is not None and prefix:
        m = re.search(r"(?m)^\s*\[\s*tool\s*\.\s*cfnfix\s*[\].]", text)
        base = m.start() if m else 0
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FutureWarning)
            settings = Settings.model_validate(data, strict=True)
        for w in caught:  # name the file (and the line) of a deprecated key
            key = str(w.message).split("`")[1] if "`" in str(w.message) else ""
            line = _key_line(text, key, base) if text is not None and key else None
            shown = f"{file}:{line}" if file and line else file
            warnings.warn(f"{shown}: {w.message}" if shown else str(w.message), w.category, stacklevel=2)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [str(p) for p in err.get("loc", ())]
        key = ".".join(loc) or "(top level)"
        names = [p for p in loc if not p.isdigit()]
        line = _key_line(text, names[-1], base) if text is not None and names else None
        value = ""
        if err.get("type") != "extra_forbidden" and "input" in err and not isinstance(err["input"], (dict, list)):
            value = f" (got {err['input']!r})"
        raise ConfigError(f"{prefix}{key}: {_describe(err)}{value}", file=file, line=line) from None
    from .rules import get_rule, looks_like_name, selector_problem

    for key in ("select", "ignore"):
        for token in getattr(settings, key):
            problem = selector_problem(token)
            if problem is not None and not (settings.cfn_lint and looks_like_name(token)):
                # (a name may be a cfn-lint rule's when cfn-lint runs: checked where cfn-lint is loaded)
                line = _token_line(text, key, token, base) if text is not None else None
                raise ConfigError(f"{prefix}{key}: {problem}", file=file, line=line)
    for key, options in settings.rules.items():
        rule = get_rule(key)
        if rule is None:
            line = _key_line(text, key, base) if text is not None else None
            raise ConfigError(f"{prefix}rules.{key}: unknown rule (see `cfnfix rules`)", file=file, line=line)
        if rule.options_model is not None:
            try:
                rule.options_model.model_validate(options, strict=True)
            except ValidationError as exc:
                err = exc.errors()[0]
                loc = [str(p) for p in err.get("loc", ())]
                names = [p for p in loc if not p.isdigit()]
                line = _key_line(text, names[-1], base) if text is not None and names else None
                value = ""
                if err.get("type") != "extra_forbidden" and not isinstance(err.get("input"), (dict, list)):
                    value = f" (got {err['input']!r})"
                where = ".".join([f"{prefix}rules", key, *loc])
                raise ConfigError(f"{where}: {_describe(err)}{value}", file=file, line=line) from None
    return settings


def load_config_file(path: str | os.PathLike[str]) -> Settings:
    """Read and validate one configuration file (``.cfnfix.toml`` or a ``pyproject.toml``)."""
    p = Path(path)
    data, text = _read_toml(p)
    if p.name == PYPROJECT:
        tool = data.get("tool", {})
        table = tool.get("cfnfix") if isinstance(tool, dict) else None
        if table is None:
            raise ConfigError("no [tool.cfnfix] table in this pyproject.toml", file=str(p))
        if not isinstance(table, dict):
            raise ConfigError("tool.cfnfix must be a table", file=str(p))
        return settings_from_mapping(table, file=str(p), text=text, prefix="tool.cfnfix.")
    return settings_from_mapping(data, file=str(p), text=text)


def find_config(start: str | os.PathLike[str]) -> Path | None:
    """The configuration file that applies to files in folder ``start`` (searching upwards), or None."""
    folder = Path(start).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_FILE
        if own.is_file():
            return own
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


class ConfigResolver:
    """Settings for each template: from ``--config`` or discovery, with command-line overrides.

    Discovery results and parsed files are cached for the resolver's lifetime, so a run over
    many files reads each configuration file once.
    """

    def __init__(
        self, config_file: str | os.PathLike[str] | None = None, overrides: dict[str, Any] | None = None
    ) -> None:
        self.config_file = config_file
        self.overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
        self._by_folder: dict[Path, Path | None] = {}
        self._by_file: dict[Path | None, Settings] = {}
        self._resolved: dict[str, Path] = {}

    def _settings(self, config: Path | None) -> Settings:
        if config not in self._by_file:
            base = load_config_file(config) if config is not None else Settings()
            self._by_file[config] = base.model_copy(update=self.overrides) if self.overrides else base
        return self._by_file[config]

    def config_for(self, folder: str | os.PathLike[str]) -> Path | None:
        """The configuration file that applies in ``folder`` (None: defaults)."""
        if self.config_file is not None:
            return Path(self.config_file)
        raw = os.fspath(folder)
        key = self._resolved.get(raw)
        if key is None:  # resolving a path reads every folder on it: once per folder named
            key = self._resolved[raw] = Path(raw).resolve()
        return self._by_folder[key] if key in self._by_folder else self._find(key)

    def _find(self, folder: Path) -> Path | None:
        """:func:`find_config` of a resolved folder, each folder on the way up asked once for
        all the folders below it (the corpus: 296 files in 67 folders, each folder walked up to the root)."""
        passed: list[Path] = []
        candidate = folder
        found: Path | None = None
        while True:
            if candidate in self._by_folder:
                found = self._by_folder[candidate]
                break
            passed.append(candidate)
            own = candidate / CONFIG_FILE
            if own.is_file():
                found = own
                break
            pyproject = candidate / PYPROJECT
            if pyproject.is_file() and _has_tool_table(pyproject):
                found = pyproject
                break
            if candidate.parent == candidate:
                break  # the root: no configuration file
            candidate = candidate.parent
        for seen in passed:
            self._by_folder[seen] = found
        return found

    def for_path(self, path: str | os.PathLike[str] | None) -> Settings:
        """Settings for a template at ``path`` (None: stdin, discovered from the current folder)."""
        folder = Path(path).parent if path is not None else Path.cwd()
        return self._settings(self.config_for(folder))
