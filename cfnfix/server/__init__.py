"""``cfnfix server``: a Language Server Protocol server over stdio (pygls and lsprotocol).

Diagnostics for open CloudFormation documents on open, change (debounced) and save; each
finding's fix as a quick fix whose edits are the patch engine's; ``source.fixAll.cfnfix``
for what ``cfnfix apply`` would write. The LSP libraries are the ``server`` extra
(``pip install 'cfnfix[server]'``); nothing here imports them until :func:`run` is called,
so other commands never load them.
"""

from __future__ import annotations

import importlib.util

__all__ = ["EXTRA", "missing_dependency", "run"]

#: The extra that installs the server's dependencies.
EXTRA = "server"
_MODULES = ("pygls", "lsprotocol")


def missing_dependency() -> str | None:
    """The first module the server needs that is not installed, or None."""
    for name in _MODULES:
        if importlib.util.find_spec(name) is None:
            return name
    return None


def run() -> int:
    """Serve LSP over standard input and output until the client says ``exit``; returns the
    exit code (0, or 1 when ``exit`` came without ``shutdown``)."""
    from .server import create_server

    return create_server().start_io()
