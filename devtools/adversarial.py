"""Adversarial templates: shapes whose findings, fixes or patch operations pile up.

Each case is a function of ``n`` (how many of its repeated unit: findings in one resource,
resources with findings, operations in one patch …) returning the template text and, for
the cases about ``cfnfix patch``, the patch. ``benchmarks/adversarial.py`` grows ``n`` until
the text is about 1 MB (CloudFormation's limit) and times ``check`` and ``apply`` as the CLI
runs them; ``tests/test_adversarial_scaling.py`` runs the same shapes small, at ``n`` and
``4n``, and counts the lines executed, so a cost that grows with the square of ``n`` fails
the suite without timing anything.

Every shape here was quadratic once (issue 21, item 11):

* ``region-tags``: thousands of ``${AWS::Region}`` strings in one resource (CFX705, each
  finding's impact deep-copied the resource);
* ``invalid-ids``: thousands of invalid logical IDs referring to one another (CFX101, a name
  allocator and an impact walk over every resource per finding);
* ``sub-typos``: one ``Fn::Sub`` string of thousands of ``${AWS::Regoin}`` (CFX704, every
  finding's fix a copy of the whole string);
* ``unknown-sub``: thousands of unknown ``${X}`` in one ``Fn::Sub`` (nothing close: no fix);
* ``unused-conditions``: thousands of unused conditions (CFX805, removals from one mapping);
* ``redundant-depends-on``: a ``DependsOn`` list of thousands of names that ``Ref`` already
  orders (CFX806, removals from one list);
* ``patch-replace`` / ``patch-add`` / ``patch-remove``: ``cfnfix patch`` with thousands of
  operations (replacements across resources, entries added to one mapping, items removed
  from the front of one list).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["CASES", "Case", "sized"]

_HEAD = 'AWSTemplateFormatVersion: "2010-09-09"\n'


@dataclass(frozen=True)
class Case:
    """One adversarial shape: ``make(n)`` → (template text, patch or None)."""

    name: str
    make: Callable[[int], tuple[str, list[dict[str, Any]] | None]]
    what: str


def _region_tags(n: int) -> tuple[str, None]:
    tags = "".join(f"        - Key: k{i}\n          Value: a-${{AWS::Region}}-{i}\n" for i in range(n))
    return _HEAD + "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      Tags:\n" + tags, None


def _invalid_ids(n: int) -> tuple[str, None]:
    body = "".join(
        f"  Queue-{i}:\n    Type: AWS::SQS::Queue\n    Properties:\n"
        f"      RedrivePolicy:\n        deadLetterTargetArn: !GetAtt Queue-{(i + 1) % n}.Arn\n"
        for i in range(n)
    )
    return _HEAD + "Resources:\n" + body, None


def _sub_typos(n: int) -> tuple[str, None]:
    sub = "-".join("${AWS::Regoin}" for _ in range(n))
    return (
        _HEAD + f'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Sub "{sub}"\n',
        None,
    )


def _unknown_sub(n: int) -> tuple[str, None]:
    sub = "-".join(f"${{X{i}}}" for i in range(n))
    return (
        _HEAD + f'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Sub "{sub}"\n',
        None,
    )


def _unused_conditions(n: int) -> tuple[str, None]:
    conditions = "".join(f"  Unused{i}: !Equals [!Ref Env, e{i}]\n" for i in range(n))
    return (
        _HEAD
        + "Parameters:\n  Env:\n    Type: String\nConditions:\n"
        + conditions
        + "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n",
        None,
    )


def _redundant_depends_on(n: int) -> tuple[str, None]:
    topics = "".join(f"  Topic{i}:\n    Type: AWS::SNS::Topic\n" for i in range(n))
    depends = "".join(f"      - Topic{i}\n" for i in range(n))
    refs = "".join(f"        - !Ref Topic{i}\n" for i in range(n))
    queue = (
        "  Alarm:\n    Type: AWS::CloudWatch::Alarm\n    DependsOn:\n"
        + depends
        + "    Properties:\n      ComparisonOperator: GreaterThanThreshold\n      EvaluationPeriods: 1\n"
        "      Threshold: 1\n      AlarmActions:\n" + refs
    )
    return _HEAD + "Resources:\n" + topics + queue, None


def _many_resources(n: int) -> str:
    return (
        _HEAD
        + "Resources:\n"
        + "".join(f"  Topic{i}:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: t{i}\n" for i in range(n))
    )


def _patch_replace(n: int) -> tuple[str, list[dict[str, Any]]]:
    ops = [{"op": "replace", "path": f"/Resources/Topic{i}/Properties/TopicName", "value": f"x{i}"} for i in range(n)]
    return _many_resources(n), ops


def _patch_add(n: int) -> tuple[str, list[dict[str, Any]]]:
    text = _HEAD + "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Metadata:\n      first: 0\n"
    ops = [{"op": "add", "path": f"/Resources/Topic/Metadata/key{i}", "value": f"value {i}"} for i in range(n)]
    return text, ops


def _patch_remove(n: int) -> tuple[str, list[dict[str, Any]]]:
    items = "".join(f"        - item {i}\n" for i in range(n + 1))
    text = _HEAD + "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Metadata:\n      Items:\n" + items
    return text, [{"op": "remove", "path": "/Resources/Topic/Metadata/Items/0"} for _ in range(n)]


CASES: dict[str, Case] = {
    case.name: case
    for case in (
        Case("region-tags", _region_tags, "${AWS::Region} in plain strings, all in one resource (CFX705)"),
        Case("invalid-ids", _invalid_ids, "invalid logical IDs referring to one another (CFX101)"),
        Case("sub-typos", _sub_typos, "one Fn::Sub of ${AWS::Regoin} typos (CFX704)"),
        Case("unknown-sub", _unknown_sub, "one Fn::Sub of unknown ${Xi} (nothing close: no fix)"),
        Case("unused-conditions", _unused_conditions, "unused conditions (CFX805)"),
        Case("redundant-depends-on", _redundant_depends_on, "DependsOn entries Ref already orders (CFX806)"),
        Case("patch-replace", _patch_replace, "cfnfix patch: one replacement per resource"),
        Case("patch-add", _patch_add, "cfnfix patch: entries added to one mapping"),
        Case("patch-remove", _patch_remove, "cfnfix patch: items removed from the front of one list"),
    )
}


def sized(case: Case, target: int) -> tuple[int, str, list[dict[str, Any]] | None]:
    """``(n, text, patch)`` of ``case`` with ``n`` grown until the text (and the patch, for the
    patch cases) is about ``target`` characters."""

    def size(text: str, patch: list[dict[str, Any]] | None) -> int:
        return max(len(text), len(json.dumps(patch)) if patch else 0)

    n = 16
    text, patch = case.make(n)
    n = max(16, int(n * target / max(1, size(text, patch))))
    text, patch = case.make(n)
    while size(text, patch) > target and n > 16:
        n = int(n * 0.95)
        text, patch = case.make(n)
    return n, text, patch
