"""Stack-refactor mappings for the resources a run renamed (``cfnfix apply --refactor-mapping``).

CloudFormation's ``CreateStackRefactor`` takes ``ResourceMappings``: a list of
``{"Source": {"StackName", "LogicalResourceId"}, "Destination": {"StackName", "LogicalResourceId"}}``
(API reference: ResourceMapping and ResourceLocation). With one mapping per renamed resource,
the deployed resource moves to its new logical ID without being replaced
(docs/deployed-stack-impact.md). The file this module writes is that list, ready for
``aws cloudformation create-stack-refactor --resource-mappings file://FILE``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..findings import ResourceImpact

#: What CloudFormation accepts as a stack name (CreateStack's StackName).
STACK_NAME = re.compile(r"[A-Za-z][-A-Za-z0-9]{0,127}\Z")
#: A logical ID CloudFormation accepts (docs/cloudformation: logical IDs).
_LOGICAL_ID = re.compile(r"[A-Za-z0-9]{1,255}\Z")


def refactor_mappings(impact: Iterable[ResourceImpact], stack_name: str) -> list[dict[str, Any]]:
    """One ``ResourceMapping`` per renamed resource that a deployed stack can hold (renames of
    IDs CloudFormation rejects need none: no stack has them), in the order given."""
    if not STACK_NAME.match(stack_name):
        raise ValueError(
            f"invalid stack name {stack_name!r}: a stack name starts with a letter and has only "
            "letters, digits and hyphens (at most 128 characters)"
        )
    out: list[dict[str, Any]] = []
    for entry in impact:
        if entry.renamed_from is None or not _LOGICAL_ID.match(entry.renamed_from):
            continue
        out.append(
            {
                "Source": {"StackName": stack_name, "LogicalResourceId": entry.renamed_from},
                "Destination": {"StackName": stack_name, "LogicalResourceId": entry.logical_id},
            }
        )
    return out


def needs_no_mapping(impact: Iterable[ResourceImpact]) -> list[ResourceImpact]:
    """Renamed resources whose old logical ID no deployed stack can have (nothing to map)."""
    return [e for e in impact if e.renamed_from is not None and not _LOGICAL_ID.match(e.renamed_from)]


def mapping_for_run(
    results: Iterable[tuple[str, list[ResourceImpact]]], stack_name: str
) -> tuple[list[dict[str, Any]], list[str]]:
    """The mapping for one stack from ``(file, impact)`` of each changed template, and notes
    for people (renames that need no mapping). Raises ``ValueError`` when renames in more
    than one template need mappings: a mapping file describes one stack."""
    mappings: list[dict[str, Any]] = []
    notes: list[str] = []
    files_with_mappings = []
    for file, impact in results:
        found = refactor_mappings(impact, stack_name)
        if found:
            files_with_mappings.append(file)
            mappings.extend(found)
        for entry in needs_no_mapping(impact):
            notes.append(
                f"{file}: {entry.renamed_from!r} → {entry.logical_id} needs no mapping: CloudFormation rejects the old ID, "
                "so no deployed stack has it"
            )
    if len(files_with_mappings) > 1:
        raise ValueError(
            f"renames in {len(files_with_mappings)} templates ({', '.join(files_with_mappings)}): a refactor mapping "
            "describes one stack, so run cfnfix apply --refactor-mapping once per template"
        )
    return mappings, notes
