"""The Lambda rules over the shared corpus: ``python benchmarks/lambda_corpus.py [--corpus DIR] [--lint]``.

Prints how many templates, functions and inline Python functions the corpus has, the
findings of CFX401-CFX403 and CFX601 (judged on 2026-11-28), the time the rules take per
template (documents parsed beforehand), and — applying every fix, unsafe ones included —
how many templates change, whether a second run changes anything, and the diff size.
With ``--lint``, cfn-lint 1.58 (us-east-1) checks that no fixed template gains an error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus_fixes import count_findings, fix_all, load_corpus  # noqa: E402
from cfnfix.config import Settings  # noqa: E402
from cfnfix.rules.lambdas._lambda import functions  # noqa: E402

IDS = ["CFX401", "CFX402", "CFX403", "CFX601"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--lint", action="store_true", help="also lint every fixed template with cfn-lint")
    args = parser.parse_args(argv)
    settings = Settings(select=IDS, unsafe_fixes=True, rules={"CFX601": {"today": "2026-11-28"}})
    docs = load_corpus(args.corpus)
    fns = [fn for doc in docs for fn in functions(doc.data)]
    inline = [fn for fn in fns if fn.code_pointer and fn.python_version]
    print(f"{len(docs)} templates, {len(fns)} Lambda/SAM functions, {len(inline)} with inline Python code")
    counts, ms = count_findings(docs, settings)
    print(f"findings: {dict(sorted(counts.items()))}; {ms:.2f} ms per template")
    fix_all(docs, settings, lint=args.lint).report(args.lint)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
