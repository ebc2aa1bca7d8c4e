"""CFX930 getazs-literal-region: ``Fn::GetAZs`` of a literal Region (``!GetAZs us-west-2``).

Background: docs/cloudformation/environment.md ("Fn::GetAZs", "Whose Region, whose account").
"""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Applicability, Finding, Fix, Op, Severity
from ..base import Rule, RuleContext
from ._evidence import region_evidence
from ._zones import getazs_calls, is_region


class GetazsLiteralRegion(Rule):
    """A ``Fn::GetAZs`` whose argument is a Region name written out."""

    id = "CFX930"
    name = "getazs-literal-region"
    severity = Severity.HIGH
    summary = (
        "Fn::GetAZs of a literal Region (!GetAZs us-west-2): the zones of that Region only; '' means the stack's own"
    )
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getavailabilityzones.html"
    fix_applicability = Applicability.SAFE
    root_cause = "The template was written for one Region and its name was typed where the stack's own is meant."
    deployment_impact = (
        "In any other Region the subnets, instances or volumes get zones of the named Region, "
        "which do not exist there: creating them fails."
    )
    explanation = """\
## What
`Fn::GetAZs` lists the Availability Zones of the Region it is given. With a Region written
out (`!GetAZs us-west-2`) the list is that Region's zones wherever the stack is deployed; an
empty string (`!GetAZs ''`) or `!Ref AWS::Region` gives the zones of the stack's own Region.

## Why
A zone belongs to one Region. A subnet, instance or volume of a stack in `eu-west-1` cannot be
created in `us-west-2a`, so a template that takes its zones from `!GetAZs us-west-2` works only
in `us-west-2`.

## Fix
The argument becomes `''` (`!GetAZs ''`): the stack's own Region, and in the named Region
exactly the same list.

## Fix safety
**Safe** when the template itself shows that every working deployment is in that Region: the
list reaches a zone property of one of its own resources (through `Fn::Select` or `Fn::If`
only), so the stack could not be created anywhere else, or an unconditional `Rules`
assertion allows only that Region. Then `''` yields the same list wherever the template
deploys at all. **Unsafe** otherwise (the list is used in an output, a tag or a custom
resource, where another Region's zones may be meant): review it. A Region name cfnfix does
not know is reported without a fix.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per ``Fn::GetAZs`` of a literal, non-empty string."""
        data = ctx.data
        evidence = None
        for call in getazs_calls(data):
            arg = call.argument
            if not isinstance(arg, str) or arg == "":
                continue
            message = f"!GetAZs {arg} lists the zones of {arg} wherever the stack is deployed"
            if not is_region(arg):
                yield self.finding(ctx, call.pointer, f"{message}; {arg!r} is not a Region cfnfix knows")
                continue
            if evidence is None:
                evidence = region_evidence(data)
            pinned = evidence.get(arg)
            if call.feeds_zone:
                why = "its zone goes to a resource of this stack, which can only be created in that Region"
                fix = Fix.safe(
                    f"Write !GetAZs '' (the stack's Region; {why})", [Op.replace(f"{call.pointer}/Fn::GetAZs", "")]
                )
            elif pinned is not None and pinned.strong:
                fix = Fix.safe(f"Write !GetAZs '' ({pinned.reason})", [Op.replace(f"{call.pointer}/Fn::GetAZs", "")])
            else:
                fix = Fix.unsafe(
                    "Write !GetAZs '' (the stack's Region): review, the list is not only used for this stack's zones",
                    [Op.replace(f"{call.pointer}/Fn::GetAZs", "")],
                )
            yield self.finding(ctx, call.pointer, f"{message}: a stack in any other Region fails", fix=fix)
