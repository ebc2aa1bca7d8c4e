"""The data file of the cycle rule (``cfnfix/rules/cycles/data/dependency_cycles.toml``), read once."""

from __future__ import annotations

import sys
from functools import lru_cache
from importlib import resources
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@lru_cache(maxsize=1)
def tables() -> dict[str, Any]:
    """The parsed table: ``security_group_rules``, ``principals``, ``known_names``."""
    text = resources.files(__package__).joinpath("data/dependency_cycles.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)
