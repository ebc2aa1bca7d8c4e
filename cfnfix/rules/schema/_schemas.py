"""cfn-lint's bundled CloudFormation resource schemas, read as data.

cfn-lint ships, for each region, a provider file (``data/schemas/providers/<region>.json``:
resource type → schema hash; ``sam.json`` for the SAM types) and one JSON schema per hash
(``data/schemas/resources/<hash>.json``, the CloudFormation registry schema with cfn-lint's
patches applied). This module finds that folder **without importing cfn-lint** (importing it
costs about a second; :func:`importlib.util.find_spec` only locates the package), reads the
files lazily and caches them per process. No network: a schema cfn-lint would download
later is not seen. cfn-lint is a dependency of cfnfix; when it is missing all the same, every
query answers "unknown" and a run that selects a schema rule stops with
:func:`unavailable_reason` (:meth:`cfnfix.rules.Rule.unavailable`).
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_REGION",
    "attributes",
    "data_file",
    "data_file_entry",
    "resolve",
    "resource_schema",
    "resource_types",
    "schema_root",
    "unavailable_reason",
]

#: The region whose schemas the rules read (cfn-lint's default region too).
DEFAULT_REGION = "us-east-1"
_INSTALL = "cfn-lint is a dependency of cfnfix: reinstall cfnfix (pip install --force-reinstall cfnfix)"


@lru_cache(maxsize=1)
def _package_dirs() -> tuple[Path, ...]:
    """Folders of the installed ``cfnlint`` package (found, not imported); empty when absent."""
    try:
        spec = importlib.util.find_spec("cfnlint")
    except (ImportError, ValueError):  # pragma: no cover - a broken installation
        return ()
    if spec is None or not spec.submodule_search_locations:
        return ()
    return tuple(Path(p) for p in spec.submodule_search_locations)


@lru_cache(maxsize=1)
def schema_root() -> Path | None:
    """``cfnlint/data/schemas`` of the installed cfn-lint, or None when it is not installed
    or keeps its schemas in another layout (cfn-lint before the per-region provider files)."""
    for location in _package_dirs():
        root = location / "data" / "schemas"
        if (root / "providers" / f"{DEFAULT_REGION}.json").is_file():
            return root
    return None


def unavailable_reason() -> str | None:
    """Why the schema rules cannot run here (None when they can)."""
    if schema_root() is not None:
        return None
    if _package_dirs():
        return (
            "the installed cfn-lint keeps its resource schemas in another layout than the one cfnfix reads "
            f"(data/schemas/providers/<region>.json, cfn-lint 1.58): {_INSTALL}"
        )
    return f"cfn-lint is not installed, so its resource schemas cannot be read: {_INSTALL}"


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=4)
def _provider(region: str) -> dict[str, str]:
    root = schema_root()
    if root is None:
        return {}
    path = root / "providers" / f"{region}.json"
    found: dict[str, str] = dict(_read(path if path.is_file() else root / "providers" / f"{DEFAULT_REGION}.json"))
    sam = root / "providers" / "sam.json"
    if sam.is_file():
        found.update(_read(sam))
    return found


@lru_cache(maxsize=4)
def resource_types(region: str = DEFAULT_REGION) -> frozenset[str]:
    """Every resource type cfn-lint knows in ``region`` (SAM types included); empty without cfn-lint."""
    return frozenset(_provider(region))


def resource_schema(type_name: str, region: str = DEFAULT_REGION) -> dict[str, Any] | None:
    """The schema of ``type_name`` (None when unknown or cfn-lint is not installed). Do not mutate it.

    Kept for the life of the process (a template uses few types), so that the identity of
    its sub-schemas can key the caches of :mod:`._walk`: one object per type and region, whether
    the region is named or not (it was read twice, and its derived tables built twice)."""
    return _resource_schema(type_name, region)


@cache
def _resource_schema(type_name: str, region: str) -> dict[str, Any] | None:
    digest = _provider(region).get(type_name)
    root = schema_root()
    if digest is None or root is None:
        return None
    path = root / "resources" / f"{digest}.json"
    return _read(path) if path.is_file() else None


def data_file(*parts: str) -> Any:
    """Another JSON data file under ``data/schemas`` (e.g. an extension schema), or None."""
    root = schema_root()
    if root is None:
        return None
    path = root.joinpath(*parts)
    return _read(path) if path.is_file() else None


def data_file_entry(parts: tuple[str, ...], key: str) -> Any:
    """``data_file(*parts).get(key)`` for a data file that is a JSON object (None when the file
    or the key is missing), reading only that entry when the file is laid out as cfn-lint writes
    it (one space of indentation per level): cfn-lint's per-region extension files hold every
    region, and the instance classes of RDS alone are 3.7 MB, most of ``check``'s schema reading
    for one entry. Any other layout is read whole."""
    root = schema_root()
    if root is None:
        return None
    path = root.joinpath(*parts)
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    # A line that starts with one space and a key is a key of the top-level object in that
    # layout (a JSON string holds no line break); the last one wins, as json.loads has it.
    head = f"\n {json.dumps(key)}: "
    at = text.rfind(head)
    if at != -1 and text.lstrip().startswith("{"):
        try:
            return json.JSONDecoder().raw_decode(text, at + len(head))[0]
        except ValueError:
            pass
    data = json.loads(text)
    return data.get(key) if isinstance(data, dict) else None


def resolve(schema: Any, root: dict[str, Any]) -> Any:
    """``schema`` with local ``$ref``\\ s (``#/definitions/X``) followed, at most 20 deep."""
    for _ in range(20):
        if not (isinstance(schema, dict) and isinstance(schema.get("$ref"), str)):
            return schema
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            return _NOTHING
        node: Any = root
        for token in ref[2:].split("/"):
            node = node.get(token) if isinstance(node, dict) else None
        schema = node if node is not None else _NOTHING
    return schema


#: The schema that says nothing, one shared object (never changed): callers key caches by the
#: identity of schemas, so a fresh ``{}`` (whose id a later object may reuse) must not appear.
_NOTHING: dict[str, Any] = {}


@lru_cache(maxsize=1024)
def attributes(type_name: str, region: str = DEFAULT_REGION) -> tuple[str, ...]:
    """``Fn::GetAtt`` attribute names of a type: its read-only properties, nested ones dotted."""
    schema = resource_schema(type_name, region)
    if schema is None:
        return ()
    found = []
    for pointer in schema.get("readOnlyProperties", ()):
        if isinstance(pointer, str) and pointer.startswith("/properties/"):
            found.append(".".join(t for t in pointer[len("/properties/") :].split("/") if t != "*"))
    return tuple(found)
