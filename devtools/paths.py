"""Where the checkout's folders are, for tests and development helpers (never for the package).

Tests sit in folders that mirror ``cfnfix/`` (``tests/rules/rds/``, ``tests/server/``, …), so a
path computed from a test's ``__file__`` would depend on its depth: they import these instead.
"""

from __future__ import annotations

from pathlib import Path

#: The repository's root (the folder holding ``pyproject.toml``).
ROOT = Path(__file__).resolve().parent.parent
#: The golden cases (``golden/<rule-name>/<case>/``, ``golden/engine/``, ``golden/seed-scenario/``).
GOLDEN = ROOT / "golden"
#: Data files of the tests (the corpus findings snapshot, the SARIF schema).
TEST_DATA = ROOT / "tests" / "data"
