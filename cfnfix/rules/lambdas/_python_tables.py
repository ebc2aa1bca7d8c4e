"""The bundled Python tables: standard library module names per version
(``cfnfix/rules/lambdas/data/python_stdlib.json``) and what Lambda provides or which distribution an
import needs (``cfnfix/rules/lambdas/data/python_distributions.json``). Regenerate them with
``scripts/gen_python_stdlib.py`` and ``scripts/gen_python_distributions.py``.

Background: docs/cloudformation/lambda.md.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any


def _load(name: str) -> Any:
    return json.loads((resources.files(__package__) / "data" / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _stdlib() -> dict[tuple[int, int], frozenset[str]]:
    versions = _load("python_stdlib.json")["versions"]
    return {tuple(int(p) for p in v.split(".")): frozenset(names) for v, names in versions.items()}  # type: ignore[misc]


def stdlib_versions() -> list[tuple[int, int]]:
    """The Python versions the table knows, oldest first."""
    return sorted(_stdlib())


def table_version(version: tuple[int, int]) -> tuple[int, int]:
    """The nearest version the table knows (3.7 reads as 3.8, 3.15 as 3.14)."""
    known = stdlib_versions()
    return min(max(version, known[0]), known[-1])


def stdlib(version: tuple[int, int]) -> frozenset[str]:
    """Top-level standard library module names of ``version`` (nearest known version)."""
    return _stdlib()[table_version(version)]


def removed_in(name: str, version: tuple[int, int]) -> tuple[int, int] | None:
    """The version whose standard library dropped top-level module ``name``, when an older
    version had it and ``version`` does not (``imp`` on 3.12 → (3, 12)); else None."""
    version = table_version(version)
    if name in stdlib(version):
        return None
    had = [v for v in stdlib_versions() if v < version and name in stdlib(v)]
    if not had:
        return None
    return next(v for v in stdlib_versions() if v > had[-1])


@lru_cache(maxsize=1)
def _distributions() -> dict[str, Any]:
    return _load("python_distributions.json")


def runtime_provided() -> frozenset[str]:
    """Modules every Lambda Python runtime has besides the standard library (boto3 …)."""
    return frozenset(_distributions()["runtime_provided"])


def inline_provided() -> frozenset[str]:
    """Modules CloudFormation adds beside inline code (``cfnresponse``)."""
    return frozenset(_distributions()["inline_provided"])


@dataclass(frozen=True)
class Distribution:
    """The PyPI distribution that provides an import."""

    name: str
    note: str = ""
    assumed: bool = False
    """True when the import is not in the table and its own name is assumed."""

    @property
    def stem(self) -> str:
        """CamelCase alphanumeric form for logical IDs (``psycopg2-binary`` → ``Psycopg2Binary``)."""
        parts = [p for p in re.split(r"[^A-Za-z0-9]+", self.name) if p]
        return "".join(p[0].upper() + p[1:] for p in parts)


def import_name(module: str) -> str:
    """How to name the import of ``module`` in messages: its longest listed dotted prefix
    (``mysql.connector`` for ``mysql.connector.pooling``), else its top-level name."""
    table = _distributions()["imports"]
    parts = module.split(".")
    for n in range(len(parts), 1, -1):
        if ".".join(parts[:n]) in table:
            return ".".join(parts[:n])
    return parts[0]


def distribution(module: str) -> Distribution:
    """The distribution providing ``module`` (dotted names match their longest listed prefix)."""
    table = _distributions()["imports"]
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        entry = table.get(".".join(parts[:n]))
        if entry is not None:
            return Distribution(entry["distribution"], entry.get("note", ""))
    return Distribution(parts[0], assumed=True)


def known_layer_imports(text: str) -> frozenset[str]:
    """Imports provided by the AWS-published layers whose names occur in ``text``."""
    found: set[str] = set()
    for layer in _distributions()["known_layers"]:
        if re.search(layer["pattern"], text, re.IGNORECASE):
            found.update(layer["imports"])
    return frozenset(found)
