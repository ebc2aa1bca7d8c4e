"""CFX940 literal-ami-id: an AMI ID written in a property (``ImageId: ami-0abc…``) or as the
default of the parameter an image property reads.

Background: docs/cloudformation/ami.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...document.pointer import escape_token
from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.model import ref_target, section
from ..base import Rule, RuleContext
from ._families import SSM_IMAGE_TYPE, explain, recognise
from ._parameter import image_parameters
from ._sites import (
    ImageSlot,
    architecture,
    comments,
    describing,
    image_slots,
    is_ami,
    parameter_words,
    template_words,
    user_data,
    users_of,
)

#: Parameter attributes that constrain the value: with them, turning an AMI ID parameter into a
#: Systems Manager parameter name would be refused, so such a parameter is reported, not fixed.
_CONSTRAINTS = ("AllowedValues", "AllowedPattern")


class LiteralAmiId(Rule):
    """An AMI ID written where an instance's image is set."""

    id = "CFX940"
    name = "literal-ami-id"
    severity = Severity.HIGH
    summary = "AMI ID written in ImageId (or an image parameter's default): one Region's image, and stale"
    doc_url = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/finding-an-ami-parameter-store.html"
    fix_applicability = Applicability.UNSAFE
    root_cause = "An image ID was copied from the console or an example for one Region."
    deployment_impact = (
        "AMI IDs are Regional: in any other Region the instance, launch template or Auto Scaling group fails to "
        "launch (InvalidAMIID.NotFound). In the same Region the image ages: no security updates, and it may be "
        "deprecated or deregistered."
    )
    explanation = """\
## What
An AMI ID written into a template: in a property that takes an image (`ImageId` of an
instance, launch template or launch configuration, Spot Fleet and Batch image IDs, EMR custom
AMIs …: the list comes from the resource schemas, `data/ami_families.json`), or as the default
of a parameter that such a property reads (`Type: AWS::EC2::Image::Id`, `Default: ami-…`).

## Why
An AMI ID belongs to one Region, so the template launches nothing anywhere else; and it names
one build of the image, which no longer gets updates and may be deprecated or deregistered.
The publishers of the common images keep a public Systems Manager parameter per family that
always holds the latest image ID in every Region.

## Fix
The family is recognised from the template's own words, nearest first: the comment on or
above the line, then the resource's name, tags, description and comments, then its user data
(`amazon-linux-extras`, `dnf`), then the template's description. When exactly one family is
named, a parameter `Latest<Family>AmiId` of type
`AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>` is added, defaulting to the family's public
parameter for the instances' architecture (Graviton instance types get the arm64 image), and
the property becomes `!Ref` to it (a parameter already there with the same type and default
is reused). A parameter whose default was the AMI ID gets that type and default itself.

No fix when the words name several families or an operating system without its version
(`Ubuntu`): the finding lists the candidate parameters. None for families without a public
parameter in the table (Red Hat, CentOS, SUSE), nor for a constrained parameter
(`AllowedValues`/`AllowedPattern`).

## Fix safety
**Unsafe**: the latest image of the family is not the image the ID named: on a deployed
stack the instance is replaced (an instance's `ImageId` is create-only), or a launch template
gets a new version that an Auto Scaling group rolls out. The image also changes whenever the
publisher updates the parameter and the stack is updated.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per AMI ID in an image property, and per image parameter defaulting to one."""
        data = ctx.data
        read: dict[str, list[ImageSlot]] = {}
        for slot in image_slots(data):
            if is_ami(slot.value):
                yield self._literal(ctx, slot)
            elif (target := ref_target(slot.value)) is not None:
                read.setdefault(target, []).append(slot)
        params = section(data, "Parameters")
        for name, slots in read.items():
            spec = params.get(name)
            if isinstance(spec, dict) and is_ami(spec.get("Default")):
                yield self._parameter(ctx, name, spec, slots)

    def _literal(self, ctx: RuleContext, slot: ImageSlot) -> Finding:
        data, res = ctx.data, slot.resource
        recognition = recognise(
            [
                ("the comment at the ID", comments(ctx.document, slot.pointer)),
                (f"resource {res.id}", [*comments(ctx.document, res.pointer), *describing(res)]),
                (f"the user data of {res.id}", user_data(res)),
                ("the template's description", template_words(data)),
            ]
        )
        arch = architecture(data, res)
        message = f"{res.id} launches {slot.value}, an image of one Region; {explain(recognition, arch)}"
        family = recognition.family
        fix = None
        if family is not None:
            made = image_parameters(data, [(family, arch)])
            if made is not None:
                names, ops = made
                name = names[(family.id, arch)]
                fix = Fix.unsafe(
                    f"Read the image from parameter {name} ({family.parameter(arch)}); replaces the instances",
                    [*ops, Op.replace(slot.pointer, {"Ref": name})],
                )
        return self.finding(ctx, slot.pointer, message, fix=fix)

    def _parameter(self, ctx: RuleContext, name: str, spec: dict[str, Any], slots: list[ImageSlot]) -> Finding:
        data = ctx.data
        pointer = f"/Parameters/{escape_token(name)}"
        users = users_of(data, {s.pointer for s in slots})
        recognition = recognise(
            [
                (f"the comment at parameter {name}", comments(ctx.document, pointer)),
                (f"parameter {name}", parameter_words(data, name)),
                (
                    "the resources that read it",
                    [w for r in users for w in (*comments(ctx.document, r.pointer), *describing(r))],
                ),
                ("their user data", [t for r in users for t in user_data(r)]),
                ("the template's description", template_words(data)),
            ]
        )
        archs = {architecture(data, r) for r in users}
        arch = archs.pop() if len(archs) == 1 else "x86_64"
        message = (
            f"parameter {name} defaults to {spec['Default']}, an image of one Region, for "
            f"{', '.join(r.id for r in users)}; {explain(recognition, arch)}"
        )
        family = recognition.family
        fix = None
        if family is not None:
            constrained = [c for c in _CONSTRAINTS if c in spec]
            if constrained:
                message += f" ({' and '.join(constrained)} would reject a parameter name, so no fix)"
            else:
                fix = Fix.unsafe(
                    f"Give {name} the type {SSM_IMAGE_TYPE} and the default {family.parameter(arch)}; "
                    "callers that pass an AMI ID must pass a parameter name",
                    [
                        Op.set(f"{pointer}/Type", SSM_IMAGE_TYPE, exists="Type" in spec),
                        Op.replace(f"{pointer}/Default", family.parameter(arch)),
                    ],
                )
        return self.finding(ctx, pointer, message, fix=fix, at_key=True)
