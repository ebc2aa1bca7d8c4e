"""The Lambda rules over the shared corpus: ``python benchmarks/lambda_corpus.py [--corpus DIR] [--lint]``.

Prints how many templates, functions and inline Python functions the corpus has, the
findings of CFX401-CFX403 and CFX601 (judged on 2026-11-28), the time the rules take per
template (documents parsed beforehand), and — applying every fix, unsafe ones included —
how many templates change, whether a second run changes anything, and the diff size.
With ``--lint``, cfn-lint 1.58 (us-east-1) checks that no fixed template gains an error.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cfnfix.api import fix_text, run_rules  # noqa: E402
from cfnfix.config import Settings  # noqa: E402
from cfnfix.document import load  # noqa: E402
from cfnfix.errors import CfnfixError  # noqa: E402
from cfnfix.rules._lambda import functions  # noqa: E402

IDS = ["CFX401", "CFX402", "CFX403", "CFX601"]
SUFFIXES = (".yaml", ".yml", ".json", ".template")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--lint", action="store_true", help="also lint every fixed template with cfn-lint")
    args = parser.parse_args(argv)
    settings = Settings(select=IDS, unsafe_fixes=True, rules={"CFX601": {"today": "2026-11-28"}})
    docs = []
    for path in sorted(Path(args.corpus).rglob("*")):
        if path.suffix in SUFFIXES and path.is_file():
            try:
                docs.append(load(path.read_text(encoding="utf-8"), str(path)))
            except (CfnfixError, UnicodeDecodeError):
                continue
    fns = [fn for doc in docs for fn in functions(doc.data)]
    inline = [fn for fn in fns if fn.code_pointer and fn.python_version]
    print(f"{len(docs)} templates, {len(fns)} Lambda/SAM functions, {len(inline)} with inline Python code")
    counts: collections.Counter[str] = collections.Counter()
    start = time.perf_counter()
    for doc in docs:
        counts.update(f.rule_id for f in run_rules(doc, settings))
    elapsed = time.perf_counter() - start
    print(f"findings: {dict(sorted(counts.items()))}; {elapsed / len(docs) * 1000:.2f} ms per template")
    changed, unstable, lint_bad, sizes = 0, 0, 0, []
    for doc in docs:
        result = fix_text(doc.text, doc.file, settings)
        if not result.changed:
            continue
        changed += 1
        unstable += fix_text(result.text, doc.file, settings).text != result.text
        sizes.append(sum(1 for ln in result.diff.splitlines() if ln[:1] in "+-" and ln[:3] not in ("+++", "---")))
        if args.lint:
            from tests.lint import new_lint_errors

            lint_bad += bool(new_lint_errors(doc.text, result.text))
    print(f"fixed {changed} templates; second run changed {unstable}; diff lines per template {sizes}")
    if args.lint:
        print(f"templates with new cfn-lint errors: {lint_bad}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
