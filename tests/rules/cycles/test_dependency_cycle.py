"""Unit tests of CFX740 dependency-cycle beyond the golden cases: the graph and its cycles,
the data table against cfn-lint's schemas, shapes that must not be fixed, and the
permission comparison of the planted-cycle measurement."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.planted_cycles import permissions
from cfnfix import check, fix
from cfnfix.document import load
from cfnfix.rules.cycles._tables import tables
from cfnfix.template.graph import build_graph, chain, components, has_cycle, shortest_cycle
from devtools.lint_oracle import lint_errors

SELECT = {"select": ["CFX740"], "unsafe_fixes": True}


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text(resources: dict[str, Any], **extra: Any) -> str:
    return yaml.dump(
        {"AWSTemplateFormatVersion": "2010-09-09", **extra, "Resources": resources}, Dumper=_NoAliases, sort_keys=False
    )


def _queue(*depends: str) -> dict[str, Any]:
    body: dict[str, Any] = {"Type": "AWS::SQS::Queue"}
    if depends:
        body["DependsOn"] = list(depends)
    return body


def _group(
    name: str, ingress: list[Any] | None = None, egress: list[Any] | None = None, **attrs: Any
) -> dict[str, Any]:
    props: dict[str, Any] = {"GroupDescription": name, "VpcId": "vpc-0123456789abcdef0"}
    if ingress is not None:
        props["SecurityGroupIngress"] = ingress
    if egress is not None:
        props["SecurityGroupEgress"] = egress
    return {"Type": "AWS::EC2::SecurityGroup", **attrs, "Properties": props}


def _from(group: str, port: int = 443) -> dict[str, Any]:
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "SourceSecurityGroupId": {"Ref": group}}


# ---------------------------------------------------------------------------- the graph


def test_shortest_cycle_starts_at_the_first_resource_in_the_template() -> None:
    data = {"Resources": {"A": _queue("B"), "B": _queue("C", "A"), "C": _queue("A")}}
    graph = build_graph(data)
    (knot,) = components(graph)
    assert knot == ["A", "B", "C"]
    assert shortest_cycle(graph, knot) == ["A", "B"]
    assert chain(graph, ["A", "B"]) == "A → B → A (A → B via DependsOn; B → A via DependsOn)"


def test_every_reference_kind_is_an_edge() -> None:
    data = {
        "Resources": {
            "A": {"Type": "T", "Properties": {"X": {"Ref": "B"}}},
            "B": {"Type": "T", "Properties": {"X": {"Fn::GetAtt": "C.Arn"}}},
            "C": {"Type": "T", "Properties": {"X": {"Fn::Sub": "${D.Arn}/x"}}},
            "D": {"Type": "T", "Properties": {"X": {"Fn::GetAtt": ["E", "Arn"]}}},
            "E": {"Type": "T", "Metadata": {"X": {"Fn::Sub": "${A}"}}},
        }
    }
    graph = build_graph(data)
    assert shortest_cycle(graph, components(graph)[0]) == ["A", "B", "C", "D", "E"]


def test_not_edges_literals_shadowed_names_parameters_and_sam() -> None:
    data = {
        "Parameters": {"B": {"Type": "String"}},
        "Resources": {
            "A": {
                "Type": "T",
                "Properties": {"X": {"Fn::Sub": "${!C}"}, "Y": {"Fn::Sub": ["${C}", {"C": "x"}]}, "Z": {"Ref": "B"}},
            },
            "C": {"Type": "T", "Properties": {"X": {"Ref": "A"}}},
            "F": {"Type": "AWS::Serverless::Function", "Properties": {"X": {"Ref": "G"}}},
            "G": {"Type": "T", "Properties": {"X": {"Ref": "F"}}},
        },
    }
    assert components(build_graph(data)) == []


def test_two_knots_are_two_findings() -> None:
    text = _text({"A": _queue("B"), "B": _queue("A"), "C": _queue("D"), "D": _queue("C")})
    findings = check(text, config=None, select=["CFX740"])
    assert [f.message.split(" (")[0] for f in findings] == [
        "Circular dependency: A → B → A",
        "Circular dependency: C → D → C",
    ]
    assert all(f.fix is None and "DependsOn" in f.message for f in findings)


# ---------------------------------------------------------------------------- fixes


def test_three_groups_in_a_ring_need_one_move() -> None:
    text = _text({"A": _group("A", [_from("B")]), "B": _group("B", [_from("C")]), "C": _group("C", [_from("A")])})
    (finding,) = check(text, select=["CFX740"])
    assert finding.message.startswith("Circular dependency: A → B → C → A")
    result = fix(text, unsafe=True, select=["CFX740"])
    data = yaml.safe_load(result.text)
    assert "SecurityGroupIngress" not in data["Resources"]["C"]["Properties"]
    assert data["Resources"]["A"]["Properties"]["SecurityGroupIngress"] == [_from("B")]
    assert data["Resources"]["CIngressFromA"]["Properties"]["GroupId"] == {"Fn::GetAtt": ["C", "GroupId"]}
    assert not check(result.text, select=["CFX740"])


def test_groups_that_all_allow_each_other_are_untangled() -> None:
    names = ["A", "B", "C"]
    text = _text({n: _group(n, [_from(m) for m in names if m != n]) for n in names})
    result = fix(text, unsafe=True, select=["CFX740"])
    assert result.changed and not check(result.text, select=["CFX740"])
    before, after = permissions(yaml.safe_load(text)), permissions(yaml.safe_load(result.text))
    assert before == after


def test_condition_of_the_group_goes_with_its_moved_rule() -> None:
    text = _text(
        {"A": _group("A", [_from("B")], Condition="On"), "B": _group("B", [_from("A")], Condition="On")},
        Conditions={"On": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}},
    )
    data = yaml.safe_load(fix(text, unsafe=True, select=["CFX740"]).text)
    assert data["Resources"]["BIngressFromA"]["Condition"] == "On"


def test_no_fix_when_a_rule_is_computed_or_the_group_is_named_elsewhere() -> None:
    computed = {"Fn::If": ["On", _from("B"), {"Ref": "AWS::NoValue"}]}
    text = _text({"A": _group("A", [computed]), "B": _group("B", [_from("A")]), "C": _queue()})
    data = yaml.safe_load(text)
    data["Resources"]["B"]["Properties"]["Tags"] = [{"Key": "peer", "Value": {"Ref": "A"}}]
    text = yaml.safe_dump(data, sort_keys=False)
    (finding,) = check(text, select=["CFX740"])
    assert finding.fix is None and "no standard way out" in finding.message


def test_unsafe_only() -> None:
    text = _text({"A": _group("A", [_from("B")]), "B": _group("B", [_from("A")])})
    assert not fix(text, select=["CFX740"]).changed
    (finding,) = check(text, select=["CFX740"])
    assert finding.fix is not None and finding.fix.applicability.value == "unsafe"


def test_new_policy_name_differs_from_every_inline_one() -> None:
    statement = {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": {"Fn::GetAtt": ["Fn", "Arn"]}}
    role = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ],
            },
            "Policies": [
                {"PolicyName": "RolePolicyForFn", "PolicyDocument": {"Statement": [statement]}},
                {"PolicyName": "b", "PolicyDocument": {"Statement": [statement]}},
            ],
        },
    }
    fn = {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Runtime": "python3.12",
            "Handler": "i.h",
            "Role": {"Fn::GetAtt": ["Role", "Arn"]},
            "Code": {"ZipFile": "x"},
        },
    }
    result = fix(_text({"Role": role, "Fn": fn}), unsafe=True, select=["CFX740"])
    data = yaml.safe_load(result.text)
    assert "Policies" not in data["Resources"]["Role"]["Properties"]
    policies = [r for r in data["Resources"].values() if r["Type"] == "AWS::IAM::Policy"]
    assert sorted(p["Properties"]["PolicyName"] for p in policies) == ["RolePolicyForFn2", "RolePolicyForFn3"]
    assert not lint_errors(result.text)


# ---------------------------------------------------------------------------- data and measurement


def test_moved_properties_exist_on_both_sides_in_cfn_lint_schemas() -> None:
    from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER

    group = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", "AWS::EC2::SecurityGroup").schema
    for key, spec in tables()["security_group_rules"].items():
        inline = group["definitions"][key.removeprefix("SecurityGroup")]["properties"]
        separate = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", spec["type"]).schema["properties"]
        assert sorted(spec["properties"]) == sorted(inline)
        assert set(spec["properties"]) | {"GroupId"} <= set(separate)
    policy = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", "AWS::IAM::Policy").schema["properties"]
    assert set(tables()["principals"].values()) <= set(policy)
    for type_name, spec in tables()["known_names"].items():
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", type_name).schema
        assert spec["property"] in schema["properties"], type_name


def test_permission_comparison_sees_the_default_egress_rule_and_lost_statements() -> None:
    egress = {"IpProtocol": "tcp", "FromPort": 1, "ToPort": 1, "CidrIp": "10.0.0.0/8"}
    with_rule = {"Resources": {"A": _group("A", egress=[egress])}}
    without = {"Resources": {"A": _group("A", egress=[])}}
    placeholder = {"Resources": {"A": _group("A", egress=[{"CidrIp": "127.0.0.1/32", "IpProtocol": "-1"}])}}
    separate = json.loads(json.dumps(placeholder))
    separate["Resources"]["R"] = {
        "Type": "AWS::EC2::SecurityGroupEgress",
        "Properties": {"GroupId": {"Fn::GetAtt": ["A", "GroupId"]}, **egress},
    }
    assert permissions(with_rule) == permissions(separate)
    assert permissions(without) != permissions(placeholder)
    assert permissions(with_rule) != permissions(placeholder)
    role = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "Policies": [
                {
                    "PolicyName": "p",
                    "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]},
                }
            ]
        },
    }
    empty = {"Type": "AWS::IAM::Role", "Properties": {}}
    assert permissions({"Resources": {"R": role}}) != permissions({"Resources": {"R": empty}})


def test_known_name_counts_as_the_arn_it_stands_for() -> None:
    bucket = {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Ref": "Name"}}}
    stmt = lambda resource: {"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}  # noqa: E731

    def role(resource: object) -> dict[str, object]:
        return {
            "Type": "AWS::IAM::Role",
            "Properties": {"Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [stmt(resource)]}}]},
        }

    a = {"Resources": {"B": bucket, "R": role({"Fn::Sub": "${B.Arn}/*"})}}
    b = {"Resources": {"B": bucket, "R": role({"Fn::Sub": "arn:${AWS::Partition}:s3:::${Name}/*"})}}
    c = {"Resources": {"B": bucket, "R": role({"Fn::Sub": "arn:${AWS::Partition}:s3:::${Other}/*"})}}
    assert permissions(a) == permissions(b) != permissions(c)


def test_rules_of_one_list_naming_two_groups_get_their_own_names() -> None:
    text = _text(
        {"A": _group("A", [_from("C")]), "B": _group("B", [_from("C")]), "C": _group("C", [_from("A"), _from("B", 80)])}
    )
    result = fix(text, unsafe=True, select=["CFX740"])
    data = yaml.safe_load(result.text)
    assert data["Resources"]["CIngressFromA"]["Properties"]["SourceSecurityGroupId"] == {"Ref": "A"}
    assert data["Resources"]["CIngressFromB"]["Properties"]["SourceSecurityGroupId"] == {"Ref": "B"}
    assert not check(result.text, select=["CFX740"])


def test_every_fixed_golden_case_has_no_cycle_left_and_the_same_permissions() -> None:
    from devtools.golden_cases import discover, run

    cases = [c for c in discover() if c.root.parent.name == "dependency-cycle"]
    fixed = 0
    for case in cases:
        _, result = run(case)
        if not result.changed:
            continue
        fixed += 1
        assert not check(result.text, select=["CFX740"]), case.id
        assert permissions(load(result.original).data) == permissions(load(result.text).data), case.id
    assert fixed >= 9


def test_a_named_topic_is_written_as_the_arn_its_ref_returns_and_a_queue_url_is_not_guessed() -> None:
    topic = {"Type": "AWS::SNS::Topic", "DependsOn": "Sub", "Properties": {"TopicName": "alerts"}}
    sub = {
        "Type": "AWS::SNS::Subscription",
        "Properties": {"TopicArn": {"Ref": "Topic"}, "Protocol": "email", "Endpoint": "a@example.com"},
    }
    result = fix(_text({"Topic": topic, "Sub": sub}), unsafe=True, select=["CFX740"])
    data = yaml.safe_load(result.text)
    assert data["Resources"]["Sub"]["Properties"]["TopicArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:alerts"
    }
    queue = {"Type": "AWS::SQS::Queue", "DependsOn": "Policy", "Properties": {"QueueName": "jobs"}}
    policy = {
        "Type": "AWS::SQS::QueuePolicy",
        "Properties": {"Queues": [{"Ref": "Queue"}], "PolicyDocument": {"Statement": []}},
    }
    (finding,) = check(_text({"Queue": queue, "Policy": policy}), select=["CFX740"])
    assert finding.fix is None


def _searched_from_every_start(graph: Any, members: list[str], removed: set[tuple[str, str]]) -> list[str] | None:
    """The search shortest_cycle made before it followed rings and bounded its work (the oracle)."""
    from collections import deque

    inside, best = set(members), None
    for start in members:
        if (start, start) in graph.edges and (start, start) not in removed:
            return [start]
        parent: dict[str, str] = {}
        queue, seen, path = deque([start]), {start}, None
        while queue and path is None:
            node = queue.popleft()
            for nxt in graph.successors(node, removed):
                if nxt not in inside or graph.order[nxt] < graph.order[start]:
                    continue
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    path.reverse()
                    break
                if nxt not in seen:
                    seen.add(nxt)
                    parent[nxt] = node
                    queue.append(nxt)
        if path is not None and (best is None or len(path) < len(best)):
            best = path
    return best


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=1, max_size=14),
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=3),
)
def test_shortest_cycle_equals_a_search_from_every_start(
    edges: list[tuple[int, int]], cut: list[tuple[int, int]]
) -> None:
    """Rings followed in one pass, searches no deeper than the best so far: the same cycle as before."""
    resources = {f"Q{i}": _queue(*sorted({f"Q{b}" for a, b in edges if a == i})) for i in range(7)}
    graph = build_graph(load(_text(resources)).data)
    removed = {(f"Q{a}", f"Q{b}") for a, b in cut}
    for knot in components(graph):
        assert shortest_cycle(graph, knot, removed) == _searched_from_every_start(graph, knot, removed)


def test_a_ring_of_thousands_is_found_at_once_and_named_shortly() -> None:
    n = 3000
    resources = {f"Q{i}": _queue(f"Q{(i + 1) % n}") for i in range(n)}
    (finding,) = check(_text(resources), select=["CFX740"])
    assert finding.message.startswith("Circular dependency: Q0 → Q1 → ")
    assert f"({n - 11} more)" in finding.message and len(finding.message) < 2000


_NAMES = ("A", "B/x", "C~1", "P", "S")
_USES = (
    lambda n: {"Ref": n},
    lambda n: {"Fn::GetAtt": [n, "Arn"]},
    lambda n: {"Fn::GetAtt": f"{n}.Arn"},
    lambda n: {"Fn::Sub": "${" + n + "}"},
    lambda n: {"Fn::Sub": "${!" + n + "}"},
    lambda n: n,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 6)), max_size=10))
def test_has_cycle_is_whether_the_graph_has_a_knot(uses: list[tuple[int, int, int]]) -> None:
    """The cycle rule's quick test (no graph built) answers as the graph does: every kind of use,
    DependsOn, a self-loop, a name to escape, a parameter of the same name, a SAM resource."""
    resources: dict[str, Any] = {}
    for name in _NAMES:
        kind = "AWS::Serverless::Function" if name == "S" else "AWS::SQS::Queue"
        resources[name] = {"Type": kind, "Properties": {}}
    for source, target, how in uses:
        body = resources[_NAMES[source]]
        if how == 6:
            body.setdefault("DependsOn", []).append(_NAMES[target])
        else:
            body["Properties"][f"X{len(body['Properties'])}"] = _USES[how](_NAMES[target])
    data = {"Parameters": {"P": {"Type": "String"}}, "Resources": resources}
    assert has_cycle(data) == bool(components(build_graph(data)))
