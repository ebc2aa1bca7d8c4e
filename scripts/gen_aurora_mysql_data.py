"""Regenerate ``cfnfix/rules/rds/data/aurora_mysql.json``: ``python scripts/gen_aurora_mysql_data.py [--check]``.

The table has two kinds of content:

* **versions** — every ``aurora-mysql`` engine version the installed cfn-lint accepts
  (``engine_version.json``, rule E3690) and the ones it marks deprecated, i.e. unable to
  create new clusters (``engine_version_deprecated.json``, rule W3690), read from
  ``cfnlint/data/schemas/extensions/aws_rds_dbcluster/`` (cfn-lint says these files are
  "automatically updated using aws api"). The default upgrade target is derived from them:
  the newest non-deprecated version of the newest long-term-support (LTS) series.
* **curated facts** kept below with their sources: lifecycle dates, LTS series, parameters
  renamed or removed in MySQL 8.0 / Aurora MySQL version 3, instance classes version 3
  does not offer. Edit them here, never in the JSON.

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

OUT = Path(__file__).resolve().parent.parent / "cfnfix" / "rules" / "rds" / "data" / "aurora_mysql.json"
ENGINE = "aurora-mysql"

#: Aurora MySQL minor series designated long-term support, newest last.
#: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Update.SpecialVersions.html
LTS_SERIES = ["3.04", "3.10"]

LIFECYCLE = {
    "aurora": {
        "mysql": "5.6",
        "aurora_major": 1,
        "end_of_life": "2023-02-28",
        "source": "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraMySQLReleaseNotes/AuroraMySQL.Updates.10Updates.html",
    },
    "aurora-mysql 5.7": {
        "mysql": "5.7",
        "aurora_major": 2,
        "end_of_standard_support": "2024-10-31",
        "extended_support_charges_from": "2024-12-01",
        "source": "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/extended-support.html",
    },
    "serverless v1": {
        "engine_mode": "serverless",
        "end_of_life": "2025-03-31",
        "source": "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless.relnotes.html",
    },
}

#: MySQL 5.7 / Aurora MySQL v2 parameter names that version 3 (MySQL 8.0) renamed.
#: MySQL 8.0.3 release notes (tx_*); Aurora "Inclusive language changes for Aurora MySQL
#: version 3" (replication names, where v3 parameter groups take only the new names).
RENAMED = {
    "tx_isolation": "transaction_isolation",
    "tx_read_only": "transaction_read_only",
    "log_slave_updates": "log_replica_updates",
    "init_slave": "init_replica",
    "master_verify_checksum": "source_verify_checksum",
    "sync_master_info": "sync_source_info",
}
RENAMED_PREFIXES = {
    "slave_": "replica_",
    "aurora_fwd_master_": "aurora_fwd_writer_",
}
#: Removed in MySQL 8.0 (query cache, InnoDB file formats) or from Aurora MySQL version 3.
REMOVED = {
    "query_cache_type": "the query cache was removed in MySQL 8.0",
    "query_cache_size": "the query cache was removed in MySQL 8.0",
    "query_cache_limit": "the query cache was removed in MySQL 8.0",
    "query_cache_min_res_unit": "the query cache was removed in MySQL 8.0",
    "query_cache_wlock_invalidate": "the query cache was removed in MySQL 8.0",
    "innodb_file_format": "removed in MySQL 8.0",
    "innodb_file_format_check": "removed in MySQL 8.0",
    "innodb_file_format_max": "removed in MySQL 8.0",
    "innodb_large_prefix": "removed in MySQL 8.0",
    "innodb_locks_unsafe_for_binlog": "removed in MySQL 8.0",
    "aurora_binlog_read_buffer_size": "removed from Aurora MySQL version 3",
    "aurora_binlog_use_large_read_buffer": "removed from Aurora MySQL version 3",
}
PARAMETER_SOURCES = [
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Compare-v2-v3.html",
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Reference.ParameterGroups.html",
    "https://dev.mysql.com/doc/relnotes/mysql/8.0/en/news-8-0-3.html",
]

#: Instance classes Aurora MySQL version 3 does not offer, and a same-size successor that
#: both version 2 and version 3 offer (so the change can be made before the upgrade).
#: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Compare-v2-v3.html#AuroraMySQL.mysql80-instance-classes
UNAVAILABLE_CLASS_FAMILIES = {"db.r3": "db.r5", "db.r4": "db.r5"}
UNAVAILABLE_CLASSES = {"db.t2.small": "db.t3.medium", "db.t2.medium": "db.t3.medium", "db.t3.small": "db.t3.medium"}


def _cfnlint_file(name: str) -> Any:
    base = resources.files("cfnlint") / "data" / "schemas" / "extensions" / "aws_rds_dbcluster"
    return json.loads((base / name).read_text(encoding="utf-8"))


def _schema_date() -> str:
    path = resources.files("cfnlint") / "data" / "schemas" / "version.json"
    return str(json.loads(path.read_text(encoding="utf-8"))["schema_date"])


def _enum_for_engine(doc: Any, *, deprecated: bool) -> list[str]:
    """The EngineVersion enum of the ``allOf`` branch whose ``if`` names ``aurora-mysql``."""
    for branch in doc["allOf"]:
        props = branch.get("if", {}).get("properties", {})
        if props.get("Engine", {}).get("const") != ENGINE:
            continue
        if deprecated:
            return [str(v) for v in props["EngineVersion"]["enum"]]
        return [str(v) for v in branch["then"]["properties"]["EngineVersion"]["enum"]]
    raise SystemExit(f"cfn-lint data has no {ENGINE} branch: its layout changed, update this script")


def version_key(version: str) -> tuple[int, ...]:
    """Numeric sort key of an Aurora MySQL version (``8.0.mysql_aurora.3.10.6`` → (8, 0, 3, 10, 6))."""
    return tuple(int(p) for p in re.findall(r"\d+", version))


def default_target(valid: list[str], deprecated: set[str]) -> str:
    """Newest non-deprecated 8.0 version of the newest LTS series that has one."""
    for series in reversed(LTS_SERIES):
        prefix = f"8.0.mysql_aurora.{series}."
        usable = [v for v in valid if v.startswith(prefix) and v not in deprecated]
        if usable:
            return max(usable, key=version_key)
    raise SystemExit("no non-deprecated LTS version in cfn-lint's data: update LTS_SERIES")


def build(today: str) -> dict[str, Any]:
    """The whole table."""
    valid = sorted(set(_enum_for_engine(_cfnlint_file("engine_version.json"), deprecated=False)), key=version_key)
    deprecated = sorted(
        set(_enum_for_engine(_cfnlint_file("engine_version_deprecated.json"), deprecated=True)), key=version_key
    )
    return {
        "date": today,
        "generated_by": "scripts/gen_aurora_mysql_data.py",
        "sources": {
            "versions": {
                "cfn-lint": metadata.version("cfn-lint"),
                "schema_date": _schema_date(),
                "files": [
                    "cfnlint/data/schemas/extensions/aws_rds_dbcluster/engine_version.json",
                    "cfnlint/data/schemas/extensions/aws_rds_dbcluster/engine_version_deprecated.json",
                ],
            },
            "parameters": PARAMETER_SOURCES,
        },
        "engine": ENGINE,
        "lifecycle": LIFECYCLE,
        "lts_series": LTS_SERIES,
        "default_target": default_target(valid, set(deprecated)),
        "versions": {"valid": valid, "deprecated": deprecated},
        "parameters_80": {
            "family": "aurora-mysql8.0",
            "renamed": RENAMED,
            "renamed_prefixes": RENAMED_PREFIXES,
            "removed": REMOVED,
        },
        "instance_classes_v3": {
            "unavailable_families": UNAVAILABLE_CLASS_FAMILIES,
            "unavailable": UNAVAILABLE_CLASSES,
        },
    }


def render(table: dict[str, Any]) -> str:
    """The JSON text as committed."""
    return json.dumps(table, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed file is out of date")
    args = parser.parse_args(argv)
    text = render(build(dt.date.today().isoformat()))
    return write_or_check(OUT, text, "gen_aurora_mysql_data.py", check=args.check)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
