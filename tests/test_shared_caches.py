"""The speed-ups that share work between rules and between checks give the results the plain
computation gives: the shared reference index and its per-resource results kept by identity,
its name lookup and mention search, the schema walks kept by identity, and impact computed
only for the resources a patch reaches."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cfnfix.template.references as references
from cfnfix.document import load
from cfnfix.impact import compute, impact_of
from cfnfix.rules.schema import _walk
from cfnfix.template.model import resources
from cfnfix.template.references import ReferenceIndex

ROOT = Path(__file__).resolve().parent.parent
INPUTS = sorted(p for p in (ROOT / "golden").glob("*/*/input.*") if p.suffix in (".yaml", ".yml", ".json"))


def _data(path: Path) -> Any:
    try:
        return load(path.read_text(encoding="utf-8"), str(path)).data
    except Exception:
        return None


TEMPLATES = [(p, d) for p in INPUTS if isinstance(d := _data(p), dict)]


def _state(index: ReferenceIndex) -> tuple[Any, ...]:
    return (index.occurrences, list(index._texts.items()), index._consumed, index.pseudo, index.subs, index.declared)


def test_there_are_golden_templates_to_compare_on() -> None:
    assert len(TEMPLATES) > 100


@pytest.mark.parametrize("path,data", TEMPLATES, ids=[str(p.relative_to(ROOT / "golden")) for p, _ in TEMPLATES])
def test_index_from_kept_resources_equals_a_fresh_walk(path: Path, data: dict[str, Any]) -> None:
    references._KEPT.clear()
    fresh = ReferenceIndex(copy.deepcopy(data))  # every body new: nothing kept is reused
    first = ReferenceIndex(data)
    shared = dict(data)  # a fixed template: the same bodies in a new top-level mapping
    if isinstance(data.get("Resources"), dict):
        shared["Resources"] = dict(data["Resources"])
    again = ReferenceIndex(shared)
    assert _state(first) == _state(fresh)
    assert _state(again) == _state(fresh)


@pytest.mark.parametrize("path,data", TEMPLATES, ids=[str(p.relative_to(ROOT / "golden")) for p, _ in TEMPLATES])
def test_name_lookup_and_mentions_equal_a_scan(path: Path, data: dict[str, Any]) -> None:
    index = ReferenceIndex(data)
    names = {occ.text for occ in index.occurrences} | {n for ns in index.declared.values() for n in ns}
    names |= {occ.text.split(".", 1)[0] for occ in index.occurrences} | {"Bucket", "Ref", "a", "-"}
    for name in sorted(names):
        scanned = [o for o in index.occurrences if o.text == name or (o.kind.dotted and o.text.startswith(name + "."))]
        assert index.named(name) == scanned, name
        if name:
            pattern = re.compile(r"(?<![A-Za-z0-9:])" + re.escape(name) + r"(?![A-Za-z0-9:])")
            naive = [
                p
                for p, text in index._texts.items()
                if name in text and p not in index._consumed and pattern.search(text)
            ]
            assert index.mentions(name) == naive, name


def test_shared_index_is_one_per_data_object() -> None:
    data = {
        "Resources": {
            "A": {"Type": "AWS::SNS::Topic"},
            "B": {"Type": "AWS::SQS::Queue", "Properties": {"X": {"Ref": "A"}}},
        }
    }
    assert ReferenceIndex.of(data) is ReferenceIndex.of(data)
    other = copy.deepcopy(data)
    assert ReferenceIndex.of(other) is not ReferenceIndex.of(data)
    assert [r.pointer for r in ReferenceIndex.of(other).references("Resources", "A")] == [
        "/Resources/B/Properties/X/Ref"
    ]


def test_schema_walk_is_kept_by_body_identity() -> None:
    pytest.importorskip("cfnlint")
    body = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "q", "DelaySeconds": 5}}
    data = {"Resources": {"Q": body}}
    (res,) = resources(data)
    walked = _walk.nodes(data, res)
    assert [n.tokens for n in walked] == [(), ("QueueName",), ("DelaySeconds",)]
    (shared,) = resources({"Resources": {"Q": body}})
    assert _walk.nodes({}, shared) is walked
    changed = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "q"}}
    (res2,) = resources({"Resources": {"Q": changed}})
    assert [n.tokens for n in _walk.nodes({}, res2)] == [(), ("QueueName",)]


# ----------------------------------------------------------------------------- impact

BASE: dict[str, Any] = {
    "Parameters": {"Env": {"Type": "String"}},
    "Conditions": {"Prod": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
    "Resources": {
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Sub": "${Env}-t"}}},
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::GetAtt": ["Topic", "TopicName"]}}},
        "Bucket": {"Type": "AWS::S3::Bucket", "Condition": "Prod", "DependsOn": ["Queue"]},
        "Sub": {
            "Type": "AWS::SNS::Subscription",
            "Properties": {"TopicArn": {"Ref": "Topic"}, "Endpoint": {"Fn::GetAtt": "Queue.Arn"}, "Protocol": "sqs"},
        },
        "Policy": {
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {"Queues": [{"Ref": "Queue"}], "PolicyDocument": {"Fn::If": ["Prod", {}, {}]}},
        },
    },
}
_ids = st.sampled_from(["Topic", "Queue", "Bucket", "Sub", "Policy", "Nope"])
_ops = st.one_of(
    st.builds(lambda a, b: {"op": "move", "from": f"/Resources/{a}", "path": f"/Resources/{b}2"}, _ids, _ids),
    st.builds(lambda a: {"op": "move", "from": "/Conditions/Prod", "path": f"/Conditions/{a}"}, _ids),
    st.builds(
        lambda a, v: {"op": "replace", "path": f"/Resources/{a}/Type", "value": v},
        _ids,
        st.sampled_from(["AWS::SNS::Topic", "Custom::X"]),
    ),
    st.builds(
        lambda a, v: {"op": "add", "path": f"/Resources/{a}/Properties/TopicName", "value": v},
        _ids,
        st.sampled_from(["n", {"Ref": "Topic2"}]),
    ),
    st.builds(lambda a: {"op": "remove", "path": f"/Resources/{a}"}, _ids),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_ops, min_size=1, max_size=3))
def test_impact_of_reached_resources_equals_comparing_them_all(patch: list[dict[str, Any]]) -> None:
    import jsonpatch
    import jsonpointer

    try:
        jsonpatch.apply_patch(BASE, patch)
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException, TypeError, KeyError, IndexError):
        return
    from cfnfix.impact.reach import Reach

    fast = impact_of(BASE, patch)
    original = compute._Comparison.__init__

    def every_resource(self: Any, *args: Any) -> None:  # compare every resource, every key, none skipped
        original(self, *args)
        self.touched = None
        self.naming_old = set(self.after.block)
        self.reach = Reach(full={()})  # every value compared, not only those the patch reaches

    compute._Comparison.__init__ = every_resource  # type: ignore[method-assign]
    try:
        every = impact_of(BASE, patch)
    finally:
        compute._Comparison.__init__ = original  # type: ignore[method-assign]
    assert fast == every


def test_kept_by_identity_needs_the_same_object_and_keeps_one_entry_per_key() -> None:
    from cfnfix.template.kept import KeptByIdentity

    kept: KeptByIdentity[str] = KeptByIdentity(2)
    body = {"Type": "AWS::SNS::Topic"}
    assert kept.put("A", body, "walk of A") == "walk of A"
    assert kept.get("A", body) == "walk of A"
    assert kept.get("A", dict(body)) is None  # equal is not enough
    newer = {"Type": "AWS::SNS::Topic"}
    kept.put("A", newer, "walk of the new A")  # replaces, does not add
    assert len(kept) == 1 and kept.get("A", body) is None and kept.get("A", newer) == "walk of the new A"
    kept.put("B", body, "b")
    kept.get("A", newer)  # A is now the most recently used
    kept.put("C", body, "c")
    assert kept.get("B", body) is None and kept.get("A", newer) == "walk of the new A" and len(kept) == 2


# Deeper operations: items of long lists (shifted or not), nested mappings, create-only
# patterns with `*`, renames, copies and tests. The comparison looks only where the patch
# reaches (cfnfix/impact/reach.py); comparing everything must give the same impact, and the
# copy-on-write application the same data as jsonpatch, the data before untouched.
DEEP: dict[str, Any] = {
    "Resources": {
        "Topic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"TopicName": "t", "Tags": [{"Key": f"k{i}", "Value": f"v{i}"} for i in range(4)]},
        },
        "Snap": {
            "Type": "AWS::RedshiftServerless::Snapshot",
            "Properties": {
                "SnapshotName": "s",
                "Tags": [{"Key": "k0", "Value": "v0"}, {"Key": "k1", "Value": {"Fn::Sub": "${AWS::Region}"}}],
            },
        },
        "Fn": {
            "Type": "AWS::Lambda::Function",
            "Properties": {"Environment": {"Variables": {"A": "1", "B": {"Ref": "Topic"}}}, "Runtime": "python3.12"},
        },
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::GetAtt": ["Snap", "SnapshotName"]}}},
    }
}
_tagged = st.sampled_from(["Topic", "Snap"])
_index = st.sampled_from(["0", "1", "3", "-", "9"])
_values = st.sampled_from(["x", "v0", {"Fn::Sub": "v0"}, {"Fn::Sub": "${AWS::Region}"}, {"Ref": "Topic"}, {}])
_deep_ops = st.one_of(
    st.builds(
        lambda r, i, k, v: {"op": "replace", "path": f"/Resources/{r}/Properties/Tags/{i}/{k}", "value": v},
        _tagged,
        _index,
        st.sampled_from(["Key", "Value"]),
        _values,
    ),
    st.builds(
        lambda r, i: {"op": "add", "path": f"/Resources/{r}/Properties/Tags/{i}", "value": {"Key": "n", "Value": "m"}},
        _tagged,
        _index,
    ),
    st.builds(lambda r, i: {"op": "remove", "path": f"/Resources/{r}/Properties/Tags/{i}"}, _tagged, _index),
    st.builds(
        lambda r, i, v: {"op": "replace", "path": f"/Resources/{r}/Properties/Tags/{i}", "value": v},
        _tagged,
        _index,
        st.sampled_from([{"Key": "k0", "Value": "v9"}, "not a tag"]),
    ),
    st.builds(
        lambda r, i, j, kind: {
            "op": kind,
            "from": f"/Resources/{r}/Properties/Tags/{i}",
            "path": f"/Resources/{r}/Properties/Tags/{j}",
        },
        _tagged,
        _index,
        _index,
        st.sampled_from(["move", "copy"]),
    ),
    st.builds(
        lambda kind, k, v: {"op": kind, "path": f"/Resources/Fn/Properties/Environment/Variables/{k}", "value": v},
        st.sampled_from(["add", "replace"]),
        st.sampled_from(["A", "B", "C"]),
        _values,
    ),
    st.builds(
        lambda k: {"op": "remove", "path": f"/Resources/Fn/Properties/Environment/Variables/{k}"},
        st.sampled_from(["A", "B"]),
    ),
    st.builds(
        lambda r, new: {"op": "move", "from": f"/Resources/{r}", "path": f"/Resources/{new}"},
        st.sampled_from(["Topic", "Snap", "Queue"]),
        st.sampled_from(["Renamed", "Fn"]),
    ),
    st.builds(
        lambda r, v: {"op": "replace", "path": f"/Resources/{r}/Properties/Tags", "value": v},
        _tagged,
        st.sampled_from([[], [{"Key": "k0", "Value": "v0"}]]),
    ),
    st.just({"op": "test", "path": "/Resources/Topic/Properties/TopicName", "value": "t"}),
    st.just({"op": "replace", "path": "/Resources/Queue/Properties/QueueName/Fn::GetAtt/0", "value": "Topic"}),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_deep_ops, min_size=1, max_size=4))
def test_impact_compared_where_the_patch_reaches_equals_comparing_everything(patch: list[dict[str, Any]]) -> None:
    import copy

    import jsonpatch
    import jsonpointer

    from cfnfix.document import datapatch as reach
    from cfnfix.document.datapatch import apply_shared, parse_ops
    from cfnfix.impact.reach import Reach

    snapshot = copy.deepcopy(DEEP)
    try:
        expected = jsonpatch.apply_patch(DEEP, patch)
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException):
        with pytest.raises(jsonpatch.JsonPatchException):
            apply_shared(DEEP, parse_ops(patch))
        return
    assert apply_shared(DEEP, parse_ops(patch)) == expected
    assert DEEP == snapshot  # the data before is never changed
    fast = impact_of(DEEP, patch)
    original = compute._Comparison.__init__

    def everything(self: Any, *args: Any) -> None:
        original(self, *args)
        self.touched = None
        self.naming_old = set(self.after.block)
        self.reach = Reach(full={()})

    compute._Comparison.__init__ = everything  # type: ignore[method-assign]
    try:
        every = impact_of(DEEP, patch)
    finally:
        compute._Comparison.__init__ = original  # type: ignore[method-assign]
    assert fast == every
    # copies kept across patches (every container here, not only large ones), each patch undone:
    # the examples run one after the other on the same DEEP, so this is a long sequence of them
    small, reach._REUSE_MIN = reach._REUSE_MIN, 0
    try:
        assert impact_of(DEEP, patch, reuse=True) == every
    finally:
        reach._REUSE_MIN = small
    assert DEEP == snapshot
