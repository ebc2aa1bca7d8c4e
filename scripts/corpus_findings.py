"""Compare (or rewrite) the corpus findings snapshot: ``python scripts/corpus_findings.py [--update] [--corpus DIR]``.

Without ``--update`` it prints what differs between ``cfnfix check --format json`` over the corpus
and ``tests/data/corpus_findings.json`` and exits 1 when anything does. ``--update`` rewrites the
snapshot: do it in a commit of its own when a change is meant to change findings (a new rule, a
corrected one), saying which rules the new or changed findings come from. See
:mod:`devtools.corpus_findings`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devtools.corpus import CORPUS, corpus_missing_reason
from devtools.corpus_findings import SNAPSHOT, differences, dumps, snapshot


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--update", action="store_true", help="rewrite the snapshot from the current behaviour")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of templates (default: ../shared/corpus)")
    args = parser.parse_args(argv)
    if args.corpus == CORPUS and (reason := corpus_missing_reason()) is not None:
        parser.error(reason)
    current = snapshot(args.corpus)
    if args.update:
        SNAPSHOT.write_text(dumps(current), encoding="utf-8")
        counts = ", ".join(f"{c}: {sum(len(e['findings']) for e in files.values())}" for c, files in current.items())
        print(
            f"wrote {SNAPSHOT.relative_to(Path.cwd()) if SNAPSHOT.is_relative_to(Path.cwd()) else SNAPSHOT} ({counts} findings)"
        )
        return 0
    diff = differences(json.loads(SNAPSHOT.read_text(encoding="utf-8")), current, limit=200)
    for line in diff:
        print(line)
    print("same as the snapshot" if not diff else f"differs from {SNAPSHOT.name} (--update rewrites it)")
    return 1 if diff else 0


if __name__ == "__main__":
    raise SystemExit(main())
