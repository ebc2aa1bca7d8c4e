"""Regenerate ``cfnfix/data/template_sections.json``: ``python scripts/gen_template_sections.py [--check]``.

Source: the installed cfn-lint's JSON schemas, read as data only (no cfn-lint code is
imported or copied): the top-level sections a template may have
(``cfnlint/data/schemas/other/template/configuration.json``, rule E1001) and the keys of a
SAM template's ``Globals`` section (``cfnlint/data/schemas/other/sam/globals.json``, rule
E3724). Rule CFX804 (section-name-typo) reads the table. ``--check`` exits 1 when the
committed file differs from what this script would write (ignoring the date).
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

OUT = Path(__file__).resolve().parent.parent / "cfnfix" / "data" / "template_sections.json"
SECTIONS = "data/schemas/other/template/configuration.json"
GLOBALS = "data/schemas/other/sam/globals.json"


def _keys(source: str) -> list[str]:
    schema = json.loads((resources.files("cfnlint") / source).read_text(encoding="utf-8"))
    return sorted(schema["properties"])


def build() -> dict[str, Any]:
    """The table as written to the data file."""
    return {
        "date": dt.date.today().isoformat(),
        "generated_by": "scripts/gen_template_sections.py",
        "source": {"cfn-lint": metadata.version("cfn-lint"), "files": [f"cfnlint/{SECTIONS}", f"cfnlint/{GLOBALS}"]},
        "sections": _keys(SECTIONS),
        "globals": _keys(GLOBALS),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed table is stale")
    args = parser.parse_args(argv)
    text = json.dumps(build(), indent=2) + "\n"
    return write_or_check(OUT, text, "gen_template_sections.py", check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())
