"""Rewrite golden expected files from current behaviour: ``python scripts/update_golden.py [group[/case] ...]``.

Review ``git diff golden/`` afterwards: the point of golden files is that a human read them.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devtools.golden_cases import discover, discover_engine, discover_markdown, write, write_engine, write_markdown


def main(argv: list[str]) -> int:
    cases = discover() + discover_engine() + discover_markdown()
    if argv:
        cases = [c for c in cases if any(c.id == a or c.id.startswith(a.rstrip("/") + "/") for a in argv)]
    for case in cases:
        if (case.root / "ops.json").exists():
            write_engine(case)
        elif case.input.suffix == ".md":
            write_markdown(case)
        else:
            write(case)
        print("wrote", case.id)
    return 0 if cases else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
