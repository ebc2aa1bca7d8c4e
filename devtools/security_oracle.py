"""Did a fix run weaken security? What ``tests/project/test_security_properties.py`` holds every rule to.

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
  a federated or canonical user; each branch of an ``Fn::If``) that the input did not grant,
  or more service principals or AWS principals than it had (a service principal spelt right,
  the service that really assumes a role, or ``!GetAtt Role.Arn`` for an ARN built from the
  role's name, in place of another is a correction of the same breadth: one service, one
  resource of the stack). AWS acting for the stack is not another party: a service principal
  whose statement is tied to the stack (a positive ``StringEquals``/``StringLike``/``Arn…``
  condition on ``aws:SourceArn``, ``aws:SourceAccount`` or a ``kms:EncryptionContext:`` key
  whose value names the stack's account or one of its resources — not ``…IfExists``,
  ``Not…``, a wildcard, another account or ``kms:ViaService``), ELB's log-delivery accounts,
  a service-linked role of the stack's own account, and the account root in the new
  ``KeyPolicy`` of a key that had none (KMS's default policy grants it) — unless the same
  principal is also granted without that, elsewhere;
- **CIDRs**: a CIDR block (a value, a list item such as a policy's ``aws:SourceIp``, a branch
  of an ``Fn::If``) that no CIDR of the input contains (``0.0.0.0/0`` where there was a
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

from cfnfix.template.meaning import NO_VALUE, Declaration, Sym, meaning, thaw

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
#: Condition operators that admit only matching requests (no ``Not…``, no ``…IfExists``: a request
#: without the key passes those); ``ForAnyValue:``/``ForAllValues:`` prefixes are read through.
_POSITIVE = frozenset({"stringequals", "stringlike", "arnequals", "arnlike"})
#: Condition keys that tie a service's grant to the resource or account it acts for (the
#: confused-deputy guard AWS documents for service principals), when their value names the
#: stack's own account or one of its resources.
_SCOPING = ("aws:sourcearn", "aws:sourceaccount")
_ACCOUNT = "Sym(kind='ref', args=('AWS::AccountId',))"
_ROOT = re.compile(
    r"^AWS:(Sym\(kind='ref', args=\('AWS::AccountId',\)\)"
    r"|Sym\(kind='concat', args=\('arn:(aws|aws-cn|aws-us-gov)?', (Sym\(kind='ref', args=\('AWS::Partition',\)\), )?"
    r"':iam::', Sym\(kind='ref', args=\('AWS::AccountId',\)\), ':root'\)\))$"
)
_ELB_ROOT = re.compile(r"iam::(\d{12}):root'?\)*$")
_MAP_LOOKUP = re.compile(r"kind='findinmap', args=\('([^']*)'")


def _names_stack(value: Any) -> bool:
    """True when a condition value (or each of a list of them) names the stack's own account or
    one of its resources, with no alternative (``Fn::If``) and nothing else."""
    values = value if isinstance(value, list) else [value]
    if not values:
        return False
    for item in values:
        text = repr(item)
        if "kind='if'" in text or "kind='fn'" in text:
            return False
        own = _ACCOUNT in text or re.search(r"kind='(ref|getatt)', args=\('(?!AWS::)", text) is not None
        if not own:
            return False
    return True


def _scoped(condition: Any) -> bool:
    """True when a statement's ``Condition`` ties it to the stack (``aws:SourceArn``,
    ``aws:SourceAccount`` or a ``kms:EncryptionContext:`` key under a positive operator, with a
    value that names the stack's account or a resource of it)."""
    if not isinstance(condition, dict):
        return False
    for operator, tests in condition.items():
        if not isinstance(operator, str) or not isinstance(tests, dict):
            continue
        if operator.lower().rpartition(":")[2] not in _POSITIVE:
            continue
        for key, value in tests.items():
            lower = str(key).lower()
            if (lower in _SCOPING or lower.startswith("kms:encryptioncontext:")) and _names_stack(value):
                return True
    return False


def _aws_maps(meant: Any, elb: frozenset[str]) -> set[str]:
    """Mappings whose every value is an ELB delivery account or a service principal (the
    principals rules' regional table): a ``FindInMap`` into one names AWS, whatever the Region."""
    maps = meant.get("Mappings") if isinstance(meant, dict) else None
    return {
        name
        for name, table in (maps.items() if isinstance(maps, dict) else ())
        if all(
            leaf in elb or _SERVICE.match(leaf) or leaf in ("account", "service")
            for leaf in (p.rpartition(":")[2] for p in _flatten(table))
        )
    }


def _owned(name: str, scoped: bool, elb: frozenset[str], aws_maps: set[str], default_key: bool) -> bool:
    """True when principal ``name`` is AWS acting for this stack, not another party (module docstring)."""
    if "kind='if'" in name:  # an alternative left inside a value (a Sub variable): not judged as AWS's
        return False
    if name.startswith("Service:"):
        return scoped or bool(_MAP_LOOKUP.search(name) and set(_MAP_LOOKUP.findall(name)) <= aws_maps)
    if name.removeprefix("AWS:") in elb:
        return True
    found = _ELB_ROOT.search(name)
    if found is not None and found.group(1) in elb:
        return True
    if f"{_ACCOUNT}, ':role/aws-service-role/" in name:  # a service-linked role of the stack's account
        return True
    if _MAP_LOOKUP.search(name) and set(_MAP_LOOKUP.findall(name)) <= aws_maps:
        return True
    return default_key and _ROOT.match(name) is not None


def _grants(meant: Any, default_keys: frozenset[str] = frozenset()) -> list[tuple[str, bool]]:
    """(principal, owned) of each principal of each statement (a mapping with ``Principal`` or
    ``NotPrincipal``) outside ``Mappings`` (a mapping's data grants nothing). ``owned``: AWS
    acting for this stack (:func:`_owned`); ``default_keys`` are the keys whose ``KeyPolicy`` is
    new, whose account root KMS's default policy already granted."""
    from cfnfix.rules.principals._elb import accounts

    elb = frozenset(accounts())
    aws_maps = _aws_maps(meant, elb)
    out: list[tuple[str, bool]] = []

    def visit(node: Any, default_key: bool) -> None:
        if isinstance(node, dict):
            for key in ("Principal", "NotPrincipal"):
                if key in node:
                    scoped = key == "Principal" and _scoped(node.get("Condition"))
                    for p in _flatten(node[key]):
                        name = f"Service:{p}" if _SERVICE.match(p) else p
                        owned = key == "Principal" and _owned(name, scoped, elb, aws_maps, default_key)
                        out.append((name, owned))
            for item in node.values():
                visit(item, default_key)
        elif isinstance(node, list):
            for item in node:
                visit(item, default_key)

    if isinstance(meant, dict):
        for section, block in meant.items():
            if section == "Mappings":
                continue
            if section == "Resources" and isinstance(block, dict):
                for name, body in block.items():
                    props = body.get("Properties") if isinstance(body, dict) else None
                    if name in default_keys and isinstance(props, dict):
                        visit({k: v for k, v in body.items() if k != "Properties"}, False)
                        visit({k: v for k, v in props.items() if k != "KeyPolicy"}, False)
                        visit(props.get("KeyPolicy"), True)
                    else:
                        visit(body, False)
            else:
                visit(block, False)
    return out


def _flatten(value: Any, prefix: str = "") -> Iterator[str]:
    """Each principal of a ``Principal`` value as ``Kind:value`` text; both branches of an
    ``Fn::If`` (either may be deployed)."""
    if isinstance(value, Sym) and value.kind == "if":
        for branch in value.args[1:]:
            yield from _flatten(thaw(branch), prefix)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}{key}:")
    elif isinstance(value, list):
        for item in value:
            yield from _flatten(item, prefix)
    elif value is not NO_VALUE:
        yield prefix + (repr(value) if isinstance(value, Sym) else str(value))


def _same_breadth(principal: str) -> bool:
    """True for a principal that names one AWS service, or one resource of the stack itself
    (``!GetAtt Role.Arn``): written in place of another of its kind, it grants no more (the
    counts are compared separately)."""
    own = principal.startswith(("AWS:Sym(kind='getatt'", "AWS:Sym(kind='ref'"))
    return principal.startswith("Service:") or own


def _leaves(meant: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """(key, text) of every literal string of a meaning under a mapping key: list items under
    their list's key, both branches of an ``Fn::If`` (either may be deployed)."""
    if isinstance(meant, Sym) and meant.kind == "if":
        for branch in meant.args[1:]:
            yield from _leaves(thaw(branch), key)
    elif isinstance(meant, dict):
        for k, item in meant.items():
            yield from _leaves(item, str(k))
    elif isinstance(meant, list):
        for item in meant:
            yield from _leaves(item, key)
    elif isinstance(meant, str):
        yield key, meant


def _cidrs(meant: Any) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Every CIDR block of a meaning (``!Sub "0.0.0.0/0"`` is one, so is a list item)."""
    out = []
    for _, value in _leaves(meant):
        if _CIDR.match(value):
            try:
                out.append(ipaddress.ip_network(value, strict=False))
            except ValueError:
                continue
    return out


def _secrets(data: Any) -> set[str]:
    """Literal text under a secret-like key (a string as written, or what a function of
    literals means: ``!Sub "hunter2"`` is ``hunter2``; not a number or a boolean such as
    ``PasswordLength: 30``), and the ``Default`` of a ``NoEcho`` parameter."""
    found: set[str] = set()
    for _, key, value in _walk(data):
        if not _SECRET.search(key):
            continue
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith("Fn::"):
            found.update(text for _, text in _leaves(meaning({"v": value}).get("v")))  # a function of literals
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
    default_keys = (
        frozenset(
            renames.get("Resources", {}).get(name, name)
            for name, body in (before.get("Resources") or {}).items()
            if isinstance(body, dict)
            and body.get("Type") == "AWS::KMS::Key"
            and not (body.get("Properties") or {}).get("KeyPolicy")
        )
        if isinstance(before, dict) and isinstance(before.get("Resources"), dict)
        else frozenset()
    )
    old = {p for p, _ in _grants(meaning(before, renames))}
    grants = _grants(meaning(after), default_keys)
    # AWS acting for the stack grants nothing new, unless the same principal is also granted elsewhere
    new = {p for p, owned in grants if not owned} | ({p for p, owned in grants if owned} & old)
    wider = {p for p in new - old if not _same_breadth(p)}
    out.extend(f"principal added: {p}" for p in sorted(wider))
    for kind in ("Service:", "AWS:"):
        grown = [p for p in new if p.startswith(kind)]
        if len(grown) > len([p for p in old if p.startswith(kind)]):
            out.append(f"more {kind[:-1]} principals: {', '.join(sorted(set(grown) - old))}")
    meant_before, meant_after = meaning(before), meaning(after)
    old_cidrs = _cidrs(meant_before)
    for net in _cidrs(meant_after):
        if net.is_loopback:  # the "no egress" idiom (127.0.0.1/32): reaches nothing
            continue
        if not any(net.version == old.version and net.subnet_of(old) for old in old_cidrs):  # type: ignore[arg-type]
            out.append(f"CIDR wider than any of the input's: {net}")
    added = _secrets(after) - _secrets(before)
    out.extend(f"literal secret added: {s[:4]}…" for s in sorted(added))
    return out
