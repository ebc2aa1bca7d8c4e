"""Templates inside Markdown beyond the golden cases: which fences are read, how a fixed block goes
back, the command line (named files, folder walks with extend-include, errors), the API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cfnfix import MarkdownFixResult, check, fix
from cfnfix.errors import TemplateError
from cfnfix.markdown import check_markdown, fences, fix_markdown
from cfnfix.markdown.run import splice

TEMPLATE = "Resources:\n  My Topic:\n    Type: AWS::SNS::Topic\n"


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("```yaml\nA\n```\n", [("yaml", "A\n", True)]),
        ("~~~~ json extra words\nA\n~~~\n~~~~\nafter", [("json extra words", "A\n~~~\n", True)]),
        ("```\nA\n~~~\n```` \n", [("", "A\n~~~\n", True)]),
        ("````md\n```yaml\nA\n```\n````\n", [("md", "```yaml\nA\n```\n", True)]),
        ("```yaml\nA\n", [("yaml", "A\n", False)]),
        ("```yaml\nA", [("yaml", "A", False)]),
        ("   ```yaml\n     A\n  B\n   ```\n", [("yaml", "  A\nB\n", True)]),
        ("    ```yaml\n    A\n    ```\n", []),  # indented code, not a fence
        ("``` a`b\nA\n```\n", [("", "", False)]),  # no fence (a backtick in its info string): the last line opens one
        ("> ```yaml\n> A\n> ```\n", []),  # block quotes are not read
        ("- ```yaml\n  A\n  ```\n", [("yaml", "A\n", True)]),
        ("1. Deploy:\n\n   ```yaml\n   A\n\n   B\n   ```\n", [("yaml", "A\n\nB\n", True)]),
        ("- item\n  ```\n  A\nout of the list\n```\n", [("", "A\n", False), ("", "", False)]),
        ("- a\n  - b\n    ```yaml\n    A\n    ```\n", [("yaml", "A\n", True)]),
        ("```yaml\r\nA\r\n```\r\n", [("yaml", "A\r\n", True)]),
    ],
)
def test_fences(markdown: str, expected: list[tuple[str, str, bool]]) -> None:
    assert [(f.info, f.text, f.closed) for f in fences(markdown)] == expected


def test_positions_and_offsets_of_an_indented_fence() -> None:
    markdown = "Intro\n\n1. Deploy:\n   ```yaml\n   Resources:\n     My Topic:\n       Type: AWS::SNS::Topic\n   ```\n"
    (fence,) = fences(markdown)
    assert (fence.line, fence.column, fence.index) == (4, 4, 0)
    assert fence.text == TEMPLATE
    assert fence.position(2, 3) == (6, 6)  # "My Topic" in the template → line 6, column 6 of the .md
    (finding,) = check_markdown(markdown, "a.md").findings
    assert (finding.line, finding.column, finding.path, finding.file) == (6, 6, "/0/Resources/My Topic", "a.md")
    assert markdown.splitlines()[5][finding.column - 1 :].startswith("My Topic")


def test_splice_keeps_unchanged_lines_and_indents_new_ones() -> None:
    markdown = "- x\n\n  ```yaml\n  A: 1\n\n  B: 2\n  ```\ntail\n"
    (fence,) = fences(markdown)
    assert fence.text == "A: 1\n\nB: 2\n"
    out = splice(markdown, fence, "A: 1\n\nB: 3\nC:\n\n  - d\n")
    assert out == "- x\n\n  ```yaml\n  A: 1\n\n  B: 3\n  C:\n\n    - d\n  ```\ntail\n"


def test_a_fix_that_would_break_the_fence_is_refused() -> None:
    from cfnfix.markdown.blocks import BlockMap
    from cfnfix.markdown.run import _Block, _put_back

    markdown = "```yaml\n" + TEMPLATE + "```\n"
    (fence,) = fences(markdown)
    block = _Block(fence, BlockMap(fence, markdown, None))
    with pytest.raises(TemplateError, match="fence line in its text"):
        _put_back(markdown, block, TEMPLATE + "Outputs:\n  X:\n    Value: |\n```\n")
    with pytest.raises(TemplateError, match="does not end with a line break"):
        _put_back(markdown, block, TEMPLATE.rstrip("\n"))


def test_unused_suppression_in_an_indented_fence_is_removed_by_a_text_edit(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    answer = tmp_path / "answer.md"
    answer.write_text(
        "* Step:\n\n  ```yaml\n  Resources:\n    Topic:  # cfnfix: ignore[CFX101]\n      Type: AWS::SNS::Topic\n  ```\n",
        encoding="utf-8",
    )
    result = cli("check", "--show-unused-suppressions", "--format", "json", str(answer))
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["rule_id"], finding["line"], finding["column"]) == ("CFX900", 5, 13)
    edit = finding["fix"]["edits"][0]
    assert answer.read_text(encoding="utf-8")[edit["start"] : edit["end"]].lstrip().startswith("# cfnfix")
    sarif = json.loads(cli("check", "--show-unused-suppressions", "--format", "sarif", str(answer)).stdout)
    assert sarif["runs"][0]["results"][0]["fixes"], "the fix applies to the Markdown text"
    assert cli("apply", "--write", "--show-unused-suppressions", str(answer)).exit_code == 0
    assert answer.read_text(encoding="utf-8") == (
        "* Step:\n\n  ```yaml\n  Resources:\n    Topic:\n      Type: AWS::SNS::Topic\n  ```\n"
    )


BROKEN_AND_FIXABLE = "```yaml\nResources:\n  A: [\n```\n\nText.\n\n```yaml\n" + TEMPLATE + "```\n"


def test_cli_fixes_the_other_fences_and_reports_the_broken_one(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    answer = tmp_path / "answer.md"
    answer.write_text(BROKEN_AND_FIXABLE, encoding="utf-8")
    result = cli("apply", "--write", str(answer))
    assert result.exit_code == 2
    assert f"error: {answer}:4:1: " in result.stderr and "(the ```yaml block of line 1, left as it is)" in result.stderr
    assert answer.read_text(encoding="utf-8") == BROKEN_AND_FIXABLE.replace("My Topic", "MyTopic")
    checked = json.loads(cli("check", "--format", "json", str(answer)).stdout)
    assert [f["status"] for f in checked["files"]] == ["checked", "error"]
    assert checked["errors"][0]["line"] == 4


def test_folder_walks_read_markdown_only_with_extend_include(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "answer.md").write_text("```yaml\n" + TEMPLATE + "```\n", encoding="utf-8")
    (tmp_path / "docs" / "notes.md").write_text("# Notes\n\n```sh\nls\n```\n", encoding="utf-8")
    (tmp_path / "stack.cfn").write_text(TEMPLATE, encoding="utf-8")
    assert "No findings in 0 templates" in cli("check", str(tmp_path)).stdout
    (tmp_path / ".cfnfix.toml").write_text('extend-include = ["*.md", "*.cfn"]\n', encoding="utf-8")
    checked = json.loads(cli("check", "--format", "json", str(tmp_path)).stdout)
    status = {Path(f["file"]).name: f["status"] for f in checked["files"]}
    assert status == {"answer.md": "checked", "notes.md": "skipped", "stack.cfn": "checked"}
    (tmp_path / ".cfnfix.toml").write_text('extend-include = ["docs/answer.md"]\n', encoding="utf-8")
    checked = json.loads(cli("check", "--format", "json", str(tmp_path)).stdout)
    assert [Path(f["file"]).name for f in checked["files"]] == ["answer.md"]
    assert cli("check", str(tmp_path / "docs" / "notes.md")).exit_code == 0  # named: checked, nothing in it
    result = cli("check", "--templates-only", "--format", "json", str(tmp_path / "docs" / "notes.md"))
    assert json.loads(result.stdout)["files"][0]["status"] == "skipped"


def test_patch_command_applies_fence_pointers(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    answer = tmp_path / "answer.md"
    answer.write_text(BROKEN_AND_FIXABLE, encoding="utf-8")
    patch = json.loads(cli("apply", "--patch", str(answer)).stdout)
    assert patch == {str(answer): [{"op": "move", "from": "/1/Resources/My Topic", "path": "/1/Resources/MyTopic"}]}
    (tmp_path / "p.json").write_text(json.dumps(patch), encoding="utf-8")
    assert cli("patch", str(answer), str(tmp_path / "p.json")).stdout == BROKEN_AND_FIXABLE.replace(
        "My Topic", "MyTopic"
    )
    (tmp_path / "bad.json").write_text('[{"op": "remove", "path": "/Resources"}]', encoding="utf-8")
    result = cli("patch", str(answer), str(tmp_path / "bad.json"))
    assert result.exit_code == 2 and "a pointer starts with a fence number" in result.stderr


def test_standard_input_with_a_fence_is_markdown(cli) -> None:  # type: ignore[no-untyped-def]
    text = "Answer:\n\n```yaml\n" + TEMPLATE + "```\n"
    result = cli("apply", "--write", "-", input=text)
    assert result.stdout == text.replace("My Topic", "MyTopic")


def test_api_recognises_markdown_or_takes_the_format(tmp_path: Path) -> None:
    text = "```yaml\n" + TEMPLATE + "```\n"
    assert [f.path for f in check(text)] == ["/0/Resources/My Topic"]
    path = tmp_path / "a.md"
    path.write_text(TEMPLATE, encoding="utf-8")  # no fence: a .md file without templates
    assert check(path) == []
    assert [f.line for f in check(path, format="template")] == [2]
    with pytest.raises(TemplateError):
        check(text, format="template")  # not a template
    result = fix(BROKEN_AND_FIXABLE)
    assert isinstance(result, MarkdownFixResult) and result.changed
    assert [(e.block, e.line) for e in result.errors] == [(0, 4)]
    with pytest.raises(TemplateError, match="left as it is"):
        check(BROKEN_AND_FIXABLE)
    assert fix_markdown(BROKEN_AND_FIXABLE).text == result.text
    assert MarkdownFixResult.model_validate_json(result.model_dump_json()) == result


def test_fix_markdown_reports_what_check_markdown_finds_even_in_a_fence_it_leaves() -> None:
    """``checked=True``: the findings ``cfnfix dataset apply`` puts in its findings column come from the
    fix's first pass; a fence whose fix is refused (it would edit through a YAML alias) keeps them."""
    aliased = (
        "Resources:\n  My Topic:\n    Type: AWS::SNS::Topic\n    Properties: &props\n      displayname: x\n"
        "  Other:\n    Type: AWS::SNS::Topic\n    Properties: *props\n"
    )
    answer = "Two answers.\n\n```yaml\n" + aliased + "```\n\nand\n\n```yaml\n" + TEMPLATE + "```\n"
    result = fix_markdown(answer, "a.md", checked=True)
    assert [e.block for e in result.errors] == [0] and "YAML alias" in result.errors[0].message
    assert result.changed and result.templates == [1]
    assert result.checked == check_markdown(answer, "a.md").findings
    assert {f.line for f in result.checked} >= {5, 8}, "the refused fence's findings are there"
    assert fix_markdown(answer, "a.md").checked is None
