"""The shared corpus of real templates (read at test time, never copied into the repo).

Tests that need it are marked ``pytest.mark.corpus`` (see ``conftest.py``): without a corpus
they skip with one line saying how to provide one, except under ``CI=true``, where CI always
has ``../shared`` and a missing corpus is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

from cfnfix.batch.targets import SUFFIXES

from .paths import ROOT

#: ``../shared/corpus`` beside the repository, or ``CFNFIX_CORPUS``.
CORPUS = Path(os.environ.get("CFNFIX_CORPUS") or ROOT.parent / "shared" / "corpus")

#: Fewer templates than this means the corpus is missing or truncated.
MIN_CORPUS_FILES = 290


def corpus_files(folder: Path | str = CORPUS) -> list[Path]:
    """Every template file (by name: ``*.yaml *.yml *.json *.template``) under ``folder``, sorted."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in SUFFIXES and p.is_file())


def corpus_missing_reason() -> str | None:
    """Why the corpus cannot be used (one line), or ``None`` when it is there."""
    count = len(corpus_files())
    if count >= MIN_CORPUS_FILES:
        return None
    return (
        f"needs the shared corpus of real templates ({MIN_CORPUS_FILES}+ files; found {count} at {CORPUS}): "
        "set CFNFIX_CORPUS to a folder of templates or place the corpus at ../shared/corpus"
    )
