"""Golden cases: discovery, running and (re)writing expected files.

Engine cases, ``golden/engine/<case>/``: ``input.<ext>``, ``ops.json`` (the patch) and
``output.<ext>`` (expected text of ``apply_patch``, byte for byte).

Layout of one rule case, ``golden/<group>/<case>/``::

    input.yaml | input.json          the template (any extension cfnfix reads)
    config.toml                      optional: settings as in .cfnfix.toml (e.g. select, unsafe-fixes)
    findings.json                    expected findings of ``check`` on the input
    output.<same extension>          expected text after ``fix`` (byte for byte)
    patch.json                       expected combined RFC 6902 patch of ``fix``
    error.txt                        instead of output and patch: ``fix`` refuses the file with
                                     this error (``str(error)``), e.g. an edit inside a YAML alias
    lint-expected.json               optional: cfn-lint errors the output may newly have, as
                                     ``[[rule id, message], ...]`` (only for settings whose
                                     documented output is invalid, e.g. SkipFinalSnapshot)
    report.md                        optional: expected ``cfnfix check --format markdown`` of
                                     the input (named ``input.<ext>``); to add one, create an
                                     empty ``report.md`` and run ``scripts/update_golden.py``

Markdown cases, ``golden/markdown/<case>/``: ``input.md`` (templates in fences), optional
``config.toml``, ``findings.json`` (``check`` of every fenced template, placed in the Markdown
text), ``output.md`` (the fixed text, byte for byte), ``patch.json`` (pointers
``/<fence index>/…``) and, when some fence is left alone, ``errors.txt`` (one error a line,
``file:line:col: reason`` with the file ``input.md``).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from cfnfix.api import check, fix
from cfnfix.config import Settings
from cfnfix.findings import Finding
from cfnfix.fixing import FixResult
from cfnfix.markdown import BlockError, MarkdownCheck, MarkdownFixResult

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


@dataclass
class Case:
    """One golden case folder."""

    root: Path

    @property
    def id(self) -> str:
        return f"{self.root.parent.name}/{self.root.name}"

    @property
    def input(self) -> Path:
        (found,) = [p for p in self.root.iterdir() if p.stem == "input"]
        return found

    @property
    def output(self) -> Path:
        return self.root / ("output" + self.input.suffix)

    def settings(self) -> Settings:
        cfg = self.root / "config.toml"
        if not cfg.exists():
            return Settings()
        return Settings.model_validate(tomllib.loads(cfg.read_text(encoding="utf-8")))

    def expected_lint_errors(self) -> set[tuple[str, str]]:
        """New cfn-lint errors the output is documented to have (``lint-expected.json``), usually none."""
        path = self.root / "lint-expected.json"
        if not path.exists():
            return set()
        return {(rule, message) for rule, message in json.loads(path.read_text(encoding="utf-8"))}

    def input_text(self) -> str:
        return self.input.read_bytes().decode("utf-8")

    @property
    def refusal(self) -> Path:
        """``error.txt``: when it exists, ``fix`` must raise this error instead of fixing."""
        return self.root / "error.txt"


def discover() -> list[Case]:
    """Every rule case folder under ``golden/`` (an ``input.*`` template and no ``ops.json``)."""
    return sorted(
        (
            Case(p.parent)
            for p in GOLDEN.glob("*/*/input.*")
            if not (p.parent / "ops.json").exists() and p.suffix != ".md"
        ),
        key=lambda c: c.id,
    )


def discover_markdown() -> list[Case]:
    """Every Markdown case folder (an ``input.md``)."""
    return sorted((Case(p.parent) for p in GOLDEN.glob("*/*/input.md")), key=lambda c: c.id)


def run_markdown(case: Case) -> tuple[MarkdownCheck, MarkdownFixResult]:
    """Check and fix a Markdown case's input with its settings (file name ``input.md``)."""
    from cfnfix.markdown import check_markdown, fix_markdown

    settings = case.settings()
    text = case.input_text()
    return check_markdown(text, case.input.name, settings), fix_markdown(text, case.input.name, settings)


def errors_text(errors: list[BlockError], file: str) -> str:
    """Canonical text of a Markdown run's errors (what ``errors.txt`` holds)."""
    return "".join(f"{e.error(file)}\n" for e in errors)


def write_markdown(case: Case) -> None:
    """(Re)write a Markdown case's expected files from current behaviour."""
    checked, result = run_markdown(case)
    (case.root / "findings.json").write_bytes(findings_json(checked.findings).encode("utf-8"))
    case.output.write_bytes(result.text.encode("utf-8"))
    (case.root / "patch.json").write_bytes(patch_json(result.patch).encode("utf-8"))
    errors = case.root / "errors.txt"
    if result.errors:
        errors.write_bytes(errors_text(result.errors, case.input.name).encode("utf-8"))
    elif errors.exists():
        errors.unlink()


def discover_engine() -> list[Case]:
    """Every engine case folder (an ``input.*`` file and an ``ops.json`` patch)."""
    return sorted((Case(p.parent) for p in GOLDEN.glob("*/*/ops.json")), key=lambda c: c.id)


def engine_ops(case: Case) -> list[dict[str, Any]]:
    """The patch an engine case applies."""
    return json.loads((case.root / "ops.json").read_text(encoding="utf-8"))


def write_engine(case: Case) -> None:
    """(Re)write an engine case's expected output from current behaviour."""
    from cfnfix import apply_patch

    case.output.write_bytes(apply_patch(case.input_text(), engine_ops(case)).encode("utf-8"))


def findings_json(findings: list[Finding]) -> str:
    """Canonical text of a findings list (what ``findings.json`` holds)."""
    return json.dumps([f.model_dump(mode="json") for f in findings], indent=2, ensure_ascii=False) + "\n"


def patch_json(patch: list[dict[str, Any]]) -> str:
    """Canonical text of a patch (what ``patch.json`` holds)."""
    return json.dumps(patch, indent=2, ensure_ascii=False) + "\n"


def run(case: Case) -> tuple[list[Finding], FixResult]:
    """Check and fix the case's input with its settings."""
    settings = case.settings()
    text = case.input_text()
    return check(text, config=settings), fix(text, config=settings, unsafe=settings.unsafe_fixes)


def run_refused(case: Case) -> tuple[list[Finding], str]:
    """Check the case's input, and the one-line error ``fix`` refuses it with (empty: no error)."""
    from cfnfix.errors import CfnfixError

    settings = case.settings()
    text = case.input_text()
    try:
        fix(text, config=settings, unsafe=settings.unsafe_fixes)
    except CfnfixError as exc:
        return check(text, config=settings), str(exc)
    return check(text, config=settings), ""


def markdown_report(case: Case, findings: list[Finding]) -> str:
    """``cfnfix check --format markdown`` of the case's input (file name ``input.<ext>``)."""
    from cfnfix.batch.outcome import FileOutcome
    from cfnfix.report import ReportContext, render

    unsafe = case.settings().unsafe_fixes
    outcome = FileOutcome(case.input.name, text=case.input_text(), findings=findings, unsafe=unsafe)
    return render("markdown", [outcome], ReportContext(unsafe=unsafe))


def write(case: Case) -> None:
    """(Re)write the expected files from current behaviour. Review the diff before committing."""
    if case.refusal.exists():
        findings, error = run_refused(case)
        (case.root / "findings.json").write_bytes(findings_json(findings).encode("utf-8"))
        case.refusal.write_bytes((error + "\n").encode("utf-8"))
        return
    findings, result = run(case)
    (case.root / "findings.json").write_bytes(findings_json(findings).encode("utf-8"))
    case.output.write_bytes(result.text.encode("utf-8"))
    (case.root / "patch.json").write_bytes(patch_json(result.patch).encode("utf-8"))
    report = case.root / "report.md"
    if report.exists():
        report.write_bytes(markdown_report(case, findings).encode("utf-8"))
