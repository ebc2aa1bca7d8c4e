"""Profiles: named sets of opt-in rules for one kind of stack (``profile = "destroyable"``).

A rule that belongs to a profile (``Rule.profile``) runs only when that profile is on, in
the configuration or with ``--profile``; without it the rule never fires, whatever
``select`` says, so production templates are not nagged. A rule may also stand down under a
profile whose rules cover the same problem (``Rule.replaced_by_profile``), so nothing is
reported twice. This module imports nothing from the package (layer 0): the settings
validate against it.
"""

from __future__ import annotations

__all__ = ["PROFILES", "unknown_profile_reason"]

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
