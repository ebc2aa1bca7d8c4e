"""The Elastic Load Balancing log-delivery principal by Region, written into a template.

The principal depends on the Region the stack is deployed in (the Region's ELB account, or
the log-delivery service principal in Regions opened since August 2022), which a template
only knows at deploy time. The fixes therefore add the dated table
(``data/elb_log_delivery.json``, written by ``scripts/gen_elb_log_delivery.py``) as a
mapping, a condition that asks it which kind the Region uses, and a principal that picks
``Service`` or ``AWS`` with ``Fn::If``::

    Mappings:   ElbLogDelivery: {us-east-1: {Kind: account, Principal: "127311923021"}, ...}
    Conditions: ElbLogDeliveryByService: !Equals [!FindInMap [ElbLogDelivery, !Ref AWS::Region, Kind], service]
    Principal:  !If [ElbLogDeliveryByService, {Service: !FindInMap [...]}, {AWS: !FindInMap [...]}]

Every Region of the table has both keys, so the lookup in the branch ``Fn::If`` does not take
never fails; a Region the table lacks fails at the lookup, with the mapping's name in the
error, instead of deploying a policy that does not work. A mapping or condition with the
same content already in the template is reused (so a second fix, or a second run, adds none).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from ...findings import Operation
from ...template.model import section
from ...template.naming import NameAllocator
from ._policy import section_entry_ops

#: Principal values that are Elastic Load Balancing's own, wrong in a bucket policy (its service-linked role's).
WRONG_SERVICES = frozenset({"elasticloadbalancing.amazonaws.com"})

#: Service principals that do write access logs (the Regions' log-delivery principal, Outposts, and the
#: delivery.logs principal older guides paired with the account).
LOG_SERVICES = frozenset(
    {
        "logdelivery.elasticloadbalancing.amazonaws.com",
        "logdelivery.elb.amazonaws.com",
        "delivery.logs.amazonaws.com",
    }
)


@lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    """The dated table (``regions``: Region → ``{"Kind", "Principal"}``)."""
    text = (resources.files(__package__) / "data" / "elb_log_delivery.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def accounts() -> frozenset[str]:
    """Every Region's ELB account ID."""
    return frozenset(v["Principal"] for v in table()["regions"].values() if v["Kind"] == "account")


def names_elb_account(value: Any) -> bool:
    """True when a literal ``AWS`` principal is an ELB account (bare ID or ``arn:…:iam::ID:root``)."""
    if not isinstance(value, str):
        return False
    account = value.rsplit(":iam::", 1)[-1].split(":", 1)[0] if ":iam::" in value else value
    return account in accounts()


def _condition_body(mapping: str) -> dict[str, Any]:
    return {"Fn::Equals": [{"Fn::FindInMap": [mapping, {"Ref": "AWS::Region"}, "Kind"]}, "service"]}


def principal(data: Any) -> tuple[Any, list[Operation]]:
    """The region-dependent principal, and the operations that add the mapping and condition it needs."""
    ops: list[Operation] = []
    content = table()["regions"]
    names = NameAllocator(data)
    mapping = next((k for k, v in section(data, "Mappings").items() if v == content), None)
    if mapping is None:
        mapping = names.allocate("ElbLogDelivery")
        ops += section_entry_ops(data, "Mappings", mapping, content)
    body = _condition_body(mapping)
    condition = next((k for k, v in section(data, "Conditions").items() if v == body), None)
    if condition is None:
        condition = names.allocate("ElbLogDeliveryByService")
        ops += section_entry_ops(data, "Conditions", condition, body)
    lookup = {"Fn::FindInMap": [mapping, {"Ref": "AWS::Region"}, "Principal"]}
    return {"Fn::If": [condition, {"Service": lookup}, {"AWS": lookup}]}, ops
