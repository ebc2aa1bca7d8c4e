"""Rewrite golden expected files from current behaviour: ``python scripts/update_golden.py [group[/case] ...]``.

Review ``git diff golden/`` afterwards: the point of golden files is that a human read them.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devtools.golden_cases import discover, discover_engine, write, write_engine


def main(argv: list[str]) -> int:
    cases = discover() + discover_engine()
    if argv:
        cases = [c for c in cases if any(c.id == a or c.id.startswith(a.rstrip("/") + "/") for a in argv)]
    for case in cases:
        if (case.root / "ops.json").exists():
            write_engine(case)
        else:
            write(case)
        print("wrote", case.id)
    return 0 if cases else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
