"""``# cfnfix: ignore[...]`` comments: where they count, what they silence, unused ones (CFX900)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfnfix import Settings, check, fix
from cfnfix.document import load
from cfnfix.errors import PatchConflictError, VerificationError
from cfnfix.findings import TextEdit
from cfnfix.patch.text_edits import apply_verified_edits
from cfnfix.suppression.comments import directives
from tests.support.cli_fixtures import TEMPLATE

pytestmark = pytest.mark.usefixtures("demo_rules")
UNUSED = Settings(show_unused_suppressions=True)


def at(line: int, comment: str, text: str = TEMPLATE) -> str:
    """``text`` with ``comment`` at the end of line ``line`` (1-based)."""
    lines = text.split("\n")
    lines[line - 1] += "  " + comment
    return "\n".join(lines)


def ids(text: str, **kw: object) -> list[str]:
    return [f.rule_id for f in check(text, **kw)]  # type: ignore[arg-type]


def test_the_demo_template_positions() -> None:
    assert [(f.rule_id, f.line) for f in check(TEMPLATE)] == [("CFX991", 4), ("CFX992", 8), ("CFX993", 16)]


@pytest.mark.parametrize(
    ("line", "comment", "left"),
    [
        (8, "# cfnfix: ignore[CFX992]", ["CFX991", "CFX993"]),
        (8, "# cfnfix: ignore[demo-protection]", ["CFX991", "CFX993"]),
        (8, "# cfnfix: ignore[CFX99]", ["CFX991", "CFX993"]),
        (8, "# cfnfix: ignore", ["CFX991", "CFX993"]),
        (8, "# cfnfix:ignore[ CFX992 ,CFX991 ]", ["CFX991", "CFX993"]),  # CFX991 points at line 4
        (8, "# why  # cfnfix: ignore[CFX992] because of the migration", ["CFX991", "CFX993"]),
        (4, "# cfnfix: ignore[CFX991, CFX992]", ["CFX993"]),  # the key line covers the whole resource
        (4, "# cfnfix: ignore", ["CFX993"]),
        (16, "# cfnfix: ignore[CFX993]", ["CFX991", "CFX992"]),  # after a block scalar's header
        (9, "# cfnfix: ignore[CFX993]", ["CFX991", "CFX992"]),  # key line of Fn
        # near misses: nothing silenced
        (8, "# cfnfix: ignore[CFX991]", ["CFX991", "CFX992", "CFX993"]),
        (7, "# cfnfix: ignore[CFX992]", ["CFX991", "CFX992", "CFX993"]),
        (8, "# cfnfix: ignore CFX992", ["CFX991", "CFX992", "CFX993"]),  # malformed
        (8, "# cfnfix: ignore[]", ["CFX991", "CFX992", "CFX993"]),
        (8, "# cfnfix: ignore[CFX992", ["CFX991", "CFX992", "CFX993"]),
        (8, "# cfnfix: ignore[cfx992]", ["CFX991", "CFX992", "CFX993"]),  # ids are case-sensitive
        (17, "# cfnfix: ignore[CFX993]", ["CFX991", "CFX992", "CFX993"]),  # Python text in the block scalar
        (3, "# cfnfix: ignore", ["CFX991", "CFX992", "CFX993"]),  # Resources: is no resource
    ],
)
def test_what_a_comment_silences(line: int, comment: str, left: list[str]) -> None:
    assert ids(at(line, comment)) == left


def test_hash_inside_scalars_is_text() -> None:
    quoted = TEMPLATE.replace("Engine: aurora-mysql", 'Engine: "aurora-mysql  # cfnfix: ignore[CFX991]"')
    assert ids(quoted) == ["CFX991", "CFX992", "CFX993"]
    glued = TEMPLATE.replace("Type: AWS::RDS::DBCluster", "Type: AWS::RDS::DBCluster#cfnfix:ignore")
    assert [d.text for d in directives(load(glued))] == [], "a # glued to a plain scalar is part of it"
    flow = TEMPLATE.replace("Engine: aurora-mysql", "Engine: {Value: 'a # cfnfix: ignore'}  # cfnfix: ignore[CFX992]")
    (d,) = directives(load(flow))
    assert (d.line, d.codes) == (7, ("CFX992",))


def test_directive_details() -> None:
    doc = load(at(4, "# cfnfix: ignore[CFX991, demo-protection]"))
    (d,) = directives(doc)
    assert (d.line, d.column, d.codes, d.pointer, d.resource, d.valid) == (
        4,
        13,
        ("CFX991", "demo-protection"),
        "/Resources/Cluster",
        "Cluster",
        True,
    )
    (d,) = directives(load(at(8, "# cfnfix: ignore")))
    assert (d.codes, d.pointer, d.resource) == ((), "/Resources/Cluster/Properties/DeletionProtection", None)


def test_json_has_no_comments() -> None:
    text = '{"Resources": {"Cluster": {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "aurora-mysql # cfnfix: ignore"}}}}'
    assert directives(load(text)) == []


def _unused(text: str, **kw: object):  # type: ignore[no-untyped-def]
    return [f for f in check(text, config=UNUSED, **kw) if f.rule_id == "CFX900"]  # type: ignore[arg-type]


def test_unused_comments_are_reported_only_when_asked_and_fixed_away() -> None:
    text = at(7, "# cfnfix: ignore[CFX992]")
    assert ids(text) == ["CFX991", "CFX992", "CFX993"]
    (unused,) = _unused(text)
    assert (unused.line, unused.column, unused.path) == (7, 29, "/Resources/Cluster/Properties/Engine")
    assert unused.message == "suppression comment '# cfnfix: ignore[CFX992]' silences nothing"
    assert unused.fix is not None and unused.fix.patch == [] and len(unused.fix.edits) == 1
    result = fix(text, config=UNUSED)
    assert result.text == fix(TEMPLATE, config=UNUSED).text, "removed with the blanks before it"
    assert result.patch == fix(TEMPLATE, config=UNUSED).patch, "a comment is not data: no operation"


def test_only_the_unused_ids_go() -> None:
    text = at(8, "# cfnfix: ignore[CFX992, CFX9XX, CFX991] keep the reason")
    (unused,) = _unused(text)
    assert unused.message == "'CFX9XX', 'CFX991' in '# cfnfix: ignore[CFX992, CFX9XX, CFX991]' silence nothing"
    result = fix(text, config=UNUSED, select=["CFX900", "CFX99"])
    assert "DeletionProtection: false  # cfnfix: ignore[CFX992] keep the reason\n" in result.text
    assert [f.rule_id for f in result.fixed] == ["CFX900", "CFX991"]


def test_unknown_ids_and_malformed_comments() -> None:
    (unknown,) = _unused(at(8, "# cfnfix: ignore[CFX9XX]"))
    assert unknown.message == "suppression comment '# cfnfix: ignore[CFX9XX]' names no cfnfix rule"
    (bad,) = _unused(at(8, "# cfnfix: ignore CFX992"))
    assert bad.message.startswith(
        "'# cfnfix: ignore CFX992' is not a valid suppression comment: write `# cfnfix: ignore[CFX201]`"
    )
    assert bad.fix is None


def test_a_comment_is_judged_only_when_its_rules_ran() -> None:
    text = at(7, "# cfnfix: ignore[CFX992]")
    assert _unused(text, select=["CFX900", "CFX991"]) == []
    assert len(_unused(text, select=["CFX900", "CFX992"])) == 1
    bare = at(7, "# cfnfix: ignore")
    assert _unused(bare, select=["CFX900", "CFX991"]) == [], "the bare form names every rule"
    assert len(_unused(bare)) == 1, "and does not silence its own report"
    assert _unused(at(7, "# cfnfix: ignore[CFX900]")) == []


def test_a_comment_alone_on_its_line_goes_with_its_line() -> None:
    text = TEMPLATE.replace("  Fn:\n", "  # cfnfix: ignore[CFX993]\n  Fn:\n")
    (unused,) = _unused(text)
    assert unused.line == 9
    assert fix(text, config=UNUSED, select=["CFX900", "CFX993"]).text == TEMPLATE


def test_crlf_and_no_final_newline() -> None:
    text = at(7, "# cfnfix: ignore[CFX992]").replace("\n", "\r\n")
    result = fix(text, config=UNUSED, select=["CFX900", "CFX992"])
    assert result.text == TEMPLATE.replace("\n", "\r\n")
    last = "Resources:\n  Cluster:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      DeletionProtection: true"
    result = fix(last + "  # cfnfix: ignore[CFX992]", config=UNUSED, select=["CFX900", "CFX992"])
    assert result.text == last, "no final newline before, none after"
    inside = TEMPLATE + "          # cfnfix: ignore[CFX993]\n"  # Python text of the block scalar
    assert fix(inside, config=UNUSED, select=["CFX900", "CFX993"]).text == inside


def test_text_edits_must_not_change_the_data() -> None:
    with pytest.raises(VerificationError):
        apply_verified_edits(
            TEMPLATE, [TextEdit(start=TEMPLATE.index("false"), end=TEMPLATE.index("false") + 5, new="true")]
        )
    with pytest.raises(PatchConflictError):
        apply_verified_edits(TEMPLATE, [TextEdit(start=5, end=9), TextEdit(start=7, end=8)])
    assert apply_verified_edits(TEMPLATE, []) == TEMPLATE


def test_cli_reports_and_removes_unused_comments(cli, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(at(7, "# cfnfix: ignore[CFX992]"), encoding="utf-8")
    found = cli("check", "--show-unused-suppressions", "--select", "CFX9", str(path))
    assert f"{path}:7:29: CFX900 [*] suppression comment '# cfnfix: ignore[CFX992]' silences nothing" in found.stdout
    cli("apply", "--write", "--show-unused-suppressions", "--select", "CFX900,CFX992", str(path))
    assert path.read_text(encoding="utf-8") == TEMPLATE
