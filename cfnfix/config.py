"""Settings: what to check and how to fix, validated by pydantic.

Discovery of ``.cfnfix.toml`` / ``[tool.cfnfix]`` lives in :mod:`cfnfix.config_files`.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

#: Global settings that became rule options: setting key → (rule names, option key).
DEPRECATED_GLOBALS: dict[str, tuple[tuple[str, ...], str]] = {
    "aurora-mysql-target": (("aurora-mysql-end-of-support", "aurora-mysql-deprecated-version"), "aurora-mysql-target"),
    "rds-deletion-style": (("rds-deletion-snapshot",), "rds-deletion-style"),
}


#: Left out of folder walks unless ``exclude`` says otherwise: hidden files and folders
#: (``.git``, ``.aws-sam``, ``.venv`` …), installed JavaScript packages, Python caches.
DEFAULT_EXCLUDE: tuple[str, ...] = (".*", "node_modules", "__pycache__")


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class Settings(BaseModel):
    """Every option cfnfix understands. Keys are kebab-case in files (``unsafe-fixes``)."""

    model_config = ConfigDict(extra="forbid", alias_generator=_kebab, populate_by_name=True, frozen=True)

    select: list[str] = Field(
        default_factory=list,
        description="Rule ids, id prefixes or names to run (empty: all). Opt-in rules (CFX935) run only when "
        "named by full id or name. One that names no rule is an error.",
    )
    ignore: list[str] = Field(
        default_factory=list, description="Rule ids, id prefixes or names to skip (wins over `select`)."
    )
    unsafe_fixes: bool = Field(
        False, description="Also apply fixes marked unsafe (they change behaviour or need review)."
    )
    aurora_mysql_target: str | None = Field(
        None,
        description="Deprecated: set `aurora-mysql-target` under [rules.aurora-mysql-end-of-support] and "
        "[rules.aurora-mysql-deprecated-version]. Still read for those rules when they do not set it.",
    )
    rds_deletion_style: Literal["deletion-policy", "skip-final-snapshot-property"] | None = Field(
        None,
        description="Deprecated: set `rds-deletion-style` under [rules.rds-deletion-snapshot]. Still read for "
        "that rule when it does not set it.",
    )
    show_unused_suppressions: bool = Field(
        False,
        description="Report suppressions that silence nothing (CFX900): `cfnfix: {ignore: [...]}` entries in template "
        "Metadata and `# cfnfix: ignore[...]` comments.",
    )
    profile: str | None = Field(
        None,
        description="Turn on a profile's opt-in rules: `destroyable` (ephemeral stacks: every resource deletable "
        "with its stack, nothing left behind; rules CFX250-CFX269).",
    )
    cfn_lint: bool = Field(
        False,
        description="Also run cfn-lint and report its matches as findings (ids such as E3002). cfn-lint's "
        "configuration is cfnfix's: no `.cfnlintrc` is read.",
    )
    cfn_lint_regions: list[str] = Field(
        default_factory=lambda: ["us-east-1"], description="Regions cfn-lint checks against (`--cfn-lint`, `--verify`)."
    )
    extend_include: list[str] = Field(
        default_factory=list,
        description="More files to look at in folders, as glob patterns of the name or of the path below the folder "
        '(`["*.md"]`: the templates in Markdown files\' fenced blocks; `["*.cfn"]`).',
    )
    exclude: list[str] = Field(
        default_factory=lambda: list(DEFAULT_EXCLUDE),
        description="Files and folders left out of folder walks, as glob patterns: a name (`node_modules`, "
        "`*.j2.yaml`) or a path relative to this file's folder (`templates/*.yaml`). Replaces the default "
        "(`.*`, `node_modules`, `__pycache__`): to add to it, use `extend-exclude`.",
    )
    extend_exclude: list[str] = Field(
        default_factory=list, description="More patterns left out of folder walks, added to `exclude`."
    )
    force_exclude: bool = Field(
        default=False,
        description="Apply `exclude` and `extend-exclude` to files named explicitly too (a pre-commit hook "
        "names every changed file).",
    )
    respect_gitignore: bool = Field(
        default=True, description="Leave out of folder walks what `.gitignore` files ignore (inside a Git repository)."
    )
    rules: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Per-rule options, keyed by rule id or name."
    )

    @field_validator("profile")
    @classmethod
    def _known_profile(cls, value: str | None) -> str | None:
        from .profiles import unknown_profile_reason

        if value is not None and (reason := unknown_profile_reason(value)) is not None:
            raise ValueError(reason)
        return value

    @model_validator(mode="after")
    def _warn_deprecated(self, info: ValidationInfo) -> Settings:
        if isinstance(info.context, dict) and info.context.get("quiet"):
            return self  # checked again (the API's re-validation): the warning was given when it was made
        for key, (rules, option) in DEPRECATED_GLOBALS.items():
            if getattr(self, key.replace("-", "_")) is not None:
                where = " and ".join(f"[rules.{r}]" for r in rules)
                warnings.warn(
                    f"the setting `{key}` is deprecated: set `{option}` under {where} instead (still read for now)",
                    FutureWarning,
                    stacklevel=2,
                )
        return self

    def selects(self, rule_id: str, rule_name: str = "") -> bool:
        """True when ``rule_id`` passes ``select``/``ignore`` (ids, names or id prefixes)."""

        def hit(patterns: list[str]) -> bool:
            return any(rule_id.startswith(p) or p == rule_name for p in patterns)

        if self.select and not hit(self.select):
            return False
        return not hit(self.ignore)

    def runs(self, rule: Any) -> bool:
        """True when ``rule`` passes ``select``/``ignore`` and its profile (if any) is on, and no
        profile that replaces it is on (see :mod:`cfnfix.profiles`); an opt-in rule
        (``Rule.opt_in``) also needs ``select`` to name it by its full id or name."""
        if getattr(rule, "opt_in", False) and not any(p in (rule.id, rule.name) for p in self.select):
            return False
        profile = getattr(rule, "profile", None)
        if profile is not None and profile != self.profile:
            return False
        replaced = getattr(rule, "replaced_by_profile", None)
        if replaced is not None and replaced == self.profile:
            return False
        return self.selects(rule.id, rule.name)

    def rule_options(self, rule_id: str, rule_name: str) -> dict[str, Any]:
        """Options given for one rule under ``[rules.<id>]`` or ``[rules.<name>]``, plus the value of a
        deprecated global setting that became one of its options (when the rule's table does not set it)."""
        merged: dict[str, Any] = {}
        for key, (rules, option) in DEPRECATED_GLOBALS.items():
            value = getattr(self, key.replace("-", "_"))
            if value is not None and rule_name in rules:
                merged[option] = value
        merged.update(self.rules.get(rule_name, {}))
        merged.update(self.rules.get(rule_id, {}))
        return merged
