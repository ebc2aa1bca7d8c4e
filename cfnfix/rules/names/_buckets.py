"""S3 general purpose bucket naming rules (docs/cloudformation/physical-names.md, "S3 bucket names"),
applied to a literal name or to the parts of a ``Fn::Sub`` one."""

from __future__ import annotations

import re

from ._names import NameSite, segments

MAX = 63
MIN = 3
_ALLOWED = re.compile(r"[a-z0-9.-]*")
_IP = re.compile(r"\d+\.\d+\.\d+\.\d+")
PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
#: The longest a stack name can be (and so ``${AWS::StackName}``).
STACK_NAME_MAX = 128
#: Lower bounds of pseudo parameters' lengths (``aws``, ``us-east-1``, 12 digits).
_PSEUDO_MIN = {"AWS::AccountId": 12, "AWS::Region": 9, "AWS::Partition": 3, "AWS::StackName": 1}


def literal_problems(name: str) -> list[str]:
    """What is wrong with a literal bucket name (empty: nothing)."""
    problems = []
    if not MIN <= len(name) <= MAX:
        problems.append(f"is {len(name)} characters long (3 to 63 allowed)")
    bad = sorted(set(_ALLOWED.sub("", name)), key=name.index)
    if any(c.isupper() for c in bad):
        problems.append("has capital letters")
    if any(not c.isupper() for c in bad):
        shown = ", ".join(repr(c) for c in bad if not c.isupper())
        problems.append(f"has {shown} (only a-z, 0-9, '.' and '-' are allowed)")
    if name and (not name[0].isalnum() or not name[-1].isalnum()):
        problems.append("does not begin and end with a letter or digit")
    if ".." in name:
        problems.append("has two adjacent periods")
    if _IP.fullmatch(name):
        problems.append("is formatted as an IP address")
    for prefix in PREFIXES:
        if name.startswith(prefix):
            problems.append(f"starts with the reserved prefix {prefix!r}")
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            problems.append(f"ends with the reserved suffix {suffix!r}")
    return problems


def sub_problems(site: NameSite) -> list[str]:
    """What can go wrong with a bucket name built by ``Fn::Sub``: the stack name (which may have
    capitals and be 128 characters long), capitals or bad characters in its literal parts, a
    minimum length over 63."""
    problems = []
    literal = "".join(text for is_var, text in segments(site.text) if not is_var)
    variables = [text for is_var, text in segments(site.text) if is_var]
    if "AWS::StackName" in variables:
        problems.append(
            "includes ${AWS::StackName}, and a stack name may have capital letters (bucket names may not) and "
            f"be up to {STACK_NAME_MAX} characters long"
        )
    if any(c.isupper() for c in literal):
        problems.append("has capital letters")
    bad = sorted({c for c in _ALLOWED.sub("", literal) if not c.isupper()})
    if bad:
        problems.append(f"has {', '.join(repr(c) for c in bad)} (only a-z, 0-9, '.' and '-' are allowed)")
    shortest = len(literal) + sum(_PSEUDO_MIN.get(v, 0) for v in variables)
    if shortest > MAX:
        problems.append(f"is at least {shortest} characters long (63 allowed)")
    return problems


def sanitized(name: str) -> str | None:
    """The literal name made valid by lower-casing it and writing '-' for '_' and spaces; None when
    that is not enough."""
    fixed = name.lower().replace("_", "-").replace(" ", "-")
    return fixed if not literal_problems(fixed) else None
