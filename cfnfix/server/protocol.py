"""The JSON-RPC end of ``cfnfix server``: every request is answered, even a wrong one, and nothing is kept per message.

pygls 2 parses, checks and dispatches messages itself; where it falls short of the JSON-RPC
and LSP specifications, :class:`CfnfixProtocol` takes over:

* a body that is not JSON gets a ``ParseError`` response (id null), one that is JSON but no
  JSON-RPC 2.0 message an ``InvalidRequest`` (pygls showed the user a popup and answered
  nothing, so the client waited for ever);
* a request whose params do not fit its method gets an ``InvalidParams`` response naming
  what is wrong; such a notification (which cannot be answered) is logged;
* ``initialize`` is accepted once (again: ``InvalidRequest``); before it, requests get
  ``ServerNotInitialized`` and notifications other than ``exit`` are dropped; after
  ``shutdown``, requests get ``InvalidRequest`` (pygls left them unanswered);
* ``exit`` ends the server with code 0 after ``shutdown`` and 1 without (pygls's exit code
  was lost: :meth:`~cfnfix.server.server.CfnfixServer.start_io` returns this one);
* pygls files the future of every message it handles under an id and removes it only when
  it answers a request: each notification (every ``didChange``) left one behind, about 2 KB
  for the life of the server. Here a handler's future is removed once it is done.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcParseError,
    JsonRpcServerNotInitialized,
)
from pygls.protocol import LanguageServerProtocol

__all__ = ["CfnfixProtocol"]

log = logging.getLogger(__name__)

_DETAIL_LIMIT = 300
_SNAKE = re.compile(r"_([a-z])")


class CfnfixProtocol(LanguageServerProtocol):
    """pygls's language server protocol, answering what pygls drops (see the module docstring)."""

    def __init__(self, server: Any, converter: Any) -> None:
        super().__init__(server, converter)
        self.initialize_seen = False
        """An ``initialize`` request was received (a second one is an error)."""
        self.exit_code: int | None = None
        """Set by ``exit``: 0 after ``shutdown``, 1 without."""

    # ------------------------------------------------------------------ receiving
    def receive(self, body: bytes) -> bool:
        """One message body as framed: parsed, checked and handled. False when it is not JSON."""
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            self.refuse(None, JsonRpcParseError(f"Parse Error: the message is not JSON ({_short(exc)})"))
            return False
        self.dispatch(data)
        return True

    def malformed(self, reason: str) -> None:
        """A frame that holds no message (see :class:`~cfnfix.server.transport.Framer`)."""
        self.refuse(None, JsonRpcParseError(f"Parse Error: {reason}"))

    def dispatch(self, data: Any) -> None:
        """One parsed message: checked, then handed to pygls (or answered here when it cannot be)."""
        if not isinstance(data, dict) or data.get("jsonrpc") != self.VERSION:
            self.refuse(_id_of(data), JsonRpcInvalidRequest("Invalid Request: not a JSON-RPC 2.0 message"))
            return
        method = data.get("method")
        if "method" in data and not isinstance(method, str):
            self.refuse(_id_of(data), JsonRpcInvalidRequest("Invalid Request: 'method' must be a string"))
            return
        if "id" in data and _id_of(data) is None:
            self.refuse(None, JsonRpcInvalidRequest("Invalid Request: 'id' must be a string or an integer"))
            return
        request = method is not None and "id" in data
        if method is not None and not self._admitted(data, method, request):
            return
        try:
            message = self.structure_message(data)
        except JsonRpcException as exc:
            detail = _cause(exc)
            if request:
                self.refuse(data["id"], JsonRpcInvalidParams(f"Invalid Params for {method}: {detail}"))
            else:
                what = f"a {method} notification" if method is not None else "a response from the client"
                self._log(f"cfnfix: ignored {what} that does not fit the protocol: {detail}")
            return
        if method == lsp.EXIT:
            self.exit_code = 0 if self._shutdown else 1
            stop = getattr(self._server, "stop", None)  # CfnfixServer.stop: start_io returns
            if callable(stop):
                stop()
            return
        if request and method == lsp.INITIALIZE:
            self.initialize_seen = True
        self.handle_message(message)

    def _admitted(self, data: dict[str, Any], method: str, request: bool) -> bool:
        """False (and the request answered) for a message the server's state does not admit."""
        if request and method == lsp.INITIALIZE and self.initialize_seen:
            self.refuse(data["id"], JsonRpcInvalidRequest("Invalid Request: initialize may be sent only once"))
            return False
        if not self.initialize_seen and method != lsp.INITIALIZE:
            if request:
                self.refuse(data["id"], JsonRpcServerNotInitialized("the server is not initialized yet"))
            return method == lsp.EXIT  # notifications before initialize are dropped, exit excepted
        if self._shutdown and request:
            self.refuse(data["id"], JsonRpcInvalidRequest("Invalid Request: the server is shutting down"))
            return False
        return True

    def refuse(self, msg_id: Any, error: JsonRpcException) -> None:
        """Answer with ``error`` (``msg_id`` None: the message's id is unknown) and log it."""
        log.warning("%s", error.message)
        self._send_data(
            {"jsonrpc": self.VERSION, "id": msg_id, "error": {"code": error.code, "message": error.message}}
        )

    def _log(self, message: str) -> None:
        log.warning("%s", message)
        self.notify(lsp.WINDOW_LOG_MESSAGE, lsp.LogMessageParams(type=lsp.MessageType.Warning, message=message))

    # ------------------------------------------------------------------ handlers' futures
    def _execute_handler(self, msg_id: Any, handler: Any, callback: Any, args: Any = None, kwargs: Any = None) -> None:
        """pygls's, with the handler's future forgotten once it is done (pygls forgets it only
        when it answers a request, so every notification's stayed for good)."""

        def done(future: Any) -> None:
            if self._request_futures.get(msg_id) is future:
                del self._request_futures[msg_id]
            callback(future)

        super()._execute_handler(msg_id, handler, done, args, kwargs)


def _id_of(data: Any) -> int | str | None:
    """The message's id when it is a valid one (a string or an integer), else None."""
    found = data.get("id") if isinstance(data, dict) else None
    return found if isinstance(found, (str, int)) and not isinstance(found, bool) else None


def _cause(exc: JsonRpcException) -> str:
    """What did not fit, from the converter's error behind ``exc`` (paths such as ``$.params.textDocument``)."""
    cause = exc.__cause__
    if cause is None:
        return exc.message
    try:
        from cattrs import transform_error

        details = [_camel_path(d) for d in transform_error(cause)]
    except Exception:  # not a cattrs validation error
        details = [str(cause)]
    return _short("; ".join(details[:3]) + ("; …" if len(details) > 3 else ""))


def _camel_path(detail: str) -> str:
    """cattrs's ``… @ $.params.text_document.uri`` with the protocol's names (``textDocument``)."""
    what, at, path = detail.rpartition(" @ ")
    return f"{what}{at}{_SNAKE.sub(lambda m: m.group(1).upper(), path)}" if at else detail


def _short(value: object) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= _DETAIL_LIMIT else text[: _DETAIL_LIMIT - 1] + "…"
