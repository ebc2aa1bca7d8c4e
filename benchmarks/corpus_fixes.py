"""Every rule and every fix over the shared corpus: ``python benchmarks/corpus_fixes.py [--corpus DIR] [--lint] [--select IDS]``.

Checks each template of ``../shared/corpus`` with all rules (CFX601 judged on 2026-11-28,
so the figures do not drift with the calendar), then applies every fix, unsafe ones
included, the way ``cfnfix apply --unsafe-fixes`` does. Prints the findings per rule, how
many templates change, how many fixes were dropped because their patch failed to apply or
verify, whether a second run changes anything, and the diff size. With ``--lint``,
cfn-lint 1.58 (us-east-1) checks that no fixed template gains an error (renamed logical
IDs are read back to their old names in its messages, as ``cfnfix apply --verify`` does).
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cfnfix.checking import run_rules  # noqa: E402
from cfnfix.config import Settings  # noqa: E402
from cfnfix.document import Document, load  # noqa: E402
from cfnfix.errors import CfnfixError  # noqa: E402
from cfnfix.fixing import fix_text  # noqa: E402
from devtools.corpus import corpus_files  # noqa: E402

TODAY = "2026-11-28"


def load_corpus(folder: str) -> list[Document]:
    """Every template of ``folder`` that parses (the corpus also holds a few non-templates)."""
    docs = []
    for path in corpus_files(folder):
        try:
            docs.append(load(path.read_text(encoding="utf-8"), str(path)))
        except (CfnfixError, UnicodeDecodeError):
            continue
    return docs


def count_findings(docs: list[Document], settings: Settings) -> tuple[collections.Counter[str], float]:
    """Findings per rule id over ``docs``, and the rules' mean time per template (ms)."""
    counts: collections.Counter[str] = collections.Counter()
    start = time.perf_counter()
    for doc in docs:
        counts.update(f.rule_id for f in run_rules(doc, settings))
    return counts, (time.perf_counter() - start) / max(len(docs), 1) * 1000


@dataclass
class FixSummary:
    """What applying every fix to a set of templates did."""

    changed: int = 0
    applied: collections.Counter[str] = field(default_factory=collections.Counter)
    unstable: list[str] = field(default_factory=list)
    failed: collections.Counter[str] = field(default_factory=collections.Counter)
    diff_lines: list[int] = field(default_factory=list)
    lint_bad: dict[str, set[tuple[str, str]]] = field(default_factory=dict)

    def report(self, lint: bool) -> None:
        """Print the summary lines."""
        print(f"fixed {self.changed} templates; second run changed {len(self.unstable)} {self.unstable or ''}")
        print(f"fixes applied per rule: {dict(sorted(self.applied.items()))}")
        print(f"fixes dropped (patch did not apply or verify): {dict(self.failed) or 0}")
        print(f"diff lines per fixed template: {sorted(self.diff_lines)}")
        if lint:
            print(f"templates with new cfn-lint errors: {len(self.lint_bad)}")
            for file, errors in self.lint_bad.items():
                print(f"  {file}: {sorted(errors)}")


def fix_all(docs: list[Document], settings: Settings, *, lint: bool) -> FixSummary:
    """Apply every fix ``settings`` allows to each document; check stability (and cfn-lint)."""
    summary = FixSummary()
    for doc in docs:
        result = fix_text(doc.text, doc.file, settings)
        summary.failed.update(f.finding.rule_id for f in result.failed)
        summary.applied.update(f.rule_id for f in result.fixed)
        if not result.changed:
            continue
        summary.changed += 1
        if fix_text(result.text, doc.file, settings).text != result.text:
            summary.unstable.append(str(doc.file))
        summary.diff_lines.append(
            sum(1 for ln in result.diff.splitlines() if ln[:1] in "+-" and ln[:3] not in ("+++", "---"))
        )
        if lint:
            from cfnfix.cfn_lint.verify import renames
            from devtools.lint_oracle import new_lint_errors

            new = new_lint_errors(doc.text, result.text, renamed=renames(result.patch))
            if new:
                summary.lint_bad[str(doc.file)] = new
    return summary


def main(argv: list[str] | None = None) -> int:
    """Run the measurement and print it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--lint", action="store_true", help="also lint every fixed template with cfn-lint")
    parser.add_argument(
        "--select",
        default="",
        help="comma-separated rule ids, prefixes or names to run (default: all; opt-in rules by full id)",
    )
    args = parser.parse_args(argv)
    select = [s.strip() for s in args.select.split(",") if s.strip()]
    settings = Settings(unsafe_fixes=True, select=select, rules={"CFX601": {"today": TODAY}})
    docs = load_corpus(args.corpus)
    counts, ms = count_findings(docs, settings)
    print(f"{len(docs)} templates; findings {dict(sorted(counts.items()))}; rules take {ms:.2f} ms per template")
    summary = fix_all(docs, settings, lint=args.lint)
    summary.report(args.lint)
    return 1 if summary.unstable or summary.lint_bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
