"""Did a fix run weaken security? What ``tests/test_security_properties.py`` holds every rule to.

:func:`weakenings` compares a template's data before and after fixes, template-wide (so a
fix that moves a setting to another resource, or renames one, is judged by what the stack
ends up with), and names each way the output is weaker:

- **SecureString**: an SSM parameter that stays and is no longer a ``SecureString`` (one
  replaced by a Secrets Manager secret is not: the literal-secret check watches its value);
- **encryption**: fewer truthy encryption flags (``StorageEncrypted``, ``Encrypted``,
  ``SSEEnabled`` …), KMS keys or encryption blocks (``BucketEncryption``,
  ``SSESpecification`` …) for a resource type and property path;
- **NoEcho**: a parameter that stays and loses ``NoEcho: true`` (one removed, because the
  secret now comes from Secrets Manager, passes no secret any more);
- **principals**: a principal (``Principal`` of a policy statement: ``*``, an account, a role,
  a federated or canonical user) that the input did not grant, or more service principals or
  AWS principals than it had (a service principal spelt right, the service that really assumes
  a role, or ``!GetAtt Role.Arn`` for an ARN built from the role's name, in place of another is
  a correction of the same breadth: one service, one resource of the stack). AWS acting for
  the stack is not another party: a service principal whose statement is tied to the stack
  (``aws:SourceArn``/``aws:SourceAccount``, an encryption context), ELB's log-delivery
  accounts, a service-linked role of the stack's account, and the account root on a key that
  had no KeyPolicy (KMS's default policy grants it);
- **CIDRs**: a CIDR block that no CIDR of the input contains (``0.0.0.0/0`` where there was a
  ``/16``); a loopback block (``127.0.0.1/32``, the "no egress" idiom) reaches nothing;
- **literal secrets**: a literal string under a secret-like key (``Password``,
  ``SecretString``, ``Token`` …, or a ``NoEcho`` parameter's ``Default``) that the input did
  not hold.

Values are compared by meaning (:func:`cfnfix.template.meaning.meaning`, with the run's
renames), so ``!Ref OldName`` renamed is the same principal.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from cfnfix.template.meaning import Declaration, Sym, meaning

_FLAG = re.compile(r"(?i)^(.*encrypt.*|sseenabled)$")
_KMS = re.compile(r"(?i)^.*kms.*key.*$")
_BLOCK = re.compile(
    r"(?i)^(bucketencryption|ssespecification|.*encryption(configuration|spec|specification|options)?)$"
)
_SECRET = re.compile(r"(?i)(password|secret(string)?$|token$|apikey|api_key|privatekey|private_key|accesskey)")
_CIDR = re.compile(r"^[0-9a-fA-F:.]+/\d{1,3}$")


def _walk(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str, Any]]:
    """(path, key, value) of every mapping entry under ``value`` (lists by ``*``)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield path, key, item
            yield from _walk(item, (*path, key))
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, (*path, "*"))


def _resources(data: Any) -> Iterator[tuple[str, Any]]:
    block = data.get("Resources") if isinstance(data, dict) else None
    if isinstance(block, dict):
        for body in block.values():
            if isinstance(body, dict):
                yield str(body.get("Type")), body


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _encryption(data: Any) -> Counter[tuple[str, str, str]]:
    found: Counter[tuple[str, str, str]] = Counter()
    for kind, body in _resources(data):
        for path, key, value in _walk(body.get("Properties")):
            where = "/".join((*path, key))
            if _FLAG.match(key) and not isinstance(value, (dict, list)) and _truthy(value):
                found[(kind, where, "flag")] += 1
            elif _KMS.match(key) and value not in (None, ""):
                found[(kind, where, "kms key")] += 1
            elif _BLOCK.match(key) and isinstance(value, dict) and value:
                found[(kind, where, "block")] += 1
    return found


def _secure_strings(data: Any, renames: dict[str, str]) -> dict[str, Any]:
    """SSM parameter resource (by logical ID, renamed) → its ``Type``."""
    block = data.get("Resources") if isinstance(data, dict) else None
    out: dict[str, Any] = {}
    if isinstance(block, dict):
        for name, body in block.items():
            if isinstance(body, dict) and body.get("Type") == "AWS::SSM::Parameter":
                props = body.get("Properties")
                out[renames.get(name, name)] = props.get("Type") if isinstance(props, dict) else None
    return out


def _no_echo(data: Any, renames: dict[str, str]) -> dict[str, bool]:
    """Parameter (by name, renamed) → whether it is ``NoEcho``."""
    params = data.get("Parameters") if isinstance(data, dict) else None
    if not isinstance(params, dict):
        return {}
    return {renames.get(n, n): isinstance(p, dict) and _truthy(p.get("NoEcho")) for n, p in params.items()}


_SERVICE = re.compile(r"^[a-z0-9.-]+\.amazon(aws)?\.com(\.cn)?$")


def _principals(meant: Any) -> set[str]:
    found: set[str] = set()
    for path, key, value in _walk(meant):
        if key in ("Principal", "NotPrincipal") and path[:1] != ("Mappings",):  # a mapping's data grants nothing
            # a bare service name (``Principal: s3.amazonaws.com``) is a service principal too
            found.update(f"Service:{p}" if _SERVICE.match(p) else p for p in _flatten(value))
    return found


#: Condition keys that tie a service's grant to this stack's own resources or account (the
#: confused-deputy guard AWS documents for service principals).
_SCOPING = ("aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "kms:encryptioncontext", "kms:viaservice")


_MAP_LOOKUP = re.compile(r"kind='findinmap', args=\('([^']*)'")


def _aws_owned(meant: Any) -> set[str]:
    """Principals that are AWS itself acting for this stack, not another party: a service
    principal in a statement whose condition ties it to the stack's resources or account
    (``aws:SourceArn``, ``aws:SourceAccount``, an encryption context), Elastic Load Balancing's
    log-delivery accounts (cfnfix's regional table), and a service-linked role of the stack's
    own account (``:role/aws-service-role/``). The principals rules (CFX950–CFX955) grant these,
    as the using service documents; they widen nothing a person could use."""
    from cfnfix.rules.principals._elb import accounts

    elb = accounts()
    owned: set[str] = set()
    maps = meant.get("Mappings") if isinstance(meant, dict) else None
    # a mapping whose every value is an ELB delivery account or a service principal (the
    # principals rules' regional table): a FindInMap into it names AWS, whatever the Region
    aws_maps = {
        name
        for name, table in (maps.items() if isinstance(maps, dict) else ())
        if all(
            leaf in elb or _SERVICE.match(leaf) or leaf in ("account", "service")
            for leaf in (p.rpartition(":")[2] for p in _flatten(table))
        )
    }
    for _, key, value in _walk(meant):
        if key != "Statement":
            continue
        for statement in value if isinstance(value, list) else [value]:
            if not isinstance(statement, dict) or "Principal" not in statement:
                continue
            condition = repr(statement.get("Condition", "")).lower()
            scoped = any(k in condition for k in _SCOPING)
            for p in _flatten(statement["Principal"]):
                name = f"Service:{p}" if _SERVICE.match(p) else p
                if name.startswith("Service:") and scoped:
                    owned.add(name)
                elif p.removeprefix("AWS:") in elb or any(p.endswith(f":{a}:root'") for a in elb):
                    owned.add(name)
                elif ":role/aws-service-role/" in p and "AWS::AccountId" in p:
                    owned.add(name)
                elif _MAP_LOOKUP.search(p) and set(_MAP_LOOKUP.findall(p)) <= aws_maps:
                    owned.add(name)
    return owned


def _flatten(value: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}{key}:")
    elif isinstance(value, list):
        for item in value:
            yield from _flatten(item, prefix)
    else:
        yield prefix + (repr(value) if isinstance(value, Sym) else str(value))


def _same_breadth(principal: str) -> bool:
    """True for a principal that names one AWS service, or one resource of the stack itself
    (``!GetAtt Role.Arn``): written in place of another of its kind, it grants no more (the
    counts are compared separately)."""
    own = principal.startswith(("AWS:Sym(kind='getatt'", "AWS:Sym(kind='ref'"))
    return principal.startswith("Service:") or own


def _cidrs(data: Any) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    out = []
    for _, _, value in _walk(data):
        if isinstance(value, str) and _CIDR.match(value):
            try:
                out.append(ipaddress.ip_network(value, strict=False))
            except ValueError:
                continue
    return out


def _secrets(data: Any) -> set[str]:
    found: set[str] = set()
    for _, key, value in _walk(data):
        if _SECRET.search(key) and isinstance(value, str):
            found.add(value)
    params = data.get("Parameters") if isinstance(data, dict) else None
    if isinstance(params, dict):
        for p in params.values():
            if isinstance(p, dict) and _truthy(p.get("NoEcho")) and isinstance(p.get("Default"), str):
                found.add(p["Default"])
    return found


def weakenings(before: Any, after: Any, declaration: Declaration | None = None) -> list[str]:
    """How ``after`` (a template's data after fixes) is less secure than ``before`` (module docstring)."""
    renames = declaration.renames if declaration is not None else {}
    out: list[str] = []
    ssm_before, ssm_after = _secure_strings(before, renames.get("Resources", {})), _secure_strings(after, {})
    for name, kind in ssm_before.items():
        if kind == "SecureString" and name in ssm_after and ssm_after[name] != "SecureString":
            out.append(f"SSM parameter {name}: SecureString became {ssm_after[name]}")
    lost = _encryption(before) - _encryption(after)
    out.extend(f"{kind} {where}: {what} removed" for kind, where, what in sorted(lost))
    echo_before, echo_after = _no_echo(before, renames.get("Parameters", {})), _no_echo(after, {})
    for name, hidden in echo_before.items():
        if hidden and echo_after.get(name) is False:  # a removed parameter passes no secret any more
            out.append(f"parameter {name} lost NoEcho")
    meant_after = meaning(after)
    old, new = _principals(meaning(before, renames)), _principals(meant_after)
    new -= _aws_owned(meant_after) - old
    if any(
        body.get("Type") == "AWS::KMS::Key" and not (body.get("Properties") or {}).get("KeyPolicy")
        for _, body in _resources(before)
        if isinstance(body, dict)
    ):
        # a key without a KeyPolicy has KMS's default one, which grants the stack's own account
        old |= {p for p in new if p.startswith("AWS:") and "AWS::AccountId" in p and p.endswith(":root'))")}
    wider = {p for p in new - old if not _same_breadth(p)}
    out.extend(f"principal added: {p}" for p in sorted(wider))
    for kind in ("Service:", "AWS:"):
        grown = [p for p in new if p.startswith(kind)]
        if len(grown) > len([p for p in old if p.startswith(kind)]):
            out.append(f"more {kind[:-1]} principals: {', '.join(sorted(set(grown) - old))}")
    old_cidrs = _cidrs(before)
    for net in _cidrs(after):
        if net.is_loopback:  # the "no egress" idiom (127.0.0.1/32): reaches nothing
            continue
        if not any(net.version == old.version and net.subnet_of(old) for old in old_cidrs):  # type: ignore[arg-type]
            out.append(f"CIDR wider than any of the input's: {net}")
    added = _secrets(after) - _secrets(before)
    out.extend(f"literal secret added: {s[:4]}…" for s in sorted(added))
    return out
