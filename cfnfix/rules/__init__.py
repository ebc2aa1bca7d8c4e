"""Rule registry: every :class:`Rule` subclass defined in a module of this package or of one
of its sub-packages (rule families such as ``rules/rds/``).

Adding a rule means adding one module here or in a family (plus its golden cases); nothing
else to edit. Modules and packages whose name starts with ``_`` hold helpers, not rules.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import re
from functools import lru_cache

from .base import Rule, RuleContext, Tag

__all__ = [
    "Rule",
    "RuleContext",
    "Tag",
    "all_rules",
    "get_rule",
    "repairs_text",
    "rule_tags",
    "looks_like_name",
    "selector_problem",
    "text_repair_rules",
]

#: A cfn-lint rule id or id prefix (``E``, ``W3``, ``E3002``): what ``--cfn-lint`` reports.
_CFN_LINT_SELECTOR = re.compile(r"[EWI]\d{0,4}\Z")
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+\Z")


def looks_like_name(token: str) -> bool:
    """True for a kebab-case rule name (``unused-condition``): cfn-lint's rules have such names
    too when it runs (``availability-zone-properties-should-not-be-hardcoded``)."""
    return _NAME.match(token) is not None


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


def selector_problem(token: str) -> str | None:
    """Why ``token`` selects no rule, with the closest known ids and names (None when it is a
    rule id, an id prefix, a rule name, or a cfn-lint id or prefix such as ``E3002`` or ``W``).

    ``select`` and ``ignore`` take ids and id prefixes as written (``CFX1``; case matters) and
    names; a token that matches nothing would turn a check off without a word, so it is an error.
    """
    rules = all_rules()
    if token and (any(r.id.startswith(token) for r in rules) or any(r.name == token for r in rules)):
        return None
    if _CFN_LINT_SELECTOR.match(token):
        return None
    if not token:
        return "an empty rule selector"
    known = [r.id for r in rules] + [r.name for r in rules]
    prefixes = sorted({r.id[:n] for r in rules for n in range(3, len(r.id))})
    closest = [k for k in (token.upper(), token.lower()) if k != token and k in {*known, *prefixes}]
    near = difflib.get_close_matches(token, known, n=6, cutoff=0.6)
    near.sort(key=lambda k: -len(_common_prefix(k.lower(), token.lower())))  # stable: difflib's order next
    closest += near
    shown = []
    for key in dict.fromkeys(closest):
        rule = get_rule(key)
        shown.append(f"{rule.id} ({rule.name})" if rule is not None else key)
    hint = f"; the closest: {', '.join(shown[:3])}" if shown else ""
    return f"unknown rule id, prefix or name {token!r} (see `cfnfix rules`){hint}"


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]
