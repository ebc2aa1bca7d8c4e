"""LSP's base protocol over a byte stream: messages framed by ``Content-Length`` headers, and resynchronised after a bad frame.

pygls reads a header line, then exactly ``Content-Length`` bytes: after one frame whose
length is wrong, every later header is glued to the end of a body and never recognised
again, so the server stays alive but deaf. :class:`Framer` instead finds the next
``Content-Length`` header wherever it is:

* a declared length that is too long is noticed as soon as the next message's header shows
  up inside the body being read (that header cannot occur in valid JSON: a raw CR LF is not
  allowed inside a JSON string, and ``Content-Length:`` is no JSON token), not when the
  missing bytes would have arrived;
* after a body that does not parse (too short a length, or bad JSON), its consumer calls
  :meth:`Framer.resync`: the bytes up to the next header are the rest of that frame, dropped
  without a second error;
* bytes between messages that are no header, and a length over :data:`MAX_BODY`, are one
  :class:`Malformed` each.

:func:`serve` reads standard input on a daemon thread (so a blocked read never holds up the
process's exit) and hands each body to the protocol on the event loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

__all__ = ["MAX_BODY", "Framer", "Malformed", "serve"]

#: The largest body read (a template is at most 16 MB; its text, JSON-escaped, fits).
MAX_BODY = 128 * 1024 * 1024
#: Header bytes kept while looking for the end of a header (or for a header at all).
_HEADER_LIMIT = 64 * 1024
_CONTENT_LENGTH = re.compile(rb"Content-Length:[ \t]*(\d{1,12})[ \t]*\r\n", re.IGNORECASE)
_HEADER_LINES = re.compile(rb"(?:[A-Za-z][A-Za-z0-9-]*:[^\r\n]*\r\n)*")
_HEADER_LINE = re.compile(rb"[A-Za-z][A-Za-z0-9-]*:[^\r\n]*")
_READ_SIZE = 65536


@dataclass(frozen=True)
class Malformed:
    """Bytes that are no message: what was wrong (answered with a JSON-RPC ``ParseError``)."""

    reason: str


class Framer:
    """Splits the bytes :meth:`feed` gives it into message bodies (see the module docstring)."""

    def __init__(self, max_body: int = MAX_BODY) -> None:
        self.max_body = max_body
        self._buffer = bytearray()
        self._length: int | None = None
        """The body being read (its header consumed), or None between messages."""
        self._scanned = 0
        """Bytes of the pending body already searched for a header."""
        self._lost = False
        """After a bad frame: what comes before the next header is its rest (dropped quietly)."""

    def feed(self, data: bytes) -> None:
        """Bytes as read."""
        self._buffer += data

    def resync(self) -> None:
        """The last body did not parse: drop what follows it up to the next header, without another error."""
        self._lost = True

    def frames(self) -> Iterator[bytes | Malformed]:
        """Every complete body (or :class:`Malformed`) the bytes fed so far hold, in order."""
        while True:
            item = self._body() if self._length is not None else self._header()
            if item is None:
                return
            if isinstance(item, (bytes, Malformed)):
                yield item

    # A step returns None (more bytes needed), True (state changed: go on) or what to yield.
    def _header(self) -> bytes | Malformed | bool | None:
        buffer = self._buffer
        if self._lost:  # the next header, wherever it is
            match = _CONTENT_LENGTH.search(buffer)
            if match is None:
                if len(buffer) > _HEADER_LIMIT:
                    del buffer[: len(buffer) - 64]  # keep what may be the start of a header
                return None
        else:  # header lines from here (Content-Type may come before Content-Length)
            start = 0
            while True:
                end = buffer.find(b"\r\n", start)
                if end < 0:
                    return self._garbage("an LSP header that does not end") if len(buffer) > _HEADER_LIMIT else None
                if end == start == 0:
                    del buffer[:2]  # a blank line between messages
                    continue
                match = _CONTENT_LENGTH.match(buffer, start)
                if match is not None:
                    break
                if not _HEADER_LINE.fullmatch(buffer, start, end):
                    return self._garbage("bytes that are no LSP header")
                start = end + 2
        position = match.end()
        while True:  # the other header lines, up to the empty line
            end = buffer.find(b"\r\n", position)
            if end < 0:
                if len(buffer) - match.start() > _HEADER_LIMIT:
                    del buffer[: match.end()]
                    return self._garbage("an LSP header that does not end")
                return None
            if end == position:
                break
            if not _HEADER_LINE.fullmatch(buffer, position, end):
                del buffer[: match.end()]
                return self._garbage("an LSP header line that is not 'Name: value'")
            position = end + 2
        length = int(match.group(1))  # read before the buffer changes under the match
        del buffer[: end + 2]
        self._lost = False
        if length > self.max_body:
            self._lost = True  # the body that follows is dropped up to the next header
            return Malformed(f"a message of {length:,} bytes (at most {self.max_body:,} are read)")
        self._length, self._scanned = length, 0
        return True

    def _body(self) -> bytes | Malformed | None:
        assert self._length is not None
        buffer, length = self._buffer, self._length
        # a header inside the body: the declared length was too long (the next message started)
        cut = _CONTENT_LENGTH.search(buffer, max(0, self._scanned - 32), min(len(buffer), length + 32))
        if cut is not None and cut.start() < length:
            del buffer[: cut.start()]
            self._length = None
            return Malformed("a message shorter than its Content-Length (the next message's header is inside it)")
        if len(buffer) < length:
            self._scanned = len(buffer)
            return None
        body = bytes(buffer[:length])
        del buffer[:length]
        self._length = None
        return body

    def _garbage(self, what: str) -> Malformed | bool:
        if self._lost:
            return True  # the rest of a frame already reported
        self._lost = True
        return Malformed(what)


async def serve(
    stream: BinaryIO,
    receive: Callable[[bytes], bool],
    malformed: Callable[[str], None],
    stop: threading.Event,
) -> None:
    """Read ``stream`` until its end or ``stop``: each body to ``receive`` (False: it did not
    parse, resynchronise), each bad frame to ``malformed``."""
    loop = asyncio.get_running_loop()
    chunks: asyncio.Queue[bytes] = asyncio.Queue(maxsize=16)
    threading.Thread(target=_pump, args=(stream, loop, chunks), name="cfnfix-stdin", daemon=True).start()
    framer = Framer()
    while not stop.is_set():
        data = await chunks.get()
        if not data:
            return
        framer.feed(data)
        for item in framer.frames():
            if isinstance(item, Malformed):
                malformed(item.reason)
            elif not receive(item):
                framer.resync()
            if stop.is_set():
                return


def _pump(stream: BinaryIO, loop: asyncio.AbstractEventLoop, chunks: asyncio.Queue[bytes]) -> None:
    """Read ``stream`` (what is there, up to 64 KiB at a time) into ``chunks``; b"" at its end.
    Waits while the event loop is behind (the queue is bounded), stops when the loop is gone."""
    read = getattr(stream, "read1", stream.read)
    while True:
        try:
            data = read(_READ_SIZE)
        except (OSError, ValueError):
            data = b""
        step = chunks.put(data)
        try:
            put = asyncio.run_coroutine_threadsafe(step, loop)
        except RuntimeError:
            step.close()
            return  # the loop is closed
        while True:
            try:
                put.result(timeout=1.0)
                break
            except concurrent.futures.TimeoutError:
                if loop.is_closed():
                    return
            except concurrent.futures.CancelledError:
                return  # the loop is closing
        if not data:
            return
