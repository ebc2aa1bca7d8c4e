"""Reference tables generated from the code: the rules (registry) and the settings (model).

The README's rules table and configuration reference are these tables, written between
markers by ``scripts/update_readme.py`` and kept in sync by a test.
"""

from __future__ import annotations

import json
import types
import typing
from typing import Any

from pydantic.fields import FieldInfo

__all__ = [
    "rule_options_markdown",
    "rule_options_rows",
    "rules_markdown",
    "rules_rows",
    "settings_markdown",
    "settings_rows",
    "toml_value",
    "type_name",
]


def rules_rows(*, cfn_lint: bool = False) -> list[dict[str, str]]:
    """One row per registered rule: id, name, severity, fix (safe/unsafe/none), summary;
    with ``cfn_lint``, then one per rule of the installed cfn-lint (imports it)."""
    from ..rules import all_rules

    listed: list[Any] = list(all_rules())
    if cfn_lint:
        from ..cfn_lint.findings import cfn_lint_rules

        listed.extend(cfn_lint_rules())
    return [
        {
            "id": r.id,
            "name": r.name,
            "severity": r.severity.value,
            "fix": r.fix_applicability.value,
            "summary": r.summary,
        }
        for r in listed
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_markdown(rows: list[dict[str, str]] | None = None) -> str:
    """The rules (``rows``, default :func:`rules_rows`) as a Markdown table."""
    lines = ["| ID | Name | Severity | Fix | Summary |", "|---|---|---|---|---|"]
    for row in rows if rows is not None else rules_rows():
        lines.append(f"| {row['id']} | `{row['name']}` | {row['severity']} | {row['fix']} | {_cell(row['summary'])} |")
    return "\n".join(lines) + "\n"


def type_name(annotation: Any) -> str:
    """A TOML-flavoured type name: ``string``, ``boolean``, ``array of strings``, ``"a" | "b"`` …"""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return " \\| ".join(json.dumps(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        parts = [type_name(a) for a in args if a is not type(None)]
        optional = any(a is type(None) for a in args)
        return " \\| ".join(parts) + (" (optional)" if optional else "")
    if origin is list:
        return f"array of {type_name(args[0])}s" if args else "array"
    if origin is dict:
        return "table"
    return {str: "string", bool: "boolean", int: "integer", float: "float"}.get(
        annotation, getattr(annotation, "__name__", str(annotation))
    )


def toml_value(value: Any) -> str:
    """A default value as TOML would write it (``false``, ``[]``, ``"x"``; None: unset)."""
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)) and not value:
        return "[]" if isinstance(value, list) else "{}"
    return json.dumps(value)


def _default(field: FieldInfo) -> Any:
    return field.default_factory() if field.default_factory is not None else field.default  # type: ignore[call-arg]


def settings_rows() -> list[dict[str, str]]:
    """One row per setting: key (as written in files), type, default, description."""
    from ..config import Settings

    rows = []
    for name, field in Settings.model_fields.items():
        rows.append(
            {
                "key": field.alias or name,
                "type": type_name(field.annotation),
                "default": toml_value(_default(field)),
                "description": field.description or "",
            }
        )
    return rows


def settings_markdown() -> str:
    """The settings as a Markdown table."""
    lines = ["| Key | Type | Default | Description |", "|---|---|---|---|"]
    for row in settings_rows():
        lines.append(f"| `{row['key']}` | {row['type']} | `{row['default']}` | {_cell(row['description'])} |")
    return "\n".join(lines) + "\n"


def rule_options_rows() -> list[dict[str, str]]:
    """One row per rule option: rule (name), key (as written in ``[rules.<name>]``), type, default, description."""
    from ..rules import all_rules

    rows = []
    for rule in all_rules():
        if rule.options_model is None:
            continue
        for name, field in rule.options_model.model_fields.items():
            gen = rule.options_model.model_config.get("alias_generator")
            key = field.alias or (gen(name) if callable(gen) else name)
            rows.append(
                {
                    "rule": rule.name,
                    "key": key,
                    "type": type_name(field.annotation),
                    "default": toml_value(_default(field)),
                    "description": field.description or "",
                }
            )
    return rows


def rule_options_markdown() -> str:
    """The rules' own options as a Markdown table."""
    lines = ["| Table | Key | Type | Default | Description |", "|---|---|---|---|---|"]
    for row in rule_options_rows():
        lines.append(
            f"| `[rules.{row['rule']}]` | `{row['key']}` | {row['type']} | `{row['default']}` | {_cell(row['description'])} |"
        )
    return "\n".join(lines) + "\n"
