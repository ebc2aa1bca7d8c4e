"""Regenerate ``cfnfix/data/resource_replacement.json``: ``python scripts/gen_resource_replacement.py [--check]``.

Source: the resource provider schemas bundled with the installed cfn-lint
(``cfnlint/data/schemas/providers/us-east-1.json`` maps each type to a schema file under
``cfnlint/data/schemas/resources/``), read as data only — no cfn-lint code is imported or
copied. For every resource type the table keeps the two lists that decide whether an update
replaces the resource (see ``docs/deployed-stack-impact.md``):

- ``create_only``: ``createOnlyProperties`` — changing one replaces the resource;
- ``conditional``: ``conditionalCreateOnlyProperties`` — changing one *may* replace it.

Paths are written relative to ``Properties`` (``/properties/Family`` → ``Family``,
``/properties/Tags/*/Key`` → ``Tags/*/Key``). Types with neither list are listed with empty
lists, so that "no create-only property" and "type unknown" stay different answers.
``--check`` exits 1 when the committed file differs from what this script would write
(ignoring the date).
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

OUT = Path(__file__).resolve().parent.parent / "cfnfix" / "data" / "resource_replacement.json"
REGION = "us-east-1"
PREFIX = "/properties/"


def _relative(paths: list[str]) -> list[str]:
    return sorted({p[len(PREFIX) :] for p in paths if p.startswith(PREFIX)})


def build() -> dict[str, Any]:
    """The table as written to the data file."""
    schemas = resources.files("cfnlint") / "data" / "schemas"
    index = json.loads((schemas / "providers" / f"{REGION}.json").read_text(encoding="utf-8"))
    types: dict[str, Any] = {}
    for type_name in sorted(index):
        schema = json.loads((schemas / "resources" / f"{index[type_name]}.json").read_text(encoding="utf-8"))
        types[type_name] = {
            "create_only": _relative(schema.get("createOnlyProperties", [])),
            "conditional": _relative(schema.get("conditionalCreateOnlyProperties", [])),
        }
    return {
        "date": dt.date.today().isoformat(),
        "generated_by": "scripts/gen_resource_replacement.py",
        "source": {"cfn-lint": metadata.version("cfn-lint"), "schemas": f"cfnlint/data/schemas (region {REGION})"},
        "types": types,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed table is stale")
    args = parser.parse_args(argv)
    table = build()
    types = table.pop("types")
    # one type a line: a diff of a regenerated table shows which types changed
    head = json.dumps(table, indent=1)[:-2]
    rows = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}" for k, v in types.items())
    text = f'{head},\n "types": {{\n{rows}\n }}\n}}\n'
    json.loads(text)
    return write_or_check(OUT, text, Path(__file__).name, check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())
