"""Open documents as the protocol defines their lines.

pygls applies incremental changes line by line, splitting the text with ``str.splitlines``,
which also breaks at U+2028, U+0085, form feeds and other characters the Language Server
Protocol does not count as line ends (only ``\\n``, ``\\r\\n`` and ``\\r``). A template with
such a character inside a string would then receive every later change on the wrong line.
:class:`LspTextDocument` splits as the protocol says.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pygls.workspace import TextDocument, Workspace

__all__ = ["LspTextDocument", "use_lsp_lines"]

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class LspTextDocument(TextDocument):
    """A pygls text document whose lines end only at ``\\n``, ``\\r\\n`` or ``\\r``."""

    @property
    def lines(self) -> Sequence[str]:
        """The lines of the text, each with its line ending."""
        return tuple(_LINES.findall(self.source))


def use_lsp_lines(workspace: Workspace) -> None:
    """Make ``workspace`` create :class:`LspTextDocument` objects for the documents opened from now on."""

    def create(doc_uri: str, source: str | None = None, version: int | None = None, language_id: str | None = None) -> Any:
        return LspTextDocument(
            doc_uri,
            source=source,
            version=version,
            language_id=language_id,
            sync_kind=workspace._sync_kind,
            position_codec=workspace._position_codec,
        )

    workspace._create_text_document = create  # type: ignore[method-assign]
