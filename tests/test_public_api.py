"""The public API: a curated, sorted, complete, documented ``__all__``; JSON round trips."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

import pytest

import cfnfix
from cfnfix import FixResult, Settings, check, fix
from devtools.paths import ROOT
from tests.support.cli_fixtures import TEMPLATE

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def test_all_is_unique_and_resolves() -> None:
    assert len(set(cfnfix.__all__)) == len(cfnfix.__all__)
    for name in cfnfix.__all__:
        assert getattr(cfnfix, name) is not None, name
    assert {"check", "fix", "apply_patch"} <= set(cfnfix.__all__)


def test_all_is_sorted() -> None:
    assert cfnfix.__all__ == sorted(cfnfix.__all__)


def test_all_is_complete_and_lazy_exports_match() -> None:
    exported = set(cfnfix._EXPORTS)
    assert exported | {"__version__"} == set(cfnfix.__all__)
    for name, module in cfnfix._EXPORTS.items():
        assert getattr(importlib.import_module(f"cfnfix.{module}"), name) is getattr(cfnfix, name)
    assert set(cfnfix.__all__) <= set(dir(cfnfix))
    with pytest.raises(AttributeError):
        cfnfix.not_a_name  # noqa: B018


def test_every_public_object_is_documented() -> None:
    for name in cfnfix.__all__:
        obj = getattr(cfnfix, name)
        if name == "__version__":
            continue
        assert inspect.getdoc(obj), f"{name} has no docstring"
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)):
                    assert inspect.getdoc(member), f"{name}.{attr} has no docstring"


def test_every_module_and_public_function_is_documented() -> None:
    for info in pkgutil.walk_packages(cfnfix.__path__, "cfnfix."):
        module = importlib.import_module(info.name)
        assert module.__doc__, f"{info.name} has no docstring"
        for attr in getattr(module, "__all__", []):
            obj = getattr(module, attr)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                assert inspect.getdoc(obj), f"{info.name}.{attr} has no docstring"


def test_version_matches_pyproject() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert cfnfix.__version__ == meta["project"]["version"]


def test_import_is_lazy() -> None:
    import subprocess

    code = "import sys, cfnfix; print('pydantic' in sys.modules, 'cfnfix.api' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


@pytest.mark.usefixtures("demo_rules")
def test_findings_and_fix_results_round_trip_through_json(tmp_path: Path) -> None:
    findings = check(TEMPLATE)
    for f in findings:
        assert type(f).model_validate_json(f.model_dump_json()) == f
    result = fix(TEMPLATE, unsafe=True)
    again = FixResult.model_validate_json(result.model_dump_json())
    assert again == result
    assert again.diff == result.diff and result.diff.startswith("--- a/template\n")
    assert result.changed and not fix(result.text, unsafe=True, ignore=["CFX993"]).changed
    assert Settings.model_validate_json(Settings(select=["CFX1"]).model_dump_json()) == Settings(select=["CFX1"])
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE, encoding="utf-8")
    assert fix(path).file == str(path)
    assert check(path)[0].file == str(path)
