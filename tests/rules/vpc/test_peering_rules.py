"""CFX501/CFX502 building blocks: peer parameter roles, text signals, placeholder IDs,
optional parameters, names; and which guard keeps each near miss quiet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cfnfix.api import check
from cfnfix.config import Settings
from cfnfix.config_files import load_config_file
from cfnfix.document import load
from cfnfix.errors import ConfigError
from cfnfix.rules import get_rule
from cfnfix.rules.vpc._optional_params import accepts_empty, optional_ops, optional_pattern, unconditional_uses
from cfnfix.rules.vpc._peering import PeerRole, connectivity, peer_role, text_signals
from cfnfix.rules.vpc._placeholders import account_placeholder, id_placeholder
from cfnfix.template.model import parameter_uses
from devtools.golden_cases import GOLDEN

SELECT = ["CFX501", "CFX502"]


@pytest.mark.parametrize(
    ("name", "ptype", "role"),
    [
        ("PeerVpcId", "String", PeerRole.VPC_ID),
        ("PeerVPCID", "String", PeerRole.VPC_ID),
        ("PeerVpc", "AWS::EC2::VPC::Id", PeerRole.VPC_ID),
        ("PeeredVpcCidr", "String", PeerRole.CIDR),
        ("PeerCidr", "String", PeerRole.CIDR),
        ("PeerOwnerIds", "String", PeerRole.OWNER),
        ("PeerAccountId", "String", PeerRole.OWNER),
        ("PeerRegion", "String", PeerRole.REGION),
        ("PeerRoleARN", "String", PeerRole.ROLE_ARN),
        ("VPCPeeringConnectionId", "String", PeerRole.CONNECTION),
        ("PcxId", "String", PeerRole.CONNECTION),
        ("PeerName", "String", None),
        ("BgpPeerAsn", "Number", None),
        ("PeerIpAddress", "String", None),
        ("TunnelPeerCidr", "String", None),
        ("VpcId", "AWS::EC2::VPC::Id", None),
        ("RemoteCidr", "String", None),
    ],
)
def test_peer_role(name: str, ptype: str, role: PeerRole | None) -> None:
    assert peer_role(name, {"Type": ptype}) is role


@pytest.mark.parametrize(
    "text",
    [
        "Creates a VPC peering connection",
        "Two VPCs and the vpc-peering between them",
        "routes through the peering connection",
        "CIDR of the peer VPC",
        "the peered VPCs",
        "This VPC is peered with the hub",
        "VPCs peer with each other",
    ],
)
def test_text_signal(text: str) -> None:
    assert text_signals({"Description": text})


@pytest.mark.parametrize(
    "text",
    [
        "Site-to-site VPN; the router is the BGP peer",
        "Peer review required before deploying",
        "peer-to-peer file sharing",
        "In cases of above VPC just peers with another SAP residing VPC",
        "Peering",
    ],
)
def test_no_text_signal(text: str) -> None:
    assert text_signals({"Description": text}) == []


def test_text_signals_places() -> None:
    data: dict[str, Any] = {
        "Metadata": {"Notes": ["first", "VPC peering to the hub"]},
        "Parameters": {"P": {"Type": "String", "Description": "peer VPC"}},
        "Outputs": {"O": {"Value": "x", "Description": "peering connection id"}},
        "Resources": {
            "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "from the peer VPC"}}
        },
    }
    found = [(s.pointer, s.what) for s in text_signals(data)]
    assert found == [
        ("/Metadata/Notes/1", "Metadata mentions 'VPC peering'"),
        ("/Parameters/P/Description", "the description of parameter P mentions 'peer VPC'"),
        ("/Outputs/O/Description", "the description of output O mentions 'peering connection'"),
        ("/Resources/Sg/Properties/GroupDescription", "GroupDescription of Sg mentions 'peer VPC'"),
    ]


@pytest.mark.parametrize(
    "value",
    [
        "vpc-xxxxxx",
        "vpc-XXXXXXXX",
        "vpc-00000000",
        "vpc-12345678",
        "vpc-0123456789abcdef0",
        "vpc-1a2b3c4d",
        "vpc-<peer>",
        "vpc-",
        "vpc-abc",
        "VPC-0f3c9a8e",
        "pcx-xxxx",
        "pcx-111aaa22",
        "pcx-ffffffff",
    ],
)
def test_id_placeholder(value: str) -> None:
    assert id_placeholder(value) is not None


@pytest.mark.parametrize(
    "value",
    [
        "vpc-0f3c9a8e27d41b65a",
        "vpc-8c1e5b2f",
        "pcx-06d2b4c7a1e3f5908",
        "vpc-flow-logs.amazonaws.com",
        "subnet-xxxx",
        "",
    ],
)
def test_not_id_placeholder(value: str) -> None:
    assert id_placeholder(value) is None


@pytest.mark.parametrize(
    ("value", "placeholder"),
    [
        ("123456789012", True),
        ("000000000000", True),
        ("111122223333", True),
        ("xxxxxxxxxxxx", True),
        ("<account-id>", True),
        ("284619370052", False),
        ("", False),
        ("self", False),
    ],
)
def test_account_placeholder(value: str, placeholder: bool) -> None:
    assert (account_placeholder(value) is not None) is placeholder


@pytest.mark.parametrize(
    ("pattern", "widened"),
    [
        ("^vpc-[0-9a-f]+$", "^(?:vpc-[0-9a-f]+)?$"),
        ("vpc-[0-9a-f]+", "^(?:vpc-[0-9a-f]+)?$"),
        ("^a|b$", "^(?:a|b)?$"),
        ("^price\\$", "^(?:price\\$)?$"),
    ],
)
def test_optional_pattern(pattern: str, widened: str) -> None:
    assert optional_pattern(pattern) == widened
    assert accepts_empty(widened)
    assert not accepts_empty(pattern)


def test_accepts_empty_with_a_pattern_python_cannot_compile() -> None:
    assert not accepts_empty("^(?<name>a)$x[")


def test_optional_ops() -> None:
    body = {"Type": "String", "Default": "vpc-x", "MinLength": 5, "AllowedValues": ["vpc-x", "vpc-y"]}
    ops, notes = optional_ops("P", body, "^p?$") or ([], [])
    assert ops == [
        {"op": "replace", "path": "/Parameters/P/Default", "value": ""},
        {"op": "remove", "path": "/Parameters/P/MinLength"},
        {"op": "replace", "path": "/Parameters/P/AllowedValues/0", "value": ""},
    ]
    assert notes == []
    typed = optional_ops("V", {"Type": "AWS::EC2::VPC::Id"}, "^p?$")
    assert typed is not None and typed[0][:2] == [
        {"op": "replace", "path": "/Parameters/V/Type", "value": "String"},
        {"op": "add", "path": "/Parameters/V/AllowedPattern", "value": "^p?$"},
    ]
    assert optional_ops("N", {"Type": "Number"}, "^p?$") is None
    assert optional_ops("E", {"Type": "String", "Default": ""}, "^p?$") == ([], [])


def test_unconditional_uses() -> None:
    data = {
        "Resources": {
            "A": {"Type": "X", "Properties": {"P": {"Ref": "Peer"}}},
            "B": {"Type": "X", "Condition": "C", "Properties": {"P": {"Ref": "Peer"}}},
            "D": {"Type": "X", "Properties": {"P": {"Fn::If": ["C", {"Ref": "Peer"}, "none"]}}},
            "E": {"Type": "X", "Metadata": {"m": {"Ref": "Peer"}}},
            "F": {"Type": "X", "Properties": {"P": {"Fn::Sub": "${Peer}-x"}}},
        },
        "Outputs": {"O": {"Value": {"Ref": "Peer"}}},
    }
    assert unconditional_uses(data, "Peer") == ["A", "F", "O"]


def test_parameter_uses_respect_sub_shadowing_and_literals() -> None:
    data = {
        "Parameters": {"Peer": {"Type": "String"}},
        "Resources": {
            "A": {"Type": "X", "Properties": {"P": {"Fn::Sub": "${Peer}"}}},
            "B": {"Type": "X", "Properties": {"P": {"Fn::Sub": "${!Peer}"}}},
            "C": {"Type": "X", "Properties": {"P": {"Fn::Sub": ["${Peer}", {"Peer": "x"}]}}},
            "D": {"Type": "X", "Properties": {"P": {"Fn::Sub": ["${X}", {"X": {"Ref": "Peer"}}]}}},
        },
    }
    assert parameter_uses(data, {"Peer"}) == {
        "Peer": ["/Resources/A/Properties/P/Fn::Sub", "/Resources/D/Properties/P/Fn::Sub/1/X/Ref"]
    }


def test_rule_metadata() -> None:
    for rule_id, name in (("CFX501", "vpc-peering-missing"), ("CFX502", "vpc-peer-placeholder-id")):
        rule = get_rule(rule_id)
        assert rule is not None and rule.name == name and get_rule(name) is rule
        assert rule.doc_url.startswith("https://docs.aws.amazon.com/")
        for heading in ("## What", "## Why", "## Fix", "## Fix safety\n**Unsafe**", "### Not reported"):
            assert heading in rule.explanation
        assert rule.fix_applicability.value == "unsafe"


def test_text_signals_option_is_validated(tmp_path: Path) -> None:
    cfg = tmp_path / ".cfnfix.toml"
    cfg.write_text('[rules.vpc-peering-missing]\ntext-signals = "no"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="text-signals"):
        load_config_file(cfg)
    cfg.write_text("[rules.CFX501]\ntext-signals = false\n", encoding="utf-8")
    assert load_config_file(cfg).rule_options("CFX501", "vpc-peering-missing") == {"text-signals": False}


def test_text_signals_option_keeps_parameter_signals() -> None:
    text = "Parameters:\n  PeerVpcId: {Type: String, Default: ''}\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n"
    settings = Settings(select=["CFX501"], rules={"CFX501": {"text-signals": False}})
    assert [f.rule_id for f in check(text, config=settings)] == ["CFX501"]


def test_one_finding_per_template_at_the_first_peer_parameter() -> None:
    text = (GOLDEN / "vpc-peering-missing" / "fires-yaml" / "input.yaml").read_text(encoding="utf-8")
    findings = check(text, select=["CFX501"])
    assert len(findings) == 1
    assert (findings[0].path, findings[0].line) == ("/Parameters/PeerVpcId", 21)


def _read(case: str) -> str:
    return (GOLDEN / "vpc-peering-missing" / case / "input.yaml").read_text(encoding="utf-8")


def _drop(*names: str) -> Callable[[str], str]:
    """Remove resources (and lines mentioning them) from a small golden input."""

    def mutate(text: str) -> str:
        data = load(text).data
        import yaml

        clean = _long_form(data)
        for name in names:
            clean["Resources"].pop(name, None)
        return yaml.safe_dump(clean, sort_keys=False)

    return mutate


def _long_form(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _long_form(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_long_form(v) for v in value]
    return value


def _replace(old: str, new: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        assert old in text
        return text.replace(old, new)

    return mutate


def _both(first: Callable[[str], str], second: Callable[[str], str]) -> Callable[[str], str]:
    return lambda text: second(first(text))


_ACCEPT = "                Action: ec2:AcceptVpcPeeringConnection\n"
_ADD_VPC = "Resources:\n  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}"
_PCX_PARAMETER = "  PeeringConnection:\n    Type: String\n    Description: pcx- ID from the requester account\n"


#: Each near miss, and the smallest change that removes the reason it stays quiet: the
#: rule must then fire, which shows the guard (not an accident) silenced it.
NEAR_MISSES: list[tuple[str, Callable[[str], str]]] = [
    ("near-miss-has-peering", _drop("Peering", "PeerRoute")),
    ("near-miss-transit-gateway", _drop("Attachment", "PeerRoute")),
    ("near-miss-accepter-routes", _both(_replace(_PCX_PARAMETER, ""), _drop("PeerRoute"))),
    ("near-miss-nested-stack", _drop("PeeringStack")),
    (
        "near-miss-vpc-parameter-peer-cidr",
        _replace("  PeerVpcCidr:", "  PeerVpcId: {Type: String, Default: ''}\n  PeerVpcCidr:"),
    ),
    (
        "near-miss-accepter-role",
        _both(_replace(_ACCEPT, "                Action: ec2:DescribeVpcs\n"), _replace("Resources:", _ADD_VPC)),
    ),
    ("near-miss-vpn-bgp-peer", _replace("PeerIpAddress", "PeerVpcId")),
    ("near-miss-text-and-custom-resource", _drop("HubPeering")),
    ("near-miss-existing-peer-route", _drop("PeerRoute")),
]


@pytest.mark.parametrize(("case", "mutate"), NEAR_MISSES, ids=[c for c, _ in NEAR_MISSES])
def test_near_miss_is_quiet_for_its_reason(case: str, mutate: Callable[[str], str]) -> None:
    text = _read(case)
    assert check(text, select=SELECT) == []
    fired = check(mutate(text), select=SELECT)
    assert [f.rule_id for f in fired] == ["CFX501"], fired


def test_each_guard_of_the_two_guard_near_misses_suffices() -> None:
    routes = _read("near-miss-accepter-routes")
    assert check(_replace(_PCX_PARAMETER, "")(routes), select=SELECT) == []  # the route alone
    assert check(_drop("PeerRoute")(routes), select=SELECT) == []  # the pcx parameter alone
    role = _read("near-miss-accepter-role")
    assert check(_replace(_ACCEPT, "                Action: ec2:DescribeVpcs\n")(role), select=SELECT) == []  # no VPC
    assert check(_replace("Resources:", _ADD_VPC)(role), select=SELECT) == []  # accepts peerings


def test_connectivity_reasons() -> None:
    reasons = connectivity(load(_read("near-miss-accepter-routes")).data).reasons
    assert reasons == [
        "parameter PeeringConnection holds an existing peering connection",
        "PeerRoute routes through a peering connection defined elsewhere",
    ]
    reasons = connectivity(load(_read("near-miss-transit-gateway")).data).reasons
    assert reasons == ["AWS::EC2::TransitGatewayAttachment", "PeerRoute routes through TransitGatewayId"]


def test_peering_inside_foreach_counts() -> None:
    data = {
        "Resources": {
            "Fn::ForEach::Peers": ["P", ["A"], {"Peering${P}": {"Type": "AWS::EC2::VPCPeeringConnection"}}],
        }
    }
    assert connectivity(data).peerings == ["AWS::EC2::VPCPeeringConnection in a Fn::ForEach loop"]


def test_malformed_templates_do_not_crash() -> None:
    for text in (
        "Resources: {}\nParameters: 3\n",  # (Resources: [] is a load error, see tests/project/test_hostile_input.py)
        "Description: VPC peering\nResources: {A: 1}\n",
        "Parameters: {PeerVpcId: 1}\n",
    ):
        assert check(text, select=SELECT) == []
