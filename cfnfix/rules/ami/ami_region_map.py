"""CFX941 ami-region-map: a mapping of AMI IDs per Region, read with
``!FindInMap [RegionMap, !Ref AWS::Region, AMI]``.

Background: docs/cloudformation/ami.md ("Region maps").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...document.pointer import escape_token
from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.mappings import Lookup, lookups, removal
from ...template.model import section
from ..base import Rule, RuleContext
from ._families import Family, Recognition, explain, recognise, words
from ._parameter import image_parameters
from ._sites import AMI, architecture, comments, describing, is_ami, template_words, user_data, users_of


def ami_keys(mapping: dict[str, Any]) -> list[str]:
    """Second-level keys of a Region-keyed mapping whose values are AMI IDs (a Region may hold a
    placeholder such as ``NOT_SUPPORTED`` instead), in document order."""
    entries = [v for v in mapping.values() if isinstance(v, dict)]
    if not entries or len(entries) != len(mapping):
        return []
    keys = list(dict.fromkeys(k for entry in entries for k in entry))
    out = []
    for key in keys:
        values = [entry[key] for entry in entries if key in entry]
        amis = [v for v in values if is_ami(v)]
        others = [v for v in values if not is_ami(v)]
        if amis and all(isinstance(v, str) and not AMI.match(v) and not v.startswith("ami-") for v in others):
            out.append(key)
    return out


class AmiRegionMap(Rule):
    """A Region-keyed mapping of AMI IDs that the template looks up."""

    id = "CFX941"
    name = "ami-region-map"
    severity = Severity.MEDIUM
    summary = "Mapping of AMI IDs per Region (RegionMap): stale images, and fails in every Region it does not list"
    doc_url = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/finding-an-ami-parameter-store.html"
    fix_applicability = Applicability.UNSAFE
    root_cause = "Image IDs were collected per Region by hand, as templates did before public image parameters."
    deployment_impact = (
        "In a Region the mapping does not list, Fn::FindInMap fails and the stack is not created; where it is "
        "listed, the image is the one of the day the table was written (no updates since, possibly deregistered)."
    )
    explanation = """\
## What
A mapping keyed by Region whose values are AMI IDs (`RegionMap: {us-east-1: {AMI: ami-…},
eu-west-1: {AMI: ami-…}}`), read with `!FindInMap [RegionMap, !Ref AWS::Region, AMI]`.

## Why
The table covers the Regions its author listed and the images of the day it was written. The
publishers of the common images keep a public Systems Manager parameter per family that
holds the latest image ID in every Region.

## Fix
For each AMI key of the mapping that the template reads, the family is recognised from the
template's own words, nearest first: the key's name (`AmazonLinux2023`), the comments in and
above the mapping and its name, then the resources that read it (names, tags, descriptions,
comments), their user data, the template's description. A parameter `Latest<Family>AmiId` of
type `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>` defaulting to the family's public
parameter (arm64 for Graviton instance types) replaces every lookup (`!Ref`); the AMI keys
are removed from the mapping, and the mapping itself (or the `Mappings` section) when
nothing else is left in it.

No fix when a key's family is not named, is ambiguous, or has no public parameter in the
table (the finding lists candidates), or when the key is computed (`!FindInMap [RegionArch2AMI,
!Ref AWS::Region, !FindInMap [InstanceType2Arch, …]]`) or looked up without
`!Ref AWS::Region`.

## Fix safety
**Unsafe**: a different (newer) image replaces the instances on a deployed stack.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per mapping of AMI IDs that the template looks up."""
        data = ctx.data
        for name, mapping in section(data, "Mappings").items():
            if not isinstance(mapping, dict):
                continue
            keys = ami_keys(mapping)
            if not keys:
                continue
            found, computed = lookups(data, name)
            if not found:
                continue
            yield self._finding(ctx, name, mapping, keys, found, computed)

    def _finding(
        self, ctx: RuleContext, name: str, mapping: dict[str, Any], keys: list[str], found: list[Lookup], computed: bool
    ) -> Finding:
        data = ctx.data
        pointer = f"/Mappings/{escape_token(name)}"
        by_key: dict[str, list[Lookup]] = {}
        for lookup in found:
            if isinstance(lookup.key, str) and lookup.key in keys:
                by_key.setdefault(lookup.key, []).append(lookup)
        unresolved = [u for u in found if not isinstance(u.key, str)]
        regions = len(mapping)
        head = f"Mapping {name} lists AMI IDs for {regions} Region{'s' if regions > 1 else ''}"
        if unresolved or not by_key:
            users = users_of(data, {u.pointer for u in found})
            recognition = self._recognise(ctx, name, None, users)
            arch = self._arch(data, users)
            return self.finding(
                ctx,
                pointer,
                f"{head}, read with a computed key, so no fix; {explain(recognition, arch)}",
                at_key=True,
            )
        notes: list[str] = []
        wanted: list[tuple[Family, str]] = []
        chosen: dict[str, tuple[str, str]] = {}
        fixable = True
        for key, uses in by_key.items():
            users = users_of(data, {u.pointer for u in uses})
            recognition = self._recognise(ctx, name, key, users)
            arch = self._arch(data, users)
            notes.append(f"{key}: {explain(recognition, arch)}")
            family = recognition.family
            if family is None or not all(u.by_region for u in uses):
                fixable = False
                continue
            wanted.append((family, arch))
            chosen[key] = (family.id, arch)
        message = f"{head}: the stack fails in any other Region, and the images age; " + "; ".join(notes)
        made = image_parameters(data, wanted) if fixable else None
        if made is None:
            return self.finding(ctx, pointer, message, at_key=True)
        names, ops = made
        for key, uses in by_key.items():
            ops.extend(Op.replace(u.pointer, {"Ref": names[chosen[key]]}) for u in uses)
        others = [u for u in found if u.key not in by_key]
        ops.extend(removal(data, name, set(by_key), still_read=bool(others), computed=computed))
        used = ", ".join(dict.fromkeys(names[chosen[k]] for k in by_key))
        fix = Fix.unsafe(f"Read the images from {used} and drop them from {name}; replaces the instances", ops)
        return self.finding(ctx, pointer, message, fix=fix, at_key=True)

    def _recognise(self, ctx: RuleContext, name: str, key: str | None, users: list[Any]) -> Recognition:
        data = ctx.data
        pointer = f"/Mappings/{escape_token(name)}"
        levels: list[tuple[str, list[str]]] = []
        if key is not None:
            levels.append((f"key {key}", [words(key)]))
        levels += [
            (f"mapping {name}", [*comments(ctx.document, pointer), words(name)]),
            (
                "the resources that read it",
                [w for r in users for w in (*comments(ctx.document, r.pointer), *describing(r))],
            ),
            ("their user data", [t for r in users for t in user_data(r)]),
            ("the template's description", template_words(data)),
        ]
        return recognise(levels)

    @staticmethod
    def _arch(data: Any, users: list[Any]) -> str:
        archs = {architecture(data, r) for r in users}
        return archs.pop() if len(archs) == 1 else "x86_64"
