"""Profiles: named sets of opt-in rules for one kind of stack (``profile = "destroyable"``).

A rule that belongs to a profile (``Rule.profile``) runs only when that profile is on, in
the configuration or with ``--profile``; without it the rule never fires, whatever
``select`` says, so production templates are not nagged. A rule may also stand down under a
profile whose rules cover the same problem (``Rule.replaced_by_profile``), so nothing is
reported twice.
"""

from __future__ import annotations

from .errors import ConfigError

__all__ = ["PROFILES", "check_profile", "unknown_profile_reason"]

#: Every profile cfnfix knows, with one line on what it is for.
PROFILES: dict[str, str] = {
    "destroyable": "Ephemeral stacks (tests, previews, CI): every resource must go away with its stack and leave nothing behind.",
}


def unknown_profile_reason(name: object) -> str | None:
    """Why ``name`` is not a profile (one line), or None when it is one."""
    if isinstance(name, str) and name in PROFILES:
        return None
    known = ", ".join(sorted(PROFILES))
    return f"unknown profile {name!r} (known profiles: {known})"


def check_profile(name: str | None, *, option: str = "--profile") -> str | None:
    """``name`` when it is a known profile (or None); a :class:`ConfigError` naming ``option`` otherwise."""
    if name is None:
        return None
    reason = unknown_profile_reason(name)
    if reason is not None:
        raise ConfigError(f"{option}: {reason}")
    return name
