"""The names a template can refer to: parameters, resources (with SAM's generated ones) and
pseudo parameters; and whether a template's names can be known at all."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ...template.kept import KeptByIdentity
from ...template.model import has_foreach_resources, resources
from ...template.references import declared_names
from ...template.sam import generated_names, global_generated_names

#: CloudFormation's pseudo parameters (``Ref: AWS::Region`` …).
PSEUDO_PARAMETERS: tuple[str, ...] = (
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
)
_SAM = "AWS::Serverless-2016-10-31"


@dataclass(frozen=True)
class Names:
    """What ``Ref`` and ``Fn::GetAtt`` may name in one template."""

    parameters: frozenset[str]
    resources: frozenset[str]
    types: dict[str, str]

    @cached_property
    def refable(self) -> frozenset[str]:
        """Names a ``Ref`` or ``${X}`` may use."""
        return self.parameters | self.resources | frozenset(PSEUDO_PARAMETERS)


#: Transforms that leave resource properties as CloudFormation reads them.
_KNOWN_TRANSFORMS = (_SAM, "AWS::LanguageExtensions")


def has_macro(data: Any) -> bool:
    """True when a ``Transform`` other than SAM or LanguageExtensions rewrites the template
    before CloudFormation reads it (what is written need not follow the schemas)."""
    transform = data.get("Transform") if isinstance(data, dict) else None
    listed = transform if isinstance(transform, list) else [transform] if transform is not None else []
    return any(t not in _KNOWN_TRANSFORMS for t in listed)


#: The names of the last few templates, by the identity of their data (read-only): the rules
#: that read them ask once each per template.
_NAMES: KeptByIdentity[tuple[Names | None]] = KeptByIdentity(4)


def names(data: Any) -> Names | None:
    """The template's names, or None when they cannot be known statically (a macro other
    than SAM, or ``Fn::ForEach`` loops that generate resources). Worked out once per template."""
    kept = _NAMES.get(id(data), data)
    if kept is None:
        kept = _NAMES.put(id(data), data, (_names(data),))
    return kept[0]


def _names(data: Any) -> Names | None:
    transform = data.get("Transform")
    listed = transform if isinstance(transform, list) else [transform] if transform is not None else []
    if any(t != _SAM for t in listed) or has_foreach_resources(data):
        return None
    declared = declared_names(data)
    found = set(declared.get("Resources", ()))
    globals_ = data.get("Globals")
    sam = False
    for res in resources(data):
        extra = generated_names(res.id, res.body, globals_)
        sam = sam or bool(extra) or res.type.startswith("AWS::Serverless::")
        found.update(extra)
    if sam:
        found.update(global_generated_names())
    types = {res.id: res.type for res in resources(data)}
    return Names(frozenset(declared.get("Parameters", ())), frozenset(found), types)


__all__ = ["PSEUDO_PARAMETERS", "Names", "has_macro", "names"]
