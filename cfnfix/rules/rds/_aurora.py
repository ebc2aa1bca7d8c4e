"""What an Aurora MySQL cluster runs, and which upgrade target applies (shared by CFX30x).

Background: docs/cloudformation/rds.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ...template.model import Resource, literal, parameter_default, ref_target
from ._aurora_tables import default_target, is_deprecated, is_known
from ._rds import engine as engine_of

#: Engines of Aurora MySQL (``aurora`` is version 1, MySQL 5.6-compatible).
AURORA_MYSQL_ENGINES = ("aurora", "aurora-mysql")


@dataclass(frozen=True)
class Legacy:
    """Why a cluster runs an Aurora MySQL major version past end of standard support."""

    engine: str
    version: str | None
    """The literal (or parameter-default) EngineVersion, None when absent."""
    version_param: str | None
    """The template parameter EngineVersion refers to, if any."""
    pointer: str
    """Where to point the finding: EngineVersion, else Engine."""

    @property
    def is_v1(self) -> bool:
        """Aurora MySQL version 1 (engine ``aurora``, MySQL 5.6): end of life."""
        return self.engine == "aurora" or (self.version or "").startswith("5.6")

    def describe(self) -> str:
        """``Engine aurora (Aurora MySQL version 1, MySQL 5.6)`` and the like."""
        if self.is_v1:
            what = "Aurora MySQL version 1 (MySQL 5.6), end of life since 2023-02-28"
        else:
            what = "Aurora MySQL version 2 (MySQL 5.7), past end of standard support since 2024-10-31"
        shown = f"Engine {self.engine}"
        if self.version is not None:
            shown += f", EngineVersion {self.version}"
            if self.version_param:
                shown += f" (default of parameter {self.version_param})"
        return f"{shown}: {what}"


def engine_version(data: Any, res: Resource) -> tuple[str | None, str | None]:
    """(literal EngineVersion, or the default of the parameter it refers to; that parameter's name)."""
    raw = res.props.get("EngineVersion")
    param = ref_target(raw)
    if param is not None:
        return parameter_default(data, param), param
    return literal(raw), None


def legacy(data: Any, res: Resource) -> Legacy | None:
    """A :class:`Legacy` when the resource runs Aurora MySQL 5.6 or 5.7, else None (also when unknown)."""
    engine = engine_of(res)
    if engine not in AURORA_MYSQL_ENGINES:
        return None
    version, param = engine_version(data, res)
    if engine == "aurora-mysql" and not (version or "").startswith(("5.6", "5.7")):
        return None
    pointer = res.prop_pointer("EngineVersion" if "EngineVersion" in res.props else "Engine")
    return Legacy(engine=engine, version=version, version_param=param, pointer=pointer)


@dataclass(frozen=True)
class Target:
    """The 8.0 version to move to, and whether the user pinned it."""

    version: str
    pinned: bool

    @property
    def problem(self) -> str | None:
        """Why this target cannot be used at all, or None."""
        if not self.version.startswith("8.0"):
            return f"aurora-mysql-target {self.version!r} is not an Aurora MySQL 8.0 (version 3) version"
        if not is_known(self.version):
            return f"aurora-mysql-target {self.version!r} is not a known aurora-mysql engine version (cfn-lint E3690)"
        return None

    @property
    def deprecated(self) -> bool:
        """True when the target cannot create new clusters (cfn-lint W3690)."""
        return is_deprecated(self.version)


def target(pinned: str | None) -> Target:
    """The pinned ``aurora-mysql-target`` rule option, else the bundled default."""
    if pinned:
        return Target(pinned, pinned=True)
    return Target(default_target(), pinned=False)


class TargetOption(BaseModel):
    """The ``aurora-mysql-target`` option shared by CFX301 and CFX303."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    aurora_mysql_target: str | None = Field(
        None,
        alias="aurora-mysql-target",
        description="Aurora MySQL 8.0 engine version to upgrade to (default: from the bundled lifecycle table).",
    )
