"""The language server's settings: the project's configuration file, then the editor's overrides.

The editor sends settings in ``initializationOptions`` and ``workspace/didChangeConfiguration``
(or answers ``workspace/configuration`` for the section ``cfnfix``). They use the keys of
``.cfnfix.toml`` (kebab-case; camelCase is accepted too, as editors' JSON settings use it):

* ``select``, ``ignore``, ``unsafe-fixes``, ``show-unused-suppressions``: override the
  configuration file, as the command-line flags do;
* ``config``: a configuration file to use instead of discovering one (``--config``);
* ``cfn-lint``, ``cfn-lint-regions``: also report cfn-lint's findings (``cfnfix check
  --cfn-lint``), computed in a process of their own and published after cfnfix's.

For each document the configuration file is discovered from its folder upwards exactly as
``cfnfix check`` does (:class:`~cfnfix.config_files.ConfigResolver`); a file is re-read
when it changes on disk.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..config import Settings
from ..config_files import find_config, load_config_file
from ..errors import ConfigError

__all__ = ["ClientSettings", "SettingsStore", "client_settings", "read_client_settings"]

_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class ClientSettings(BaseModel):
    """Settings the editor sends (every key optional: unset keys leave the configuration file's value)."""

    model_config = ConfigDict(extra="forbid", alias_generator=_kebab, populate_by_name=True, frozen=True)

    select: list[str] | None = Field(
        None, description="Rule ids, id prefixes or names to run (overrides the configuration file)."
    )
    ignore: list[str] | None = Field(
        None, description="Rule ids, id prefixes or names to skip (overrides the configuration file)."
    )
    unsafe_fixes: bool | None = Field(
        None, description="Let fix-all (source.fixAll.cfnfix) apply unsafe fixes too, as `cfnfix apply --unsafe-fixes`."
    )
    show_unused_suppressions: bool | None = Field(
        None, description="Report suppressions that silence nothing (CFX900)."
    )
    config: str | None = Field(None, description="Configuration file to use instead of discovery (as --config).")
    cfn_lint: bool | None = Field(
        None, description="Also report cfn-lint's findings, as `cfnfix check --cfn-lint` (needs the `lint` extra)."
    )
    cfn_lint_regions: list[str] | None = Field(None, description="Regions cfn-lint checks against (as --regions).")

    def overrides(self) -> dict[str, Any]:
        """The :class:`~cfnfix.config.Settings` fields this overrides."""
        found = {
            "select": self.select,
            "ignore": self.ignore,
            "unsafe_fixes": self.unsafe_fixes,
            "show_unused_suppressions": self.show_unused_suppressions,
            "cfn_lint": self.cfn_lint,
            "cfn_lint_regions": self.cfn_lint_regions,
        }
        return {k: v for k, v in found.items() if v is not None}


def _normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {_CAMEL.sub(r"-\1", k).lower() if isinstance(k, str) else k: v for k, v in value.items()}
    return value


def client_settings(raw: Any) -> ClientSettings:
    """Read what an editor sent: ``{"cfnfix": {...}}``, ``{"settings": {...}}`` or the keys themselves.

    Raises :class:`~cfnfix.errors.ConfigError` naming the first bad key (the server instead
    leaves bad keys out: :func:`read_client_settings`).
    """
    settings, problems = read_client_settings(raw)
    if problems:
        raise ConfigError(problems[0])
    return settings


def read_client_settings(raw: Any) -> tuple[ClientSettings, list[str]]:
    """What an editor sent (see :func:`client_settings`), without the keys that are unknown or
    have a bad value, and one message for each key left out.

    Raises :class:`~cfnfix.errors.ConfigError` when ``raw`` is not an object at all.
    """
    if raw is None:
        return ClientSettings(), []
    if isinstance(raw, dict):
        for wrapper in ("cfnfix", "settings"):
            if isinstance(raw.get(wrapper), dict) and len(raw) == 1:
                return read_client_settings(raw[wrapper])
    if not isinstance(raw, dict):
        raise ConfigError(f"editor settings for cfnfix must be an object, got {type(raw).__name__}")
    data = _normalise(raw)
    for key in ("select", "ignore", "cfn-lint-regions"):
        if isinstance(data.get(key), str):
            data[key] = [p.strip() for p in data[key].split(",") if p.strip()]
    problems: list[str] = []
    while True:  # each round leaves out at least one key
        try:
            return ClientSettings.model_validate(data, strict=True), problems
        except ValidationError as exc:
            bad: dict[Any, str] = {}
            for err in exc.errors():
                loc = err.get("loc", ())
                where: Any = loc[0] if loc else None
                if where not in data:
                    raise ConfigError(f"editor settings for cfnfix: {_describe(err)}") from None
                bad.setdefault(where, _describe(err))
            for where, what in bad.items():
                problems.append(f"editor settings for cfnfix: {what}")
                del data[where]


def _describe(err: Any) -> str:
    """``key: what is wrong`` for one pydantic error."""
    key = ".".join(str(p) for p in err.get("loc", ())) or "(top level)"
    what = "unknown key" if err.get("type") == "extra_forbidden" else str(err.get("msg", "invalid value")).lower()
    return f"{key}: {what}"


class SettingsStore:
    """Settings for each document: discovered configuration file (re-read when it changes) plus the editor's overrides."""

    def __init__(self, client: ClientSettings | None = None, root: str | None = None) -> None:
        self.client = client or ClientSettings()
        self.root = root
        self._files: dict[Path, tuple[tuple[int, int], Settings]] = {}

    def config_file(self, path: str | None) -> Path | None:
        """The configuration file that applies to a document at ``path`` (None: an unsaved document)."""
        if self.client.config is not None:
            config = Path(self.client.config).expanduser()
            if not config.is_absolute() and self.root is not None:
                config = Path(self.root) / config
            return config
        folder = Path(path).parent if path is not None else Path(self.root or os.getcwd())
        return find_config(folder)

    def _load(self, config: Path) -> Settings:
        try:
            st = config.stat()
            stamp = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = (-1, -1)
        cached = self._files.get(config)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        settings = load_config_file(config)  # a ConfigError propagates: the caller reports it
        self._files[config] = (stamp, settings)
        return settings

    def for_document(self, path: str | None) -> tuple[Settings, ConfigError | None]:
        """The settings for a document, and the error of a configuration file that could not be read.

        A bad configuration file is reported and the defaults are used instead (with the
        editor's overrides), so that the editor still shows findings.
        """
        error: ConfigError | None = None
        base = Settings()
        try:
            config = self.config_file(path)
            if config is not None:
                base = self._load(config)
        except ConfigError as exc:
            error = exc
        overrides = self.client.overrides()
        return (base.model_copy(update=overrides) if overrides else base), error
