"""The destroyable profile over the shared corpus: ``python benchmarks/destroyable_corpus.py [--corpus DIR] [--lint]``.

Checks every template of ``../shared/corpus`` with the ``destroyable`` profile's rules
(CFX250–CFX269) only, applies their fixes (all unsafe) as ``cfnfix apply --profile
destroyable --unsafe-fixes --select CFX25,CFX26`` does, and prints:

* how many templates are **not destroyable** before and after the fixes: "blocking" counts
  templates with a finding that makes deletion fail or leaves something behind
  (CFX250–CFX256, CFX259); "any" also counts the report-only hygiene rules (implicit Lambda log
  groups CFX257, fixed physical names CFX258);
* the findings per rule before and after;
* how many templates the fixes change, whether a second run changes anything, and fixes
  that were dropped;
* with ``--lint``: templates whose fixed text has a cfn-lint 1.58 error (us-east-1) that
  the original did not have.
"""

from __future__ import annotations

import argparse
import collections
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus_fixes import load_corpus  # noqa: E402
from cfnfix.checking import run_rules  # noqa: E402
from cfnfix.config import Settings  # noqa: E402
from cfnfix.document import Document, load  # noqa: E402
from cfnfix.fixing import fix_text  # noqa: E402

#: The profile's rules (the family's id range).
SELECT = ["CFX25", "CFX26"]
#: Rules whose findings make the stack's deletion fail or leave something behind.
BLOCKING = ("CFX250", "CFX251", "CFX252", "CFX253", "CFX254", "CFX255", "CFX256", "CFX259")


def settings() -> Settings:
    """The profile, its rules only, unsafe fixes on."""
    return Settings(profile="destroyable", select=SELECT, unsafe_fixes=True)


@dataclass
class Measurement:
    """What the profile found and fixed over a set of templates."""

    templates: int = 0
    before: collections.Counter[str] = field(default_factory=collections.Counter)
    after: collections.Counter[str] = field(default_factory=collections.Counter)
    not_destroyable_before: dict[str, int] = field(default_factory=lambda: {"blocking": 0, "any": 0})
    not_destroyable_after: dict[str, int] = field(default_factory=lambda: {"blocking": 0, "any": 0})
    changed: list[str] = field(default_factory=list)
    unstable: list[str] = field(default_factory=list)
    failed: collections.Counter[str] = field(default_factory=collections.Counter)
    linted: int = 0
    lint_bad: dict[str, set[tuple[str, str]]] = field(default_factory=dict)

    def report(self, lint: bool) -> None:
        """Print the figures."""
        b, a = self.not_destroyable_before, self.not_destroyable_after
        print(f"{self.templates} templates, profile destroyable (rules CFX25*, CFX26*), unsafe fixes on")
        print(f"not destroyable, blocking findings (CFX250-CFX256): before {b['blocking']}, after {a['blocking']}")
        print(f"not destroyable, any profile finding:               before {b['any']}, after {a['any']}")
        print(f"findings before: {dict(sorted(self.before.items()))}")
        print(f"findings after:  {dict(sorted(self.after.items()))}")
        print(f"fixed {len(self.changed)} templates; second run changed {len(self.unstable)} {self.unstable or ''}")
        print(f"fixes dropped (patch did not apply or verify): {dict(self.failed) or 0}")
        if lint:
            print(f"fixed templates linted: {self.linted}; with new cfn-lint errors: {len(self.lint_bad)}")
            for file, errors in self.lint_bad.items():
                print(f"  {file}: {sorted(errors)}")


def _tally(counts: dict[str, int], rule_ids: list[str]) -> None:
    counts["any"] += bool(rule_ids)
    counts["blocking"] += any(r in BLOCKING for r in rule_ids)


def measure(docs: list[Document], *, lint: bool = False, lint_limit: int | None = None) -> Measurement:
    """Check, fix, re-check and re-fix every document; lint up to ``lint_limit`` fixed ones."""
    config = settings()
    out = Measurement(templates=len(docs))
    for doc in docs:
        found = [f.rule_id for f in run_rules(doc, config)]
        out.before.update(found)
        _tally(out.not_destroyable_before, found)
        result = fix_text(doc.text, doc.file, config)
        out.failed.update(f.finding.rule_id for f in result.failed)
        left = [f.rule_id for f in run_rules(load(result.text, doc.file), config)]
        out.after.update(left)
        _tally(out.not_destroyable_after, left)
        if not result.changed:
            continue
        out.changed.append(str(doc.file))
        if fix_text(result.text, doc.file, config).text != result.text:
            out.unstable.append(str(doc.file))
        if lint and (lint_limit is None or out.linted < lint_limit):
            from devtools.lint_oracle import new_lint_errors

            out.linted += 1
            new = new_lint_errors(doc.text, result.text)
            if new:
                out.lint_bad[str(doc.file)] = new
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the measurement and print it; exit 1 when a fix is unstable, dropped, or adds a cfn-lint error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--lint", action="store_true", help="also lint every fixed template with cfn-lint")
    args = parser.parse_args(argv)
    result = measure(load_corpus(args.corpus), lint=args.lint)
    result.report(args.lint)
    return 1 if result.unstable or result.lint_bad or result.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
