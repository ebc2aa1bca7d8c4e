"""YAML anchors, aliases and merge keys: expanded for the rules, reported, never edited."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from cfnfix import AnchoredEditError, ParseError, apply_patch
from cfnfix.document import load, parse_text
from cfnfix.document.expansions import Expansion, conflict
from devtools.golden_cases import GOLDEN
from tests.project.test_hostile_input import Untouched, assert_one_error

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  A:
    Type: AWS::SQS::Queue
    Properties: &props
      VisibilityTimeout: 120
      Tags: &tags [{Key: team, Value: a}]
  B:
    Type: AWS::SQS::Queue
    Properties: *props
  C:
    Type: AWS::SNS::Topic
    Properties:
      <<: [{TopicName: c, DisplayName: merged}, {FifoTopic: false}]
      DisplayName: own
      Tags: *tags
  D:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: d
      Tags: [{Key: x, Value: y}, *tags]
"""


def test_data_is_expanded_as_yaml_1_1_and_cfn_lint_read_it() -> None:
    from cfnlint.decode.decode import decode_str

    data = load(TEMPLATE).data
    assert data == yaml.safe_load(TEMPLATE)
    lint, matches = decode_str(TEMPLATE)
    assert not matches and data == lint
    assert data["Resources"]["C"]["Properties"] == {
        "TopicName": "c",
        "DisplayName": "own",
        "FifoTopic": False,
        "Tags": [{"Key": "team", "Value": "a"}],
    }


def test_of_merged_mappings_the_earlier_wins_as_yaml_1_1_says() -> None:
    text = "Resources: {}\na: &a {Name: first}\nb: &b {Name: second, Other: 2}\nc:\n  <<: [*a, *b]\n  Own: 3\nd:\n  <<: *b\n  Name: own\n"
    data = load(text).data
    assert data["c"] == {"Name": "first", "Other": 2, "Own": 3}
    assert data["d"] == {"Name": "own", "Other": 2}


@pytest.mark.parametrize("nodes", [True, False])
def test_expansions_are_recorded_with_pointers_and_offsets(nodes: bool) -> None:
    parsed = parse_text(TEMPLATE, nodes=nodes)
    found = [(e.kind, e.name, e.pointer, TEMPLATE[e.offset : e.offset + 6]) for e in parsed.expansions]
    assert found == [
        ("anchor", "props", "/Resources/A/Properties", "&props"),
        ("anchor", "tags", "/Resources/A/Properties/Tags", "&tags "),
        ("alias", "props", "/Resources/B/Properties", "*props"),
        ("merge", "<<", "/Resources/C/Properties", "<<: [{"),
        ("alias", "tags", "/Resources/C/Properties/Tags", "*tags\n"),
        ("alias", "tags", "/Resources/D/Properties/Tags/1", "*tags]"),
    ]
    assert parse_text("Resources: {A: {Type: x}}\n").expansions == ()


def test_an_alias_is_located_at_its_own_text() -> None:
    doc = load(TEMPLATE)
    assert doc.locate("/Resources/B/Properties/VisibilityTimeout") == (10, 17)  # the `*props`
    assert doc.locate("/Resources/A/Properties/VisibilityTimeout") == (6, 26)


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        ("Resources:\n  A: *nothing\n", (2, 6), "undefined YAML alias *nothing"),
        ("Resources:\n  A: &a [1, *a]\n", (2, 13), "refers to a node that contains it"),
        ("Resources:\n  A:\n    <<: 3\n", (3, 5), "a merge key (<<) needs a mapping"),
        ("Resources:\n  A:\n    <<: [{a: 1}, [2]]\n", (3, 5), "a merge key (<<) needs a mapping"),
        ("x: &k [a]\nResources:\n  *k : 1\n", (3, 3), "mapping keys must be plain scalars"),
        ("x: &k B\nResources:\n  B: 1\n  *k : 2\n", (4, 3), "duplicate key 'B'"),
    ],
)
def test_broken_anchors_are_errors(text: str, where: tuple[int, int], reason: str) -> None:
    with pytest.raises(ParseError, match=re.escape(reason)) as info:
        parse_text(text)
    assert (info.value.line, info.value.column) == where


def test_a_quoted_merge_key_is_a_plain_key() -> None:
    assert load("Resources: {}\nx: {'<<': {a: 1}}\n").data["x"] == {"<<": {"a": 1}}


@pytest.mark.parametrize(
    "op",
    [
        {"op": "replace", "path": "/Resources/B/Properties/VisibilityTimeout", "value": 1},  # inside an alias
        {"op": "replace", "path": "/Resources/A/Properties/VisibilityTimeout", "value": 1},  # inside an anchor
        {"op": "remove", "path": "/Resources/A/Properties"},  # the anchored node itself
        {"op": "remove", "path": "/Resources/A"},  # a node holding an anchor
        {"op": "add", "path": "/Resources/C/Properties/FifoTopic", "value": True},  # a mapping with a merge
        {
            "op": "add",
            "path": "/Resources/D/Properties/Tags/0",
            "value": {"Key": "k", "Value": "v"},
        },  # shifts the alias
        {
            "op": "move",
            "from": "/Resources/A/Properties/Tags",
            "path": "/Resources/A/Properties/Labels",
        },  # rename inside an anchor
        {"op": "move", "from": "/Resources/D/Properties/Tags", "path": "/Resources/E"},  # not a rename
        {"op": "replace", "path": "", "value": {}},
    ],
)
def test_edits_at_or_inside_anchors_aliases_and_merges_are_refused(op: dict[str, Any]) -> None:
    with pytest.raises(AnchoredEditError, match="cfnfix does not edit anchored, aliased or merged YAML") as info:
        apply_patch(
            TEMPLATE,
            [{"op": "test", "path": "/Resources/A/Type", "value": "AWS::SQS::Queue"}, op],
            file="t.yaml",
            strict=True,
        )
    assert str(info.value).startswith("t.yaml:")
    assert "patch operation #1" in info.value.reason


@pytest.mark.parametrize(
    "ops",
    [
        [{"op": "replace", "path": "/Resources/D/Properties/BucketName", "value": "e"}],
        [{"op": "add", "path": "/Resources/D/Properties/Tags/-", "value": {"Key": "k", "Value": "v"}}],
        [{"op": "add", "path": "/Resources/B/DependsOn", "value": "A"}],
        [
            {"op": "move", "from": "/Resources/B", "path": "/Resources/Bee"},
            {"op": "add", "path": "/Resources/Bee/Condition", "value": "C"},
        ],
        [{"op": "copy", "from": "/Resources/A/Properties", "path": "/Resources/D/Metadata"}],
        [{"op": "test", "path": "/Resources/B/Properties/VisibilityTimeout", "value": 120}],
    ],
)
def test_edits_beside_them_apply(ops: list[dict[str, Any]]) -> None:
    import jsonpatch

    out = apply_patch(TEMPLATE, ops, strict=True)
    assert load(out).data == jsonpatch.apply_patch(yaml.safe_load(TEMPLATE), ops)
    assert out.count("&props") == out.count("*props") == 1 and out.count("*tags") == 2


def test_the_pointers_of_a_renamed_node_follow_it() -> None:
    renamed = [{"op": "move", "from": "/Resources/B", "path": "/Resources/Bee"}]
    assert conflict(
        renamed + [{"op": "remove", "path": "/Resources/Bee/Properties/VisibilityTimeout"}],
        parse_text(TEMPLATE).expansions,
    )
    alias = Expansion("alias", "x", "/a/b", 0)
    assert (
        conflict([{"op": "move", "from": "/a", "path": "/z"}, {"op": "add", "path": "/a/b", "value": 1}], (alias,))
        is None
    )


def test_apply_refuses_the_file_and_check_reports(cli, tmp_path: Path) -> None:
    case = GOLDEN / "yaml-alias" / "aliases-apply-refused"
    path = tmp_path / "stack.yaml"
    shutil.copy(case / "input.yaml", path)
    before = Untouched(path)
    result = cli("apply", "--write", "--select", "CFX101", str(path))
    expected = (case / "error.txt").read_text(encoding="utf-8").strip().replace("<string>", str(path), 1)
    assert_one_error(result, f"error: {path}:8:17:", "inside the YAML anchor &queue_settings")
    assert f"error: {expected}" in result.stderr
    before.check()
    checked = cli("check", str(path))
    assert checked.exit_code == 1
    assert f"{path}:15:17: CFX850 YAML alias *queue_settings: CloudFormation rejects aliases" in checked.stdout


def test_apply_beside_writes(cli, tmp_path: Path) -> None:
    case = GOLDEN / "yaml-alias" / "aliases-apply-beside"
    path = tmp_path / "stack.yaml"
    shutil.copy(case / "input.yaml", path)
    result = cli("apply", "--write", "--select", "CFX101", str(path))
    assert result.exit_code == 0, result.stderr
    assert path.read_text(encoding="utf-8") == (case / "output.yaml").read_text(encoding="utf-8")


def test_the_fixed_text_is_what_cfn_lint_expands_too() -> None:
    from cfnlint.decode.decode import decode_str

    case = GOLDEN / "yaml-alias" / "aliases-apply-beside"
    out = (case / "output.yaml").read_text(encoding="utf-8")
    lint, matches = decode_str(out)
    assert not matches and lint == load(out).data
