"""Regenerate ``cfnfix/rules/rds/data/rds_engine_versions.json``: ``python scripts/gen_rds_engine_versions.py [--check]``.

For every RDS engine that the installed cfn-lint marks versions of as deprecated (rules
W3690 for DB clusters, W3691 for DB instances) the table lists, per resource kind, the
versions cfn-lint accepts (``engine_version.json``, rule E3690) and the deprecated ones
(``engine_version_deprecated.json``), read from
``cfnlint/data/schemas/extensions/aws_rds_dbinstance/`` and ``…/aws_rds_dbcluster/``
(cfn-lint says these files are "automatically updated using aws api"). ``aurora-mysql`` is
left out: it has its own table and rules (``gen_aurora_mysql_data.py``, CFX301/CFX303).

cfn-lint is read as data only (no cfn-lint code is imported or copied). ``--check`` exits 1
when the committed JSON differs from what this script would write (ignoring the date).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from importlib import metadata, resources
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _generated import write_or_check

OUT = Path(__file__).resolve().parent.parent / "cfnfix" / "rules" / "rds" / "data" / "rds_engine_versions.json"
KINDS = {"AWS::RDS::DBInstance": "aws_rds_dbinstance", "AWS::RDS::DBCluster": "aws_rds_dbcluster"}
#: Engines with their own table and rules.
EXCLUDED = {"aurora-mysql"}


def _cfnlint_file(folder: str, name: str) -> Any:
    base = resources.files("cfnlint") / "data" / "schemas" / "extensions" / folder
    return json.loads((base / name).read_text(encoding="utf-8"))


def _schema_date() -> str:
    path = resources.files("cfnlint") / "data" / "schemas" / "version.json"
    return str(json.loads(path.read_text(encoding="utf-8"))["schema_date"])


def _enums(doc: Any, *, deprecated: bool) -> dict[str, list[str]]:
    """Engine → EngineVersion enum, from the ``allOf`` branches whose ``if`` names one engine."""
    out: dict[str, list[str]] = {}
    for branch in doc["allOf"]:
        props = branch.get("if", {}).get("properties", {})
        engine = props.get("Engine", {}).get("const")
        if not isinstance(engine, str):
            continue
        holder = props if deprecated else branch.get("then", {}).get("properties", {})
        enum = holder.get("EngineVersion", {}).get("enum")
        if enum is None:
            raise SystemExit(
                f"cfn-lint data has no EngineVersion enum for {engine}: its layout changed, update this script"
            )
        out[engine] = [str(v) for v in enum]
    if not out:
        raise SystemExit("cfn-lint engine data has no engine branches: its layout changed, update this script")
    return out


def version_key(version: str) -> tuple[int, ...]:
    """Numeric sort key (``8.0.35`` → (8, 0, 35))."""
    return tuple(int(p) for p in re.findall(r"\d+", version))


def build(today: str) -> dict[str, Any]:
    """The whole table."""
    engines: dict[str, dict[str, Any]] = {}
    files = []
    for kind, folder in KINDS.items():
        valid = _enums(_cfnlint_file(folder, "engine_version.json"), deprecated=False)
        deprecated = _enums(_cfnlint_file(folder, "engine_version_deprecated.json"), deprecated=True)
        files += [
            f"cfnlint/data/schemas/extensions/{folder}/{n}"
            for n in ("engine_version.json", "engine_version_deprecated.json")
        ]
        for engine in sorted(set(deprecated) - EXCLUDED):
            engines.setdefault(engine, {})[kind] = {
                "valid": sorted(set(valid.get(engine, [])), key=lambda v: (version_key(v), v)),
                "deprecated": sorted(set(deprecated[engine]), key=lambda v: (version_key(v), v)),
            }
    return {
        "date": today,
        "generated_by": "scripts/gen_rds_engine_versions.py",
        "sources": {"cfn-lint": metadata.version("cfn-lint"), "schema_date": _schema_date(), "files": files},
        "excluded": sorted(EXCLUDED),
        "engines": engines,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed file is out of date")
    args = parser.parse_args(argv)
    text = json.dumps(build(dt.date.today().isoformat()), indent=1, ensure_ascii=False) + "\n"
    return write_or_check(OUT, text, "gen_rds_engine_versions.py", check=args.check)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
