"""The shared corpus of real templates (read at test time, never copied into the repo)."""

from __future__ import annotations

import os
from pathlib import Path

#: ``../shared/corpus`` beside the repository, or ``CFNFIX_CORPUS``.
CORPUS = Path(os.environ.get("CFNFIX_CORPUS") or Path(__file__).resolve().parent.parent.parent / "shared" / "corpus")
SUFFIXES = (".yaml", ".yml", ".json", ".template")


def corpus_files() -> list[Path]:
    """Every template file of the corpus, sorted."""
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in SUFFIXES and p.is_file())
