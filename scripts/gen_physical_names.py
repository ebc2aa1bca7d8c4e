"""Regenerate ``cfnfix/rules/destroyable/data/physical_names.json`` from cfn-lint's bundled resource schemas:
``python scripts/gen_physical_names.py [--check]``.

For each resource type of the us-east-1 provider list, the property that sets its physical
name, when the schema has one: a top-level, create-only string property whose name ends in
``Name`` and that is either the type's whole primary identifier (``BucketName``,
``FunctionName``), or ``Name`` / ``<Type>Name`` of a type identified by an ARN or URL (which
embeds the name: ``QueueName`` for ``AWS::SQS::Queue``); or
one ending in ``Identifier`` that is the whole primary identifier (``DBClusterIdentifier``).
Types identified by a generated id are left out (their names need not be unique: a
data pipeline, an API key), except the few in ``UNIQUE_BY_ID``. Types whose primary
identifier has several parts are left out too: their names are unique only
within a parent resource (an API Gateway model within its API), which a new stack creates anew.
CFX258 (``fixed-physical-name``, destroyable profile) reads it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from importlib import metadata, resources
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _generated import write_or_check

#: Types keyed by a generated id whose names are still unique in the account and Region
#: (CreateSecret and CreateStackSet refuse a name that exists; a macro's name "must be unique
#: across all macros in the account", AWS::CloudFormation::Macro reference).
UNIQUE_BY_ID = {
    "AWS::CloudFormation::Macro": "Name",
    "AWS::CloudFormation::StackSet": "StackSetName",
    "AWS::SecretsManager::Secret": "Name",
}

OUT = Path(__file__).resolve().parent.parent / "cfnfix" / "rules" / "destroyable" / "data" / "physical_names.json"
REGION = "us-east-1"


def _schemas() -> Any:
    return resources.files("cfnlint") / "data" / "schemas"


def name_property(type_name: str, schema: dict[str, Any]) -> str | None:
    """The physical-name property of one resource schema, or None."""
    props = schema.get("properties", {})
    create_only = {p.split("/")[-1] for p in schema.get("createOnlyProperties", []) if p.count("/") == 2}
    primary = [p.split("/")[-1] for p in schema.get("primaryIdentifier", [])]
    suffix = type_name.rsplit("::", 1)[-1]
    if len(primary) != 1:
        return None  # a composite identifier: the name is unique within a parent (an API's model), not the account
    candidates = []
    for name in sorted(create_only):
        spec = props.get(name, {})
        if spec.get("type") != "string":
            continue
        if name.endswith("Identifier") and primary == [name]:  # DBClusterIdentifier, DBInstanceIdentifier
            candidates.append(name)
        elif name.endswith("Name") and (
            primary == [name] or (name in ("Name", f"{suffix}Name") and primary[0].lower().endswith(("arn", "url")))
        ):
            candidates.append(name)
    return candidates[0] if len(candidates) == 1 else None


def build(today: str) -> dict[str, Any]:
    """The whole table."""
    base = _schemas()
    provider = json.loads((base / "providers" / f"{REGION}.json").read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    for type_name, digest in sorted(provider.items()):
        schema = json.loads((base / "resources" / f"{digest}.json").read_text(encoding="utf-8"))
        found = UNIQUE_BY_ID.get(type_name) or name_property(type_name, schema)
        if found is not None:
            names[type_name] = found
    return {
        "date": today,
        "generated_by": "scripts/gen_physical_names.py",
        "source": {
            "cfn-lint": metadata.version("cfn-lint"),
            "schema_date": json.loads((base / "version.json").read_text(encoding="utf-8"))["schema_date"],
            "files": [f"cfnlint/data/schemas/providers/{REGION}.json", "cfnlint/data/schemas/resources/*.json"],
        },
        "name_property": names,
    }


def main(argv: list[str] | None = None) -> int:
    """Write the table, or check it with ``--check``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file instead of writing it")
    args = parser.parse_args(argv)
    text = json.dumps(build(dt.date.today().isoformat()), indent=2, sort_keys=False) + "\n"
    return write_or_check(OUT, text, "gen_physical_names.py", check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())
