"""Settings: what to check and how to fix, validated by pydantic.

Discovery of ``.cfnfix.toml`` / ``[tool.cfnfix]`` lives in :mod:`cfnfix.config_files`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class Settings(BaseModel):
    """Every option cfnfix understands. Keys are kebab-case in files (``unsafe-fixes``)."""

    model_config = ConfigDict(extra="forbid", alias_generator=_kebab, populate_by_name=True, frozen=True)

    select: list[str] = Field(default_factory=list, description="Rule ids, id prefixes or names to run (empty: all).")
    ignore: list[str] = Field(default_factory=list, description="Rule ids, id prefixes or names to skip (wins over `select`).")
    unsafe_fixes: bool = Field(False, description="Also apply fixes marked unsafe (they change behaviour or need review).")
    aurora_mysql_target: str | None = Field(
        None, description="Aurora MySQL 8.0 engine version to upgrade to (default: from the bundled lifecycle table)."
    )
    rds_deletion_style: Literal["deletion-policy", "skip-final-snapshot-property"] = Field(
        "deletion-policy",
        description="How to make RDS clusters deletable: DeletionPolicy/UpdateReplacePolicy Delete (valid), "
        "or the SkipFinalSnapshot property some pipelines expect (fails schema validation, E3002).",
    )
    show_unused_suppressions: bool = Field(
        False, description="Report `cfnfix: {ignore: [...]}` entries in template Metadata that suppress nothing (CFX900)."
    )
    cfn_lint: bool = Field(
        False, description="Also run cfn-lint (the `cfnfix[lint]` extra) and report its matches as findings (ids such as E3002)."
    )
    cfn_lint_regions: list[str] = Field(
        default_factory=lambda: ["us-east-1"], description="Regions cfn-lint checks against (`--cfn-lint`, `--verify`)."
    )
    rules: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Per-rule options, keyed by rule id or name."
    )

    def selects(self, rule_id: str, rule_name: str = "") -> bool:
        """True when ``rule_id`` passes ``select``/``ignore`` (ids, names or id prefixes)."""

        def hit(patterns: list[str]) -> bool:
            return any(rule_id.startswith(p) or p == rule_name for p in patterns)

        if self.select and not hit(self.select):
            return False
        return not hit(self.ignore)

    def rule_options(self, rule_id: str, rule_name: str) -> dict[str, Any]:
        """Options given for one rule under ``[rules.<id>]`` or ``[rules.<name>]``."""
        merged: dict[str, Any] = {}
        merged.update(self.rules.get(rule_name, {}))
        merged.update(self.rules.get(rule_id, {}))
        return merged
