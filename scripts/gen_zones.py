"""Regenerate ``cfnfix/rules/environment/data/zones.json`` from cfn-lint's installed data:
``python scripts/gen_zones.py [--check]``.

Two tables for the hard-coded environment rules (CFX930–CFX939):

* ``regions``: every Region cfn-lint knows with its Availability Zone names in the order
  ``Fn::GetAZs`` lists them (``cfnlint.helpers.AVAILABILITY_ZONES``, which cfn-lint uses to
  resolve ``Fn::GetAZs``); the partition of each Region follows its name (``cn-`` → ``aws-cn``,
  ``us-gov-`` → ``aws-us-gov``, the isolated Regions, ``aws`` otherwise: see
  docs/cloudformation/environment.md, "Partitions").
* ``zone_properties``: per resource type, the properties that take Availability Zone names,
  as paths under ``Properties`` (``*`` for any list item): every string or list-of-strings
  property of the us-east-1 resource schemas whose name is one of ``ZONE_NAMES``, at any
  depth (``$ref``\\ s followed), and the paths of cfn-lint's W3010 rule.
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

OUT = Path(__file__).resolve().parent.parent / "cfnfix" / "rules" / "environment" / "data" / "zones.json"
REGION = "us-east-1"

#: Property names that hold Availability Zone *names* (not zone IDs such as ``use1-az1``).
ZONE_NAMES = frozenset(
    {
        "AvailabilityZone",
        "AvailabilityZones",
        "AvailabilityZoneName",
        "PreferredAvailabilityZone",
        "PreferredAvailabilityZones",
        "PreferredCacheClusterAZs",
        "PrimaryAvailabilityZone",
        "ReplicaAvailabilityZones",
        "SecondaryAvailabilityZone",
        "FlowAvailabilityZone",
    }
)

#: Region-name prefix → partition (https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html).
PARTITIONS = (
    ("cn-", "aws-cn"),
    ("us-gov-", "aws-us-gov"),
    ("us-isob-", "aws-iso-b"),
    ("us-isof-", "aws-iso-f"),
    ("us-iso-", "aws-iso"),
    ("eu-isoe-", "aws-iso-e"),
    ("eusc-", "aws-eusc"),
)


def partition(region: str) -> str:
    """The partition of a Region, from its name."""
    return next((p for prefix, p in PARTITIONS if region.startswith(prefix)), "aws")


def _walk(schema: dict[str, Any], node: dict[str, Any], path: list[str], seen: frozenset[str], out: set[str]) -> None:
    if len(path) > 8:
        return
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref in seen:
            return
        node = schema.get("definitions", {}).get(ref.rsplit("/", 1)[-1], {})
        seen = seen | {ref}
    if node.get("type") == "array" or "items" in node:
        items = node.get("items")
        if isinstance(items, dict):
            _walk(schema, items, [*path, "*"], seen, out)
        return
    for name, spec in (node.get("properties") or {}).items():
        if not isinstance(spec, dict):
            continue
        if name in ZONE_NAMES:
            kind = spec.get("type")
            item = (spec.get("items") or {}).get("type") if isinstance(spec.get("items"), dict) else None
            if kind == "string":
                out.add("/".join([*path, name]))
            elif kind == "array" and item == "string":
                out.add("/".join([*path, name, "*"]))
        _walk(schema, spec, [*path, name], seen, out)


def _w3010_paths() -> dict[str, set[str]]:
    from cfnlint.rules.resources.properties.AvailabilityZone import AvailabilityZone

    found: dict[str, set[str]] = {}
    for keyword in AvailabilityZone().keywords:
        _, type_name, _, rest = keyword.split("/", 3)
        found.setdefault(type_name, set()).add(rest)
    return found


def build(today: str) -> dict[str, Any]:
    """The whole table."""
    from cfnlint.helpers import AVAILABILITY_ZONES

    base = resources.files("cfnlint") / "data" / "schemas"
    provider = json.loads((base / "providers" / f"{REGION}.json").read_text(encoding="utf-8"))
    properties: dict[str, set[str]] = _w3010_paths()
    for type_name, digest in sorted(provider.items()):
        schema = json.loads((base / "resources" / f"{digest}.json").read_text(encoding="utf-8"))
        found: set[str] = set()
        _walk(schema, schema, [], frozenset(), found)
        if found:
            properties.setdefault(type_name, set()).update(found)
    regions = {
        region: {"partition": partition(region), "zones": list(zones)}
        for region, zones in sorted(AVAILABILITY_ZONES.items())
    }
    return {
        "date": today,
        "generated_by": "scripts/gen_zones.py",
        "source": {
            "cfn-lint": metadata.version("cfn-lint"),
            "schema_date": json.loads((base / "version.json").read_text(encoding="utf-8"))["schema_date"],
            "files": [
                "cfnlint/helpers.py (AVAILABILITY_ZONES)",
                "cfnlint/rules/resources/properties/AvailabilityZone.py (W3010)",
                f"cfnlint/data/schemas/providers/{REGION}.json",
                "cfnlint/data/schemas/resources/*.json",
            ],
            "partitions": "https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html",
        },
        "regions": regions,
        "zone_properties": {name: sorted(paths) for name, paths in sorted(properties.items())},
    }


def main(argv: list[str] | None = None) -> int:
    """Write the table, or check it with ``--check``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file instead of writing it")
    args = parser.parse_args(argv)
    text = json.dumps(build(dt.date.today().isoformat()), indent=2) + "\n"
    return write_or_check(OUT, text, "gen_zones.py", check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())
