"""Test helpers for the VPC peering rules: a cfn-lint oracle that also counts the warnings
the optional-peer pattern must not cause, and a small evaluator of Conditions and Rules
that tells which resources a stack would create for given parameter values."""

from __future__ import annotations

from typing import Any

from cfnlint.api import ManualArgs, lint

#: Warnings a conditional peering gets wrong: a Ref to a resource that may not exist
#: (W1001), and an empty default checked as a CIDR (W1030).
WATCHED_WARNINGS = ("W1001", "W1030")

PSEUDO = {"AWS::Region": "us-east-1", "AWS::AccountId": "111122223333", "AWS::StackName": "stack"}


def lint_problems(text: str) -> set[tuple[str, str]]:
    """(rule id, message) of every cfn-lint error and every W1001/W1030, us-east-1."""
    return {
        (m.rule.id, m.message)
        for m in lint(text, config=ManualArgs(regions=["us-east-1"]))
        if m.rule.id.startswith("E") or m.rule.id in WATCHED_WARNINGS
    }


def new_lint_problems(before: str, after: str) -> set[tuple[str, str]]:
    """Errors and W1001/W1030 warnings that ``after`` has and ``before`` did not."""
    return lint_problems(after) - lint_problems(before)


def parameter_values(data: dict[str, Any], given: dict[str, str] | None = None) -> dict[str, Any]:
    """Each parameter's value: ``given``, else its Default, else a dummy string."""
    values: dict[str, Any] = {}
    for name, body in (data.get("Parameters") or {}).items():
        values[name] = body.get("Default", f"dummy-{name}") if isinstance(body, dict) else None
    values.update(given or {})
    return values


def evaluate(expr: Any, values: dict[str, Any], conditions: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """Value of a condition expression (Equals, Not, And, Or, Condition, Ref, literals)."""
    if isinstance(expr, dict) and len(expr) == 1:
        ((key, arg),) = expr.items()
        if key == "Ref":
            return PSEUDO.get(arg, values.get(arg))
        if key == "Condition":
            assert arg not in seen, f"condition cycle at {arg}"
            return evaluate(conditions[arg], values, conditions, (*seen, arg))
        if key == "Fn::Equals":
            left, right = (evaluate(a, values, conditions, seen) for a in arg)
            return str(left) == str(right)
        if key == "Fn::Not":
            return not evaluate(arg[0], values, conditions, seen)
        if key == "Fn::And":
            return all(evaluate(a, values, conditions, seen) for a in arg)
        if key == "Fn::Or":
            return any(evaluate(a, values, conditions, seen) for a in arg)
        raise AssertionError(f"cannot evaluate {key}")
    return expr


def conditions_of(data: dict[str, Any], values: dict[str, Any]) -> dict[str, bool]:
    """Every condition's truth value for the given parameter values."""
    conditions = data.get("Conditions") or {}
    return {name: bool(evaluate({"Condition": name}, values, conditions)) for name in conditions}


def rules_hold(data: dict[str, Any], values: dict[str, Any]) -> bool:
    """True when every applicable Rules assertion holds."""
    for rule in (data.get("Rules") or {}).values():
        if "RuleCondition" in rule and not evaluate(rule["RuleCondition"], values, {}):
            continue
        if not all(evaluate(a["Assert"], values, {}) for a in rule["Assertions"]):
            return False
    return True


def created(data: dict[str, Any], given: dict[str, str] | None = None) -> tuple[set[str], set[str]]:
    """(resources, outputs) a stack creates with these parameter values."""
    values = parameter_values(data, given)
    truth = conditions_of(data, values)

    def kept(section: str) -> set[str]:
        return {
            name
            for name, body in (data.get(section) or {}).items()
            if isinstance(body, dict) and truth.get(body.get("Condition", ""), True)
        }

    return kept("Resources"), kept("Outputs")
