"""Language server speed and memory: ``python benchmarks/server_bench.py [--runs 10] [--edits 200]``.

Starts ``cfnfix server`` in a subprocess and drives it with a real LSP client (pytest-lsp's,
with VS Code's capabilities) over the generated 1 MB template (``benchmarks/generate_large.py``,
500 resources, as ``benchmarks/bench.py`` uses it), in two forms: as generated (no finding)
and with 10 resources given invalid logical IDs (``bench.with_renames``: 10 CFX101 findings,
each fixed by a rename of the key and its references). It prints:

* diagnostics after a one-character change: wall time from sending ``didChange`` to
  receiving ``publishDiagnostics`` for that version, ``--runs`` times, each after the server
  has been idle. The debounce is included, not set to 0: the server waits
  ``DEBOUNCE_SECONDS`` (50 ms, printed with the figure) for another keystroke before it
  starts, so the work itself took the figure minus that. The server's CPU time for the
  change is printed too (less sensitive to other load on the machine than wall time). The
  change replaces a digit (the text keeps its length); a second figure types one (an
  insertion: every offset after it moves);
* code actions for one finding: ``textDocument/codeAction`` on a finding's range, plus
  ``codeAction/resolve`` when the action comes without its edit, (a) for the finding nearest
  the last edit after the server has been idle (its fix is computed ahead), (b) for the first
  finding right after a change, the request alone (the edit left to resolve) and (c) with
  the resolve (the fix computed then);
* with ``--json``, the first figures for the same template as JSON (1.4 MB);
* memory: the server's resident set size (``/proc/PID/status``, Linux) after each block of
  edits over ``--edits`` one-character edits of the 1 MB document, each waited for.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lsprotocol import types as lsp

from benchmarks.bench import with_renames
from benchmarks.generate_large import generate_json, generate_yaml
from cfnfix.server.server import DEBOUNCE_SECONDS, PREPARE_BUDGET_SECONDS, PREPARE_SECONDS
from devtools.lsp_session import Session, session

#: The character that changes: the last digit of a lifecycle rule's expiration (365 days).
#: Edit i changes occurrence i mod n to a digit that occurrence has not had in this round,
#: so every version is a new text (no parse is ever answered from the parse cache).
ANCHOR = "ExpirationInDays: 36"
#: The same place in the JSON form of the template (``--json``).
JSON_ANCHOR = '"ExpirationInDays": 36'


def _anchor(text: str) -> str:
    return JSON_ANCHOR if text.lstrip().startswith("{") else ANCHOR


class Edits:
    """One-character edits of a document, each giving a text not seen before."""

    def __init__(self, text: str) -> None:
        self.sites = []
        anchor = _anchor(text)
        at = text.find(anchor)
        while at != -1:
            self.sites.append(at + len(anchor))
            at = text.find(anchor, at + 1)
        self.count = 0
        self.last = 0

    def next(self) -> tuple[int, str]:
        """(offset, new digit) of the next edit."""
        i = self.count
        self.count += 1
        self.last = self.sites[i % len(self.sites)]
        return self.last, str((i // len(self.sites) + 6) % 10)


def _rss(pid: int) -> int:
    """Resident set size of process ``pid`` in bytes (Linux)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) process ``pid`` has used (Linux)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _summary(times: list[float]) -> str:
    return f"min {_ms(min(times))}, median {_ms(statistics.median(times))}, max {_ms(max(times))} (n={len(times)})"


async def _edit(s: Session, uri: str, edits: Edits) -> float:
    """One one-character change; seconds until its diagnostics arrive."""
    at, digit = edits.next()
    start = time.perf_counter()
    version = s.change(uri, at, at + 1, digit)
    await s.until(lambda: s.latest(uri, version), timeout=120)
    return time.perf_counter() - start


async def _insert(s: Session, uri: str, n: int) -> float:
    """Type one character (an insertion: the text grows, later offsets move); seconds until its diagnostics arrive."""
    text = s.texts[uri]
    anchor = _anchor(text)
    at = -1
    for _ in range(n + 1):
        at = text.find(anchor, at + 1)
    at += len(anchor)
    start = time.perf_counter()
    version = s.change(uri, at, at, "1")
    await s.until(lambda: s.latest(uri, version), timeout=120)
    return time.perf_counter() - start


def _nearest(s: Session, uri: str, edits: Edits) -> lsp.Diagnostic:
    """The finding nearest the last edit (where the user's cursor is)."""
    line = s.texts[uri].count("\n", 0, edits.last)
    return min(s.latest(uri).diagnostics, key=lambda d: abs(d.range.start.line - line))  # type: ignore[union-attr]


async def _code_action(s: Session, uri: str, diagnostic: lsp.Diagnostic, *, resolve: bool = True) -> tuple[float, bool]:
    """Seconds until the first finding's quick fix has its edit; whether a resolve was needed."""
    start = time.perf_counter()
    result = await s.client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=lsp.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    action = next(a for a in result or [] if isinstance(a, lsp.CodeAction) and a.kind == "quickfix")
    resolved = action.edit is None
    if not resolve:
        return time.perf_counter() - start, resolved
    if resolved:
        action = await s.client.code_action_resolve_async(action)
    assert action.edit is not None, action
    return time.perf_counter() - start, resolved


async def measure(path: Path, runs: int, *, actions: bool) -> list[str]:
    """The change and code-action figures for one template."""
    out: list[str] = []
    async with session(path.parent) as s:
        uri = s.open(path)
        first = await s.diagnostics(uri)
        edits = Edits(s.texts[uri])
        pid = s.client._server.pid  # type: ignore[union-attr]
        changes: list[float] = []
        cpu: list[float] = []
        for _ in range(runs):
            await asyncio.sleep(PREPARE_SECONDS + 3.0)  # idle: nothing computed ahead is still running
            before = _cpu(pid)
            changes.append(await _edit(s, uri, edits))
            cpu.append(_cpu(pid) - before)
        findings = [d for d in s.latest(uri).diagnostics if d.source == "cfnfix"]  # type: ignore[union-attr]
        out.append(
            f"  diagnostics after a one-character change ({len(findings)} findings), wall: {_summary(changes)}; debounce {_ms(DEBOUNCE_SECONDS)} included"
        )
        out.append(f"  server CPU time for that change (10 ms clock ticks): {_summary(cpu)}")
        typed: list[float] = []
        cpu = []
        for i in range(runs):
            await asyncio.sleep(PREPARE_SECONDS + 3.0)
            before = _cpu(pid)
            typed.append(await _insert(s, uri, (i * 37) % len(edits.sites)))
            cpu.append(_cpu(pid) - before)
        out.append(
            f"  diagnostics after typing one character (an insertion), wall: {_summary(typed)}; debounce {_ms(DEBOUNCE_SECONDS)} included"
        )
        out.append(f"  server CPU time for that change (10 ms clock ticks): {_summary(cpu)}")
        edits = Edits(s.texts[uri])  # the insertions moved the sites
        if actions and first:
            ready: list[float] = []
            cold: list[float] = []
            request: list[float] = []
            for _ in range(runs):
                await _edit(s, uri, edits)
                diagnostic = s.latest(uri).diagnostics[0]  # type: ignore[union-attr]
                took, _ = await _code_action(s, uri, diagnostic, resolve=False)
                request.append(took)
                await _edit(s, uri, edits)
                diagnostic = s.latest(uri).diagnostics[0]  # type: ignore[union-attr]
                took, _ = await _code_action(s, uri, diagnostic)
                cold.append(took)
                await _edit(s, uri, edits)
                diagnostic = _nearest(s, uri, edits)
                await asyncio.sleep(
                    PREPARE_SECONDS + PREPARE_BUDGET_SECONDS + 2.0
                )  # idle: the fixes near the edit are computed ahead
                took, resolved = await _code_action(s, uri, diagnostic)
                assert not resolved
                ready.append(took)
            out.append(f"  code action for one finding, server idle (fix computed ahead): {_summary(ready)}")
            out.append(
                f"  code action for one finding, right after a change, request only (the edit left to codeAction/resolve): {_summary(request)}"
            )
            out.append(
                f"  code action for one finding, right after a change, request + resolve (the fix computed then): {_summary(cold)}"
            )
    return out


async def memory(path: Path, count: int) -> list[str]:
    """Server RSS over ``count`` one-character edits of one document."""
    async with session(path.parent) as s:
        pid = s.client._server.pid  # type: ignore[union-attr]
        uri = s.open(path)
        await s.diagnostics(uri)
        edits = Edits(s.texts[uri])
        samples = [(0, _rss(pid))]
        block = max(1, count // 10)
        for i in range(1, count + 1):
            await _edit(s, uri, edits)
            if i % block == 0:
                samples.append((i, _rss(pid)))
    mb = [f"{n}: {rss / 2**20:.1f}" for n, rss in samples]
    after_first = samples[1][1]
    peak_later = max(rss for _, rss in samples[1:])
    return [
        f"  server RSS (MB) after N edits: {', '.join(mb)}",
        f"  growth from edit {samples[1][0]} to {count}: {(samples[-1][1] - after_first) / 2**20:+.1f} MB (peak {peak_later / 2**20:.1f} MB)",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="measurements per figure (default 10)")
    parser.add_argument("--edits", type=int, default=200, help="edits for the memory figure (default 200; 0: skip)")
    parser.add_argument("--json", action="store_true", help="also the same template as JSON (1.4 MB, no finding)")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"cfnfix server benchmark; Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.system()} {platform.machine()}; "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; load average {load:.1f} (1 min)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clean = folder / "large.yaml"
        text = generate_yaml(500)
        clean.write_text(text, encoding="utf-8")
        renamed = folder / "large-renames.yaml"
        renamed.write_text(with_renames(text), encoding="utf-8")
        size = len(text.encode("utf-8")) / 2**20
        print(f"1 MB template as generated ({size:.2f} MB):")
        print("\n".join(asyncio.run(measure(clean, args.runs, actions=False))))
        print(f"1 MB template with 10 invalid logical IDs ({len(renamed.read_bytes()) / 2**20:.2f} MB):")
        print("\n".join(asyncio.run(measure(renamed, args.runs, actions=True))))
        if args.json:
            as_json = folder / "large.json"
            as_json.write_text(generate_json(500), encoding="utf-8")
            print(f"the same template as JSON ({len(as_json.read_bytes()) / 2**20:.2f} MB):")
            print("\n".join(asyncio.run(measure(as_json, args.runs, actions=False))))
        if args.edits:
            print(f"memory over {args.edits} edits of the 1 MB template with 10 invalid logical IDs:")
            print("\n".join(asyncio.run(memory(renamed, args.edits))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
