"""Shared by the physical-name rules: where a resource's name is set, where else the template
writes the same name as text, and the three ways a fix can go (docs/cloudformation/physical-names.md):

* **leave the name out** (CloudFormation generates a unique one), writing each place that
  repeated it as a reference (``${Bucket}`` where ``Ref`` returns the name,
  ``${Queue.QueueName}`` where an attribute does) — unless that would close a circle of
  dependencies, the usual reason a template spells a name out;
* **keep the name, unique per stack**: the name plus the first block of the stack's ID
  (eight lower-case hex digits, the same for the life of the stack), in the name and in every
  place that repeated it — no reference is added, so no circle can appear;
* report without a fix when neither is possible.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources as _files
from typing import Any

import jsonpatch

from ...document.pointer import escape_token, make_pointer, parse_pointer
from ...findings import Op, Operation
from ...template.kept import KeptByIdentity
from ...template.model import Resource, section
from ...template.references import Kind, ReferenceIndex

#: The stack ID's first UUID block: ``arn:…:stack/<name>/<uuid>`` → ``uuid.split("-")[0]``.
STACK_ID_PART: dict[str, Any] = {
    "Fn::Select": [0, {"Fn::Split": ["-", {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}]}]
}
#: What the stack-ID part looks like, to check a name before writing it.
STACK_ID_SAMPLE = "0123abcd"
_VAR = re.compile(r"\$\{([^}]*)\}")
_NAME_CHARS = "A-Za-z0-9_-"
#: Keys whose string values are not read as a name (prose).
_PROSE = frozenset({"Description", "AlarmDescription", "GroupDescription", "DBSubnetGroupDescription"})
#: Inline function code: a name there is program text, which a fix does not rewrite.
_CODE = re.compile(r"/(ZipFile|InlineCode)(/|$)")
#: Intrinsic functions whose arguments are logical names or map keys, not text.
_NAME_FUNCTIONS = frozenset({"Ref", "Fn::GetAtt", "Fn::FindInMap", "Condition"})
#: Keys whose string (or list of strings) values are names, not text: resource and output
#: attributes (an IAM policy's ``Condition`` block is a mapping, and is text).
_NAME_ATTRIBUTES = frozenset({"DependsOn", "Condition", "Type"})


@cache
def _data(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((_files.files(__package__) / "data" / name).read_text(encoding="utf-8"))
    return data


def properties() -> dict[str, dict[str, Any]]:
    """``name_properties.json``: type → property, ref, attribute, max_length, pattern (generated)."""
    types: dict[str, dict[str, Any]] = _data("name_properties.json")["types"]
    return types


def policy() -> dict[str, Any]:
    """``name_policy.json``: the hand-kept choices (IAM types, names that must stay, length limits)."""
    return _data("name_policy.json")


# ------------------------------------------------------------------ sites


@dataclass(frozen=True)
class NameSite:
    """A resource's physical-name property, set to a literal or to a ``Fn::Sub`` string."""

    res: Resource
    prop: str
    text: str
    """The literal name, or the ``Fn::Sub`` template."""
    computed: bool
    """True for a ``Fn::Sub`` template with variables."""

    @property
    def path(self) -> str:
        """JSON Pointer of the value."""
        return self.res.prop_pointer(self.prop)

    @property
    def row(self) -> dict[str, Any]:
        """The type's row of ``name_properties.json`` (empty when the type has none)."""
        return properties().get(self.res.type, {})

    def shown(self) -> str:
        """The name as a message shows it."""
        return f"!Sub {self.text!r}" if self.computed else repr(self.text)


def name_site(res: Resource, prop: str) -> NameSite | None:
    """The site of ``prop`` when it is a literal string or a ``Fn::Sub`` string (no variable map)."""
    value = res.props.get(prop)
    if isinstance(value, str) and value:
        return NameSite(res, prop, value, False)
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Fn::Sub"), str):
        text = value["Fn::Sub"]
        if any(not v.strip().startswith("!") for v in _VAR.findall(text)):
            return NameSite(res, prop, text, True)
    return None


def segments(template: str) -> Iterator[tuple[bool, str]]:
    """``(is_variable, text)`` pieces of a ``Fn::Sub`` template (``${!X}`` is literal text ``${X}``)."""
    at = 0
    for m in _VAR.finditer(template):
        if m.start() > at:
            yield False, template[at : m.start()]
        inner = m.group(1).strip()
        if inner.startswith("!"):
            yield False, "${" + inner[1:] + "}"
        else:
            yield True, inner
        at = m.end()
    if at < len(template):
        yield False, template[at:]


# ------------------------------------------------------------------ mentions


@dataclass(frozen=True)
class Mention:
    """A string that writes a resource's name as text (the name of a bucket in an ARN …)."""

    pointer: str
    text: str
    sub: bool
    """The string is a ``Fn::Sub`` template (``pointer`` ends in ``/Fn::Sub`` or ``/Fn::Sub/0``)."""
    owner: str | None
    """The resource it lies in (None in Outputs)."""
    offsets: tuple[int, ...] = ()
    """Where the name stands in ``text`` (the occurrences that mean this resource)."""
    condition: str | None = None
    """The ``Condition`` of the resource or output it lies in."""


def _strings(value: Any, pointer: str, in_sub: bool = False) -> Iterator[tuple[str, str, bool]]:
    """(pointer, text, is a Sub template) of the strings under ``value`` that are text, not names."""
    if isinstance(value, str):
        yield pointer, value, in_sub
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{pointer}/{i}")
    elif isinstance(value, dict):
        for key, item in value.items():
            at = f"{pointer}/{escape_token(str(key))}"
            if key in _PROSE or (key in _NAME_FUNCTIONS and len(value) == 1):
                continue
            if key in _NAME_ATTRIBUTES and (
                isinstance(item, str) or (isinstance(item, list) and all(isinstance(i, str) for i in item))
            ):
                continue
            if key == "Fn::If" and isinstance(item, list) and item:
                for i, branch in enumerate(item[1:], start=1):  # the first item names a condition
                    yield from _strings(branch, f"{at}/{i}")
            elif key == "Fn::Sub" and isinstance(item, str):
                yield at, item, True
            elif key == "Fn::Sub" and isinstance(item, list) and item:
                if isinstance(item[0], str):
                    yield f"{at}/0", item[0], True
                for i, sub in enumerate(item[1:], start=1):
                    yield from _strings(sub, f"{at}/{i}")
            else:
                yield from _strings(item, at)


def _occurrences(text: str, name: str, sub: bool) -> list[int]:
    """Offsets where ``name`` stands alone in ``text`` (not inside a longer name, nor inside a
    ``${…}`` of a Sub template)."""
    pattern = re.compile(f"(?<![{_NAME_CHARS}])" + re.escape(name) + f"(?![{_NAME_CHARS}])")
    blocked = [(m.start(), m.end()) for m in _VAR.finditer(text)] if sub else []
    found = []
    for m in pattern.finditer(text):
        if not any(a <= m.start() < b for a, b in blocked):
            found.append(m.start())
    return found


def find_mentions(data: Any, site: NameSite) -> tuple[list[Mention], list[str]]:
    """The places that write ``site``'s name as text: (rewritable — resource properties and
    metadata, outputs —, where the name is written but cannot be rewritten — parameters,
    mappings …, or an ARN cfnfix cannot tell is this resource's)."""
    found: list[Mention] = []
    stuck: list[str] = []
    twin = _same_name_elsewhere(data, site)
    name = site.text
    for pointer, text, sub, owner, rewritable, cond, name_path in _text_sites(data):
        if name not in text:
            continue  # no occurrence to judge (what _offsets would find is the name itself)
        if name_path and (pointer == name_path or pointer.startswith(name_path + "/")):
            continue  # a resource's own name (this one's, or another's that happens to be equal)
        verdicts = [(at, _verdict(site, pointer, text, at)) for at in _offsets(site, text, sub)]
        if twin:  # another resource of the type has this name: no telling which one a place means
            verdicts = [(at, "unsure" if v == "yes" else v) for at, v in verdicts]
        if any(v == "unsure" for _, v in verdicts) or (not rewritable and any(v == "yes" for _, v in verdicts)):
            stuck.append(pointer)
        elif any(v == "yes" for _, v in verdicts):
            yes = tuple(at for at, v in verdicts if v == "yes")
            found.append(Mention(pointer, text, sub, owner, yes, cond))
    return found, stuck


#: (pointer, text, is a Sub template, owner, rewritable, condition, the owner's name property's
#: pointer) of every string :func:`find_mentions` reads.
_Site = tuple[str, str, bool, str | None, bool, str | None, str | None]

#: The text sites of the last few templates, by the identity of their data (read-only).
_SITES: KeptByIdentity[list[_Site]] = KeptByIdentity(4)


def _text_sites(data: Any) -> list[_Site]:
    """Every string :func:`find_mentions` looks at, in its order: walked once per template,
    not once per named resource (a template with many named resources asked for them all
    again for each)."""
    kept = _SITES.get(id(data), data)
    if kept is not None:
        return kept
    sites: list[_Site] = []
    for res_id, body in section(data, "Resources").items():
        if not isinstance(body, dict):
            continue
        rtype = body.get("Type")
        own = properties().get(rtype if isinstance(rtype, str) else "", {}).get("property")
        name_path = "/Resources/" + escape_token(res_id) + "/Properties/" + escape_token(own) if own else None
        cond = body.get("Condition") if isinstance(body.get("Condition"), str) else None
        for part in ("Properties", "Metadata"):
            base = "/Resources/" + escape_token(res_id) + "/" + part
            for pointer, text, sub in _strings(body.get(part), base):
                sites.append((pointer, text, sub, res_id, not _CODE.search(pointer), cond, name_path))
    for out_id, body in section(data, "Outputs").items():
        cond = body.get("Condition") if isinstance(body, dict) and isinstance(body.get("Condition"), str) else None
        for pointer, text, sub in _strings(body, "/Outputs/" + escape_token(out_id)):
            sites.append((pointer, text, sub, None, True, cond, None))
    for name in ("Parameters", "Mappings", "Conditions", "Rules"):
        for pointer, text, sub in _strings(section(data, name), "/" + name):
            sites.append((pointer, text, sub, None, False, None, None))
    return _SITES.put(id(data), data, sites)


def _same_name_elsewhere(data: Any, site: NameSite) -> bool:
    """True when another resource of ``site``'s type has the same name."""
    for res_id, body in section(data, "Resources").items():
        if res_id == site.res.id or not isinstance(body, dict) or body.get("Type") != site.res.type:
            continue
        props = body.get("Properties")
        if isinstance(props, dict) and props.get(site.prop) == (
            site.text if not site.computed else {"Fn::Sub": site.text}
        ):
            return True
    return False


_TOKEN_START = re.compile(r"[\s\"',;=(\[]")
_INTRINSICS = re.compile(r"^(Fn::\w+|Ref|\d+)$")


def _verdict(site: NameSite, pointer: str, text: str, at: int) -> str:
    """Whether the name at ``at`` means this resource: ``yes``, ``no`` (an ARN or a property
    that names another kind of resource), ``unsure`` (an ARN of a kind cfnfix does not know)."""
    start = max((m.end() for m in _TOKEN_START.finditer(text, 0, at)), default=0)
    prefix = _VAR.sub("X", text[start:at])
    if "arn:" in prefix:
        markers: dict[str, str] = policy()["arn_markers"]["types"]
        own = markers.get(site.res.type)
        if own is not None and re.search(own, prefix):
            return "yes"
        if any(re.search(m, prefix) for t, m in markers.items() if t != site.res.type):
            return "no"
        return "unsure"
    key = next((t for t in reversed(parse_pointer(pointer)) if not _INTRINSICS.match(t)), "")
    hinted = policy()["key_types"].get(key)
    if hinted is not None:
        return "yes" if hinted == site.res.type else "no"
    return "unsure" if key.endswith("Name") else "yes"


def _mentions(site: NameSite, text: str, sub: bool) -> bool:
    return bool(_offsets(site, text, sub))


def _offsets(site: NameSite, text: str, sub: bool) -> list[int]:
    """Where ``site``'s name stands in ``text``: a literal name anywhere; a ``Fn::Sub`` name only
    inside another ``Fn::Sub`` template, as the same template text."""
    if site.computed:
        return _occurrences(text, site.text, sub=False) if sub else []
    return _occurrences(text, site.text, sub)


# ------------------------------------------------------------------ rewriting


def rewrite(data: Any, mention: Mention, site: NameSite, new_text: str, variables: dict[str, Any]) -> Operation:
    """An operation that writes ``new_text`` (Sub-template text) in place of each occurrence of
    the name in ``mention``, adding ``variables`` to its ``Fn::Sub`` map (a plain string becomes a
    ``Fn::Sub``). A plain string equal to the name becomes ``Ref``/``Fn::GetAtt`` when ``new_text``
    is a lone ``${Name}``/``${Name.Attr}``."""
    source = mention.text
    pieces, at = [], 0
    for start in mention.offsets:
        pieces.append(_as_sub(source[at:start], mention.sub))
        pieces.append(new_text)
        at = start + len(site.text)
    pieces.append(_as_sub(source[at:], mention.sub))
    template = "".join(pieces)
    if mention.sub:
        if not variables:
            return Op.replace(mention.pointer, template)
        tokens = parse_pointer(mention.pointer)
        listed = tokens[-1] == "0"
        node = make_pointer(tokens[:-2] if listed else tokens[:-1])
        return Op.replace(node, {"Fn::Sub": [template, {**existing_map(data, mention), **variables}]})
    whole = _lone_reference(template)
    if whole is not None and not variables:
        return Op.replace(mention.pointer, whole)
    return Op.replace(mention.pointer, sub_or_text(template, variables))


def sub_or_text(template: str, variables: dict[str, Any]) -> Any:
    """``template`` as a value: a plain string when it has no variables (``${!X}`` → ``${X}``),
    else ``Fn::Sub`` (with ``variables`` as its map when there are any)."""
    if variables:
        return {"Fn::Sub": [template, variables]}
    if any(is_var for is_var, _ in segments(template)):
        return {"Fn::Sub": template}
    return "".join(text for _, text in segments(template))


def _as_sub(text: str, already: bool) -> str:
    """Plain text as ``Fn::Sub`` template text (``${`` escaped), unchanged when it already is."""
    return text if already else text.replace("${", "${!")


def _lone_reference(template: str) -> dict[str, Any] | None:
    m = re.fullmatch(r"\$\{([A-Za-z0-9]+)(?:\.([A-Za-z0-9.]+))?\}", template)
    if not m:
        return None
    return {"Ref": m.group(1)} if m.group(2) is None else {"Fn::GetAtt": [m.group(1), m.group(2)]}


def existing_map(data: Any, mention: Mention) -> dict[str, Any]:
    """The variable map of the list-form ``Fn::Sub`` a mention is the template of (empty otherwise)."""
    tokens = parse_pointer(mention.pointer)
    if not (mention.sub and tokens[-1] == "0"):
        return {}
    node = ReferenceIndex.of(data).value(make_pointer(tokens[:-1]))
    return dict(node[1]) if isinstance(node, list) and len(node) > 1 and isinstance(node[1], dict) else {}


def free_variable(data: Any, taken: set[str], base: str = "StackIdPart") -> str:
    """A Sub variable name that is no logical name of the template and not in ``taken``."""
    names = {n.lower() for block in ("Parameters", "Resources") for n in section(data, block)} | {
        t.lower() for t in taken
    }
    candidate, n = base, 2
    while candidate.lower() in names:
        candidate, n = f"{base}{n}", n + 1
    return candidate


# ------------------------------------------------------------------ routes


def reference_token(site: NameSite) -> str | None:
    """``${Id}`` when ``Ref`` returns the name, ``${Id.Attr}`` when an attribute does, else None."""
    if site.row.get("ref"):
        return "${" + site.res.id + "}"
    if site.row.get("attribute"):
        return "${" + site.res.id + "." + site.row["attribute"] + "}"
    return None


def remove_property(site: NameSite) -> list[Operation]:
    """Remove the name property (``Properties`` too when nothing else is in it)."""
    if list(site.res.props) == [site.prop]:
        return [Op.remove(site.res.pointer + "/Properties")]
    return [Op.remove(site.path)]


def remove_name(data: Any, site: NameSite, mentions: list[Mention]) -> tuple[list[Operation] | None, str]:
    """Leave the name out and write each mention as a reference: (operations, "") or (None, why not)."""
    if site.row.get("required"):
        return None, f"{site.res.type} requires {site.prop}"
    ops: list[Operation] = remove_property(site)
    if mentions:
        token = reference_token(site)
        if any(m.owner == site.res.id for m in mentions):
            return None, f"{site.res.id} writes its own name"
        condition = site.res.condition
        if condition is not None and any(m.condition != condition for m in mentions):
            return None, f"{site.res.id} exists only under condition {condition}, and places without it write its name"
        for m in mentions:
            whole = _whole_arn(site, m)
            if whole is not None:
                ops.append(whole)
            elif token is None:
                return None, f"no Ref or attribute of {site.res.type} returns its name"
            else:
                ops.append(rewrite(data, m, site, token, {}))
        if creates_cycle(data, ops):
            return None, "referring to it where the name is written would close a circular dependency"
    return ops, ""


def _whole_arn(site: NameSite, mention: Mention) -> Operation | None:
    """A mention that is the resource's whole ARN, as ``Ref`` or ``Fn::GetAtt … Arn`` (None otherwise)."""
    arn = site.row.get("arn")
    text = mention.text
    if arn is None or not text.startswith("arn:") or mention.offsets != (len(text) - len(site.text),):
        return None
    tokens = parse_pointer(mention.pointer)
    if mention.sub and tokens[-1] != "Fn::Sub":
        return None  # a list-form Fn::Sub: its variables may be used elsewhere in the string
    node = make_pointer(tokens[:-1]) if mention.sub else mention.pointer
    value: dict[str, Any] = {"Ref": site.res.id} if arn == "Ref" else {"Fn::GetAtt": [site.res.id, arn]}
    return Op.replace(node, value)


def fix_routes(data: Any, site: NameSite, mentions: list[Mention]) -> tuple[list[Operation] | None, str]:
    """The first route that works for a literal name (leave it out, else keep it unique per
    stack), with a phrase for the fix message; (None, why) when neither does."""
    ops, why = remove_name(data, site, mentions)
    kind = site.res.type.rsplit("::", 1)[-1].lower()
    if ops is not None:
        told = f"leave {site.prop} out (CloudFormation generates a unique name)"
        if mentions:
            told += f"; the {places(mentions)} that wrote the name {_verb(mentions, 'refer')} to the {kind} instead"
        return ops, told
    ops = stack_unique(data, site, mentions)
    if ops is not None:
        told = f"keep the name ({why}), unique per stack: {site.text}-<first block of the stack ID>"
        if mentions:
            told += f", here and in the {places(mentions)} that {_verb(mentions, 'write')} it"
        return ops, told
    return None, f"the name cannot be left out ({why}) nor made unique per stack within its limits"


def _verb(mentions: list[Mention], verb: str) -> str:
    return verb if len(mentions) > 1 else verb + "s"


def places(mentions: list[Mention]) -> str:
    """``1 other place`` / ``3 other places``."""
    return f"{len(mentions)} other place{'s' if len(mentions) > 1 else ''}"


def keep_name(
    data: Any, site: NameSite, mentions: list[Mention], new_text: str, variables: dict[str, Any]
) -> list[Operation] | None:
    """Keep a name, written as ``new_text`` (a Sub template) in the name and in every mention; None
    when the result would break the type's length limit or pattern. No reference is added."""
    if not fits(site, new_text):
        return None
    ops: list[Operation] = [Op.replace(site.path, sub_or_text(new_text, variables))]
    ops.extend(rewrite(data, m, site, new_text, variables) for m in mentions)
    return ops


def stack_unique(data: Any, site: NameSite, mentions: list[Mention], *, lower: bool = False) -> list[Operation] | None:
    """Keep the name, unique per stack: ``${AWS::StackName}`` replaced by the stack-ID part, or the
    stack-ID part appended (``lower``: literal parts lower-cased too)."""
    var = free_variable(data, {v for m in mentions for v in existing_map(data, m)})
    return keep_name(data, site, mentions, stack_unique_text(site, var, lower=lower), {var: STACK_ID_PART})


def stack_unique_text(site: NameSite, var: str, *, lower: bool) -> str:
    """The Sub template of the name kept unique per stack."""
    parts = []
    stack_named = False
    for is_var, text in segments(site.text if site.computed else site.text.replace("${", "${!")):
        if is_var and text == "AWS::StackName":
            parts.append("${" + var + "}")
            stack_named = True
        elif is_var:
            parts.append("${" + text + "}")
        else:
            parts.append((text.lower() if lower else text).replace("${", "${!"))
    joined = "".join(parts)
    return joined if stack_named else joined + "-${" + var + "}"


#: Worst cases of pseudo parameters (the longest; a stack name with capitals), to check a name:
#: Regions up to ``ap-southeast-5`` (14), partitions up to ``aws-us-gov``, stack names up to 128.
_PSEUDO_SAMPLE = {
    "AWS::AccountId": "1" * 12,
    "AWS::Region": "a" * 14,
    "AWS::Partition": "a" * 10,
    "AWS::URLSuffix": "a" * 16,
    "AWS::StackName": "A" * 128,
}


def fits(site: NameSite, template: str) -> bool:
    """True when a name written as ``template`` keeps the type's length limit and pattern with
    its variables at their worst (pseudo parameters, the stack-ID part); another variable makes
    that unknown, which is fine only for a type without limit or pattern."""
    limit = site.row.get("max_length") or policy()["max_length"].get(site.res.type, {}).get("length")
    pattern = site.row.get("pattern")
    sample = []
    for is_var, text in segments(template):
        if not is_var:
            sample.append(text)
        elif text in _PSEUDO_SAMPLE:
            sample.append(_PSEUDO_SAMPLE[text])
        elif re.fullmatch(r"StackIdPart\d*", text):
            sample.append(STACK_ID_SAMPLE)
        else:
            return limit is None and not pattern
    name = "".join(sample)
    if limit is not None and len(name) > int(limit):
        return False
    if pattern:
        try:
            return re.fullmatch(pattern, name) is not None
        except re.error:
            return False
    return True


def creates_cycle(data: Any, ops: list[Operation]) -> bool:
    """True when applying ``ops`` closes a circle of resource dependencies the template did not have."""
    after = jsonpatch.apply_patch(copy.deepcopy(data), [dict(op) for op in ops])
    return _has_cycle(after) and not _has_cycle(data)


def _has_cycle(data: Any) -> bool:
    resources = section(data, "Resources")
    params = set(section(data, "Parameters"))
    edges: dict[str, set[str]] = {}
    index = ReferenceIndex(data)
    for occ in index.occurrences:
        if occ.kind not in (Kind.REF, Kind.GETATT, Kind.GETATT_STRING, Kind.SUB, Kind.DEPENDS_ON):
            continue
        tokens = parse_pointer(occ.pointer)
        if len(tokens) < 2 or tokens[0] != "Resources":
            continue
        target = occ.text.split(".", 1)[0]
        if target in resources and target not in params and target != tokens[1]:
            edges.setdefault(tokens[1], set()).add(target)
        elif target == tokens[1] and occ.kind is not Kind.DEPENDS_ON:
            return True  # a resource that refers to itself
    state: dict[str, int] = {}
    for start in edges:
        if state.get(start):
            continue
        stack = [(start, iter(sorted(edges.get(start, ()))))]
        state[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return True
            elif not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(sorted(edges.get(nxt, ())))))
    return False
