"""Rules write fixes in the vocabulary of :mod:`cfnfix.findings` (``Op``, ``Fix.safe``/``Fix.unsafe``)
and the shared builders of :mod:`cfnfix.rules.fixes`: no raw ``{"op": ...}`` dict, no ``Fix(applicability=...)``."""

from __future__ import annotations

import ast

import jsonpatch
import pytest

from cfnfix.findings import Applicability, Op
from cfnfix.rules.fixes import (
    append_items,
    deletable_database,
    guarded_remove,
    policy_pair,
    remove_items,
    rename_key,
    set_property,
)
from devtools.paths import ROOT

RULES = ROOT / "cfnfix" / "rules"


def raw_fix_sites(source: str, name: str = "<source>") -> list[str]:
    """``file:line: what`` for each raw op dict display and each ``Fix(applicability=...)`` call."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "op" for k in node.keys):
            found.append(f"{name}:{node.lineno}: raw op dict (use Op.add/replace/remove/move/copy/test/set)")
        elif isinstance(node, ast.Call):
            func = node.func
            callee = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            keywords = {k.arg for k in node.keywords}
            if callee == "Fix" and "applicability" in keywords:
                found.append(f"{name}:{node.lineno}: Fix(applicability=...) (use Fix.safe or Fix.unsafe)")
            elif callee == "dict" and "op" in keywords:
                found.append(f"{name}:{node.lineno}: raw op dict (use Op.add/replace/remove/move/copy/test/set)")
    return found


def test_no_raw_fix_in_rules() -> None:
    files = sorted(RULES.rglob("*.py"))
    assert len(files) > 40
    found = [
        site for p in files for site in raw_fix_sites(p.read_text("utf-8"), str(p.relative_to(RULES.parent.parent)))
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        'patch = [{"op": "add", "path": "/A", "value": 1}]',
        'Fix(applicability=Applicability.SAFE, message="m", patch=[])',
        'findings.Fix(message="m", applicability=a, patch=p)',
        'ops.append(dict(op="remove", path=p))',
    ],
)
def test_the_check_sees_raw_fixes(source: str) -> None:
    assert raw_fix_sites(source)


def test_the_check_passes_the_vocabulary() -> None:
    assert not raw_fix_sites('Fix.safe("m", [Op.add("/A", 1)]); {"Op": 1}; Fix.unsafe("m", patch)')


def _apply(data: object, patch: list) -> object:
    return jsonpatch.apply_patch(data, patch)


def test_deletable_database() -> None:
    body = {"Type": "AWS::RDS::DBCluster", "Properties": {"SkipFinalSnapshot": True, "Engine": "aurora-mysql"}}
    fix = deletable_database("/Resources/Db", body)
    assert fix.applicability is Applicability.UNSAFE
    assert fix.patch == [
        Op.add("/Resources/Db/DeletionPolicy", "Delete"),
        Op.add("/Resources/Db/UpdateReplacePolicy", "Delete"),
        Op.remove("/Resources/Db/Properties/SkipFinalSnapshot"),
    ]
    assert "remove the SkipFinalSnapshot property" in fix.message
    kept = deletable_database(
        "/Resources/Db", {**body, "UpdateReplacePolicy": "Retain"}, drop_skip_final_snapshot=False
    )
    assert kept.patch == [Op.add("/Resources/Db/DeletionPolicy", "Delete")]
    assert kept.message == "Add DeletionPolicy: Delete (no final snapshot on delete or replacement)"


def test_policy_pair() -> None:
    patch, parts = policy_pair("/Resources/B", {"Type": "AWS::S3::Bucket"}, "Retain")
    assert _apply({"Resources": {"B": {}}}, patch) == {
        "Resources": {"B": {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}}
    }
    assert parts == ["DeletionPolicy: Retain", "UpdateReplacePolicy: Retain"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"Type": "T"}, {"Type": "T", "Properties": {"A/b": True}}),
        ({"Type": "T", "Properties": None}, {"Type": "T", "Properties": {"A/b": True}}),
        ({"Type": "T", "Properties": {"X": 1}}, {"Type": "T", "Properties": {"X": 1, "A/b": True}}),
        ({"Type": "T", "Properties": {"A/b": False}}, {"Type": "T", "Properties": {"A/b": True}}),
    ],
)
def test_set_property(body: dict, expected: dict) -> None:
    op = set_property("/Resources/R", body, "A/b", True)
    assert _apply({"Resources": {"R": body}}, [op]) == {"Resources": {"R": expected}}


def test_rename_key_escapes_tokens() -> None:
    assert rename_key("/Resources/R/Properties", "a/b", "c~d") == Op.move(
        "/Resources/R/Properties/a~1b", "/Resources/R/Properties/c~0d"
    )


def test_list_builders() -> None:
    data = {"L": ["a", "b", "c", "d"]}
    assert _apply(data, remove_items("/L", [0, 2, 2])) == {"L": ["b", "d"]}
    assert _apply(data, append_items("/L", ["e", "f"])) == {"L": ["a", "b", "c", "d", "e", "f"]}
    assert _apply(data, guarded_remove("/L", ["a", "b", "c", "d"])) == {}
    with pytest.raises(jsonpatch.JsonPatchTestFailed):
        _apply(data, guarded_remove("/L", ["a"]))
