"""The bundled Lambda tables: dated, regenerable, and right about the facts they carry."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from importlib import resources
from types import ModuleType

import pytest

from cfnfix.rules.lambdas._python_tables import (
    distribution,
    import_name,
    known_layer_imports,
    stdlib,
    stdlib_versions,
    table_version,
)
from cfnfix.rules.lambdas._runtime_tables import lifecycle, supported, table
from devtools.paths import ROOT


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["python_stdlib.json", "python_distributions.json", "lambda_runtimes.json"])
def test_data_files_are_dated_and_name_their_script(name: str) -> None:
    data = json.loads((resources.files("cfnfix.rules.lambdas") / "data" / name).read_text(encoding="utf-8"))
    dt.date.fromisoformat(data["date"])
    assert (ROOT / data["generated_by"]).is_file()


@pytest.mark.parametrize("script", ["gen_lambda_runtimes", "gen_python_distributions"])
def test_tables_are_what_their_scripts_write(script: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _script(script).main(["--check"]) == 0, capsys.readouterr().err


def test_stdlib_dump_round_trips() -> None:
    gen = _script("gen_python_stdlib")
    table = json.loads(
        (resources.files("cfnfix.rules.lambdas") / "data" / "python_stdlib.json").read_text(encoding="utf-8")
    )
    assert json.loads(gen.dump(table)) == table


def test_stdlib_covers_every_lambda_python_version() -> None:
    assert stdlib_versions() == [(3, v) for v in range(8, 15)]
    assert table_version((3, 7)) == (3, 8) and table_version((3, 15)) == (3, 14)


def test_stdlib_of_the_running_python_contains_sys_stdlib_module_names() -> None:
    running = sys.version_info[:2]
    assert set(sys.stdlib_module_names) <= stdlib(running)


@pytest.mark.parametrize(
    ("module", "present"),
    [
        ("distutils", [(3, 8), (3, 11)]),
        ("imp", [(3, 8), (3, 11)]),
        ("cgi", [(3, 8), (3, 12)]),
        ("tomllib", [(3, 11), (3, 14)]),
        ("zoneinfo", [(3, 9), (3, 14)]),
        ("annotationlib", [(3, 14)]),
    ],
)
def test_stdlib_additions_and_removals(module: str, present: list[tuple[int, int]]) -> None:
    have = [v for v in stdlib_versions() if module in stdlib(v)]
    assert (have[0], have[-1]) == (present[0], present[-1])


def test_third_party_names_are_not_stdlib() -> None:
    for name in ("boto3", "pymysql", "yaml", "requests", "cfnresponse", "six", "test"):
        assert all(name not in stdlib(v) for v in stdlib_versions()), name


@pytest.mark.parametrize(
    ("module", "dist"),
    [
        ("pymysql", "PyMySQL"),
        ("yaml", "PyYAML"),
        ("psycopg2.extras", "psycopg2-binary"),
        ("MySQLdb", "mysqlclient"),
        ("mysql.connector.pooling", "mysql-connector-python"),
        ("PIL.Image", "Pillow"),
        ("sklearn", "scikit-learn"),
        ("google.protobuf.json_format", "protobuf"),
        ("bson", "pymongo"),
        ("requests", "requests"),
        ("some_private_pkg.sub", "some_private_pkg"),
    ],
)
def test_import_to_distribution(module: str, dist: str) -> None:
    assert distribution(module).name == dist


def test_unlisted_imports_are_assumed_to_be_their_own_distribution() -> None:
    assert distribution("requests").assumed and not distribution("yaml").assumed
    assert import_name("mysql.connector.pooling") == "mysql.connector" and import_name("yaml.loader") == "yaml"


@pytest.mark.parametrize(
    ("dist", "stem"),
    [
        ("PyMySQL", "PyMySQL"),
        ("psycopg2-binary", "Psycopg2Binary"),
        ("python-dateutil", "PythonDateutil"),
        ("ruamel.yaml", "RuamelYaml"),
    ],
)
def test_stems_are_logical_id_safe(dist: str, stem: str) -> None:
    from cfnfix.rules.lambdas._python_tables import Distribution

    assert Distribution(dist).stem == stem


def test_known_layers() -> None:
    assert "pymysql" in known_layer_imports("arn:aws:lambda:us-east-1:336392948345:layer:AWSSDKPandas-Python312:13")
    assert "aws_lambda_powertools" in known_layer_imports(
        "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7"
    )
    assert not known_layer_imports("arn:aws:lambda:us-east-1:123456789012:layer:mine:1")


def test_runtime_table_matches_the_domain_notes() -> None:
    py38 = lifecycle("python3.8")
    assert py38 is not None and py38.successor == "python3.14"
    assert (str(py38.deprecated), str(py38.create_block), str(py38.update_block)) == (
        "2024-10-14",
        "2027-02-01",
        "2027-03-03",
    )
    assert {lc.family for lc in table().values()} == {"python", "nodejs", "java", "dotnet", "ruby", "go", "provided"}


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("java8", "java8.al2"),
        ("java8.al2", "java11"),
        ("dotnetcore3.1", "dotnet6"),
        ("provided", "provided.al2"),
        ("provided.al2", "provided.al2023"),
        ("ruby2.7", "ruby3.2"),
        ("ruby3.4", "ruby4.0"),
    ],
)
def test_versions_order_within_a_family(older: str, newer: str) -> None:
    a, b = lifecycle(older), lifecycle(newer)
    assert a is not None and b is not None and a.family == b.family and a.version < b.version


@pytest.mark.parametrize(
    ("runtime", "day", "phase"),
    [
        ("python3.10", "2026-10-30", None),
        ("python3.10", "2026-10-31", "deprecated"),
        ("python3.10", "2027-02-01", "create-blocked"),
        ("python3.10", "2027-03-03", "update-blocked"),
        ("python3.7", "2026-11-28", "create-blocked"),
        ("nodejs4.3", "2020-02-03", "create-blocked"),  # create-block before deprecation
    ],
)
def test_phase_boundaries(runtime: str, day: str, phase: str | None) -> None:
    lc = lifecycle(runtime)
    assert lc is not None and lc.phase(dt.date.fromisoformat(day)) == phase


def test_supported_runtimes_are_newest_first() -> None:
    today = dt.date(2026, 11, 28)
    assert [lc.name for lc in supported("python", today)] == ["python3.14", "python3.13", "python3.12", "python3.11"]
    assert [lc.name for lc in supported("nodejs", today)] == ["nodejs24.x", "nodejs22.x"]


def test_removed_in_names_the_version_that_dropped_a_module() -> None:
    from cfnfix.rules.lambdas._python_tables import removed_in

    assert removed_in("imp", (3, 12)) == (3, 12) and removed_in("imp", (3, 14)) == (3, 12)
    assert removed_in("cgi", (3, 13)) == (3, 13)
    assert removed_in("imp", (3, 11)) is None, "still there"
    assert removed_in("pymysql", (3, 12)) is None, "never there"
