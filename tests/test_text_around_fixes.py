"""The text around a fix (issue 22): a trailing comment that names the replaced value goes with
it, a replaced scalar keeps its quoting where the new value allows, and an added entry can sit
beside the sibling a preceding ``test`` names."""

from __future__ import annotations

import pytest

from cfnfix.patch import apply_patch
from cfnfix.patch.layout_yaml import names_old_value

AURORA = """Resources:
  Db:
    Type: AWS::RDS::DBCluster
    Properties:
      EngineVersion: 5.7.mysql_aurora.2.11.2   # MySQL 5.7-compatible (Aurora v2)
      Port: 3306   # the default port
"""


def test_a_comment_naming_the_old_value_goes_with_it() -> None:
    out = apply_patch(
        AURORA,
        [{"op": "replace", "path": "/Resources/Db/Properties/EngineVersion", "value": "8.0.mysql_aurora.3.10.6"}],
    )
    assert "      EngineVersion: 8.0.mysql_aurora.3.10.6\n" in out
    assert "# the default port" in out


def test_a_comment_about_something_else_stays() -> None:
    out = apply_patch(AURORA, [{"op": "replace", "path": "/Resources/Db/Properties/Port", "value": 3307}])
    assert "      Port: 3307   # the default port\n" in out


@pytest.mark.parametrize(
    ("comment", "old", "new", "named"),
    [
        ("# MySQL 5.7-compatible (Aurora v2)", "5.7.mysql_aurora.2.11.2", "8.0.mysql_aurora.3.10.6", True),
        ("# Node 18", "nodejs18.x", "nodejs22.x", True),
        ("# was ON_DEMAND", "ON_DEMAND", "PAY_PER_REQUEST", True),
        ("# a synonym, in lower case", "on_demand", "PAY_PER_REQUEST", False),
        ("# mysql engine", "5.7.mysql_aurora.2.11.2", "8.0.mysql_aurora.3.10.6", False),  # both have mysql
        ("# see 15.7 release notes", "5.7.mysql_aurora.2.11.2", "8.0.mysql_aurora.3.10.6", False),
        ("# the default port", "3306", 3307, False),
        ("# case", "s", "S", False),  # a letter of a word is not the value
    ],
)
def test_which_comments_name_the_old_value(comment: str, old: str, new: object, named: bool) -> None:
    assert names_old_value(comment, old, new) is named


@pytest.mark.parametrize(
    ("line", "value", "expected"),
    [
        ('Name: !Sub "orders"', "orders", 'Name: "orders"'),  # the tag goes, the quotes stay
        ("Name: !Sub 'orders'", "orders", "Name: 'orders'"),
        ("Name: '\"v=spf1 -all\"'", '"v=spf1" "-all"', 'Name: \'"v=spf1" "-all"\''),  # needed quotes: same style
        ('Name: "a: b"', "ab", "Name: ab"),  # quotes it needed, the new value does not
    ],
)
def test_a_replaced_scalar_keeps_its_quoting(line: str, value: str, expected: str) -> None:
    text = f'Description: "x"\nResources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      {line}\n'
    out = apply_patch(text, [{"op": "replace", "path": "/Resources/T/Properties/Name", "value": value}])
    assert f"      {expected}\n" in out


YAML = """Resources:
  Db:
    Type: AWS::RDS::DBCluster
    DeletionPolicy: Retain
    Properties:
      Engine: aurora-mysql
"""


def test_an_added_key_goes_beside_the_sibling_a_test_names() -> None:
    patch = [
        {"op": "test", "path": "/Resources/Db/DeletionPolicy", "value": "Retain"},
        {"op": "add", "path": "/Resources/Db/UpdateReplacePolicy", "value": "Retain"},
    ]
    assert apply_patch(YAML, patch) == YAML.replace(
        "DeletionPolicy: Retain\n", "DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n"
    )
    json_text = (
        '{\n  "Resources": {\n    "Db": {\n      "DeletionPolicy": "Retain",\n      "Properties": {}\n    }\n  }\n}\n'
    )
    out = apply_patch(json_text, patch)
    assert out.index('"UpdateReplacePolicy"') < out.index('"Properties"')


def test_without_a_test_the_key_is_appended() -> None:
    out = apply_patch(YAML, [{"op": "add", "path": "/Resources/Db/UpdateReplacePolicy", "value": "Retain"}])
    assert out.endswith("Engine: aurora-mysql\n    UpdateReplacePolicy: Retain\n")
