"""The schema rules' walk (``cfnfix/rules/schema/_walk.py``) is kept by the resource body's identity."""

from __future__ import annotations

import pytest

from cfnfix.rules.schema import _walk
from cfnfix.template.model import resources


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
