"""``cfnfix server`` at the protocol level: what a client sends wrong is answered, never left unanswered.

Bytes are written as they are (:mod:`devtools.lsp_raw`): bad JSON, wrong ``Content-Length``
headers, params of the wrong shape, a second ``initialize``, ``exit`` without ``shutdown``.
Most tests run the server on a thread of this process (no new interpreter); those about the
exit code start ``python -m cfnfix server``.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cfnfix.server.transport import Framer, Malformed
from devtools.lsp_raw import RawServer, frame

PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS, NOT_INITIALIZED = -32700, -32600, -32602, -32002


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RawServer]:
    s = RawServer(tmp_path)
    try:
        yield s
    finally:
        s.stop()


def _alive(s: RawServer) -> None:
    """The server still answers a request (a fresh one, so it cannot be an earlier answer)."""
    rid = s.request("textDocument/codeAction", _code_action_params("file:///nowhere.yaml"))
    assert s.response(rid)["result"] == []


def _code_action_params(uri: str) -> dict:
    zero = {"line": 0, "character": 0}
    return {"textDocument": {"uri": uri}, "range": {"start": zero, "end": zero}, "context": {"diagnostics": []}}


def test_invalid_params_get_an_invalid_params_error(server: RawServer) -> None:
    server.initialize()
    rid = server.request("textDocument/codeAction", {"textDocument": 5})
    error = server.response(rid)["error"]
    assert error["code"] == INVALID_PARAMS
    assert "$.params.textDocument.uri" in error["message"]
    # a notification cannot be answered: it is logged, not shown, and the server goes on
    server.notify("textDocument/didChange", {"textDocument": []})
    server.logged("textDocument/didChange")
    _alive(server)
    assert server.popups() == []


def test_invalid_json_gets_a_parse_error_response_not_a_popup(server: RawServer) -> None:
    server.initialize()
    server.write(frame(b'{"jsonrpc": "2.0", "id": 7, "method": '))
    assert server.response(None)["error"]["code"] == PARSE_ERROR
    server.write(frame(b"[1, 2]"))  # JSON, but not a message
    server.wait_for(lambda m: m.get("id", 0) is None and m["error"]["code"] == INVALID_REQUEST)
    _alive(server)
    assert server.popups() == []


@pytest.mark.parametrize("wrong", [-9, +25, +100_000], ids=["too-short", "too-long", "far-too-long"])
def test_a_wrong_content_length_costs_one_message_not_the_connection(server: RawServer, wrong: int) -> None:
    server.initialize()
    body = b'{"jsonrpc": "2.0", "id": 99, "method": "shutdown"}'
    server.write(frame(body, len(body) + wrong))
    # the request right after the bad frame is answered (a too-long body is cut at its header)
    _alive(server)
    assert server.response(None)["error"]["code"] == PARSE_ERROR
    assert not any(m.get("id") == 99 for m in server.seen)  # the bad frame was not run
    assert server.popups() == []


def test_garbage_between_messages_is_one_parse_error(server: RawServer) -> None:
    server.initialize()
    server.write(b"hello\r\n\r\n")
    assert server.response(None)["error"]["code"] == PARSE_ERROR
    _alive(server)


def test_a_second_initialize_is_an_error(server: RawServer) -> None:
    assert "capabilities" in server.initialize()["result"]
    rid = server.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    assert server.response(rid)["error"]["code"] == INVALID_REQUEST
    _alive(server)


def test_a_request_before_initialize_is_not_initialized(server: RawServer) -> None:
    rid = server.request("textDocument/codeAction", _code_action_params("file:///nowhere.yaml"))
    assert server.response(rid)["error"]["code"] == NOT_INITIALIZED
    server.initialize()
    _alive(server)


def test_an_unknown_settings_key_is_ignored_with_a_message_the_rest_applied(server: RawServer) -> None:
    server.initialize({"selekt": ["CFX1"], "ignore": ["CFX201"], "unsafeFixes": "yes"})
    server.logged("selekt: unknown key")
    server.logged("unsafe-fixes")
    assert server.server.store.client.ignore == ["CFX201"]
    server.notify("workspace/didChangeConfiguration", {"settings": {"cfnfix": {"select": ["CFX2"], "bogus": 1}}})
    server.logged("bogus: unknown key")
    _alive(server)
    assert server.server.store.client.select == ["CFX2"]
    assert server.server.store.client.ignore is None  # the new settings replace the old ones
    assert any("selekt" in popup for popup in server.popups())  # a typo the user is shown (once)


def test_did_change_memory_is_bounded(server: RawServer) -> None:
    """pygls keeps a future per handled notification; the server must not (2 KB each, for ever)."""
    server.initialize()
    server.server.debounce = 3600.0  # no analysis runs: what is measured is the notification itself
    uri = "file:///memory.yaml"
    server.notify(
        "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": "a"}}
    )

    def changes(first: int, count: int) -> None:
        for version in range(first, first + count):
            server.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [
                        {
                            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}},
                            "text": "b",
                        }
                    ],
                },
            )
        _alive(server)  # every change before it is handled

    changes(2, 200)  # warm up (caches, interned strings)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        changes(202, 1000)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 1000 * 200, f"{grown} bytes kept after 1,000 changes"


def _exit_code(root: Path, *, shutdown: bool) -> int | None:
    s = RawServer(root, subprocess_=True)
    try:
        s.initialize()
        if shutdown:
            assert s.response(s.request("shutdown"))["result"] is None
        s.notify("exit")
        return s.wait_exit()
    finally:
        s.stop()


def test_exit_without_shutdown_exits_1(tmp_path: Path) -> None:
    assert _exit_code(tmp_path, shutdown=False) == 1


def test_exit_after_shutdown_exits_0(tmp_path: Path) -> None:
    assert _exit_code(tmp_path, shutdown=True) == 0


# ---------------------------------------------------------------------- the framer alone
def _frames(framer: Framer, data: bytes) -> list[bytes | Malformed]:
    framer.feed(data)
    return list(framer.frames())


@settings(max_examples=100)
@given(
    bodies=st.lists(st.binary(max_size=40).map(lambda b: b'{"x": "' + b.hex().encode() + b'"}'), max_size=5),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=8),
    content_type=st.booleans(),
)
def test_framer_splits_any_chunking_into_the_same_bodies(
    bodies: list[bytes], cuts: list[int], content_type: bool
) -> None:
    header = b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" if content_type else b""
    stream = b"".join(header + frame(body) for body in bodies)
    framer, found = Framer(), []
    points = sorted({min(c, len(stream)) for c in cuts} | {0, len(stream)})
    for start, end in zip(points, points[1:]):
        found += _frames(framer, stream[start:end])
    assert found == bodies


def test_framer_recovers_from_wrong_lengths_and_refuses_huge_ones() -> None:
    good = frame(b'{"a": 1}')
    framer = Framer(max_body=1000)
    # too long: cut at the next header as soon as it shows, before the missing bytes come
    assert _frames(framer, frame(b'{"b": 2}', 50)) == []
    found = _frames(framer, good)
    assert isinstance(found[0], Malformed) and found[1:] == [b'{"a": 1}']
    # too short: the body does not parse; after resync its rest goes quietly
    assert _frames(framer, frame(b'{"c": 3}', 4)) == [b'{"c"']
    framer.resync()
    assert _frames(framer, good) == [b'{"a": 1}']
    # over the limit: one Malformed, the body that follows is dropped up to the next header
    found = _frames(framer, b"Content-Length: 5000\r\n\r\n" + b"x" * 3000 + good)
    assert isinstance(found[0], Malformed) and "5,000 bytes" in found[0].reason and found[1:] == [b'{"a": 1}']
    # garbage between messages: one Malformed
    found = _frames(framer, b"junk\r\n\r\n" + good)
    assert isinstance(found[0], Malformed) and found[1:] == [b'{"a": 1}']
