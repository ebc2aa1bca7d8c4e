"""Regenerate ``cfnfix/rules/names/data/name_properties.json`` from cfn-lint's bundled resource
schemas: ``python scripts/gen_name_properties.py [--check]``.

For each resource type whose physical name a template can set (the same choice of name
property as ``gen_physical_names.py``, which CFX258 uses), what the physical-name rules
(CFX920–CFX923) need to rewrite a place that wrote the name as text into a reference:

* ``ref``: ``Ref`` returns the name. For resource-provider types ``Ref`` returns the
  primary identifier, so this is true when the name property is the whole primary identifier;
* ``attribute``: else, a ``Fn::GetAtt`` attribute that returns the name: a read-only
  property called ``<Type>Name`` or ``Name``, or one of the documented attributes in ``DOCUMENTED``;
* ``arn``: how to refer to the resource's ARN, for a place that writes the whole ARN: an
  attribute (``Arn``, ``<Type>Arn``) when the type has one, else ``Ref`` when the primary
  identifier is the ARN (an attribute says what it returns; a few older types' ``Ref`` does
  not follow the primary identifier);
* ``required``: the schema requires the name (a fix cannot leave it out);
* ``max_length`` and ``pattern`` of the name property, to check a name the fix writes.
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
from gen_physical_names import REGION, UNIQUE_BY_ID, name_property

#: ``Fn::GetAtt`` attributes that return the name although the schema lists them as plain
#: properties (they are in the type's "Return values" section).
DOCUMENTED = {
    # https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html#aws-resource-sqs-queue-return-values
    "AWS::SQS::Queue": "QueueName",
    # https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-topic.html#aws-resource-sns-topic-return-values
    "AWS::SNS::Topic": "TopicName",
}

OUT = Path(__file__).resolve().parent.parent / "cfnfix" / "rules" / "names" / "data" / "name_properties.json"


def _schemas() -> Any:
    return resources.files("cfnlint") / "data" / "schemas"


def entry(type_name: str, schema: dict[str, Any], prop: str) -> dict[str, Any]:
    """The row of one type."""
    primary = [p.split("/")[-1] for p in schema.get("primaryIdentifier", [])]
    read_only = {p.split("/")[-1] for p in schema.get("readOnlyProperties", []) if p.count("/") == 2}
    suffix = type_name.rsplit("::", 1)[-1]
    ref = primary == [prop]
    attribute = None
    if not ref:
        attribute = DOCUMENTED.get(type_name) or next(
            (a for a in (f"{suffix}Name", "Name") if a in read_only and a != prop), None
        )
    spec = schema.get("properties", {}).get(prop, {})
    arn = next((a for a in ("Arn", f"{suffix}Arn") if a in read_only), None)
    if arn is None and len(primary) == 1 and primary[0].endswith("Arn"):
        arn = "Ref"
    return {
        "property": prop,
        "ref": ref,
        "attribute": attribute,
        "arn": arn,
        "required": prop in schema.get("required", []),
        "max_length": spec.get("maxLength"),
        "pattern": spec.get("pattern"),
    }


def build(today: str) -> dict[str, Any]:
    """The whole table."""
    base = _schemas()
    provider = json.loads((base / "providers" / f"{REGION}.json").read_text(encoding="utf-8"))
    types: dict[str, Any] = {}
    for type_name, digest in sorted(provider.items()):
        schema = json.loads((base / "resources" / f"{digest}.json").read_text(encoding="utf-8"))
        prop = UNIQUE_BY_ID.get(type_name) or name_property(type_name, schema)
        if prop is not None:
            types[type_name] = entry(type_name, schema, prop)
    return {
        "date": today,
        "generated_by": "scripts/gen_name_properties.py",
        "source": {
            "cfn-lint": metadata.version("cfn-lint"),
            "schema_date": json.loads((base / "version.json").read_text(encoding="utf-8"))["schema_date"],
            "files": [f"cfnlint/data/schemas/providers/{REGION}.json", "cfnlint/data/schemas/resources/*.json"],
        },
        "types": types,
    }


def main(argv: list[str] | None = None) -> int:
    """Write the table, or check it with ``--check``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file instead of writing it")
    args = parser.parse_args(argv)
    text = json.dumps(build(dt.date.today().isoformat()), indent=2, sort_keys=False) + "\n"
    return write_or_check(OUT, text, "gen_name_properties.py", check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())
