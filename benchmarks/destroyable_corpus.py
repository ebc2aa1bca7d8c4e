"""The destroyable profile over the shared corpus: ``python benchmarks/destroyable_corpus.py [--corpus DIR] [--lint]``.

Checks every template of ``../shared/corpus`` with the ``destroyable`` profile's rules
(CFX250–CFX269) only, applies their fixes (all unsafe) as ``cfnfix apply --profile
destroyable --unsafe-fixes --select CFX25,CFX26`` does, and prints:

* how many templates are **not destroyable** before and after the fixes: a template is not
  destroyable when any profile rule reports it; "blocking" counts only the findings that
  make deletion fail or leave data behind (CFX250–CFX256), "all" includes the report-only
  hygiene rules (implicit Lambda log groups CFX257, fixed names CFX258);
* the findings per rule before and after;
* whether a second run changes anything, and fixes that were dropped;
* with ``--lint``: templates whose fixed text has a cfn-lint 1.58 error (us-east-1) that the
  original did not have.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus_fixes import load_corpus  # noqa: E402
from cfnfix.api import fix_text, run_rules  # noqa: E402
from cfnfix.config import Settings  # noqa: E402
from cfnfix.document import load  # noqa: E402

#: The profile's rules (the family's id range).
SELECT = ["CFX25", "CFX26"]
#: Rules whose findings make the stack's deletion fail or leave data behind.
BLOCKING = ("CFX250", "CFX251", "CFX252", "CFX253", "CFX254", "CFX255", "CFX256")


def settings() -> Settings:
    """The profile, its rules only, unsafe fixes on."""
    return Settings(profile="destroyable", select=SELECT, unsafe_fixes=True)


def main(argv: list[str] | None = None) -> int:
    """Run the measurement and print it; exit 1 when a fix is unstable or adds a cfn-lint error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--lint", action="store_true", help="also lint every fixed template with cfn-lint")
    args = parser.parse_args(argv)
    config = settings()
    docs = load_corpus(args.corpus)
    before: collections.Counter[str] = collections.Counter()
    after: collections.Counter[str] = collections.Counter()
    bad_before = {"all": 0, "blocking": 0}
    bad_after = {"all": 0, "blocking": 0}
    changed, unstable, failed, lint_bad = 0, [], collections.Counter(), {}
    for doc in docs:
        found = run_rules(doc, config)
        before.update(f.rule_id for f in found)
        bad_before["all"] += bool(found)
        bad_before["blocking"] += any(f.rule_id in BLOCKING for f in found)
        result = fix_text(doc.text, doc.file, config)
        failed.update(f.finding.rule_id for f in result.failed)
        left = run_rules(load(result.text, doc.file), config)
        after.update(f.rule_id for f in left)
        bad_after["all"] += bool(left)
        bad_after["blocking"] += any(f.rule_id in BLOCKING for f in left)
        if not result.changed:
            continue
        changed += 1
        if fix_text(result.text, doc.file, config).text != result.text:
            unstable.append(str(doc.file))
        if args.lint:
            from tests.lint import new_lint_errors

            new = new_lint_errors(doc.text, result.text)
            if new:
                lint_bad[str(doc.file)] = new
    print(f"{len(docs)} templates, profile destroyable (rules {', '.join(SELECT)}*), unsafe fixes on")
    print(f"not destroyable (blocking rules {BLOCKING[0]}-{BLOCKING[-1]}): before {bad_before['blocking']}, after {bad_after['blocking']}")
    print(f"not destroyable (any profile finding):           before {bad_before['all']}, after {bad_after['all']}")
    print(f"findings before: {dict(sorted(before.items()))}")
    print(f"findings after:  {dict(sorted(after.items()))}")
    print(f"fixed {changed} templates; second run changed {len(unstable)} {unstable or ''}")
    print(f"fixes dropped (patch did not apply or verify): {dict(failed) or 0}")
    if args.lint:
        print(f"templates with new cfn-lint errors: {len(lint_bad)}")
        for file, errors in lint_bad.items():
            print(f"  {file}: {sorted(errors)}")
    return 1 if unstable or lint_bad or failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
