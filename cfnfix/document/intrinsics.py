"""CloudFormation intrinsic functions: short-form YAML tags ⇄ long-form keys."""

from __future__ import annotations

#: Short-form tag → long-form key. ``!GetAtt A.B.C`` is special-cased by the loader
#: (split at the first dot into ``["A", "B.C"]``).
SHORT_TAGS: dict[str, str] = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    "!GetAtt": "Fn::GetAtt",
    "!Sub": "Fn::Sub",
    "!Join": "Fn::Join",
    "!Select": "Fn::Select",
    "!Split": "Fn::Split",
    "!If": "Fn::If",
    "!Equals": "Fn::Equals",
    "!And": "Fn::And",
    "!Or": "Fn::Or",
    "!Not": "Fn::Not",
    "!FindInMap": "Fn::FindInMap",
    "!Base64": "Fn::Base64",
    "!Cidr": "Fn::Cidr",
    "!GetAZs": "Fn::GetAZs",
    "!ImportValue": "Fn::ImportValue",
    "!Transform": "Fn::Transform",
    "!Contains": "Fn::Contains",
    "!EachMemberEquals": "Fn::EachMemberEquals",
    "!EachMemberIn": "Fn::EachMemberIn",
    "!RefAll": "Fn::RefAll",
    "!ValueOf": "Fn::ValueOf",
    "!ValueOfAll": "Fn::ValueOfAll",
    "!Length": "Fn::Length",
    "!ToJsonString": "Fn::ToJsonString",
}

#: Long-form key → short-form tag.
LONG_TO_SHORT: dict[str, str] = {v: k for k, v in SHORT_TAGS.items()}

#: Functions whose short form is documented by AWS; only these are emitted as tags.
#: LanguageExtensions and Rules functions are always written in long form.
EMITTABLE_SHORT: frozenset[str] = frozenset(
    [
        "Ref",
        "Condition",
        "Fn::GetAtt",
        "Fn::Sub",
        "Fn::Join",
        "Fn::Select",
        "Fn::Split",
        "Fn::If",
        "Fn::Equals",
        "Fn::And",
        "Fn::Or",
        "Fn::Not",
        "Fn::FindInMap",
        "Fn::Base64",
        "Fn::Cidr",
        "Fn::GetAZs",
        "Fn::ImportValue",
        "Fn::Transform",
    ]
)


#: Preprocessor directives of AWS's ``rain`` tool (``!Rain::Embed file``) read as
#: ``{"Rain::Embed": "file"}``; they appear in real templates and are kept as written.
RAIN_PREFIX = "Rain::"


def tag_key(tag: str) -> str | None:
    """Long-form key of a short-form tag (``!Ref`` → ``Ref``), None when unknown."""
    key = SHORT_TAGS.get(tag)
    if key is None and tag.startswith("!" + RAIN_PREFIX) and len(tag) > len(RAIN_PREFIX) + 1:
        return tag[1:]
    return key


def key_tag(key: str) -> str | None:
    """Short-form tag of a long-form key (``Fn::Sub`` → ``!Sub``), None when there is none."""
    tag = LONG_TO_SHORT.get(key)
    if tag is None and key.startswith(RAIN_PREFIX) and len(key) > len(RAIN_PREFIX):
        return "!" + key
    return tag


def intrinsic_name(value: object) -> str | None:
    """The function key when ``value`` is a one-key intrinsic mapping, else None."""
    if isinstance(value, dict) and len(value) == 1:
        (key,) = value
        if key_tag(key) is not None:
            return key
    return None
