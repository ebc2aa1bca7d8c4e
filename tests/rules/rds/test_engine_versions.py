"""The bundled RDS engine-version table (every engine but Aurora MySQL): fresh, and its successor policy."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cfnfix.rules.rds._engine_versions import engines, flavor, is_deprecated, major, successor, table
from devtools.paths import ROOT

INSTANCE, CLUSTER = "AWS::RDS::DBInstance", "AWS::RDS::DBCluster"


def test_table_matches_regeneration_from_installed_cfn_lint() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_rds_engine_versions.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_engines_exclude_aurora_mysql_which_cfx301_and_cfx303_own() -> None:
    assert engines() == {"mysql", "postgres", "aurora-postgresql"}
    assert table()["sources"]["cfn-lint"] == "1.58.0"


@pytest.mark.parametrize(
    ("engine", "version", "expected"),
    [
        ("mysql", "8.0.35", "8.0"),
        ("postgres", "14.9", "14"),
        ("postgres", "9.6.22", "9.6"),
        ("aurora-postgresql", "16.8-limitless", "16"),
    ],
)
def test_major(engine: str, version: str, expected: str) -> None:
    assert major(engine, version) == expected


@pytest.mark.parametrize(
    ("engine", "version"),
    [("mysql", "8.0.35"), ("postgres", "14.9"), ("aurora-postgresql", "15.4"), ("postgres", "12.15")],
)
def test_successor_is_same_major_newer_and_usable_for_instances_and_clusters(engine: str, version: str) -> None:
    assert is_deprecated(engine, INSTANCE, version)
    target = successor(engine, version)
    assert target is not None
    assert major(engine, target) == major(engine, version)
    assert flavor(target) == ""
    assert not is_deprecated(engine, INSTANCE, target) and not is_deprecated(engine, CLUSTER, target)
    assert target in table()["engines"][engine][INSTANCE]["valid"]


def test_variant_is_kept() -> None:
    target = successor("aurora-postgresql", "16.4-limitless")
    assert target is not None and target.endswith("-limitless") and target.startswith("16.")


@pytest.mark.parametrize(("engine", "version"), [("mysql", "5.7.44"), ("postgres", "11.22"), ("postgres", "10")])
def test_majors_without_a_supported_minor_have_no_successor(engine: str, version: str) -> None:
    assert successor(engine, version) is None
