"""The shared corpus of real templates (read at test time, never copied into the repo)."""

from __future__ import annotations

import os
from pathlib import Path

from cfnfix.batch import SUFFIXES

#: ``../shared/corpus`` beside the repository, or ``CFNFIX_CORPUS``.
CORPUS = Path(os.environ.get("CFNFIX_CORPUS") or Path(__file__).resolve().parent.parent.parent / "shared" / "corpus")


def corpus_files(folder: Path | str = CORPUS) -> list[Path]:
    """Every template file (by name: ``*.yaml *.yml *.json *.template``) under ``folder``, sorted."""
    return sorted(p for p in Path(folder).rglob("*") if p.suffix in SUFFIXES and p.is_file())
