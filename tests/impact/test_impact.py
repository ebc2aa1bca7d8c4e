"""What a fix does to a deployed stack (cfnfix.impact): a table of patches with their expected
impact, every golden fix's impact checked against cfn-lint's own schema files, and the safety
rule (a fix that may destroy a stateful resource's data is never safe)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cfnfix.findings import Applicability, Finding, Fix, Severity
from cfnfix.impact import ResourceChange, impact_of, unsafe_reason, with_impact
from devtools.paths import GOLDEN

BASE: dict[str, Any] = {
    "Parameters": {"Env": {"Type": "String"}, "bad-name": {"Type": "String"}},
    "Mappings": {"Amis": {"us-east-1": {"Id": "ami-1"}}},
    "Resources": {
        "Subnets": {
            "Type": "AWS::RDS::DBSubnetGroup",
            "Properties": {"DBSubnetGroupDescription": "d", "SubnetIds": ["a"]},
        },
        "Params": {
            "Type": "AWS::RDS::DBClusterParameterGroup",
            "Properties": {"Family": "aurora-mysql5.7", "Description": "p", "Parameters": {}},
        },
        "Cluster": {
            "Type": "AWS::RDS::DBCluster",
            "Properties": {
                "Engine": "aurora-mysql",
                "EngineVersion": "5.7.mysql_aurora.2.11.2",
                "DBSubnetGroupName": {"Ref": "Subnets"},
                "DBClusterParameterGroupName": {"Ref": "Params"},
                "DatabaseName": {"Fn::Sub": "${Env}db"},
            },
        },
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Sub": "${Env}-data"}}},
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": {"Ref": "bad-name"}}},
        "Host": {
            "Type": "AWS::EC2::Instance",
            "Properties": {"ImageId": {"Fn::FindInMap": ["Amis", "us-east-1", "Id"]}},
        },
        "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Runtime": "python3.9"}},
        "Batch": {
            "Type": "AWS::Batch::ComputeEnvironment",
            "Properties": {
                "Type": "MANAGED",
                "Tags": {"a": "b"},
                "ComputeResources": {"Subnets": ["s"], "SpotIamFleetRole": "r"},
            },
        },
        "Queue": {"Type": "AWS::SQS::Queue", "DependsOn": ["Bucket"]},
    },
}


def _op(op: str, path: str, value: Any = None, src: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"op": op, "path": path}
    if src is not None:
        out["from"] = src
    if op in ("add", "replace"):
        out["value"] = value
    return out


CASES: list[tuple[str, list[dict[str, Any]], list[tuple[str, ResourceChange]]]] = [
    (
        "create-only property",
        [_op("replace", "/Resources/Params/Properties/Family", "aurora-mysql8.0")],
        [("Cluster", ResourceChange.UPDATED), ("Params", ResourceChange.REPLACED)],
    ),
    (
        "in-place property",
        [_op("replace", "/Resources/Cluster/Properties/EngineVersion", "8.0.mysql_aurora.3.08.2")],
        [("Cluster", ResourceChange.UPDATED)],
    ),
    (
        "conditional create-only",
        [_op("replace", "/Resources/Cluster/Properties/Engine", "aurora-postgresql")],
        [("Cluster", ResourceChange.MAY_BE_REPLACED)],
    ),
    (
        "attribute only",
        [_op("add", "/Resources/Cluster/DeletionPolicy", "Delete")],
        [("Cluster", ResourceChange.UPDATED)],
    ),
    ("type change", [_op("replace", "/Resources/Topic/Type", "AWS::SQS::Queue")], [("Topic", ResourceChange.REPLACED)]),
    ("removal", [_op("remove", "/Resources/Bucket")], [("Bucket", ResourceChange.REMOVED)]),
    ("addition", [_op("add", "/Resources/New", {"Type": "AWS::SNS::Topic"})], [("New", ResourceChange.ADDED)]),
    (
        "replacement propagates through a create-only reference",
        [_op("add", "/Resources/Subnets/Properties/DBSubnetGroupName", "named")],
        [("Subnets", ResourceChange.REPLACED), ("Cluster", ResourceChange.REPLACED)],
    ),
    (
        "valid rename: renamed, dependents replaced unless refactored",
        [
            _op("move", "/Resources/Subnets2", src="/Resources/Subnets"),
            _op("replace", "/Resources/Cluster/Properties/DBSubnetGroupName", {"Ref": "Subnets2"}),
        ],
        [("Subnets2", ResourceChange.RENAMED), ("Cluster", ResourceChange.REPLACED)],
    ),
    (
        "rename of a parameter CloudFormation rejects changes no value",
        [
            _op("move", "/Parameters/BadName", src="/Parameters/bad-name"),
            _op("replace", "/Resources/Topic/Properties/DisplayName", {"Ref": "BadName"}),
        ],
        [],
    ),
    (
        "rename of a mapping keeps FindInMap values",
        [
            _op("move", "/Mappings/AmiIds", src="/Mappings/Amis"),
            _op("replace", "/Resources/Host/Properties/ImageId/Fn::FindInMap/0", "AmiIds"),
        ],
        [],
    ),
    (
        "Sub variable renamed with its parameter",
        [
            _op("move", "/Parameters/Stage", src="/Parameters/Env"),
            _op("replace", "/Resources/Bucket/Properties/BucketName", {"Fn::Sub": "${Stage}-data"}),
            _op("replace", "/Resources/Cluster/Properties/DatabaseName", {"Fn::Sub": "${Stage}db"}),
        ],
        [],
    ),
    (
        "a different Sub value replaces the bucket",
        [_op("replace", "/Resources/Bucket/Properties/BucketName", {"Fn::Sub": "${Env}-data2"})],
        [("Bucket", ResourceChange.REPLACED)],
    ),
    (
        "Fn::Sub without variables is the same value",
        [
            _op("replace", "/Resources/Bucket/Properties/BucketName", {"Fn::Sub": "${Env}-data"}),
            _op("replace", "/Resources/Topic/Properties/DisplayName", {"Fn::Sub": "${!Literal}"}),
        ],
        [("Topic", ResourceChange.UPDATED)],
    ),
    (
        "SAM property passed to the generated function",
        [_op("replace", "/Resources/Fn/Properties/Runtime", "python3.12")],
        [("Fn", ResourceChange.UPDATED)],
    ),
    (
        "SAM property without a schema",
        [_op("add", "/Resources/Fn/Properties/Events", {})],
        [("Fn", ResourceChange.MAY_BE_REPLACED)],
    ),
    (
        "SAM create-only property of the generated function",
        [_op("add", "/Resources/Fn/Properties/FunctionName", "f")],
        [("Fn", ResourceChange.REPLACED)],
    ),
    (
        "nested create-only path",
        [_op("replace", "/Resources/Batch/Properties/ComputeResources/SpotIamFleetRole", "r2")],
        [("Batch", ResourceChange.REPLACED)],
    ),
    (
        "nested in-place beside a create-only path",
        [_op("replace", "/Resources/Batch/Properties/ComputeResources/Subnets", ["t"])],
        [("Batch", ResourceChange.MAY_BE_REPLACED)],
    ),  # ComputeResources/Subnets is conditional create-only
    (
        "an entry moved, then changed at its new place",
        [
            _op("move", "/Resources/Bucket2", src="/Resources/Bucket"),
            _op("add", "/Resources/Bucket2/Properties/Tags", []),
        ],
        [("Bucket2", ResourceChange.RENAMED), ("Queue", ResourceChange.UPDATED)],
    ),  # its DependsOn still names Bucket
    (
        "DependsOn follows a rename",
        [
            _op("move", "/Resources/Bucket2", src="/Resources/Bucket"),
            _op("replace", "/Resources/Queue/DependsOn/0", "Bucket2"),
        ],
        [("Bucket2", ResourceChange.RENAMED)],
    ),
]


@pytest.mark.parametrize("name,patch,expected", CASES, ids=[c[0] for c in CASES])
def test_impact_table(name: str, patch: list[dict[str, Any]], expected: list[tuple[str, ResourceChange]]) -> None:
    before = json.loads(json.dumps(BASE))
    got = impact_of(before, patch)
    assert sorted((r.logical_id, r.change) for r in got) == sorted(expected)
    assert before == BASE, "the input data is never modified"


def test_rename_impact_says_what_a_refactor_changes() -> None:
    patch = [
        _op("move", "/Resources/Subnets2", src="/Resources/Subnets"),
        _op("replace", "/Resources/Cluster/Properties/DBSubnetGroupName", {"Ref": "Subnets2"}),
    ]
    by_id = {r.logical_id: r for r in impact_of(BASE, patch)}
    assert by_id["Subnets2"].renamed_from == "Subnets" and by_id["Subnets2"].refactor_avoids_replacement
    cluster = by_id["Cluster"]
    assert cluster.refactor_avoids_replacement and cluster.properties == ["DBSubnetGroupName"]
    assert cluster.destroys_data and "database storage would be lost" not in cluster.describe()
    assert "no replacement with the refactor mapping" in cluster.describe()


def test_removed_bucket_destroys_data_and_the_reason_names_it() -> None:
    got = impact_of(BASE, [_op("remove", "/Resources/Bucket")])
    assert got[0].destroys_data and got[0].holds == "objects"
    assert unsafe_reason(got) == "on a deployed stack Bucket (AWS::S3::Bucket) removed, losing its objects"


def _finding(applicability: Applicability, patch: list[dict[str, Any]]) -> Finding:
    return Finding(
        rule_id="CFX999",
        rule_name="t",
        severity=Severity.LOW,
        path="/Resources",
        line=1,
        column=1,
        message="m",
        doc_url="https://example.com",
        fix=Fix(applicability=applicability, message="f", patch=patch),
    )


def test_a_safe_fix_that_replaces_a_stateful_resource_becomes_unsafe() -> None:
    out = with_impact(
        _finding(Applicability.SAFE, [_op("replace", "/Resources/Bucket/Properties/BucketName", "x")]), BASE
    )
    assert out.fix is not None and out.fix.applicability is Applicability.UNSAFE
    assert out.fix.unsafe_reason == "on a deployed stack Bucket (AWS::S3::Bucket) replaced, losing its objects"
    kept = with_impact(_finding(Applicability.SAFE, [_op("add", "/Resources/Bucket/DeletionPolicy", "Retain")]), BASE)
    assert kept.fix is not None and kept.fix.applicability is Applicability.SAFE and kept.fix.unsafe_reason is None
    broken = _finding(Applicability.SAFE, [_op("remove", "/Resources/Nope/Properties")])
    assert with_impact(broken, BASE) == broken, "a patch that does not apply is left to the fix loop"


# ----------------------------------------------------------------------------- golden fixes


@cache
def _schema(resource_type: str) -> dict[str, Any] | None:
    root = resources.files("cfnlint") / "data" / "schemas"
    index = json.loads((root / "providers" / "us-east-1.json").read_text(encoding="utf-8"))
    if resource_type not in index:
        return None
    return json.loads((root / "resources" / f"{index[resource_type]}.json").read_text(encoding="utf-8"))


def _golden_fixes() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(GOLDEN.glob("*/*/findings.json")):
        if path.parent.parent.name == "markdown":
            continue  # pointers of templates in Markdown fences (/0/Resources/…): the rules' own cases cover them
        for finding in json.loads(path.read_text(encoding="utf-8")):
            if finding["fix"] and finding["fix"]["patch"]:
                out.append((f"{path.parent.parent.name}/{path.parent.name}:{finding['rule_id']}", finding))
    return out


def test_golden_fixes_cover_every_rule_with_a_fix_and_at_least_30_impacts() -> None:
    fixes = _golden_fixes()
    assert len(fixes) >= 30
    for case, finding in fixes:
        if not finding["fix"]["impact"]:  # only names and non-resource sections change
            paths = [op["path"] for op in finding["fix"]["patch"] if not op["path"].startswith("/Resources/")]
            # CFX101 renames names only; CFX802 removes comment entries, which are no resources; CFX807
            # writes a Sub without variables as the same string
            assert len(paths) == len(finding["fix"]["patch"]) or finding["rule_id"] in ("CFX101", "CFX802", "CFX807"), (
                case
            )
    assert sum(bool(f["fix"]["impact"]) for _, f in fixes) >= 30
    changes = {i["change"] for _, f in fixes for i in f["fix"]["impact"]}
    assert {"updated in place", "added", "renamed", "replaced", "may be replaced"} <= changes


def test_golden_impacts_agree_with_cfn_lint_schemas() -> None:
    """Each replacement names properties that cfn-lint's schema files list as create-only, and
    no in-place update names one; types without a schema are never said to be updated in place."""
    checked = 0
    for case, finding in _golden_fixes():
        for impact in finding["fix"]["impact"]:
            rtype = {"AWS::Serverless::Function": "AWS::Lambda::Function"}.get(
                impact["resource_type"], impact["resource_type"]
            )
            schema = _schema(rtype) if rtype else None
            create_only = {p.removeprefix("/properties/") for p in (schema or {}).get("createOnlyProperties", [])}
            conditional = {
                p.removeprefix("/properties/") for p in (schema or {}).get("conditionalCreateOnlyProperties", [])
            }
            props = set(impact["properties"])
            if (
                impact["change"] == "replaced"
                and "create-only" in impact["cause"]
                and "refers to" not in impact["cause"]
            ):
                assert props and props <= create_only, case
            if (
                impact["change"] == "may be replaced"
                and schema is not None
                and "no resource schema" not in impact["cause"]
            ):
                assert props and props <= conditional, case
            if impact["change"] == "updated in place":
                assert schema is not None or not props, case
                assert not props & create_only, case
            checked += 1
    assert checked >= 30


def test_stateful_table_names_real_types() -> None:
    table = json.loads((resources.files("cfnfix") / "data" / "stateful_types.json").read_text(encoding="utf-8"))
    unknown = [t for t in table["types"] if not t.startswith("AWS::Serverless::") and _schema(t) is None]
    assert unknown == []


# ----------------------------------------------------------------------------- never crashes

_names = st.sampled_from(["Subnets", "Params", "Cluster", "Bucket", "Topic", "Host", "Fn", "Batch", "Queue", "Nope"])
_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5) | st.builds(lambda n: {"Ref": n}, _names),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
_ops = st.one_of(
    st.builds(
        lambda n, k, v: _op("add", f"/Resources/{n}/Properties/{k}", v),
        _names,
        st.text(min_size=1, max_size=6).filter(lambda k: "/" not in k and "~" not in k),
        _values,
    ),
    st.builds(
        lambda n, v: _op("replace", f"/Resources/{n}/Type", v),
        _names,
        st.sampled_from(["AWS::S3::Bucket", "Custom::X", "AWS::Nope::Nope"]),
    ),
    st.builds(lambda n: _op("remove", f"/Resources/{n}"), _names),
    st.builds(lambda a, b: _op("move", f"/Resources/{b}X", src=f"/Resources/{a}"), _names, _names),
    st.builds(lambda n, v: _op("add", f"/Resources/{n}/DependsOn", v), _names, _values),
)


@settings(max_examples=200)
@given(st.lists(_ops, min_size=1, max_size=4))
def test_impact_of_any_applicable_patch_is_computed(patch: list[dict[str, Any]]) -> None:
    import jsonpatch
    import jsonpointer

    try:
        jsonpatch.apply_patch(BASE, patch)
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException, TypeError, KeyError, IndexError):
        return
    got = impact_of(BASE, patch)
    assert len({r.logical_id for r in got}) == len(got)
    assert all(r.describe() for r in got)


def test_an_attribute_that_changes_on_every_update_reaches_what_refers_to_it() -> None:
    # a launch template's data changes: a new version becomes LatestVersionNumber, so an instance
    # launched from that version sees its create-only LaunchTemplate change (replaced), and an
    # Auto Scaling group is updated; one that pins version "1" is not touched
    data = {
        "Resources": {
            "Template": {
                "Type": "AWS::EC2::LaunchTemplate",
                "Properties": {"LaunchTemplateData": {"InstanceType": "t3.micro", "DisableApiTermination": True}},
            },
            "Server": {
                "Type": "AWS::EC2::Instance",
                "Properties": {
                    "LaunchTemplate": {
                        "LaunchTemplateId": {"Ref": "Template"},
                        "Version": {"Fn::GetAtt": ["Template", "LatestVersionNumber"]},
                    }
                },
            },
            "Group": {
                "Type": "AWS::AutoScaling::AutoScalingGroup",
                "Properties": {
                    "MinSize": "1",
                    "MaxSize": "1",
                    "LaunchTemplate": {
                        "LaunchTemplateId": {"Ref": "Template"},
                        "Version": {"Fn::Sub": "${Template.LatestVersionNumber}"},
                    },
                },
            },
            "Pinned": {
                "Type": "AWS::EC2::Instance",
                "Properties": {"LaunchTemplate": {"LaunchTemplateId": {"Ref": "Template"}, "Version": "1"}},
            },
        }
    }
    patch = [
        {
            "op": "replace",
            "path": "/Resources/Template/Properties/LaunchTemplateData/DisableApiTermination",
            "value": False,
        }
    ]
    got = {r.logical_id: (r.change, r.cause) for r in impact_of(data, patch)}
    assert got["Template"][0] is ResourceChange.UPDATED
    assert got["Server"] == (
        ResourceChange.REPLACED,
        "LaunchTemplate refers to Template.LatestVersionNumber, which changes on every update of Template",
    )
    assert got["Group"][0] is ResourceChange.UPDATED
    assert "Pinned" not in got


def _cfx101_cases() -> list[str]:
    """Inputs with invalid logical IDs: CFX101's golden cases and a chain of resources naming each other."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(GOLDEN.glob("invalid-logical-id/*/input.*"))]
    texts.append(
        "Resources:\n  Q-0:\n    Type: AWS::SQS::Queue\n    Properties:\n      RedrivePolicy: {deadLetterTargetArn: !GetAtt Q-1.Arn}\n"
        "  Q-1:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub '${Q-0.QueueName}-x'\n"
        "  Bucket:\n    Type: AWS::S3::Bucket\n    DependsOn: [Q-0, Q-1]\n    Properties:\n      BucketName: !Ref Q-1\n"
    )
    return texts


def test_a_rejected_id_renamed_is_worked_out_as_the_comparison_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shortcut for CFX101's fixes (a rename of an ID CloudFormation rejects, with references
    to it rewritten) gives what the full comparison gives, for every fix it takes; the others go
    through the comparison."""
    from cfnfix import check, fix
    from cfnfix.document import load
    from cfnfix.impact import compute

    taken = combined = 0
    for text in _cfx101_cases():
        data = load(text).data
        for finding in check(text, select=["CFX101"]):
            if finding.fix is None or not finding.fix.patch:
                continue
            ops = compute.parse_ops(finding.fix.patch)
            quick = compute._rejected_id_renamed(data, ops)
            with monkeypatch.context() as m:
                m.setattr(compute, "_rejected_id_renamed", lambda before, ops: None)
                full = impact_of(data, finding.fix.patch)
            if quick is not None:
                taken += 1
                assert quick == full, finding.path
            assert impact_of(data, finding.fix.patch) == full
        result = fix(text, select=["CFX101"])  # the combined patch of a run's renames
        ops = compute.parse_ops(result.patch)
        quick = compute._rejected_id_renamed(data, ops)
        with monkeypatch.context() as m:
            m.setattr(compute, "_rejected_id_renamed", lambda before, ops: None)
            full = impact_of(data, result.patch)
        if quick is not None:
            combined += 1
            assert quick == full
    assert taken >= 5, taken
    assert combined >= 2, combined
