"""A raw LSP client for protocol tests: frames written byte for byte (wrong lengths, bad JSON), every message read back.

:class:`RawServer` runs ``cfnfix server``'s :meth:`start_io` on a thread of this process, over
two pipes (cheap: no new interpreter), or, with ``subprocess=True``, as ``python -m cfnfix
server`` (when the exit code matters). A reader thread splits what the server writes into
messages (its framing is trusted: it is what is tested elsewhere).
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

__all__ = ["RawServer", "frame"]

_LENGTH = re.compile(rb"Content-Length: *(\d+)\r\n", re.IGNORECASE)


def frame(body: bytes | dict[str, Any], length: int | None = None) -> bytes:
    """``body`` (a message, or bytes as they are) with a ``Content-Length`` header (``length``: a wrong one)."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return b"Content-Length: %d\r\n\r\n" % (len(data) if length is None else length) + data


class RawServer:
    """One server, talked to in bytes."""

    def __init__(self, root: Path, *, subprocess_: bool = False) -> None:
        self.root = root
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self.process: subprocess.Popen[bytes] | None = None
        self.thread: threading.Thread | None = None
        self.exit_code: int | None = None
        self._next_id = 0
        if subprocess_:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cfnfix", "server"],
                cwd=root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            assert self.process.stdin is not None and self.process.stdout is not None
            self._stdin: BinaryIO = self.process.stdin
            out: BinaryIO = self.process.stdout
        else:
            from cfnfix.server.server import create_server

            in_r, in_w = os.pipe()
            out_r, out_w = os.pipe()
            self._stdin = os.fdopen(in_w, "wb", buffering=0)
            out = os.fdopen(out_r, "rb", buffering=0)
            server = create_server()
            self.server = server
            server_in, server_out = os.fdopen(in_r, "rb"), os.fdopen(out_w, "wb")

            def serve() -> None:
                try:
                    self.exit_code = server.start_io(server_in, server_out)
                finally:
                    for f in (server_in, server_out):
                        if not f.closed:
                            f.close()

            self.thread = threading.Thread(target=serve, daemon=True)
            self.thread.start()
        self._reader = threading.Thread(target=self._read, args=(out,), daemon=True)
        self._reader.start()

    # ------------------------------------------------------------------ writing
    def write(self, data: bytes) -> None:
        """Bytes as they are."""
        self._stdin.write(data)
        self._stdin.flush()

    def send(self, message: dict[str, Any], length: int | None = None) -> None:
        """One message (``jsonrpc`` added), framed (``length``: a wrong Content-Length)."""
        self.write(frame({"jsonrpc": "2.0", **message}, length))

    def request(self, method: str, params: Any = None, **extra: Any) -> int:
        """Send a request; returns its id."""
        self._next_id += 1
        self.send({"id": self._next_id, "method": method, "params": params, **extra})
        return self._next_id

    def notify(self, method: str, params: Any = None) -> None:
        """Send a notification."""
        self.send({"method": method, "params": params})

    def initialize(self, options: Any = None) -> dict[str, Any]:
        """``initialize`` and ``initialized``; returns the response."""
        rid = self.request(
            "initialize",
            {"processId": None, "rootUri": self.root.as_uri(), "capabilities": {}, "initializationOptions": options},
        )
        answer = self.response(rid)
        self.notify("initialized", {})
        return answer

    def close_input(self) -> None:
        """End of input (the client went away)."""
        self._stdin.close()

    # ------------------------------------------------------------------ reading
    def _read(self, out: BinaryIO) -> None:
        buffer = b""
        while True:
            chunk = os.read(out.fileno(), 65536)
            if not chunk:
                out.close()
                self.messages.put(None)
                return
            buffer += chunk
            while (end := buffer.find(b"\r\n\r\n")) >= 0:
                match = _LENGTH.search(buffer[: end + 2])
                assert match is not None, buffer[:200]
                size = int(match.group(1))
                if len(buffer) < end + 4 + size:
                    break
                self.messages.put(json.loads(buffer[end + 4 : end + 4 + size]))
                buffer = buffer[end + 4 + size :]

    def wait_for(self, test: Callable[[dict[str, Any]], bool], timeout: float = 30.0) -> dict[str, Any]:
        """The first message (already seen or to come) for which ``test`` is true."""
        for message in self.seen:
            if test(message):
                return message
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = self.messages.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError("the server did not answer in time") from None
            if message is None:
                raise EOFError("the server closed its output")
            self.seen.append(message)
            if test(message):
                return message

    def response(self, rid: int | str | None, timeout: float = 30.0) -> dict[str, Any]:
        """The response to request ``rid`` (``None``: a response with a null id)."""
        return self.wait_for(lambda m: "method" not in m and "id" in m and m["id"] == rid, timeout)

    def logged(self, text: str, timeout: float = 30.0) -> dict[str, Any]:
        """The first ``window/logMessage`` whose message contains ``text``."""
        return self.wait_for(
            lambda m: m.get("method") == "window/logMessage" and text in m["params"]["message"], timeout
        )

    def popups(self) -> list[str]:
        """Every ``window/showMessage`` seen so far."""
        return [m["params"]["message"] for m in self.seen if m.get("method") == "window/showMessage"]

    def wait_exit(self, timeout: float = 30.0) -> int | None:
        """The exit code, once the server has stopped."""
        if self.process is not None:
            return self.process.wait(timeout)
        assert self.thread is not None
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the server did not stop"
        return self.exit_code

    def stop(self) -> None:
        """Stop the server whatever state it is in (shutdown and exit when it still listens)."""
        if not self._stdin.closed:
            try:
                self.request("shutdown")
                self.notify("exit")
            except OSError:
                pass  # the server is gone already
            try:
                self._stdin.close()
            except OSError:
                pass
        if self.process is not None:
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        elif self.thread is not None:
            self.thread.join(10)
        self._reader.join(10)
