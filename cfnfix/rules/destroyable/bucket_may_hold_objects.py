"""CFX255 bucket-may-hold-objects: CloudFormation cannot delete an S3 bucket that still holds objects."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from ...findings import Applicability, Finding, Severity
from ...template.model import Resource, ref_target, resources
from ..base import RuleContext
from ._common import DestroyableRule, references_to, summary

#: Words in a custom resource's type, logical ID or function name that say it empties buckets
#: (CDK's ``Custom::S3AutoDeleteObjects``, ``EmptyBucket``, ``BucketCleaner`` …).
_EMPTIES = re.compile(
    r"empty|emptie|autodelete|auto-delete|delete-?objects|clean|purge|clear|teardown|destroy", re.IGNORECASE
)


class BucketMayHoldObjects(DestroyableRule):
    """An ``AWS::S3::Bucket`` with nothing in the stack that empties it before deletion."""

    id = "CFX255"
    name = "bucket-may-hold-objects"
    severity = Severity.MEDIUM
    fix_applicability = Applicability.NONE
    resource_types = frozenset({"AWS::S3::Bucket"})
    summary = summary("S3 bucket with nothing that empties it: deleting the stack fails while it holds objects")
    doc_url = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-bucket.html"
    root_cause = "CloudFormation deletes a bucket with DeleteBucket, which refuses a bucket that is not empty; it never deletes objects."
    deployment_impact = "Deploys fine; deleting the stack fails (DELETE_FAILED, 'The bucket you tried to delete is not empty') once anything wrote to the bucket."
    explanation = """\
## What
An `AWS::S3::Bucket` and no custom resource in the template that empties it (one that
refers to the bucket and whose type, logical ID or function says it empties or cleans, as
CDK's `Custom::S3AutoDeleteObjects` does). Part of the `destroyable` profile: reported
only with `--profile destroyable`.

## Why
CloudFormation deletes a bucket only when it is empty; for a versioned bucket that means
every object version and delete marker too. A bucket anything wrote to (uploads, logs,
artifacts) makes the stack's deletion fail with `DELETE_FAILED`, and the bucket, with its
name, stays.

## Not fixed
Remedies, by hand:
* A custom resource that empties the bucket on `Delete` (a small Lambda function deleting
  every object version; CDK's `autoDeleteObjects: true` generates one).
* Empty the bucket before deleting the stack: `aws s3 rm s3://BUCKET --recursive` (for a
  versioned bucket, delete the versions too, e.g. with a lifecycle rule or `s3api
  delete-objects`).
* A lifecycle rule that expires objects only helps over days, not at deletion time.

## Fix safety
**None**: cfnfix does not write the custom resource: it is code, an IAM role and a policy,
not a small standard change.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per bucket that nothing empties."""
        all_res = resources(ctx.data)
        emptiers = [r for r in all_res if _is_custom(r) and _says_it_empties(r, all_res)]
        for res in all_res:
            if res.type != "AWS::S3::Bucket":
                continue
            if any(references_to(e.props, res.id) for e in emptiers):
                continue
            versioned = _versioned(res.props)
            what = "objects (every version, since versioning is on)" if versioned else "objects"
            message = (
                f"{res.id} (AWS::S3::Bucket) has nothing in the stack that empties it: CloudFormation cannot delete a "
                f"bucket that still holds {what}, so deleting the stack fails once anything wrote to it; add a custom "
                "resource that empties it on Delete, or empty it before deleting the stack"
            )
            yield self.finding(ctx, res.pointer, message, at_key=True)


def _is_custom(res: Resource) -> bool:
    return res.type.startswith("Custom::") or res.type == "AWS::CloudFormation::CustomResource"


def _says_it_empties(res: Resource, all_res: Sequence[Resource]) -> bool:
    names = [res.type, res.id]
    token = res.props.get("ServiceToken")
    target = ref_target(token)
    if isinstance(token, dict) and "Fn::GetAtt" in token:
        arg = token["Fn::GetAtt"]
        target = arg[0] if isinstance(arg, list) and arg else (arg.split(".")[0] if isinstance(arg, str) else None)
    if target:
        names.append(target)
        for other in all_res:
            if other.id == target and isinstance(other.props.get("FunctionName"), str):
                names.append(other.props["FunctionName"])
    return any(_EMPTIES.search(n) for n in names)


def _versioned(props: dict[str, Any]) -> bool:
    config = props.get("VersioningConfiguration")
    return isinstance(config, dict) and config.get("Status") == "Enabled"
