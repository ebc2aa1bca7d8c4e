"""RFC 6901 JSON Pointer parsing and escaping."""

from __future__ import annotations

from ..errors import PatchConflictError


def parse_pointer(pointer: str) -> list[str]:
    """Split a JSON Pointer into unescaped reference tokens (``""`` → ``[]``)."""
    if pointer == "":
        return []
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        raise PatchConflictError(f"invalid JSON Pointer {pointer!r}: must be empty or start with '/'")
    tokens = pointer[1:].split("/")
    out = []
    for tok in tokens:
        if "~" in tok:
            i = tok.find("~")
            while i != -1:
                if i + 1 >= len(tok) or tok[i + 1] not in "01":
                    raise PatchConflictError(f"invalid JSON Pointer {pointer!r}: bad '~' escape")
                i = tok.find("~", i + 2)
            tok = tok.replace("~1", "/").replace("~0", "~")
        out.append(tok)
    return out


def escape_token(token: str) -> str:
    """Escape one reference token (``~`` → ``~0``, ``/`` → ``~1``)."""
    return token.replace("~", "~0").replace("/", "~1")


def make_pointer(tokens: list[str] | tuple[str, ...]) -> str:
    """Join reference tokens into a JSON Pointer."""
    return "".join("/" + escape_token(str(t)) for t in tokens)
