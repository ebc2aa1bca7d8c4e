"""The language server's documents (``cfnfix/server/documents.py``): incremental changes land where the
protocol says."""

from __future__ import annotations

import pytest


def _reference_offset(text: str, line: int, character: int, encoding: str) -> int:
    """Offset of an LSP position, counted character by character (LSP line ends only)."""
    offset, row = 0, 0
    while row < line and offset < len(text):
        if text[offset] == "\r" and text[offset + 1 : offset + 2] == "\n":
            offset += 2
            row += 1
        elif text[offset] in "\r\n":
            offset += 1
            row += 1
        else:
            offset += 1
    if row < line:
        return len(text)
    units = 0
    while offset < len(text) and text[offset] not in "\r\n" and units < character:
        ch = text[offset]
        units += {"utf-8": len(ch.encode("utf-8")), "utf-32": 1}.get(encoding, 2 if ord(ch) > 0xFFFF else 1)
        offset += 1
    return offset


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
def test_incremental_changes_land_where_the_protocol_says(encoding: str) -> None:
    """Random range replacements on texts with CRLF, lone CR, U+2028 and non-BMP characters."""
    import random

    from lsprotocol import types as lsp
    from pygls.workspace.position_codec import PositionCodec

    from cfnfix.server.documents import LspTextDocument
    from cfnfix.server.positions import encoding_name

    kind = {
        "utf-8": lsp.PositionEncodingKind.Utf8,
        "utf-16": lsp.PositionEncodingKind.Utf16,
        "utf-32": lsp.PositionEncodingKind.Utf32,
    }[encoding]
    assert encoding_name(kind) == encoding
    rng = random.Random(encoding)
    pieces = ["a", "b: c", "\n", "\r\n", "\r", "\u2028", "\U0001f680", "é", "  "]
    text = "".join(rng.choice(pieces) for _ in range(200))
    doc = LspTextDocument("file:///t.yaml", source=text, version=1, position_codec=PositionCodec(kind))
    for _ in range(300):
        lines = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
        a = (rng.randrange(lines + 1), rng.randrange(8))
        b = (rng.randrange(lines + 1), rng.randrange(8))
        a, b = sorted([a, b])
        start, end = _reference_offset(text, *a, encoding), _reference_offset(text, *b, encoding)
        new = "".join(rng.choice(pieces) for _ in range(rng.randrange(4)))
        change = lsp.TextDocumentContentChangePartial(
            range=lsp.Range(start=lsp.Position(line=a[0], character=a[1]), end=lsp.Position(line=b[0], character=b[1])),
            text=new,
        )
        doc.apply_change(change)
        text = text[:start] + new + text[max(start, end) :]
        assert doc.source == text
