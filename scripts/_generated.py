"""Shared tail of the ``scripts/gen_*.py`` table generators: write the table, or ``--check`` it.

Each generator builds a dated JSON table in a rule family's ``data/`` folder (``cfnfix/rules/<family>/data/``). ``--check`` compares the
committed file with what the script would write, ignoring the ``date`` key, so CI can tell
a stale table from a fresh one without rewriting it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def write_or_check(out: Path, text: str, script: str, *, check: bool) -> int:
    """Write ``text`` (the table's JSON) to ``out``; with ``check``, only compare (0: same, 1: stale)."""
    if check:
        old = json.loads(out.read_text(encoding="utf-8"))
        new = json.loads(text)
        old.pop("date", None)
        new.pop("date", None)
        if old != new:
            print(f"{out} is stale: run python scripts/{script}", file=sys.stderr)
            return 1
        print(f"{out} is up to date")
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0
