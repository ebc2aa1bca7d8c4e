"""cfn-lint's version warnings before and after cfnfix: ``python benchmarks/version_warnings.py [--corpus DIR] [FILE…]``.

Counts, over the templates of the shared corpus (or the files given), cfn-lint 1.58's
(us-east-1, today's date) deprecated-version matches — W3690 / W3691 (RDS engine versions)
and W2531 / E2531 / E2533 (Lambda runtimes) — then applies cfnfix's fixes for them
(CFX301, CFX303, CFX310, CFX601, unsafe fixes included, CFX601 judged on today's date too)
and counts again. Prints the matches per cfn-lint rule before and after, and how many
templates gained a cfn-lint error. Only templates mentioning ``AWS::RDS::`` or ``Runtime``
are linted (the others cannot have these matches).
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cfnfix.config import Settings  # noqa: E402
from cfnfix.fixing import fix_text  # noqa: E402
from devtools.corpus import corpus_files  # noqa: E402

WATCHED = ("W3690", "W3691", "W2531", "E2531", "E2533")
RULES = ["CFX301", "CFX303", "CFX310", "CFX601"]


def lint_ids(text: str) -> collections.Counter[str]:
    """cfn-lint match ids of ``text`` (every level), us-east-1."""
    from cfnlint.api import ManualArgs, lint

    return collections.Counter(m.rule.id for m in lint(text, config=ManualArgs(regions=["us-east-1"])))


def main(argv: list[str] | None = None) -> int:
    """Run the measurement and print it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.files or corpus_files(args.corpus)
    settings = Settings(unsafe_fixes=True, select=RULES)
    before: collections.Counter[str] = collections.Counter()
    after: collections.Counter[str] = collections.Counter()
    linted = changed = worse = 0
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        if "AWS::RDS::" not in text and "Runtime" not in text:
            continue
        try:
            result = fix_text(text, str(path), settings)
        except Exception:
            continue
        linted += 1
        old = lint_ids(text)
        new = lint_ids(result.text) if result.changed else old
        changed += result.changed
        before.update({k: v for k, v in old.items() if k in WATCHED})
        after.update({k: v for k, v in new.items() if k in WATCHED})
        if any(new[k] > old[k] for k in new if k.startswith("E")):
            worse += 1
            print(f"new cfn-lint error in {path}: {sorted(k for k in new if k.startswith('E') and new[k] > old[k])}")
    print(f"{linted} templates linted, {changed} changed by {', '.join(RULES)} (unsafe fixes on)")
    print(f"cfn-lint version matches before: {dict(sorted(before.items()))}")
    print(f"cfn-lint version matches after:  {dict(sorted(after.items()))}")
    print(f"templates with a new cfn-lint error: {worse}")
    return 1 if worse else 0


if __name__ == "__main__":
    raise SystemExit(main())
