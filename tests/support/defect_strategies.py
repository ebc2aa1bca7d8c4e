"""Hypothesis strategies: templates full of the defects the registered rules fix.

Generic over the rule registry: the seeds are the inputs of every rule's golden cases
(``golden/<rule>/<case>/input.*``) plus the bundled example, so a new rule's golden
cases make it part of these templates without editing anything here. A drawn template
merges one to four seeds (so fixes of different rules meet in one template), may have
resources renamed to invalid logical IDs with their references (an Aurora 5.7 cluster
without a DeletionPolicy called ``Orders DB`` that a Lambda function references …), may
gain ``cfnfix`` suppression entries that silence nothing (CFX900), and is written in a
random style: YAML through :class:`strategies.Emitter` (block or flow,
comments, short or long tags, quoting, CRLF, 2/4-space indents) or JSON with any
indentation. The settings come from the seeds' ``config.toml`` (options such as
``rds-deletion-style``), with every rule selected and ``unsafe-fixes`` drawn.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from cfnfix.config import Settings
from cfnfix.document import load
from cfnfix.document.repair import load_document
from devtools.paths import ROOT

from .strategies import Emitter

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: Sections whose keys are names that must not collide when seeds are merged.
NAMED_SECTIONS = ("Parameters", "Mappings", "Conditions", "Resources", "Outputs", "Rules")


@dataclass(frozen=True)
class Seed:
    """A template that some rule has something to say about, with the options its case used."""

    name: str
    data: dict[str, Any]
    options: dict[str, Any]


def _options(case: Path) -> dict[str, Any]:
    cfg = case / "config.toml"
    if not cfg.exists():
        return {}
    options = tomllib.loads(cfg.read_text(encoding="utf-8"))
    for key in ("select", "ignore", "unsafe-fixes"):
        options.pop(key, None)  # every rule runs; unsafe fixes are drawn
    return options


@lru_cache(maxsize=1)
def seeds() -> tuple[Seed, ...]:
    """Every rule golden case input (engine cases excluded) and the bundled example."""
    found = []
    for path in sorted((ROOT / "golden").glob("*/*/input.*")):
        case = path.parent
        if case.parent.name == "engine" or (case / "ops.json").exists() or path.suffix == ".md":
            continue  # engine cases; Markdown cases (golden/markdown/) hold templates in fences
        data = load_document(path.read_bytes().decode("utf-8")).data  # JSON with comments: its repaired data
        found.append(Seed(f"{case.parent.name}/{case.name}", data, _options(case)))
    example = ROOT / "examples" / "orders-stack.yaml"
    found.append(Seed("examples/orders-stack", load(example.read_text(encoding="utf-8")).data, {}))
    return tuple(found)


def merge(parts: list[Seed]) -> tuple[dict[str, Any], list[Seed]]:
    """One template from several seeds: a seed whose names collide with an earlier seed's is left out."""
    merged: dict[str, Any] = {}
    used: list[Seed] = []
    for seed in parts:
        clash = any(
            isinstance(seed.data.get(section), dict)
            and isinstance(merged.get(section), dict)
            and set(seed.data[section]) & set(merged[section])
            for section in NAMED_SECTIONS + ("Metadata",)
        )
        kinds = any(
            section in merged
            and section in seed.data
            and isinstance(merged[section], dict) != isinstance(seed.data[section], dict)
            for section in seed.data
        )
        if clash or kinds:
            continue
        for key, value in seed.data.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            else:
                merged.setdefault(key, value)
        used.append(seed)
    return merged, used


class FaithfulEmitter(Emitter):
    """:class:`strategies.Emitter` writing short-form tags only where their argument has the
    shape the emitter knows (a GetAtt in string form stays long form)."""

    def is_intrinsic(self, v: Any) -> bool:
        if not super().is_intrinsic(v):
            return False
        ((name, arg),) = v.items()
        if name == "Fn::GetAtt":
            return isinstance(arg, list) and len(arg) == 2 and all(isinstance(a, str) for a in arg)
        if name == "Ref":
            return isinstance(arg, str)
        if name in ("Fn::Join", "Fn::If"):
            return isinstance(arg, list)
        return True


def _suppressions(draw: Any, data: dict[str, Any]) -> None:
    """Add ``cfnfix: {ignore: [...]}`` entries, some of which silence nothing (CFX900)."""
    from cfnfix.rules import all_rules

    ids = [r.id for r in all_rules()] + ["CFX9XX", "invalid-logical-id"]
    resources = [k for k, v in data.get("Resources", {}).items() if isinstance(v, dict)]
    if resources and draw(st.booleans()):
        name = draw(st.sampled_from(resources))
        res = dict(data["Resources"][name])
        meta = dict(res.get("Metadata") or {}) if isinstance(res.get("Metadata", {}), dict) else None
        if meta is not None and "cfnfix" not in meta:
            meta["cfnfix"] = {"ignore": draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))}
            res["Metadata"] = meta
            data["Resources"] = {**data["Resources"], name: res}
    if draw(st.booleans()):
        meta = data.get("Metadata", {})
        if isinstance(meta, dict) and "cfnfix" not in meta:
            data["Metadata"] = {
                **meta,
                "cfnfix": {"ignore": draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True))},
            }


def _refer(value: Any, old: str, new: str) -> Any:
    """``value`` with references to resource ``old`` (Ref, GetAtt, DependsOn, ``${old}`` in Sub) naming ``new``."""
    if isinstance(value, list):
        return [_refer(v, old, new) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, v in value.items():
        if key == "Ref" and v == old:
            v = new
        elif key == "Fn::GetAtt" and isinstance(v, list) and v[:1] == [old]:
            v = [new, *v[1:]]
        elif key == "Fn::GetAtt" and isinstance(v, str) and v.startswith(old + "."):
            v = new + v[len(old) :]
        elif key == "DependsOn" and (v == old or isinstance(v, list)):
            v = new if v == old else [new if d == old else d for d in v]
        elif key == "Fn::Sub" and isinstance(v, (str, list)):

            def sub(text: Any) -> Any:
                return (
                    text.replace("${" + old + "}", "${" + new + "}").replace("${" + old + ".", "${" + new + ".")
                    if isinstance(text, str)
                    else text
                )

            v = sub(v) if isinstance(v, str) else [sub(v[0]), *_refer(v[1:], old, new)]
        else:
            v = _refer(v, old, new)
        out[key] = v
    return out


def _invalid_name(draw: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Rename one resource to a logical ID CloudFormation rejects, references included (CFX101)."""
    resources = data.get("Resources")
    if not isinstance(resources, dict) or not resources:
        return data
    old = draw(st.sampled_from(sorted(resources)))
    cut = draw(st.integers(0, len(old)))
    new = old[:cut] + draw(st.sampled_from([" ", "-", "_", ".", "é", " 2 "])) + old[cut:]
    if new.strip() != new or any(new in section for section in data.values() if isinstance(section, dict)):
        return data
    renamed = {(new if k == old else k): v for k, v in resources.items()}
    result = _refer({**data, "Resources": renamed}, old, new)
    return result  # type: ignore[no-any-return]


@st.composite
def defective_templates(draw: Any) -> tuple[str, Settings]:
    """(text, settings): a template merged from golden seeds, written in a random style."""
    pool = seeds()
    parts = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique_by=lambda s: s.name))
    data, used = merge(parts)
    for _ in range(draw(st.integers(0, 2))):
        data = _invalid_name(draw, data)
    if draw(st.booleans()):
        _suppressions(draw, data)
    options: dict[str, Any] = {}
    for seed in used:
        for key, value in seed.options.items():
            if key == "rules" and isinstance(options.get("rules"), dict):
                options["rules"] = {**options["rules"], **value}
            else:
                options.setdefault(key, value)
    options["unsafe-fixes"] = draw(st.integers(0, 3)) > 0
    options["show-unused-suppressions"] = draw(st.booleans())
    settings = Settings.model_validate(options)
    if draw(st.booleans()):
        indent = draw(st.sampled_from([None, 1, 2, 4, "\t"]))
        text = json.dumps(data, indent=indent, ensure_ascii=draw(st.booleans()))
        if draw(st.booleans()):
            text += "\n"
    else:
        em = FaithfulEmitter(draw)
        lines = (["# merged from " + ", ".join(s.name for s in used)] if draw(st.booleans()) else []) + em.map_lines(
            data, 0
        )
        eol = draw(st.sampled_from(["\n", "\n", "\r\n"]))
        text = eol.join(lines) + eol
    try:
        same = load(text).data == data
    except Exception:
        same = False
    assume(same)
    return text, settings
