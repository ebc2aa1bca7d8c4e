"""Rule registry: every :class:`Rule` subclass defined in a module of this package or of one
of its sub-packages (rule families such as ``rules/rds/``).

Adding a rule means adding one module here or in a family (plus its golden cases); nothing
else to edit. Modules and packages whose name starts with ``_`` hold helpers, not rules.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from .base import Rule, RuleContext, Tag

__all__ = ["Rule", "RuleContext", "Tag", "all_rules", "get_rule", "repairs_text", "rule_tags", "text_repair_rules"]


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    """One instance of every registered rule, ordered by id."""
    for info in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
        leaf = info.name.rsplit(".", 1)[-1]
        if not leaf.startswith("_") and info.name != f"{__name__}.base":
            importlib.import_module(info.name)
    found: dict[str, Rule] = {}
    stack = list(Rule.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if (
            cls.__module__.startswith(__name__ + ".")
            and getattr(cls, "id", None)
            and not getattr(cls, "__abstractmethods__", None)
        ):
            if cls.id in found and type(found[cls.id]) is not cls:
                raise RuntimeError(f"duplicate rule id {cls.id}")
            found[cls.id] = cls()
    return tuple(sorted(found.values(), key=lambda r: r.id))


@lru_cache(maxsize=1)
def _index(rules: tuple[Rule, ...]) -> tuple[dict[str, Rule], dict[str, Rule]]:
    """(lower-cased id → rule, name → rule) of a registry (rebuilt when the registry is)."""
    return {r.id.lower(): r for r in rules}, {r.name: r for r in rules}


def get_rule(key: str) -> Rule | None:
    """The rule with this id or name (case-insensitive id), or None."""
    by_id, by_name = _index(all_rules())
    return by_id.get(key.lower()) or by_name.get(key)


def rule_tags(rule_id: str) -> frozenset[Tag]:
    """The :attr:`Rule.tags` of the rule with this id (none for an id that is not a rule's: cfn-lint's)."""
    rule = get_rule(rule_id)
    return rule.tags if rule is not None else frozenset()


def repairs_text(rule_id: str) -> bool:
    """True when the rule with this id repairs the text before parsing (:attr:`Rule.repairs_text`)."""
    rule = get_rule(rule_id)
    return rule is not None and rule.repairs_text


def text_repair_rules() -> tuple[Rule, ...]:
    """The rules whose fix repairs the text before parsing (:attr:`Rule.repairs_text`)."""
    return tuple(r for r in all_rules() if r.repairs_text)
