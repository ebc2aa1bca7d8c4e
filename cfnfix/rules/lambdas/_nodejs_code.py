"""How an inline Node.js handler returns its result: ``async`` (a promise) or a callback.

Lambda's Node.js runtimes up to nodejs22.x accept both handler signatures; from nodejs24.x
only async handlers are supported: ``exports.handler = (event, context, callback) => …`` and
the legacy ``context.done / succeed / fail`` fail there (docs/cloudformation/lambda.md,
"Node.js handlers"). Nothing is executed: the handler's definition is found with a few
regular expressions over the code text, and anything they do not recognise is ``unknown``.
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["HandlerStyle", "handler_style"]

HandlerStyle = Literal["async", "callback", "unknown"]

#: ``async`` or nothing, then a parameter list: ``async (event, context)``, ``function (e, c, cb)``, ``event =>``.
_SIGNATURE = r"(?P<async>async\s+)?(?:function\b\s*\*?\s*[\w$]*\s*)?(?:\((?P<params>[^)]*)\)|(?P<single>[\w$]+)\s*=>)"
_LEGACY_CONTEXT = re.compile(r"\bcontext\s*\.\s*(?:done|succeed|fail)\s*\(")


def _definitions(name: str) -> list[re.Pattern[str]]:
    n = re.escape(name)
    return [
        re.compile(rf"(?:module\.)?exports\s*\.\s*{n}\s*=\s*{_SIGNATURE}"),
        re.compile(rf"(?:module\.)?exports\s*\[\s*['\"]{n}['\"]\s*\]\s*=\s*{_SIGNATURE}"),
        re.compile(rf"export\s+(?:const|let|var)\s+{n}\s*=\s*{_SIGNATURE}"),
        re.compile(rf"export\s+(?P<async>async\s+)?function\s*\*?\s*{n}\s*\((?P<params>[^)]*)\)"),
        re.compile(rf"(?P<async>async\s+)?function\s*\*?\s*{n}\s*\((?P<params>[^)]*)\)"),
        re.compile(rf"(?:const|let|var)\s+{n}\s*=\s*{_SIGNATURE}"),
    ]


def _alias(code: str, name: str) -> str | None:
    """``exports.handler = main`` / ``module.exports = {handler: main}``: ``main``."""
    n = re.escape(name)
    m = re.search(rf"(?:module\.)?exports\s*\.\s*{n}\s*=\s*([A-Za-z_$][\w$]*)\s*[;\n]", code)
    if m and m.group(1) not in ("async", "function"):
        return m.group(1)
    m = re.search(rf"module\.exports\s*=\s*\{{[^}}]*\b{n}\s*:\s*([A-Za-z_$][\w$]*)", code)
    return m.group(1) if m else None


def handler_style(code: str, handler: str | None) -> HandlerStyle:
    """The style of the handler ``handler`` (``index.handler`` → ``handler``) in ``code``.

    ``callback`` when it is not ``async`` and takes a third parameter, or when the code calls
    ``context.done``, ``context.succeed`` or ``context.fail``; ``async`` when it is declared
    ``async`` and the code calls none of those; ``unknown`` otherwise (a plain function of one
    or two parameters may return a promise or nothing: only running it would tell).
    """
    if _LEGACY_CONTEXT.search(code):
        return "callback"
    name = handler.rsplit(".", 1)[-1] if isinstance(handler, str) and handler else None
    if not name or not re.fullmatch(r"[A-Za-z_$][\w$]*", name):
        return "unknown"
    for candidate in (name, _alias(code, name)):
        if candidate is None:
            continue
        for pattern in _definitions(candidate):
            m = pattern.search(code)
            if m is None:
                continue
            if m.group("async"):
                return "async"
            params = m.groupdict().get("params")
            count = 1 if m.groupdict().get("single") else len([p for p in (params or "").split(",") if p.strip()])
            return "callback" if count >= 3 else "unknown"
    return "unknown"
