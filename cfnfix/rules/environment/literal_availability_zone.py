"""CFX931 literal-availability-zone: an Availability Zone name written in a zone property
(``AvailabilityZone: us-east-1a``; cfn-lint W3010).

Background: docs/cloudformation/environment.md ("Availability Zones").
"""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Applicability, Finding, Fix, Op, Severity
from ..base import Rule, RuleContext
from ._zones import looks_like_zone, short_regions, zone_index, zone_region, zone_slots


class LiteralAvailabilityZone(Rule):
    """A zone property of a resource holding a zone name as text."""

    id = "CFX931"
    name = "literal-availability-zone"
    severity = Severity.MEDIUM
    summary = "Availability Zone name written in a property (us-east-1a): the stack fails in every other Region"
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getavailabilityzones.html"
    fix_applicability = Applicability.UNSAFE
    cfn_lint_ids = ("W3010",)
    root_cause = "The template was written against one account in one Region and its zone names were copied in."
    deployment_impact = (
        "In any other Region creating the resource fails (the zone does not exist there); in the same Region an "
        "account that lacks that zone fails too."
    )
    explanation = """\
## What
A property that takes an Availability Zone (`AvailabilityZone` of a subnet, instance or volume,
`AvailabilityZones` of an Auto Scaling group, `PreferredCacheClusterAZs` …: the list comes from
the resource schemas, `data/zones.json`) holds a zone name written out, such as `us-east-1a`.

## Why
A zone name belongs to one Region: a stack deployed anywhere else cannot create the resource.
cfn-lint warns about it (W3010) and fixes nothing.

## Fix
The name becomes `!Select [i, !GetAZs '']`: the i-th zone of the stack's own Region, where i is
the position of the written zone in its Region's list (`us-east-1c` → 2). In the written
Region this is the same zone for an account that sees all of the Region's zones (the order
`Fn::GetAZs` lists them in is alphabetical, the zones in the table are cfn-lint's); in other
Regions it is the zone at the same position, so resources that were spread over different
zones stay spread.

No fix when the template writes zones of several Regions (it cannot deploy anywhere as it
is: decide which one), or for a zone the table does not know (reported).

## Fix safety
**Unsafe**: a zone property is create-only: if the account's list differs (a zone it does not
have shifts the positions), the resource moves to another zone and CloudFormation replaces it.
A position the stack's Region does not have (`!Select [3, …]` in a Region with three zones)
fails there: the fix's message names the Regions that have fewer zones.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per zone name written in a zone property."""
        slots = [s for s in zone_slots(ctx.data) if looks_like_zone(s.value)]
        regions = {r for s in slots if (r := zone_region(s.value)) is not None}
        for slot in slots:
            zone = str(slot.value)
            region = zone_region(zone)
            message = f"{slot.resource.id} names zone {zone}: a stack in any Region but {zone[:-1]} cannot create it"
            fix = None
            index = zone_index(zone)
            if region is None or index is None:
                message += f" ({zone} is not in the zone table)"
            elif len(regions) > 1:
                message += (
                    f"; the template names zones of {len(regions)} Regions ({', '.join(sorted(regions))}), so no fix"
                )
            else:
                short = short_regions(index, region)
                where = f"; Regions with fewer zones, where it fails: {', '.join(short)}" if short else ""
                fix = Fix.unsafe(
                    f"Write !Select [{index}, !GetAZs ''] (zone {index + 1} of the stack's Region; {zone} in {region}{where})",
                    [Op.replace(slot.pointer, {"Fn::Select": [index, {"Fn::GetAZs": ""}]})],
                )
            yield self.finding(ctx, slot.pointer, message, fix=fix)
