"""Synthetic dataset records: corpus templates with planted mistakes, some as Markdown answers.

What a team that generates templates with a model keeps: one record per answer, the text in
a column. The records are built from the shared corpus (templates up to ``max_bytes``), each
with at most one planted mistake, in a fixed order (the same records on every run):

- the mistakes of ``benchmarks/planted_mistakes.py`` (property names in another case or
  with a letter dropped, allowed values in another case, ``Ref``/``GetAtt`` typos, a lost
  ``Fn::Sub``, a scalar for a list, a resource type in lower case), planted with cfnfix's own
  ``apply_patch`` so the text keeps its format;
- a ``Fn::Sub`` without variables, and an unused condition;
- every ``markdown_every``-th record is the template in a fenced block of a Markdown answer
  (with prose and a shell fence), and every ``broken_every``-th a template cut short (it
  usually does not parse: the record's error).

A pool of distinct texts is built once and records cycle through it, so a million records
cost no more to make than a thousand.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from devtools.corpus import CORPUS, corpus_files

__all__ = ["pool", "records", "write_jsonl"]


def _pick(text: str, n: int) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16) % n


def _sub_without_variables(data: Any) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    for rid, body in (data.get("Resources") or {}).items():
        props = body.get("Properties") if isinstance(body, dict) else None
        if not isinstance(props, dict):
            continue
        for key, value in props.items():
            if isinstance(value, str) and "${" not in value and value:
                path = (
                    "/Resources/"
                    + rid.replace("~", "~0").replace("/", "~1")
                    + "/Properties/"
                    + key.replace("~", "~0").replace("/", "~1")
                )
                yield path, [{"op": "replace", "path": path, "value": {"Fn::Sub": value}}]


def _unused_condition(data: Any) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    if "Conditions" in data:
        yield (
            "/Conditions/PlantedUnused",
            [{"op": "add", "path": "/Conditions/PlantedUnused", "value": {"Fn::Equals": ["a", "b"]}}],
        )
    else:
        yield (
            "/Conditions",
            [{"op": "add", "path": "/Conditions", "value": {"PlantedUnused": {"Fn::Equals": ["a", "b"]}}}],
        )


def _planters() -> dict[str, Any]:
    from benchmarks.planted_mistakes import KINDS

    return {**KINDS, "sub-without-variables": _sub_without_variables, "unused-condition": _unused_condition}


def pool(corpus: Path | str = CORPUS, max_bytes: int = 6000) -> list[str]:
    """Distinct template texts: each corpus template up to ``max_bytes`` as it is, then with one
    planted mistake of each kind that has a site in it (the site fixed by a hash)."""
    from cfnfix import apply_patch
    from cfnfix.document import load
    from cfnfix.errors import CfnfixError

    texts: list[str] = []
    planters = _planters()
    for path in corpus_files(corpus):
        raw = path.read_bytes()
        if len(raw) > max_bytes:
            continue
        try:
            text = raw.decode("utf-8")
            data = load(text, str(path)).data
        except (CfnfixError, UnicodeDecodeError):
            continue
        texts.append(text)
        for kind, planter in planters.items():
            try:
                sites = list(planter(data))
            except Exception:  # a planter meets a shape it does not expect: no site here
                continue
            if not sites:
                continue
            _, ops = sites[_pick(f"{path.name}:{kind}", len(sites))]
            try:
                texts.append(apply_patch(text, ops))
            except CfnfixError:
                continue
    return texts


def _markdown(text: str) -> str:
    lang = "json" if text.lstrip()[:1] == "{" else "yaml"
    end = "" if text.endswith("\n") else "\n"
    return (
        "Here is a CloudFormation template that does what you asked:\n\n"
        f"```{lang}\n{text}{end}```\n\n"
        "Deploy it with:\n\n```sh\naws cloudformation deploy --template-file template.yaml --stack-name demo\n```\n"
    )


def records(
    count: int, texts: list[str], *, markdown_every: int = 10, broken_every: int = 50
) -> Iterator[dict[str, Any]]:
    """``count`` records ``{"id": "r000001", "kind": "template" | "markdown", "template": text}``."""
    for i in range(count):
        text = texts[(i * 7919) % len(texts)]  # a prime stride: neighbours differ
        kind = "template"
        if broken_every and i % broken_every == broken_every - 1:
            text = text[: max(1, len(text) * 3 // 5)]
        elif markdown_every and i % markdown_every == markdown_every - 1:
            text, kind = _markdown(text), "markdown"
        yield {"id": f"r{i:06d}", "kind": kind, "template": text}


def write_jsonl(path: Path | str, rows: Iterator[dict[str, Any]]) -> int:
    """Write ``rows`` as JSON Lines; the number written."""
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n
