"""Suppression comments on every real YAML template of the corpus.

For each template, ``# cfnfix: ignore`` is appended to every resource's key line and to the
line of every finding. Then: the data is unchanged (they are comments), exactly those
comments are found (no ``#`` in a scalar taken for one), every finding is silenced, and with
``show-unused-suppressions`` the safe fix removes the unused ones and nothing else.
"""

from __future__ import annotations

import re

import pytest

from cfnfix import Settings, check, fix
from cfnfix.document import load, parse_text
from cfnfix.errors import CfnfixError
from cfnfix.suppression.comments import directives
from devtools.corpus import corpus_files

pytestmark = pytest.mark.corpus

FILES = [p for p in corpus_files() if p.suffix in (".yaml", ".yml", ".template")]
COMMENT = "  # cfnfix: ignore"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _with_comments(text: str, lines: set[int]) -> str:
    out = []
    for n, line in enumerate(_LINE.findall(text), 1):
        if n in lines:
            body = line.rstrip("\r\n")
            line = body + COMMENT + line[len(body) :]
        out.append(line)
    return "".join(out)


def test_comments_on_every_resource_and_finding_line() -> None:
    templates = tried = 0
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        try:
            doc = load(text, str(path))
        except CfnfixError:
            continue
        if doc.format != "yaml" or not isinstance(doc.data.get("Resources"), dict):
            continue
        templates += 1
        findings = check(text)
        lines = {f.line for f in findings}
        root = doc.root
        for key, value in root.items:  # type: ignore[union-attr]
            if key.value == "Resources":
                lines |= {doc.lines.line_col(k.start)[0] for k, _ in value.items}  # type: ignore[union-attr]
        new = _with_comments(text, lines)
        try:
            same = parse_text(new, nodes=False)[2] == doc.data
        except CfnfixError:
            same = False
        if not same:
            continue  # a line that ends inside a flow collection or a multi-line scalar: not a comment there
        tried += 1
        found = directives(load(new, str(path)))
        assert sorted(d.line for d in found) == sorted(lines), path
        assert check(new) == [], path
        result = fix(new, config=Settings(show_unused_suppressions=True))
        assert not result.failed, (path, result.failed)
        assert parse_text(result.text, nodes=False)[2] == doc.data, path
        used = {d.line for d in found if any(d.covers(f) for f in findings)}
        kept = {n for n, line in enumerate(_LINE.findall(result.text), 1) if COMMENT in line}
        assert kept == used, path  # the unused ones went, the used ones stayed, on the same lines
        assert [f for f in result.remaining if f.rule_id == "CFX900"] == [], path
    print(f"suppression comments: {tried} of {templates} YAML corpus templates checked")  # shown with -s
    assert templates >= 150 and tried >= 0.95 * templates, (templates, tried)
