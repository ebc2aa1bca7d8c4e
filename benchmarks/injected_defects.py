"""Defects injected into real templates, then fixed: ``python benchmarks/injected_defects.py [--corpus DIR] [--lint]``.

The public corpus is mostly clean, so most rules never fire on it. This script plants one
kind of defect at every site of ``../shared/corpus`` where it can exist, with cfnfix's own
``apply_patch`` (so the injected text keeps its format), and then runs the real fix loop
(``fix`` with unsafe fixes, CFX601 judged on 2026-11-28):

=========  ==============================================================================
CFX201     every ``AWS::RDS::DBCluster`` and standalone ``AWS::RDS::DBInstance``:
           ``DeletionProtection: false``, no ``DeletionPolicy``/``UpdateReplacePolicy``
           (Neptune and DocumentDB clusters default to ``Delete``: not a defect)
CFX301     every ``AWS::RDS::DBCluster``: ``Engine: aurora-mysql``, ``EngineVersion:
           5.7.mysql_aurora.2.11.2`` (its member instances' ``Engine`` follows)
CFX601     every Lambda function with a Python or Node.js ``Runtime``: ``python3.7`` /
           ``nodejs14.x``
CFX401     every inline Python ``ZipFile``/``InlineCode``: ``import pymysql`` prepended
CFX501     every template with exactly one ``AWS::EC2::VPC``: a ``PeerVpcId`` parameter (a
           design that asks for peering), so the optional-peer fix must fit the template's
           own route tables
CFX502     the same parameter with a placeholder default, ``vpc-xxxxxxxx``
=========  ==============================================================================

For each kind it prints how many templates were injected, how many the expected rule then
flags, how many of those findings come without a fix (the rule explains why: inline
Node.js code on the AWS SDK v2 cannot simply move to a newer runtime), how many the fix changes, fixes dropped, templates where the rule still fires
after the fix, second runs that change anything, and with ``--lint`` templates whose fixed
text has a cfn-lint error that the injected text did not have.
"""

from __future__ import annotations

import argparse
import collections
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus_fixes import TODAY, load_corpus  # noqa: E402
from cfnfix import apply_patch  # noqa: E402
from cfnfix.checking import findings_for  # noqa: E402
from cfnfix.config import Settings  # noqa: E402
from cfnfix.document import Document, load  # noqa: E402
from cfnfix.document.pointer import escape_token  # noqa: E402
from cfnfix.errors import CfnfixError  # noqa: E402
from cfnfix.findings import Applicability  # noqa: E402
from cfnfix.fixing import fix_text  # noqa: E402
from cfnfix.template.model import Resource, ref_target, resources  # noqa: E402

Injector = Callable[[dict[str, Any]], list[dict[str, Any]]]

_DB_TYPES = ("AWS::RDS::DBCluster", "AWS::RDS::DBInstance")
_FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")

#: How the measurement judges: all rules, unsafe fixes included, CFX601 on a fixed date.
SETTINGS = Settings(unsafe_fixes=True, rules={"CFX601": {"today": TODAY}})


def _with_properties(data: Any) -> list[Resource]:
    """Resources whose ``Properties`` is a mapping (where a property can be set)."""
    return [res for res in resources(data) if isinstance(res.body.get("Properties"), dict)]


def _set(res: Resource, key: str, value: Any) -> dict[str, Any]:
    """Set property ``key`` of ``res`` (replace or add)."""
    return {
        "op": "replace" if key in res.props else "add",
        "path": f"{res.pointer}/Properties/{escape_token(key)}",
        "value": value,
    }


def rds_deletion(data: dict[str, Any]) -> list[dict[str, Any]]:
    """DeletionProtection false and no deletion policies on every database resource."""
    ops: list[dict[str, Any]] = []
    for res in _with_properties(data):
        if res.type not in _DB_TYPES:
            continue
        if res.type.endswith("DBInstance") and "DBClusterIdentifier" in res.props:
            continue  # a cluster member: the cluster's policy is what counts
        ops.append(_set(res, "DeletionProtection", False))
        ops += [
            {"op": "remove", "path": f"{res.pointer}/{k}"}
            for k in ("DeletionPolicy", "UpdateReplacePolicy")
            if k in res.body
        ]
    return ops


def aurora_57(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Aurora MySQL 5.7 on every RDS cluster, its member instances following."""
    ops: list[dict[str, Any]] = []
    candidates = _with_properties(data)
    clusters = {res.id for res in candidates if res.type == "AWS::RDS::DBCluster"}
    for res in candidates:
        if res.id in clusters:
            ops.append(_set(res, "Engine", "aurora-mysql"))
            ops.append(_set(res, "EngineVersion", "5.7.mysql_aurora.2.11.2"))
        elif res.type == "AWS::RDS::DBInstance" and ref_target(res.props.get("DBClusterIdentifier")) in clusters:
            ops.append(_set(res, "Engine", "aurora-mysql"))
    return ops


def old_runtime(data: dict[str, Any]) -> list[dict[str, Any]]:
    """A deprecated runtime on every Python or Node.js Lambda function."""
    ops = []
    for res in _with_properties(data):
        runtime = res.props.get("Runtime")
        if res.type in _FUNCTION_TYPES and isinstance(runtime, str) and runtime.startswith(("python", "nodejs")):
            ops.append(_set(res, "Runtime", "python3.7" if runtime.startswith("python") else "nodejs14.x"))
    return ops


def missing_dependency(data: dict[str, Any]) -> list[dict[str, Any]]:
    """``import pymysql`` at the top of every inline Python function."""
    ops = []
    for res in _with_properties(data):
        if not str(res.props.get("Runtime", "")).startswith("python"):
            continue
        code, ptr = None, None
        if res.type == "AWS::Lambda::Function" and isinstance(res.props.get("Code"), dict):
            code, ptr = res.props["Code"].get("ZipFile"), f"{res.pointer}/Properties/Code/ZipFile"
        elif res.type == "AWS::Serverless::Function":
            code, ptr = res.props.get("InlineCode"), f"{res.pointer}/Properties/InlineCode"
        if isinstance(code, str):
            ops.append({"op": "replace", "path": ptr, "value": "import pymysql\n" + code})
    return ops


def peer_parameter(data: dict[str, Any]) -> list[dict[str, Any]]:
    """A ``PeerVpcId`` parameter in a template with exactly one VPC and no peering connection."""
    types = [res.type for res in resources(data)]
    if types.count("AWS::EC2::VPC") != 1 or "AWS::EC2::VPCPeeringConnection" in types:
        return []
    params = data.get("Parameters")
    if isinstance(params, dict) and "PeerVpcId" in params:
        return []
    ops: list[dict[str, Any]] = [] if isinstance(params, dict) else [{"op": "add", "path": "/Parameters", "value": {}}]
    return ops + [
        {"op": "add", "path": "/Parameters/PeerVpcId", "value": {"Type": "String", "Description": "VPC to peer with"}}
    ]


def placeholder_peer(data: dict[str, Any]) -> list[dict[str, Any]]:
    """:func:`peer_parameter` with the placeholder default ``vpc-xxxxxxxx``."""
    ops = peer_parameter(data)
    if ops:
        ops[-1]["value"] = {**ops[-1]["value"], "Default": "vpc-xxxxxxxx"}
    return ops


INJECTIONS: dict[str, Injector] = {
    "CFX201": rds_deletion,
    "CFX301": aurora_57,
    "CFX601": old_runtime,
    "CFX401": missing_dependency,
    "CFX501": peer_parameter,
    "CFX502": placeholder_peer,
}


def run_kind(
    rule_id: str, docs: list[Document], settings: Settings, *, lint: bool
) -> tuple[collections.Counter[str], list[str]]:
    """Inject ``rule_id``'s defect into every document where it can exist and fix it: counts and problems."""
    inject = INJECTIONS[rule_id]
    row: collections.Counter[str] = collections.Counter()
    problems: list[str] = []
    for doc in docs:
        ops = inject(doc.data)
        if not ops:
            continue
        try:
            text = apply_patch(doc.text, ops, file=doc.file)
        except CfnfixError as exc:
            problems.append(f"{doc.file}: injection failed: {exc}")
            continue
        row["injected"] += 1
        flagged = [f for f in findings_for(load(text, doc.file), settings) if f.rule_id == rule_id]
        if flagged:
            row["flagged"] += 1
            row["without a fix"] += any(f.fix is None for f in flagged)
        result = fix_text(text, doc.file, settings)
        row["dropped"] += len(result.failed)
        for finding in result.fixed:
            assert finding.fix is not None
            if finding.fix.applicability is Applicability.SAFE and any(i.destroys_data for i in finding.fix.impact):
                row["safe but destroys data"] += 1
                problems.append(f"{doc.file}: safe fix of {finding.rule_id} replaces or removes a stateful resource")
        if not result.changed or (flagged and all(f.fix is None for f in flagged)):
            continue  # nothing of this rule to apply (other rules' fixes may still change the template)
        row["fixed"] += 1
        if any(f.rule_id == rule_id for f in result.remaining):
            row["still flagged"] += 1
            problems.append(f"{doc.file}: {rule_id} still fires after the fix")
        if fix_text(result.text, doc.file, settings).text != result.text:
            row["second run changed"] += 1
            problems.append(f"{doc.file}: a second run changed the text")
        if lint:
            from cfnfix.cfn_lint.verify import renames
            from devtools.lint_oracle import new_lint_errors

            new = new_lint_errors(text, result.text, renamed=renames(result.patch))
            if new:
                row["new lint errors"] += 1
                problems.append(f"{doc.file}: new cfn-lint errors {sorted(new)}")
    return row, problems


def main(argv: list[str] | None = None) -> int:
    """Inject, fix and print one line per defect kind."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--lint", action="store_true", help="also lint every fixed template with cfn-lint")
    args = parser.parse_args(argv)
    docs = load_corpus(args.corpus)
    bad = 0
    for rule_id in INJECTIONS:
        row, problems = run_kind(rule_id, docs, SETTINGS, lint=args.lint)
        keys = ("injected", "flagged", "without a fix", "fixed", "dropped", "still flagged", "second run changed")
        cells = ", ".join(f"{k} {row[k]}" for k in keys + (("new lint errors",) if args.lint else ()))
        print(f"{rule_id}: {cells}")
        for problem in problems:
            print("  " + problem)
        bad += len(problems)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
