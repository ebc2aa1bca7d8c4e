"""Before/after snippets of the markdown report (cfnfix.report.snippets)."""

from __future__ import annotations

import json

from cfnfix.batch.outcome import FileOutcome
from cfnfix.findings import Applicability, Finding, Fix, Severity
from cfnfix.report import ReportContext, render, snippets
from cfnfix.report.snippets import diff_snippet, fix_snippet, line_snippet, lines_of

YAML = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n  B:\n    Type: AWS::SNS::Topic\n"


def test_one_changed_line_with_its_context_and_numbers() -> None:
    snippet = fix_snippet(YAML, [{"op": "replace", "path": "/Resources/B/Type", "value": "AWS::SQS::Queue"}])
    assert not isinstance(snippet, str)
    assert snippet.render("before") == "4 |   B:\n5 |     Type: AWS::SNS::Topic"
    assert snippet.render("after") == "4 |   B:\n5 |     Type: AWS::SQS::Queue"
    assert (snippet.span("before"), snippet.span("after"), snippet.omitted) == ("line 5", "line 5", 0)


def test_an_addition_has_no_changed_line_before() -> None:
    snippet = fix_snippet(YAML, [{"op": "add", "path": "/Resources/A/DeletionPolicy", "value": "Retain"}])
    assert not isinstance(snippet, str)
    assert snippet.span("before") == ""
    assert snippet.span("after") == "line 4"
    assert "4 |     DeletionPolicy: Retain" in snippet.render("after")


def test_crlf_lines_are_shown_without_their_endings() -> None:
    text = YAML.replace("\n", "\r\n")
    snippet = fix_snippet(text, [{"op": "replace", "path": "/Resources/A/Type", "value": "AWS::SQS::Queue"}])
    assert not isinstance(snippet, str)
    assert "\r" not in snippet.render("before") + snippet.render("after")
    assert lines_of("a\r\nb\rc\nd") == ["a", "b", "c", "d"]
    assert lines_of("a\u2028b\n") == ["a\u2028b"], "only LF, CRLF and CR end lines, as in the diff"


def test_a_long_line_is_cut_around_its_first_change() -> None:
    data = {"Resources": {f"R{i}": {"Type": "AWS::SNS::Topic"} for i in range(40)}}
    text = json.dumps(data)  # one line of about 1,300 characters
    snippet = fix_snippet(text, [{"op": "replace", "path": "/Resources/R30/Type", "value": "AWS::SQS::Queue"}])
    assert not isinstance(snippet, str)
    (before,) = snippet.render("before").splitlines()
    (after,) = snippet.render("after").splitlines()
    assert before.startswith("1 | …") and before.endswith("…")
    assert len(before) <= len("1 | ") + snippets.MAX_WIDTH + 2
    assert '"R30": {"Type": "AWS::SNS::Topic"}' in before
    assert '"R30": {"Type": "AWS::SQS::Queue"}' in after


def test_many_hunks_are_cut_and_counted() -> None:
    text = "Resources:\n" + "".join(f"  R{i}:\n    Type: AWS::SNS::Topic\n" + "    # gap\n" * 3 for i in range(20))
    patch = [{"op": "replace", "path": f"/Resources/R{i}/Type", "value": "AWS::SQS::Queue"} for i in range(20)]
    snippet = fix_snippet(text, patch)
    assert not isinstance(snippet, str)
    shown = [r for r in snippet.after if r is not None]
    assert len(shown) <= snippets.MAX_LINES
    assert snippet.omitted == 20 - len(snippet.changed_after) > 0
    assert snippet.after.count(None) == len(snippet.span("after").split(", ")) - 1


def test_a_patch_that_does_not_apply_gives_the_reason() -> None:
    reason = fix_snippet(YAML, [{"op": "remove", "path": "/Resources/C"}])
    assert isinstance(reason, str) and "C" in reason


def test_line_snippet() -> None:
    assert line_snippet(YAML, 3).render("before") == "3 |     Type: AWS::S3::Bucket"
    assert line_snippet(YAML, 3).span("before") == "line 3"
    assert line_snippet(YAML, 99).before == []


def test_diff_snippet_of_equal_texts_is_empty() -> None:
    assert diff_snippet(YAML, YAML).before == []


def _finding(patch: list[dict[str, object]] | None, applicability: Applicability = Applicability.SAFE) -> Finding:
    return Finding(
        rule_id="CFX101",
        rule_name="invalid-logical-id",
        severity=Severity.CRITICAL,
        path="/Resources/B",
        line=4,
        column=3,
        message="m",
        doc_url="https://example.com",
        fix=None if patch is None else Fix(applicability=applicability, message="do it", patch=patch),
    )


def test_markdown_fences_survive_backticks_and_fold_the_patch() -> None:
    text = YAML.replace("AWS::SNS::Topic", "AWS::SNS::Topic  # ```not a fence```")
    finding = _finding([{"op": "replace", "path": "/Resources/B/Type", "value": "AWS::SQS::Queue"}])
    md = render("markdown", [FileOutcome("t.yaml", text=text, findings=[finding])], ReportContext())
    assert "````yaml\n4 |   B:\n5 |     Type: AWS::SNS::Topic  # ```not a fence```\n````" in md
    assert "**Before** (line 5):" in md
    assert "**After** (line 5; this fix alone, as `cfnfix apply` writes it):" in md
    assert md.index("**After**") < md.index("<details>\n<summary>RFC 6902 patch</summary>") < md.index("</details>")


def test_markdown_without_a_fix_shows_where_and_a_broken_patch_says_so() -> None:
    md = render("markdown", [FileOutcome("t.yaml", text=YAML, findings=[_finding(None)])], ReportContext())
    assert "**Where** (line 4):\n\n```yaml\n4 |   B:\n```" in md
    broken = _finding([{"op": "remove", "path": "/Resources/C"}])
    md = render("markdown", [FileOutcome("t.yaml", text=YAML, findings=[broken])], ReportContext())
    assert "The fix does not apply on its own (" in md
    assert "<summary>RFC 6902 patch</summary>" in md
