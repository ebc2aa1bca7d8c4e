"""Regenerate ``cfnfix/rules/iam/data/iam_names.json`` from public datasets:
``python scripts/gen_iam_names.py --iam-dataset PATH --principal-list PATH [--check]``.

Two tables for the IAM name rules (CFX960, CFX961), with their sources:

* ``managed_policies``: every AWS managed policy name with its path (``service-role/``,
  ``job-function/`` …; null when the dataset does not record it) and the date of its last
  update, and the ones AWS has deprecated or deleted. Source: the per-policy files ``aws/managedpolicies/*.json`` of
  https://github.com/iann0036/iam-dataset (MIT licence, updated daily from the IAM API). A file
  whose content the snapshot lacks (large files of a partial clone) is read from the newest
  earlier commit that has it.
* ``service_principals``: service principal names (``lambda.amazonaws.com``) known to exist:
  those AWS's own managed policies name (values of ``iam:PassedToService``,
  ``iam:AWSServiceName`` and the other conditions in :data:`PRINCIPAL_KEYS`, and the
  ``aws-service-role/<principal>/`` paths of service-linked roles), those of
  https://github.com/towardsthecloud/vscode-iam-service-principal-snippets
  (``snippets/service-principals.json``, Apache-2.0, generated from the AWS documentation and
  the policy generator), and :data:`DOCUMENTED`, each with its AWS documentation page.

``PATH`` is a checkout of the repository or its git directory (a bare clone or a fetched
snapshot: files are read with ``git cat-file``, nothing of it is run). ``--check`` compares the
committed table with what the sources give (the ``date`` key aside). No file of those
repositories is committed here: only the names above.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _generated import write_or_check

OUT = Path(__file__).resolve().parent.parent / "cfnfix" / "rules" / "iam" / "data" / "iam_names.json"
IAM_DATASET = "https://github.com/iann0036/iam-dataset"
PRINCIPAL_LIST = "https://github.com/towardsthecloud/vscode-iam-service-principal-snippets"

#: Condition keys whose values are service principal names in AWS managed policies.
PRINCIPAL_KEYS = frozenset(
    {
        "iam:passedtoservice",
        "iam:awsservicename",
        "organizations:serviceprincipal",
        "aws:calledvia",
        "aws:calledviafirst",
        "aws:calledvialast",
        "sts:awsservicename",
        "lambda:principal",
        "glue:roleassumedby",
        "config:configurationrecorderserviceprincipal",
        "codestar-connections:passedtoservice",
        "codeconnections:passedtoservice",
        "events:managedby",
    }
)

#: Service principals neither dataset lists, each with the AWS page that names it.
DOCUMENTED: dict[str, str] = {
    "monitoring.rds.amazonaws.com": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html",
    "export.rds.amazonaws.com": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ExportSnapshot.html",
    "vpc-flow-logs.amazonaws.com": "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html",
    "edgelambda.amazonaws.com": "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-edge-permissions.html",
    "eks-fargate-pods.amazonaws.com": "https://docs.aws.amazon.com/eks/latest/userguide/pod-execution-role.html",
    "logdelivery.elasticloadbalancing.amazonaws.com": "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
    "delivery.logs.amazonaws.com": "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html",
    "logs.amazonaws.com": "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
    "ecs-tasks.amazonaws.com": "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
    "ec2.amazonaws.com": "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html",
    "events.amazonaws.com": "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html",
    "codedeploy.amazonaws.com": "https://docs.aws.amazon.com/codedeploy/latest/userguide/getting-started-create-service-role.html",
    "xray.amazonaws.com": "https://docs.aws.amazon.com/xray/latest/devguide/security_iam_service-with-iam.html",
    "sqs.amazonaws.com": "https://docs.aws.amazon.com/cdk/api/v2/python/aws_cdk.aws_iam/ServicePrincipal.html",
    "kms.amazonaws.com": "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-services.html",
    "dynamodb.amazonaws.com": "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html",
    "secretsmanager.amazonaws.com": "https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html",
    "kinesisanalytics.amazonaws.com": "https://docs.aws.amazon.com/kinesisanalytics/latest/java/iam-role.html",
    "airflow-env.amazonaws.com": "https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-create-role.html",
    "billingreports.amazonaws.com": "https://docs.aws.amazon.com/cur/latest/userguide/cur-s3.html",
    "replicator.lambda.amazonaws.com": "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-edge-permissions.html",
    "logging.s3.amazonaws.com": "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html",
    "batchoperations.s3.amazonaws.com": "https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html",
    "build.apprunner.amazonaws.com": "https://docs.aws.amazon.com/apprunner/latest/dg/security_iam_service-with-iam.html",
    "tasks.apprunner.amazonaws.com": "https://docs.aws.amazon.com/apprunner/latest/dg/security_iam_service-with-iam.html",
    "streams.metrics.cloudwatch.amazonaws.com": "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-metric-streams-trustpolicy.html",
    "osis-pipelines.amazonaws.com": "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/pipeline-security-overview.html",
}


class Source:
    """Files of a repository: a checkout, or a git directory read with ``git cat-file``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.git = (path / "objects").is_dir() or (path / ".git").exists()
        self.git_dir = path / ".git" if (path / ".git").is_dir() else path

    def _git(self, *args: str, data: bytes | None = None) -> bytes:
        return subprocess.run(
            ["git", f"--git-dir={self.git_dir}", *args], input=data, capture_output=True, check=True
        ).stdout

    def commit(self) -> tuple[str, str]:
        """(commit id, commit date) of HEAD (of the checkout, when it is a git checkout)."""
        if not self.git:
            return "unknown", "unknown"
        out = self._git("log", "-1", "--format=%H %cs").decode().split()
        return out[0], out[1]

    def read(self, name: str) -> bytes:
        """One file at HEAD."""
        if (self.path / name).is_file():
            return (self.path / name).read_bytes()
        return self._git("cat-file", "-p", f"HEAD:{name}")

    def folder(self, folder: str) -> Iterator[tuple[str, bytes | None]]:
        """(file name, content or None when absent) of every file of ``folder`` at HEAD."""
        if (self.path / folder).is_dir():
            for f in sorted((self.path / folder).iterdir()):
                yield f.name, f.read_bytes()
            return
        listing = self._git("ls-tree", f"HEAD:{folder}").decode().splitlines()
        entries = [(line.split("\t", 1)[1], line.split()[2]) for line in listing]
        batch = self._git("cat-file", "--batch", data="".join(f"{blob}\n" for _, blob in entries).encode())
        at = 0
        for name, _ in entries:
            end = batch.index(b"\n", at)
            header = batch[at:end].split()
            if header[1] == b"missing":
                at = end + 1
                yield name, None
                continue
            size = int(header[2])
            yield name, batch[end + 1 : end + 1 + size]
            at = end + 1 + size + 1

    def history(self, name: str, depth: int = 60) -> Iterator[bytes]:
        """Earlier contents of one file, newest first (those the snapshot holds)."""
        if not self.git:
            return
        for commit in self._git("log", f"-n{depth}", "--format=%H", "--", name).decode().split():
            try:
                yield self._git("cat-file", "-p", f"{commit}:{name}")
            except subprocess.CalledProcessError:
                continue


def managed_policies(source: Source) -> tuple[dict[str, list[str | None]], list[str]]:
    """Policy name → [path (``""`` for the root, None when unknown), date of its last update
    (None when unknown)], and the deprecated names."""
    folder = "aws/managedpolicies"
    paths: dict[str, list[str | None]] = {}
    deprecated: list[str] = []
    for file, content in source.folder(folder):
        if not file.endswith(".json"):
            continue
        record = json.loads(content) if content is not None else None
        if record is None or not record.get("arn"):
            for older in source.history(f"{folder}/{file}"):
                old = json.loads(older)
                if old.get("arn"):
                    record = {**old, "deprecated": (record or old).get("deprecated", old.get("deprecated"))}
                    break
        name = file[: -len(".json")]
        if record is None:
            paths[name] = [None, None]
            continue
        name = str(record.get("name") or name).removesuffix(".json")
        arn = record.get("arn")
        updated = record.get("updatedate")
        paths[name] = [
            _policy_path(arn) if isinstance(arn, str) else None,
            updated[:10] if isinstance(updated, str) else None,
        ]
        if record.get("deprecated"):
            deprecated.append(name)
    return dict(sorted(paths.items())), sorted(deprecated)


def _policy_path(arn: str) -> str:
    rest = arn.split(":policy/", 1)[1]
    return rest.rpartition("/")[0] + "/" if "/" in rest else ""


def policy_principals(source: Source) -> set[str]:
    """Service principals named in the conditions and service-linked role paths of AWS managed policies."""
    found: set[str] = set()
    for _, content in source.folder("aws/managedpolicies"):
        if content is None:
            continue
        text = content.decode("utf-8")
        found.update(re.findall(r"aws-service-role/([a-z0-9.-]+\.amazonaws\.com)/", text))
        document = json.loads(text).get("document") or {}
        statements = document.get("Statement", [])
        for statement in statements if isinstance(statements, list) else [statements]:
            condition = statement.get("Condition") if isinstance(statement, dict) else None
            for operator in (condition or {}).values():
                for key, values in operator.items() if isinstance(operator, dict) else ():
                    if key.lower() not in PRINCIPAL_KEYS:
                        continue
                    for value in values if isinstance(values, list) else [values]:
                        if isinstance(value, str) and re.fullmatch(r"[a-z0-9][a-z0-9.-]*\.amazonaws\.com", value):
                            found.add(value)
    return found


def listed_principals(source: Source) -> set[str]:
    """The principals of the snippet list."""
    data = json.loads(source.read("snippets/service-principals.json"))
    return {
        str(entry["servicePrincipal"])
        for entry in data.values()
        if isinstance(entry, dict)
        and re.fullmatch(r"[a-z0-9][a-z0-9.-]*\.amazon(aws)?\.com", str(entry.get("servicePrincipal")))
    }


def build(today: str, dataset: Source, listing: Source) -> dict[str, Any]:
    """The whole table."""
    policies, deprecated = managed_policies(dataset)
    from_policies = policy_principals(dataset)
    from_list = listed_principals(listing)
    dataset_commit, dataset_date = dataset.commit()
    list_commit, list_date = listing.commit()
    return {
        "date": today,
        "generated_by": "scripts/gen_iam_names.py --iam-dataset <iam-dataset> --principal-list <snippets>",
        "source": {
            "managed_policies": {
                "repository": IAM_DATASET,
                "licence": "MIT (Copyright (c) 2021 Ian Mckay)",
                "commit": dataset_commit,
                "commit_date": dataset_date,
                "files": "aws/managedpolicies/*.json (name, arn, deprecated)",
            },
            "service_principals": [
                {
                    "repository": IAM_DATASET,
                    "commit": dataset_commit,
                    "what": "principal names in the conditions and service-linked role paths of AWS managed policies",
                    "count": len(from_policies),
                },
                {
                    "repository": PRINCIPAL_LIST,
                    "licence": "Apache-2.0",
                    "commit": list_commit,
                    "commit_date": list_date,
                    "files": "snippets/service-principals.json (servicePrincipal)",
                    "count": len(from_list),
                },
                {"documented": DOCUMENTED},
            ],
        },
        "managed_policies": policies,
        "deprecated_policies": deprecated,
        "service_principals": sorted(from_policies | from_list | set(DOCUMENTED)),
    }


def main(argv: list[str] | None = None) -> int:
    """Write the table, or check it with ``--check``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iam-dataset", required=True, type=Path, help=f"checkout or git directory of {IAM_DATASET}")
    parser.add_argument(
        "--principal-list", required=True, type=Path, help=f"checkout or git directory of {PRINCIPAL_LIST}"
    )
    parser.add_argument("--check", action="store_true", help="compare with the committed file instead of writing it")
    args = parser.parse_args(argv)
    table = build(dt.date.today().isoformat(), Source(args.iam_dataset), Source(args.principal_list))
    text = json.dumps(table, indent=1) + "\n"
    return write_or_check(OUT, text, "gen_iam_names.py", check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())
