"""Meaning and security of fix runs, as figures: ``python benchmarks/meaning_figures.py [--corpus DIR]``.

What ``tests/project/test_meaning_of_fixes.py`` and ``tests/project/test_security_properties.py`` assert, counted
(issue 22). For every golden input (its own settings) and every template of the shared
corpus (default settings), ``cfnfix.fix`` is run with safe fixes only and with unsafe fixes
too, and each run that changes the text is checked by

- the **meaning checker** (:func:`devtools.meaning_oracle.meaning_report`): pointers where the
  output means something else than the input outside the nodes the applied fixes declare,
  and fixes that rewrote text an earlier fix of the run wrote;
- the **security oracle** (:func:`devtools.security_oracle.weakenings`, unsafe runs): ways the
  output is less secure than the input;
- a **second run** of the same settings on the output: it must change nothing (a fix the
  fix loop held back because it would re-read an earlier pass's text is applied by the next
  run, which has no memory of who wrote it).

One row per source and mode: templates read, templates changed, fixes applied (as the runs
report them, so a fix made along with another counts), differences outside declared nodes,
re-reads, weakenings and changing second runs. A file ``fix`` refuses (an edit inside a YAML
anchor) counts as read and unchanged.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cfnfix import fix  # noqa: E402
from cfnfix.config import Settings  # noqa: E402
from cfnfix.document import load  # noqa: E402
from cfnfix.errors import CfnfixError  # noqa: E402
from cfnfix.template.meaning import Declaration  # noqa: E402
from devtools.corpus import CORPUS, corpus_files  # noqa: E402
from devtools.golden_cases import discover  # noqa: E402
from devtools.meaning_oracle import input_data, meaning_report  # noqa: E402
from devtools.security_oracle import weakenings  # noqa: E402


@dataclass
class Row:
    """Counts of one source and mode."""

    source: str
    mode: str
    read: int = 0
    changed: int = 0
    fixes: int = 0
    differences: int = 0
    rereads: int = 0
    weaker: int = 0
    second_run_changed: int = 0


def _run(row: Row, name: str, text: str, settings: Settings, problems: list[str]) -> None:
    row.read += 1
    try:
        result = fix(text, config=settings, unsafe=settings.unsafe_fixes)
    except CfnfixError:
        return
    if not result.changed:
        return
    row.changed += 1
    row.fixes += len(result.fixed)
    report = meaning_report(result, settings)
    row.differences += len(report.unexplained)
    row.rereads += len(report.reread)
    problems.extend(f"{name} [{row.mode}]: differs at {p}" for p in report.unexplained)
    problems.extend(f"{name} [{row.mode}]: {rule} re-read {p}" for rule, p in report.reread)
    if settings.unsafe_fixes:
        declaration = Declaration()
        for finding in result.fixed:
            if finding.fix is not None:
                declaration.add(finding.fix.patch)
        weaker = weakenings(input_data(result, settings), load(result.text).data, declaration)
        row.weaker += len(weaker)
        problems.extend(f"{name} [{row.mode}]: {w}" for w in weaker)
    if fix(result.text, config=settings, unsafe=settings.unsafe_fixes).text != result.text:
        row.second_run_changed += 1
        problems.append(f"{name} [{row.mode}]: a second run changes the output")


def main(argv: list[str] | None = None) -> int:
    """Print the table (and each problem); exit 1 when any count of a problem is not 0."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of templates (default: the shared corpus)")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    problems: list[str] = []
    for mode, unsafe in (("safe", False), ("unsafe", True)):
        golden = Row("golden inputs", mode)
        for case in discover():
            settings = case.settings().model_copy(update={"unsafe_fixes": unsafe})
            _run(golden, case.id, case.input_text(), settings, problems)
        corpus = Row("corpus", mode)
        for path in corpus_files(args.corpus):
            text = path.read_bytes().decode("utf-8", errors="replace")
            _run(corpus, path.name, text, Settings(unsafe_fixes=unsafe), problems)
        rows += [golden, corpus]
    header = (
        "source",
        "mode",
        "read",
        "changed",
        "fixes",
        "differences outside declared",
        "re-reads",
        "weakenings",
        "second run changed",
    )
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for r in rows:
        weaker = str(r.weaker) if r.mode == "unsafe" else "-"
        cells = (r.source, r.mode, r.read, r.changed, r.fixes, r.differences, r.rereads, weaker, r.second_run_changed)
        print(" | ".join(str(c) for c in cells))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
