"""Image families with a public Systems Manager parameter (``data/ami_families.json``, written by
``scripts/gen_ami_families.py``), and recognising a family from the words of a template.

A template says what its image is in comments (``ImageId: ami-0abc  # Amazon Linux 2``),
names (``AmazonLinux2AMI``, ``UbuntuServer2204``), descriptions and tags, and sometimes only
in its user data (``amazon-linux-extras``). :func:`recognise` reads groups of such words from
the nearest to the farthest and stops at the first group that names anything: one family
(the fix), several (ambiguous: candidates), an operating system without a version
(candidates), or a family cfnfix has no public parameter for.
Background: docs/cloudformation/ami.md ("Recognising the family").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources as _files
from typing import Any

#: The parameter type that resolves a Systems Manager parameter name to an AMI ID at deploy time.
SSM_IMAGE_TYPE = "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"


@dataclass(frozen=True)
class Family:
    """One image family: its public parameter per architecture, and where that fact comes from."""

    id: str
    name: str
    parameters: dict[str, str]
    source: str
    end_of_support: str | None = None
    patterns: tuple[re.Pattern[str], ...] = ()
    shadows: tuple[str, ...] = ()

    def parameter(self, arch: str) -> str:
        """The parameter name for ``arch`` (``x86_64`` when the family has no other)."""
        return self.parameters.get(arch) or self.parameters["x86_64"]

    @property
    def camel(self) -> str:
        """The id as letters and digits for a logical name (``ubuntu-24.04`` → ``Ubuntu2404``)."""
        return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", self.id))


@dataclass(frozen=True)
class Recognition:
    """What the template's words say about an image.

    Exactly one of: ``family`` (one family named), ``candidates`` (ambiguous or no version),
    ``unsupported`` (a family without a public parameter in the table); all empty when
    nothing was named. ``where`` says which words (for messages).
    """

    family: Family | None = None
    candidates: tuple[Family, ...] = ()
    unsupported: str | None = None
    named: str | None = None
    where: str = ""
    words: tuple[str, ...] = field(default=(), repr=False)


@cache
def table() -> dict[str, Any]:
    """The whole data file."""
    text = (_files.files(__package__) / "data" / "ami_families.json").read_text(encoding="utf-8")
    return json.loads(text)


def _compile(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


@cache
def families() -> dict[str, Family]:
    """Every family with a public parameter, by id, in the table's order (most specific first)."""
    return {
        e["id"]: Family(
            id=e["id"],
            name=e["name"],
            parameters=dict(e["parameters"]),
            source=e["source"],
            end_of_support=e.get("end_of_support"),
            patterns=_compile(e["patterns"]),
            shadows=tuple(e.get("shadows", ())),
        )
        for e in table()["families"]
    }


@cache
def _generic() -> list[tuple[str, tuple[re.Pattern[str], ...], tuple[str, ...], tuple[str, ...]]]:
    return [
        (e["name"], _compile(e["patterns"]), tuple(e["candidates"]), tuple(e.get("covers", ())))
        for e in table()["generic"]
    ]


@cache
def _unsupported() -> list[tuple[str, tuple[re.Pattern[str], ...]]]:
    return [(e["name"], _compile(e["patterns"])) for e in table()["unsupported"]]


def default_candidates() -> tuple[Family, ...]:
    """What to suggest when nothing in the template names a family."""
    known = families()
    return tuple(known[i] for i in ("al2023", "ubuntu-24.04", "windows-2025") if i in known)


def image_paths(resource_type: str) -> list[str]:
    """Property paths (``LaunchTemplateData/ImageId``) that take an AMI ID on a resource type."""
    return list(table()["image_properties"].get(resource_type, ()))


def words(name: str) -> str:
    """An identifier split into words (``AmazonLinux2023AMI`` → ``Amazon Linux 2023 AMI``)."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z0-9])|(?<=[0-9])(?=[A-Za-z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", name)
    return f"{name} {spaced}"


def recognise(levels: Iterable[tuple[str, Iterable[str]]]) -> Recognition:
    """The family the template's words name (see module doc).

    ``levels`` are (description of where, words) from the nearest to the farthest. The first
    level that names a family decides; words that name only an operating system (``Ubuntu``)
    let a farther level name the version (``Ubuntu 20.04`` in the description), but nothing else.
    """
    known = families()
    pending: Recognition | None = None
    covers: tuple[str, ...] = ()
    for where, fragments in levels:
        text = "\n".join(f for f in fragments if f)
        if not text.strip():
            continue
        named = [f for f in known.values() if any(p.search(text) for p in f.patterns)]
        shadowed = {s for f in named for s in f.shadows}
        named = [f for f in named if f.id not in shadowed]
        if pending is not None:
            if len(named) == 1 and named[0].id.startswith(covers) and covers:
                return Recognition(family=named[0], where=f"{pending.where}; {where}")
            if named:
                return pending
            continue
        if len(named) == 1:
            return Recognition(family=named[0], where=where)
        if named:
            return Recognition(candidates=tuple(named), named=" or ".join(f.name for f in named), where=where)
        for name, patterns in _unsupported():
            if any(p.search(text) for p in patterns):
                return Recognition(unsupported=name, named=name, where=where)
        for name, patterns, ids, generic_covers in _generic():
            if any(p.search(text) for p in patterns):
                pending = Recognition(candidates=tuple(known[i] for i in ids), named=name, where=where)
                covers = generic_covers
                break
    return pending or Recognition()


def explain(recognition: Recognition, arch: str) -> str:
    """What the template's words say, and the candidates when they do not settle it (for messages)."""
    if recognition.family is not None:
        family = recognition.family
        eol = f"; end of support {family.end_of_support}" if family.end_of_support else ""
        return f"the template names {family.name} ({recognition.where}{eol})"
    if recognition.unsupported is not None:
        return (
            f"the template names {recognition.unsupported} ({recognition.where}), which has no public "
            "Systems Manager parameter in cfnfix's table: keep the ID in a parameter and update it per Region"
        )
    candidates = recognition.candidates or default_candidates()
    listed = "; ".join(f"{f.parameter(arch)} ({f.name})" for f in candidates)
    if recognition.named:
        return (
            f"the template names {recognition.named} ({recognition.where}), which is not one family with a public "
            f"parameter: candidates {listed}"
        )
    return f"nothing in the template names its family: candidates {listed}"
