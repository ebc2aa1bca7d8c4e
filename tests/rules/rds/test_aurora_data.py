"""The bundled Aurora MySQL table: up to date with cfn-lint's data, and sound."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources

import pytest

from cfnfix.rules.rds._aurora_tables import (
    FAMILY_80,
    default_target,
    is_deprecated,
    is_known,
    table,
    translate_parameter,
    usable_versions,
    v3_class_successor,
    version_key,
)
from devtools.paths import ROOT


def test_table_matches_regeneration_from_installed_cfn_lint() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_aurora_mysql_data.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_table_is_dated_and_sourced() -> None:
    data = table()
    assert data["date"][:4].isdigit() and len(data["date"]) == 10
    assert data["sources"]["versions"]["cfn-lint"] == "1.58.0"
    assert data["sources"]["versions"]["schema_date"].startswith("2026-10-20")


def test_default_target_can_create_clusters_and_is_latest_lts() -> None:
    target = default_target()
    assert target == "8.0.mysql_aurora.3.10.6"
    assert is_known(target) and not is_deprecated(target)
    assert target == usable_versions("8.0.mysql_aurora.3.10.")[-1]


@pytest.mark.parametrize(
    "version",
    ["8.0", "5.7", "8.0.mysql_aurora.3.05.2", "8.0.mysql_aurora.3.11.0", "5.7.mysql_aurora.2.11.0"],
)
def test_deprecated_versions_from_the_notes(version: str) -> None:
    assert is_deprecated(version)


@pytest.mark.parametrize("version", ["8.0.mysql_aurora.3.11.1", "8.0.mysql_aurora.3.04.6", "5.7.mysql_aurora.2.12.6"])
def test_usable_versions_from_the_notes(version: str) -> None:
    assert is_known(version) and not is_deprecated(version)


def test_version_key_orders_numerically() -> None:
    assert version_key("8.0.mysql_aurora.3.10.0") > version_key("8.0.mysql_aurora.3.09.0")
    assert version_key("8.0.mysql_aurora.3.05.0.1") > version_key("8.0.mysql_aurora.3.05.0")
    assert version_key("8.0") < version_key("8.0.mysql_aurora.3.01.0")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tx_isolation", ("rename", "transaction_isolation")),
        ("tx_read_only", ("rename", "transaction_read_only")),
        ("slave_parallel_workers", ("rename", "replica_parallel_workers")),
        ("log_slave_updates", ("rename", "log_replica_updates")),
        ("aurora_fwd_master_idle_timeout", ("rename", "aurora_fwd_writer_idle_timeout")),
        ("binlog_format", ("keep", "binlog_format")),
        ("replica_parallel_workers", ("keep", "replica_parallel_workers")),
    ],
)
def test_translate_parameter(name: str, expected: tuple[str, str]) -> None:
    assert translate_parameter(name) == expected


@pytest.mark.parametrize("name", ["query_cache_type", "query_cache_size", "innodb_file_format", "innodb_large_prefix"])
def test_removed_parameters(name: str) -> None:
    action, why = translate_parameter(name)
    assert action == "remove" and why


def _cfn_lint_classes(engine_version_pattern: str) -> set[str]:
    path = (
        resources.files("cfnlint") / "data" / "schemas" / "extensions" / "aws_rds_dbinstance" / "db_instance_class.json"
    )
    for branch in json.loads(path.read_text(encoding="utf-8"))["allOf"]:
        props = branch["if"]["properties"]
        if (
            props["Engine"].get("const") == "aurora-mysql"
            and props["EngineVersion"]["pattern"] == engine_version_pattern
        ):
            return set(branch["then"]["properties"]["DBInstanceClass"]["enum"])
    raise AssertionError("branch not found")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("db.r3.large", "db.r5.large"),
        ("db.r3.8xlarge", "db.r5.8xlarge"),
        ("db.r4.16xlarge", "db.r5.16xlarge"),
        ("db.t2.small", "db.t3.medium"),
        ("db.t2.medium", "db.t3.medium"),
        ("db.t3.small", "db.t3.medium"),
    ],
)
def test_class_successors_exist_on_both_v2_and_v3(old: str, new: str) -> None:
    assert v3_class_successor(old) == new
    assert new in _cfn_lint_classes(r"^(5\.7\..+|5\.7)$")
    assert new in _cfn_lint_classes(r"^(8\.0\..+|8\.0)$")


@pytest.mark.parametrize("cls", ["db.r5.large", "db.r6g.xlarge", "db.t3.medium", "db.t4g.medium", "db.serverless"])
def test_v3_classes_have_no_successor(cls: str) -> None:
    assert v3_class_successor(cls) is None


def test_family() -> None:
    assert table()["parameters_80"]["family"] == FAMILY_80 == "aurora-mysql8.0"
