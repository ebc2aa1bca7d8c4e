"""CFX501/CFX502 fixes: lint clean (no new error, no W1001/W1030), the stack still deploys
with no peer given, and a given peer gets a peering connection and its routes."""

from __future__ import annotations

import copy
from typing import Any

import jsonpatch
import pytest

from cfnfix import fix
from cfnfix.document import load
from cfnfix.rules.vpc._optional_peer import NoFix, build
from cfnfix.template.model import Resource
from devtools.golden_cases import Case, discover, run

from .support.peering_helpers import created, new_lint_problems, parameter_values, rules_hold

GROUPS = ("vpc-peering-missing", "vpc-peer-placeholder-id")
CASES = [c for c in discover() if c.root.parent.name in GROUPS]
CHANGED = [c for c in CASES if c.output.read_bytes() != c.input.read_bytes()]
PEERING_FIXES = [c for c in CHANGED if c.root.parent.name == "vpc-peering-missing"]
REAL_PEER = {"vpc": "vpc-0f3c9a8e27d41b65a", "cidr": "10.99.0.0/16"}


def _data(text: str) -> dict[str, Any]:
    return load(text).data  # type: ignore[no-any-return]


def test_cases_exist() -> None:
    assert len(PEERING_FIXES) >= 5
    assert len(CHANGED) - len(PEERING_FIXES) >= 4
    assert len(CASES) - len(CHANGED) >= 15  # report-only cases and near misses


@pytest.mark.parametrize("case", CHANGED, ids=[c.id for c in CHANGED])
def test_fixed_output_has_no_new_error_nor_w1001_w1030(case: Case) -> None:
    text = case.input_text()
    assert new_lint_problems(text, case.output.read_bytes().decode("utf-8")) == set()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_unchanged_cases_have_no_applicable_fix(case: Case) -> None:
    findings, result = run(case)
    if result.changed:
        assert any(f.fixable for f in findings)
    else:
        assert not any(f.fixable for f in findings), "a fix was offered but nothing changed"


@pytest.mark.parametrize("case", PEERING_FIXES, ids=[c.id for c in PEERING_FIXES])
def test_no_peer_given_creates_nothing_new(case: Case) -> None:
    before = _data(case.input_text())
    after = _data(case.output.read_bytes().decode("utf-8"))
    old_resources, old_outputs = created(before)
    new_resources, new_outputs = created(after)
    assert new_resources == old_resources
    assert new_outputs == old_outputs
    assert rules_hold(after, parameter_values(after))


def _peer_values(data: dict[str, Any]) -> dict[str, str]:
    peering = next(b for b in data["Resources"].values() if b.get("Type") == "AWS::EC2::VPCPeeringConnection")
    given = {peering["Properties"]["PeerVpcId"]["Ref"]: REAL_PEER["vpc"]}
    for body in data["Resources"].values():
        if body.get("Type") == "AWS::EC2::Route" and "VpcPeeringConnectionId" in body["Properties"]:
            given[body["Properties"]["DestinationCidrBlock"]["Ref"]] = REAL_PEER["cidr"]
    return given


@pytest.mark.parametrize("case", PEERING_FIXES, ids=[c.id for c in PEERING_FIXES])
def test_a_given_peer_gets_the_connection_and_a_route_per_route_table(case: Case) -> None:
    after = _data(case.output.read_bytes().decode("utf-8"))
    given = _peer_values(after)
    resources, outputs = created(after, given)
    assert rules_hold(after, parameter_values(after, given))
    types = {name: after["Resources"][name]["Type"] for name in resources}
    peerings = [n for n, t in types.items() if t == "AWS::EC2::VPCPeeringConnection"]
    assert len(peerings) == 1
    tables = {n for n, t in types.items() if t == "AWS::EC2::RouteTable"}
    vpc = after["Resources"][peerings[0]]["Properties"]["VpcId"]["Ref"]
    own_tables = {
        t
        for t in tables
        if after["Resources"][t]["Properties"].get("VpcId") in ({"Ref": vpc}, {"Fn::GetAtt": [vpc, "VpcId"]})
    }
    routed = {
        after["Resources"][n]["Properties"]["RouteTableId"]["Ref"]
        for n, t in types.items()
        if t == "AWS::EC2::Route"
        and after["Resources"][n]["Properties"].get("VpcPeeringConnectionId") == {"Ref": peerings[0]}
    }
    assert routed == own_tables
    assert any(after["Outputs"][o].get("Value") == {"Ref": peerings[0]} for o in outputs)


def test_a_peer_without_cidr_breaks_the_rule_not_the_deployment() -> None:
    case = next(c for c in PEERING_FIXES if c.root.name == "text-signal-only")
    after = _data(case.output.read_bytes().decode("utf-8"))
    values = parameter_values(after, {"PeerVpcId": REAL_PEER["vpc"]})
    assert not rules_hold(after, values)


@pytest.mark.parametrize("case", PEERING_FIXES, ids=[c.id for c in PEERING_FIXES])
def test_patch_equals_jsonpatch_on_plain_data(case: Case) -> None:
    _, result = run(case)
    before = _data(case.input_text())
    expected = jsonpatch.apply_patch(copy.deepcopy(before), result.patch)
    assert _data(result.text) == expected


def _template(**sections: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "Parameters": {"PeerVpcId": {"Type": "String", "Default": ""}},
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "Rt": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        },
    }
    for key, value in sections.items():
        base.setdefault(key, {}).update(value)
    return base


def _vpc(data: dict[str, Any]) -> Resource:
    return Resource("Vpc", data["Resources"]["Vpc"])


def test_new_names_avoid_every_section_case_insensitively() -> None:
    data = _template(
        Outputs={"vpcpeeringconnection": {"Value": "x"}, "VpcPeeringConnectionId": {"Value": "y"}},
        Conditions={"PeerVpcCidr": {"Fn::Equals": ["a", "a"]}, "HasPeer": {"Fn::Equals": ["a", "b"]}},
        Mappings={"PeerOwnerId": {"k": {"v": "w"}}},
        Rules={"PeerVpcCidrRequired": {"Assertions": [{"Assert": {"Fn::Equals": ["a", "a"]}}]}},
    )
    result = jsonpatch.apply_patch(data, build(data, _vpc(data)).patch)
    assert "VpcPeeringConnection2" in result["Resources"]
    assert {"PeerVpcCidr2", "PeerOwnerId2"} <= set(result["Parameters"])
    assert {"HasPeer2", "CreatePeerRoute"} <= set(result["Conditions"])
    assert "PeerVpcCidrRequired2" in result["Rules"]
    assert "VpcPeeringConnectionId2" in result["Outputs"]
    names = [
        n.lower()
        for sec in ("Parameters", "Resources", "Outputs", "Conditions", "Mappings", "Rules")
        for n in result[sec]
    ]
    assert len(names) == len(set(names))


def test_output_of_the_fixed_template_with_collisions_lints_clean() -> None:
    import yaml

    data = _template(
        Outputs={"VpcPeeringConnectionId": {"Value": "y"}},
        Conditions={"HasPeer": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}},
    )
    data["Resources"]["Rt"]["Properties"]["Tags"] = [{"Key": "k", "Value": {"Fn::If": ["HasPeer", "a", "b"]}}]
    result = jsonpatch.apply_patch(data, build(data, _vpc(data)).patch)
    assert result["Resources"]["VpcPeeringConnection"]["Condition"] == "HasPeer2"
    assert new_lint_problems(yaml.safe_dump(data), yaml.safe_dump(result)) == set()


def test_existing_parameter_used_unconditionally_keeps_its_required_form() -> None:
    data = _template(
        Parameters={"PeerVpcId": {"Type": "String"}},
        Resources={
            "Zone": {
                "Type": "AWS::Route53::HostedZone",
                "Properties": {
                    "Name": "example.internal",
                    "VPCs": [{"VPCId": {"Ref": "PeerVpcId"}, "VPCRegion": "us-east-1"}],
                },
            }
        },
    )
    result = build(data, _vpc(data))
    assert not any(op["path"].startswith("/Parameters/PeerVpcId/") for op in result.patch)
    assert "PeerVpcId has no default and stays as it is: used unconditionally by Zone" in result.message


def test_quota_of_resources_makes_it_report_only() -> None:
    data = _template()
    for n in range(497):
        data["Resources"][f"Topic{n}"] = {"Type": "AWS::SNS::Topic"}
    with pytest.raises(NoFix, match="quota of 500"):
        build(data, _vpc(data))


def test_malformed_section_makes_it_report_only() -> None:
    data = _template()
    data["Conditions"] = ["not", "a", "mapping"]
    with pytest.raises(NoFix, match="Conditions section is not a mapping"):
        build(data, _vpc(data))


def test_route_tables_sharing_a_condition_share_the_combined_condition() -> None:
    data = _template(
        Parameters={"Az3": {"Type": "String", "Default": "no"}},
        Conditions={"ThirdAz": {"Fn::Equals": [{"Ref": "Az3"}, "yes"]}},
    )
    for name in ("RtC", "RtD"):
        data["Resources"][name] = {
            "Type": "AWS::EC2::RouteTable",
            "Condition": "ThirdAz",
            "Properties": {"VpcId": {"Ref": "Vpc"}},
        }
    result = jsonpatch.apply_patch(data, build(data, _vpc(data)).patch)
    combined = [n for n in result["Conditions"] if n.startswith("CreatePeerRouteIn")]
    assert combined == ["CreatePeerRouteInRtC"]
    assert result["Resources"]["RtDPeerRoute"]["Condition"] == "CreatePeerRouteInRtC"


def test_second_run_on_fixed_seed_like_template_changes_nothing() -> None:
    case = next(c for c in PEERING_FIXES if c.root.name == "fires-yaml")
    settings = case.settings()
    first = fix(case.input_text(), config=settings, unsafe=True)
    assert first.passes == 1
    # CFX501's patch empties the placeholder default too: CFX502's finding is fixed along with it
    assert [f.rule_id for f in first.fixed] == ["CFX501", "CFX502"]
    again = fix(first.text, config=settings, unsafe=True)
    assert again.text == first.text and not again.remaining
