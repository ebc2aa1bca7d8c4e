"""Dependency cycles planted in real templates, then broken: ``python benchmarks/planted_cycles.py [--corpus DIR] [--lint] [--lint-sample N]``.

The shared corpus has no circular dependency, so this script plants one of the two main
shapes at every site of ``../shared/corpus`` where it can exist (with cfnfix's own
``apply_patch``, so the planted text keeps its format), then runs the real fix loop
(``fix`` with unsafe fixes, rule CFX740 only):

================  ========================================================================
security groups   every template with two or more ``AWS::EC2::SecurityGroup``: the first
                  allows TCP 8443 from the second (inline ingress, ``!GetAtt B.GroupId``),
                  the second allows TCP 8443 out to the first (inline egress, ``!Ref A``)
self-reference    every template with exactly one group: it allows all traffic from itself
                  (inline ingress, ``!Ref A``)
role policy       every template with an ``AWS::IAM::Role`` that an ``AWS::Lambda::Function``
                  uses (first such pair): the role's first inline policy (or a new one)
                  allows ``lambda:InvokeFunction`` on ``!GetAtt Function.Arn``
================  ========================================================================

For each shape it prints: templates planted; flagged (CFX740 reports the cycle); broken (the
fixed template has no cycle left); by name (of those, broken by writing a known name
instead of moving rules or statements); same permissions — the set of ingress/egress rules of
every security group and the set of policy statements of every role compared as data, not
text (inline and separate resources together; a group without inline egress rules counts
EC2's default allow-all rule; the 127.0.0.1/32 placeholder counts as no rule; a reference
to a resource with a known name counts as the name or ARN it stands for); a second run
that changes anything; and with ``--lint`` templates whose fixed text has a cfn-lint error
the planted text did not have (``--lint-sample N``: only the first N templates of each
shape). cfn-lint messages that list every resource of the template (``'NetworkVPC' is not
one of [...]`` for a name a ``Rain::Module`` would define) are read without the resources
the fix added: the error was there before, only its list grew.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus_fixes import load_corpus  # noqa: E402
from cfnfix import apply_patch  # noqa: E402
from cfnfix.checking import findings_for  # noqa: E402
from cfnfix.config import Settings  # noqa: E402
from cfnfix.document import Document, load  # noqa: E402
from cfnfix.errors import CfnfixError  # noqa: E402
from cfnfix.fixing import fix_text  # noqa: E402
from cfnfix.rules.cycles._tables import tables  # noqa: E402
from cfnfix.template.model import Resource, getatt_target, ref_target, resources  # noqa: E402
from cfnfix.template.references import sub_variables  # noqa: E402

Planter = Callable[[dict[str, Any]], list[dict[str, Any]]]

#: The measurement: the cycle rule alone, unsafe fixes included.
SETTINGS = Settings(select=["CFX740"], unsafe_fixes=True)

_GROUP = "AWS::EC2::SecurityGroup"


# ---------------------------------------------------------------------------- planting


def _groups(data: Any) -> list[Resource]:
    """Security groups whose rule lists can take one more item (absent, or a literal list)."""
    return [
        r
        for r in resources(data)
        if r.type == _GROUP
        and isinstance(r.body.get("Properties"), dict)
        and all(isinstance(r.props.get(k, []), list) for k in ("SecurityGroupIngress", "SecurityGroupEgress"))
    ]


def _append(res: Resource, key: str, item: dict[str, Any]) -> dict[str, Any]:
    path = f"{res.pointer}/Properties/{key}"
    if key in res.props:
        return {"op": "add", "path": path + "/-", "value": item}
    return {"op": "add", "path": path, "value": [item]}


def plant_groups(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Two groups that allow each other (ingress on the first, egress on the second)."""
    groups = _groups(data)
    if len(groups) < 2:
        return []
    a, b = groups[:2]
    rule = {"IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443}
    return [
        _append(a, "SecurityGroupIngress", {**rule, "SourceSecurityGroupId": {"Fn::GetAtt": [b.id, "GroupId"]}}),
        _append(b, "SecurityGroupEgress", {**rule, "DestinationSecurityGroupId": {"Ref": a.id}}),
    ]


def plant_self(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The only group allows all traffic from itself."""
    groups = _groups(data)
    if len(groups) != 1 or len([r for r in resources(data) if r.type == _GROUP]) != 1:
        return []
    return [
        _append(groups[0], "SecurityGroupIngress", {"IpProtocol": "-1", "SourceSecurityGroupId": {"Ref": groups[0].id}})
    ]


def plant_role(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The role of a Lambda function allows invoking that function."""
    by_id = {r.id: r for r in resources(data)}
    for fn in by_id.values():
        if fn.type != "AWS::Lambda::Function":
            continue
        role_ref = fn.props.get("Role")
        name = ref_target(role_ref) or (getatt_target(role_ref) or (None, None))[0]
        role = by_id.get(name or "")
        if role is None or role.type != "AWS::IAM::Role" or not isinstance(role.body.get("Properties"), dict):
            continue
        statement = {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": {"Fn::GetAtt": [fn.id, "Arn"]}}
        policies = role.props.get("Policies")
        if isinstance(policies, list) and policies and isinstance(policies[0], dict):
            doc = policies[0].get("PolicyDocument")
            if isinstance(doc, dict) and isinstance(doc.get("Statement"), list):
                return [
                    {
                        "op": "add",
                        "path": f"{role.pointer}/Properties/Policies/0/PolicyDocument/Statement/-",
                        "value": statement,
                    }
                ]
        if policies is not None and not isinstance(policies, list):
            continue
        policy = {
            "PolicyName": "planted-invoke-self",
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]},
        }
        return [_append(role, "Policies", policy)]
    return []


PLANTERS: dict[str, Planter] = {
    "security groups": plant_groups,
    "self-reference": plant_self,
    "role policy": plant_role,
}


# ---------------------------------------------------------------------------- permissions as data


def _name_text(data: Any, target: str) -> str | None:
    """How resource ``target``'s known physical name reads inside a ``Fn::Sub`` template, or None."""
    res = data.get("Resources", {}).get(target)
    spec = tables()["known_names"].get(res.get("Type")) if isinstance(res, dict) else None
    props = res.get("Properties") if isinstance(res, dict) else None
    if spec is None or not isinstance(props, dict):
        return None
    value = props.get(spec["property"])
    if isinstance(value, str):
        return value.replace("${", "${!")
    if isinstance(value, dict) and list(value) == ["Ref"] and isinstance(value["Ref"], str):
        return "${" + value["Ref"] + "}"
    if isinstance(value, dict) and list(value) == ["Fn::Sub"] and isinstance(value["Fn::Sub"], str):
        return value["Fn::Sub"]
    return None


def _reference_text(data: Any, target: str, attribute: str | None) -> str:
    """``${X}`` / ``${X.A}``, or the name/ARN text it stands for when X's name is known."""
    res = data.get("Resources", {}).get(target)
    spec = tables()["known_names"].get(res.get("Type")) if isinstance(res, dict) else None
    name = _name_text(data, target)
    template = None
    if spec is not None and name is not None:
        template = spec.get("ref") if attribute is None else spec.get("attributes", {}).get(attribute)
    if template is not None:
        return template.replace("{name}", name)
    if res is not None and res.get("Type") == _GROUP and attribute in (None, "GroupId"):
        return "${" + target + ".GroupId}"  # Ref of a VPC group is its ID
    return "${" + target + ("." + attribute if attribute else "") + "}"


def canonical(value: Any, data: Any) -> Any:
    """``value`` with every scalar-like expression as one ``Fn::Sub``-style text (see module doc)."""
    if isinstance(value, (str, int, float, bool)) and not isinstance(value, str):
        return str(value).lower() if isinstance(value, bool) else str(value)
    if isinstance(value, str):
        return value.replace("${", "${!")
    if isinstance(value, list):
        return [canonical(v, data) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((fn, arg),) = value.items()
        if fn == "Ref" and isinstance(arg, str):
            return _reference_text(data, arg, None) if arg in data.get("Resources", {}) else "${" + arg + "}"
        target = getatt_target(value)
        if target is not None:
            return _reference_text(data, target[0], target[1])
        if fn == "Fn::Sub" and isinstance(arg, str):
            out, last = [], 0
            for var, start in sub_variables(arg):
                open_ = arg.rfind("${", 0, start)
                close = arg.index("}", start) + 1
                head, _, attr = var.partition(".")
                out.append(arg[last:open_])
                out.append(
                    _reference_text(data, head, attr or None) if head in data.get("Resources", {}) else "${" + var + "}"
                )
                last = close
            return "".join(out) + arg[last:]
    return {k: canonical(v, data) for k, v in value.items()}


def _key(value: Any, data: Any) -> str:
    return json.dumps(canonical(value, data), sort_keys=True)


_ALLOW_ALL = "(EC2 default: all traffic out)"


def security_rules(data: Any) -> set[tuple[str, str, str]]:
    """(group, ingress|egress, rule) for every rule of every group, inline or separate."""
    placeholder = json.dumps(
        canonical(dict(tables()["security_group_rules"]["SecurityGroupEgress"]["placeholder"]), data), sort_keys=True
    )
    rules: set[tuple[str, str, str]] = set()
    for res in resources(data):
        if res.type == _GROUP:
            for key, way in (("SecurityGroupIngress", "ingress"), ("SecurityGroupEgress", "egress")):
                items = res.props.get(key)
                items = items if isinstance(items, list) else ([] if items is None else [items])
                for item in items:
                    text = _key(item, data)
                    if not (way == "egress" and text == placeholder):
                        rules.add((res.id, way, text))
                if way == "egress" and not items:
                    rules.add((res.id, way, _ALLOW_ALL))
        elif res.type in ("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"):
            group = canonical(res.props.get("GroupId"), data)
            item = {k: v for k, v in res.props.items() if k not in ("GroupId", "GroupName")}
            rules.add(
                (
                    str(group).removeprefix("${").removesuffix(".GroupId}"),
                    "ingress" if res.type.endswith("Ingress") else "egress",
                    _key(item, data),
                )
            )
    return rules


def _statements(document: Any) -> list[Any]:
    statements = document.get("Statement") if isinstance(document, dict) else None
    return statements if isinstance(statements, list) else [statements] if statements is not None else []


def policy_statements(data: Any) -> set[tuple[str, str]]:
    """(role, statement) for every statement of every role's inline policies and attached AWS::IAM::Policy."""
    found: set[tuple[str, str]] = set()
    for res in resources(data):
        if res.type == "AWS::IAM::Role":
            policies = res.props.get("Policies")
            for policy in policies if isinstance(policies, list) else []:
                if isinstance(policy, dict):
                    found.update((res.id, _key(s, data)) for s in _statements(policy.get("PolicyDocument")))
        elif res.type == "AWS::IAM::Policy":
            roles = res.props.get("Roles")
            for role in roles if isinstance(roles, list) else []:
                name = ref_target(role)
                if name is not None:
                    found.update((name, _key(s, data)) for s in _statements(res.props.get("PolicyDocument")))
    return found


def permissions(data: Any) -> tuple[set[Any], set[Any]]:
    """What the template allows, as sets (see :func:`security_rules`, :func:`policy_statements`)."""
    return security_rules(data), policy_statements(data)


# ---------------------------------------------------------------------------- the run


def run_shape(
    shape: str, docs: list[Document], *, lint: bool, lint_sample: int | None = None
) -> tuple[collections.Counter[str], list[str]]:
    """Plant ``shape`` wherever it can exist and fix it: counts and problems."""
    plant = PLANTERS[shape]
    row: collections.Counter[str] = collections.Counter()
    problems: list[str] = []
    for doc in docs:
        ops = plant(doc.data)
        if not ops:
            continue
        try:
            text = apply_patch(doc.text, ops, file=doc.file)
        except CfnfixError as exc:
            problems.append(f"{doc.file}: planting failed: {exc}")
            continue
        row["planted"] += 1
        planted = load(text, doc.file)
        flagged = [f for f in findings_for(planted, SETTINGS) if f.rule_id == "CFX740"]
        if flagged:
            row["flagged"] += 1
            row["by name"] += any(f.fix is not None and "instead of referencing" in f.fix.message for f in flagged)
        result = fix_text(text, doc.file, SETTINGS)
        row["dropped"] += len(result.failed)
        if any(f.rule_id == "CFX740" for f in result.remaining):
            problems.append(f"{doc.file}: a cycle is left after the fix")
            continue
        row["broken"] += 1
        fixed = load(result.text, doc.file)
        if permissions(planted.data) == permissions(fixed.data):
            row["same permissions"] += 1
        else:
            problems.append(f"{doc.file}: the fixed template allows something else")
        if fix_text(result.text, doc.file, SETTINGS).text != result.text:
            row["second run changed"] += 1
            problems.append(f"{doc.file}: a second run changed the text")
        if lint and (lint_sample is None or row["linted"] < lint_sample):
            row["linted"] += 1
            added = set(fixed.data["Resources"]) - set(planted.data["Resources"])
            new = new_lint_errors(text, result.text, added)
            if new:
                row["new lint errors"] += 1
                problems.append(f"{doc.file}: new cfn-lint errors {sorted(new)}")
    return row, problems


def new_lint_errors(before: str, after: str, added: set[str]) -> set[tuple[str, str]]:
    """cfn-lint errors of ``after`` that ``before`` did not have, reading messages that list every
    resource (``'X' is not one of [...]``, for a name that was already wrong) without the
    resources the fix added."""
    from devtools.lint_oracle import lint_errors

    def without_added(errors: set[tuple[str, str]]) -> set[tuple[str, str]]:
        out = set()
        for rule, message in errors:
            for name in added:
                message = message.replace(f", '{name}'", "").replace(f"'{name}', ", "")
            out.add((rule, message))
        return out

    errors = lint_errors(after)
    return without_added(errors) - lint_errors(before) if errors else set()


COLUMNS = ("planted", "flagged", "broken", "by name", "same permissions", "second run changed", "dropped")


def main(argv: list[str] | None = None) -> int:
    """Plant, fix and print a markdown table (one row per shape), then any problem."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--lint", action="store_true", help="also lint every fixed template with cfn-lint")
    parser.add_argument("--lint-sample", type=int, default=None, help="lint only the first N templates of each shape")
    args = parser.parse_args(argv)
    docs = load_corpus(args.corpus)
    columns = COLUMNS + (("linted", "new lint errors") if args.lint else ())
    print("| shape | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    all_problems: list[str] = []
    for shape in PLANTERS:
        row, problems = run_shape(shape, docs, lint=args.lint, lint_sample=args.lint_sample)
        print(f"| {shape} | " + " | ".join(str(row[c]) for c in columns) + " |")
        all_problems += problems
    for problem in all_problems:
        print("  " + problem)
    return 1 if all_problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
