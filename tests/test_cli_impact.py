"""The impact of fixes on a deployed stack at the command line: after the dry-run diff, the
unsafe note for a "safe" fix that would destroy data, and ``--refactor-mapping``."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from cfnfix.impact import impact_of
from cfnfix.impact.refactor import mapping_for_run, refactor_mappings

#: ResourceMappings as the CloudFormation API defines them (API reference: CreateStackRefactor,
#: ResourceMapping, ResourceLocation): both ends required, each a stack name and a logical ID.
LOCATION = {
    "type": "object",
    "required": ["StackName", "LogicalResourceId"],
    "additionalProperties": False,
    "properties": {
        "StackName": {"type": "string", "pattern": "^[A-Za-z][-A-Za-z0-9]{0,127}$"},
        "LogicalResourceId": {"type": "string", "pattern": "^[A-Za-z0-9]{1,255}$"},
    },
}
RESOURCE_MAPPINGS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["Source", "Destination"],
        "additionalProperties": False,
        "properties": {"Source": LOCATION, "Destination": LOCATION},
    },
}

INVALID_ID = """\
Resources:
  Orders Topic:
    Type: AWS::SNS::Topic
  Sub:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref "Orders Topic"
      Protocol: email
      Endpoint: ops@example.com
"""


def test_dry_run_prints_the_impact_after_the_diff_on_stderr(cli, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(INVALID_ID, encoding="utf-8")
    result = cli("apply", str(path))
    assert result.exit_code == 1
    assert result.stdout.startswith("--- ") and "Impact" not in result.stdout
    assert result.stderr.splitlines()[:3] == [
        "Impact on a deployed stack:",
        f"{path}:",
        "  OrdersTopic (AWS::SNS::Topic): renamed — new logical ID (was 'Orders Topic', which CloudFormation "
        "rejects, so no deployed stack has it): nothing to replace",
    ]
    quiet = cli("apply", "--quiet", str(path))
    assert "Impact" not in quiet.stderr


def test_a_safe_fix_that_replaces_a_bucket_is_withheld_with_the_reason(
    cli, demo_rules: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "Metadata:\n  DemoBucketName: new-name\nResources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: old-name\n",
        encoding="utf-8",
    )
    result = cli("apply", str(path))
    assert result.exit_code == 0, "nothing is applied without --unsafe-fixes"
    assert result.stdout == ""
    assert (
        f"note: {path}:4:3: CFX998 fix is unsafe (--unsafe-fixes applies it): on a deployed stack Data "
        "(AWS::S3::Bucket) replaced, losing its objects"
    ) in result.stderr.splitlines()
    unsafe = cli("apply", "--unsafe-fixes", str(path))
    assert unsafe.exit_code == 1 and "+    Properties:" not in unsafe.stdout and "new-name" in unsafe.stdout
    assert (
        "  Data (AWS::S3::Bucket): replaced — BucketName is create-only; its objects would be lost"
        in unsafe.stderr.splitlines()
    )
    listed = cli("check", "--format", "json", str(path))
    fix = json.loads(listed.stdout)["findings"][0]["fix"]
    assert fix["applicability"] == "unsafe" and fix["unsafe_reason"].startswith("on a deployed stack Data")


def test_refactor_mapping_for_a_rename_has_the_api_shape() -> None:
    before = {
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Alarm": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {"Dimensions": [{"Name": "Q", "Value": {"Ref": "Queue"}}]},
            },
        }
    }
    patch = [
        {"op": "move", "from": "/Resources/Queue", "path": "/Resources/OrdersQueue"},
        {"op": "replace", "path": "/Resources/Alarm/Properties/Dimensions/0/Value/Ref", "value": "OrdersQueue"},
    ]
    impact = impact_of(before, patch)
    renamed = next(i for i in impact if i.renamed_from)
    assert (
        renamed.refactor_avoids_replacement and renamed.destroys_data
    )  # a queue: only the refactor keeps its messages
    mappings = refactor_mappings(impact, "orders-prod")
    jsonschema.validate(mappings, RESOURCE_MAPPINGS)
    assert mappings == [
        {
            "Source": {"StackName": "orders-prod", "LogicalResourceId": "Queue"},
            "Destination": {"StackName": "orders-prod", "LogicalResourceId": "OrdersQueue"},
        }
    ]
    with pytest.raises(ValueError, match="one stack"):
        mapping_for_run([("a.yaml", impact), ("b.yaml", impact)], "orders-prod")
    with pytest.raises(ValueError, match="invalid stack name"):
        refactor_mappings(impact, "orders_prod")


def test_refactor_mapping_file_from_apply(cli, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(INVALID_ID, encoding="utf-8")
    out = tmp_path / "mapping.json"
    result = cli("apply", str(path), "--refactor-mapping", str(out), "--stack-name", "orders")
    assert result.exit_code == 1
    assert not out.exists()  # CloudFormation rejects 'Orders Topic': no deployed stack has it, nothing to map
    assert f"note: {path}: 'Orders Topic' → OrdersTopic needs no mapping" in result.stderr
    assert f"No renamed resource needs a mapping: {out} not written." in result.stderr
    missing = cli("apply", str(path), "--refactor-mapping", str(out))
    assert missing.exit_code == 2 and "--stack-name" in missing.stderr
    bad = cli("apply", str(path), "--refactor-mapping", str(out), "--stack-name", "1x")
    assert bad.exit_code == 2 and "invalid stack name" in bad.stderr
