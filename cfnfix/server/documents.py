"""Open documents as the protocol defines their lines.

pygls applies incremental changes line by line, splitting the text with ``str.splitlines``,
which also breaks at U+2028, U+0085, form feeds and other characters the Language Server
Protocol does not count as line ends (only ``\\n``, ``\\r\\n`` and ``\\r``). A template with
such a character inside a string would then receive every later change on the wrong line.
:class:`LspTextDocument` splits as the protocol says, and applies a change as one splice at
the offsets of its range (pygls copies the text line by line, 20 ms a keystroke on a 1 MB
template, on the event loop); the line index it needs is the one the analysis of the
previous version built (:meth:`LspTextDocument.adopt`), so a keystroke builds none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lsprotocol import types as lsp
from pygls.workspace import TextDocument, Workspace

from ..document.text import split_lines
from .positions import PositionMap, encoding_name

__all__ = ["LspTextDocument", "use_lsp_lines"]


class LspTextDocument(TextDocument):
    """A pygls text document whose lines end only at ``\\n``, ``\\r\\n`` or ``\\r``."""

    _positions: PositionMap | None = None

    @property
    def lines(self) -> Sequence[str]:
        """The lines of the text, each with its line ending."""
        return tuple(split_lines(self.source))

    def positions(self) -> PositionMap:
        """Offsets ⇄ positions of the current text (kept until the text changes)."""
        found = self._positions
        source = self.source
        if found is None or found.text is not source:
            found = self._positions = PositionMap(source, encoding_name(self.position_codec.encoding))
        return found

    def adopt(self, positions: PositionMap) -> None:
        """Keep ``positions`` (built elsewhere, e.g. by an analysis) when they are of the current text."""
        if positions.text is self.source and positions.encoding == encoding_name(self.position_codec.encoding):
            self._positions = positions

    def _apply_incremental_change(self, change: lsp.TextDocumentContentChangePartial) -> None:
        """Replace the change's range (clamped as the protocol says) by its text."""
        positions = self.positions()
        start = positions.offset(change.range.start.line, change.range.start.character)
        end = max(start, positions.offset(change.range.end.line, change.range.end.character))
        source = self.source
        self._source = source[:start] + change.text + source[end:]


def use_lsp_lines(workspace: Workspace) -> None:
    """Make ``workspace`` create :class:`LspTextDocument` objects for the documents opened from now on."""

    def create(
        doc_uri: str, source: str | None = None, version: int | None = None, language_id: str | None = None
    ) -> Any:
        return LspTextDocument(
            doc_uri,
            source=source,
            version=version,
            language_id=language_id,
            sync_kind=workspace._sync_kind,
            position_codec=workspace._position_codec,
        )

    workspace._create_text_document = create  # type: ignore[method-assign]
