"""No input can hang cfnfix: every rule and fix on templates with extreme names, under a time limit.

Templates: every golden rule input with its logical IDs lengthened to 250 and 255 characters
(references renamed with them), names that are not ASCII or collide once cleaned, and
templates at the 500-resource and 200-parameter quotas. Each runs ``check`` and ``fix``
(unsafe fixes on) under a wall-clock limit; every logical ID a fix adds must be valid, at most
255 characters, and distinct (ignoring case) from every other name. Plus a hypothesis test of
:class:`~cfnfix.template.naming.NameAllocator`'s promises.
"""

from __future__ import annotations

import copy
import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import jsonpatch
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cfnfix import Settings, check, fix
from cfnfix.document import load
from cfnfix.document.repair import load_document
from cfnfix.template.naming import MAX_LENGTH, NameAllocator, is_valid, readable_name
from cfnfix.template.references import FOREACH_PREFIX, SECTIONS
from cfnfix.template.rename import rename_patch
from devtools.golden_cases import discover

#: Seconds one template may take for check + fix (the slowest case takes well under 2 s).
LIMIT = 20


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block runs longer than ``seconds``."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"took more than {seconds} s: a fixer loops")

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _names(data: Any) -> dict[str, set[str]]:
    return {s: set(data[s]) for s in SECTIONS if isinstance(data, dict) and isinstance(data.get(s), dict)}


def _run(text: str, config: Settings | None = None) -> None:
    """check and fix under the time limit; new names valid, ≤ 255 characters, distinct ignoring case."""
    config = (config or Settings()).model_copy(update={"unsafe_fixes": True})
    with time_limit(LIMIT):
        check(text, config=config)
        result = fix(text, config=config)
    before, after = _names(load(text).data), _names(load(result.text).data)
    every = [n.lower() for names in after.values() for n in names if not n.startswith(FOREACH_PREFIX)]
    for section, names in after.items():
        for name in names - before.get(section, set()):
            assert is_valid(section, name) and len(name) <= MAX_LENGTH, (section, name)
            assert every.count(name.lower()) == 1, f"new name {name} collides (ignoring case)"


# ------------------------------------------------------------------ golden inputs, lengthened


def _lengthened(data: dict[str, Any], length: int) -> dict[str, Any]:
    """``data`` with every valid Resources/Parameters ID padded to ``length`` characters (references follow)."""
    out = copy.deepcopy(data)
    taken = {n.lower() for names in _names(out).values() for n in names}
    for section in ("Parameters", "Resources"):
        for old in list(out.get(section) or {}):
            if old.startswith(FOREACH_PREFIX) or not is_valid(section, old) or len(old) >= length:
                continue
            new = (old + "Z" * length)[: length - 3] + f"{len(taken) % 1000:03d}"
            if new.lower() in taken:
                continue
            taken.add(new.lower())
            try:
                ops = rename_patch(out, section, old, new)
            except ValueError:
                continue  # a name this template cannot take (SAM-generated suffixes …)
            out = jsonpatch.apply_patch(out, ops)
    return out


CASES = [c for c in discover() if not c.id.startswith("seed-scenario/")]


@pytest.mark.parametrize("length", [250, MAX_LENGTH])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_rule_and_fix_on_golden_inputs_with_long_names(case: Any, length: int) -> None:
    data = load_document(case.input_text()).data  # JSON with comments: its repaired data (CFX801)
    _run(json.dumps(_lengthened(data, length), indent=1), case.settings())


# ------------------------------------------------------------------ handcrafted templates

AURORA_57 = {"Engine": "aurora-mysql", "EngineVersion": "5.7.mysql_aurora.2.11.2", "DeletionProtection": False}


def _aurora(group_id: str, cluster_id: str = "Cluster") -> dict[str, Any]:
    """A 5.7 cluster whose parameter group has ID ``group_id`` (and a taken ``…Mysql80`` sibling)."""
    return {
        "Resources": {
            group_id: {
                "Type": "AWS::RDS::DBClusterParameterGroup",
                "Properties": {
                    "Family": "aurora-mysql5.7",
                    "Description": "d",
                    "Parameters": {"tx_isolation": "READ-COMMITTED"},
                },
            },
            cluster_id: {
                "Type": "AWS::RDS::DBCluster",
                "Properties": {**AURORA_57, "DBClusterParameterGroupName": {"Ref": group_id}},
            },
        }
    }


@pytest.mark.parametrize("length", [200, 246, 247, 250, 254, MAX_LENGTH])
def test_cfx301_new_parameter_group_for_a_long_group_id(length: int) -> None:
    """CFX301 looped forever here (its ``<ID>Mysql80<N>`` never fitted in 255 characters)."""
    group = ("Params" + "x" * MAX_LENGTH)[:length]
    text = json.dumps(_aurora(group))
    _run(text)
    copy = Settings(select=["CFX301"], rules={"CFX301": {"parameter-groups": "new"}})  # the default edits in place
    result = fix(text, unsafe=True, config=copy)
    assert result.changed
    new = set(load(result.text).data["Resources"]) - {group, "Cluster"}
    assert len(new) == 1 and all(len(n) <= MAX_LENGTH for n in new)


def test_cfx301_when_every_short_candidate_is_taken() -> None:
    group = "P" * 250
    data = _aurora(group)
    for n in ["", *map(str, range(2, 40))]:  # <ID>Mysql80, <ID>Mysql802 … cut to 255: all taken
        name = (group + "Mysql80")[: MAX_LENGTH - len(n)] + n
        data["Resources"][name] = {"Type": "AWS::SNS::Topic"}
    _run(json.dumps(data))


def test_non_ascii_and_names_colliding_after_cleaning() -> None:
    resources = {
        name: {"Type": "AWS::SNS::Topic"}
        for name in [
            "a-b",
            "a b",
            "A_B",
            "ab",
            "AB2",
            "Bücket",
            "Bucket",
            "日本",
            "日本語",
            "Ωmega",
            "Ω",
            "x" * 300,
            "x-" * 200,
        ]
    }
    resources["Fn"] = {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Runtime": "python3.12",
            "Handler": "index.h",
            "Role": {"Fn::GetAtt": ["a-b", "Arn"]},
            "Code": {"ZipFile": "import pymysql\n"},
        },
    }
    _run(
        json.dumps(
            {
                "Parameters": {"p-1": {"Type": "String"}, "P1": {"Type": "String"}, "ПАРАМ": {"Type": "String"}},
                "Conditions": {"c-1": {"Fn::Equals": [{"Ref": "p-1"}, ""]}},
                "Resources": resources,
            }
        )
    )


def test_sam_names_and_foreach_loops() -> None:
    long = "F" * 240
    text = json.dumps(
        {
            "Transform": ["AWS::Serverless-2016-10-31", "AWS::LanguageExtensions"],
            "Resources": {
                f"{long}-x": {
                    "Type": "AWS::Serverless::Function",
                    "Properties": {
                        "Runtime": "python3.8",
                        "Handler": "index.h",
                        "InlineCode": "import yaml\n",
                        "AutoPublishAlias": "live",
                    },
                },
                long + "X": {"Type": "AWS::SNS::Topic"},
                "Fn::ForEach::Topics": ["N", ["A", "B"], {"Q${N}-x": {"Type": "AWS::SNS::Topic"}}],
            },
        }
    )
    _run(text)


def _peering(resources: int, parameters: int) -> dict[str, Any]:
    """A VPC that signals peering (CFX501) with route tables, near the quotas."""
    data: dict[str, Any] = {
        "Parameters": {f"P{i:03d}": {"Type": "String", "Default": ""} for i in range(parameters - 1)},
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "Rt": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        },
    }
    data["Parameters"]["PeerVpcId"] = {
        "Type": "String",
        "Description": "VPC peering: the peer VPC",
        "Default": "vpc-xxxxxxxx",
    }
    for i in range(resources - 2):
        data["Resources"][f"T{i:03d}"] = {"Type": "AWS::SNS::Topic"}
    return data


@pytest.mark.parametrize(("resources", "parameters"), [(498, 150), (500, 150), (50, 199), (50, 200)])
def test_templates_at_the_quotas(resources: int, parameters: int) -> None:
    data = _peering(resources, parameters)
    data["Resources"]["Fn"] = {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Runtime": "python3.8",
            "Handler": "index.h",
            "Role": "arn:aws:iam::123456789012:role/r",
            "Code": {"ZipFile": "import pymysql, yaml\n"},
        },
    }
    data["Resources"].update(_aurora("Pg" + "q" * 250, "Db")["Resources"])
    _run(json.dumps(data))
    _run(json.dumps(_peering(resources, parameters)))


# ------------------------------------------------------------------ the allocator

_names_st = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=300)
_alnum_st = st.text(st.sampled_from("abcXYZ019"), min_size=1, max_size=MAX_LENGTH + 20)


@settings(max_examples=150)
@given(
    taken=st.lists(_alnum_st | _names_st, max_size=30),
    requests=st.lists(
        st.tuples(_alnum_st | _names_st, st.lists(st.sampled_from(["Role", "Alias", "Version", "Url"]), max_size=2)),
        min_size=1,
        max_size=8,
    ),
)
def test_allocator_gives_valid_distinct_free_names(taken: list[str], requests: list[tuple[str, list[str]]]) -> None:
    data = {"Resources": {t: {"Type": "AWS::SNS::Topic"} for t in taken if t}}
    allocator = NameAllocator(data)
    used = {t.lower() for t in data["Resources"]}
    for base, suffixes in requests:
        name = allocator.allocate(base, suffixes)
        assert is_valid("Resources", name)
        assert len(name) + max((len(s) for s in suffixes), default=0) <= MAX_LENGTH
        for candidate in [name, *(name + s for s in suffixes)]:
            assert candidate.lower() not in used
        used.update(c.lower() for c in [name, *(name + s for s in suffixes)])
        clean = readable_name(base) or "Name"
        assert name.startswith(clean[: min(len(clean), 200)][:1])  # readable: starts like its base


@settings(max_examples=100)
@given(base=_alnum_st, count=st.integers(0, 60))
def test_allocator_candidates_are_finite_and_enough(base: str, count: int) -> None:
    """Even when every short candidate is taken, a free one comes, and the candidates end."""
    allocator = NameAllocator({})
    for _ in range(count):
        allocator.allocate(base)
    candidates = list(allocator.candidates(base))
    assert len(candidates) == len({c.lower() for c in candidates}) <= count + 1
    assert any(allocator.is_free(c) for c in candidates)


def test_allocator_is_deterministic() -> None:
    data = {"Resources": {"A": {"Type": "AWS::SNS::Topic"}, "a2": {"Type": "AWS::SNS::Topic"}}}
    first, second = NameAllocator(data), NameAllocator(data)
    assert [first.allocate("A") for _ in range(3)] == [second.allocate("A") for _ in range(3)] == ["A3", "A4", "A5"]
