"""cfn-lint for the language server, in a worker process of its own.

cfn-lint takes about 0.2 s for a small template and seconds for a large one, all of it
Python holding the interpreter lock: in a thread it would slow the parse and rules of the
next change (and the event loop) as much as it runs. So it runs in one child process
(started on first use with ``spawn``, never ``fork``: the server has threads), which loads
cfn-lint's rules once (:func:`cfnfix.cfn_lint.runner.preload`) and then lints one text at a time.
The child returns cfn-lint's findings exactly as ``cfnfix check --cfn-lint`` makes them
(:func:`cfnfix.cfn_lint.findings.lint_findings`); the server merges them with its own
(:func:`cfnfix.server.analysis.with_lint`). Nothing here imports pygls.
"""

from __future__ import annotations

import asyncio
import importlib.util
import multiprocessing
from multiprocessing.connection import Connection
from typing import Any

from ..config import Settings
from ..errors import ConfigError
from ..findings import Finding

__all__ = ["CfnLintMissing", "LintWorker", "LintWorkerDied", "cfn_lint_installed", "lint_text"]


def cfn_lint_installed() -> bool:
    """True when cfn-lint can be found (without importing it: that takes a second)."""
    return importlib.util.find_spec("cfnlint") is not None


class CfnLintMissing(ConfigError):
    """cfn-lint is not installed where the worker runs."""


def lint_text(text: str, file: str | None, settings: Settings) -> list[Finding]:
    """cfn-lint's findings for ``text`` (in the worker process).

    Raises :class:`CfnLintMissing` when cfn-lint is not installed, :class:`~cfnfix.errors.ConfigError`
    for a region cfn-lint does not know, and
    :class:`~cfnfix.errors.LintRefusalError` when it fails; a text that does not parse
    (the server does not ask for one) has none.
    """
    from ..cfn_lint.findings import lint_findings
    from ..cfn_lint.runner import require, validate_regions
    from ..document import load
    from ..errors import ConfigError, ParseError, TemplateError

    try:
        require("cfn-lint = true")
    except ConfigError as exc:
        raise CfnLintMissing(exc.reason) from None
    validate_regions(tuple(settings.cfn_lint_regions), "cfn-lint = true", option="cfn-lint-regions")
    try:
        document = load(text, file)
    except (ParseError, TemplateError):
        return []
    return lint_findings(document, settings)


def _serve(conn: Connection, regions: tuple[str, ...]) -> None:
    """The worker process: load cfn-lint's rules, then answer ``(text, file, settings)`` requests
    with ``("ok", findings)`` or ``("error", CfnfixError)`` until the server goes away."""
    from ..cfn_lint.runner import preload
    from ..errors import CfnfixError, LintRefusalError

    try:
        preload(regions)
    except Exception:
        pass
    while True:
        try:
            text, file, settings = conn.recv()
        except (EOFError, OSError):
            return  # the server is gone
        try:
            answer: tuple[str, Any] = ("ok", lint_text(text, file, settings))
        except CfnfixError as exc:
            answer = ("error", exc)
        except Exception as exc:
            answer = ("error", LintRefusalError(f"cfn-lint failed: {type(exc).__name__}: {exc}"))
        try:
            conn.send(answer)
        except (OSError, ValueError):
            return


class LintWorkerDied(RuntimeError):
    """The worker process ended while it was linting (it is started again for the next text)."""


class LintWorker:
    """One child process that runs cfn-lint for every document of the server, one text at a time.

    A plain process and a pipe (not a process pool): nothing that needs cleaning up when the
    server ends at once, and the child is killed outright when the server shuts down.
    """

    def __init__(self) -> None:
        self._process: Any = None
        self._conn: Connection | None = None
        self._lock: asyncio.Lock | None = None

    def _start(self, regions: tuple[str, ...]) -> Connection:
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        self._process = context.Process(target=_serve, args=(theirs, regions), name="cfnfix-lint", daemon=True)
        self._process.start()
        theirs.close()
        self._conn = ours
        return ours

    async def lint(self, text: str, file: str | None, settings: Settings) -> list[Finding]:
        """cfn-lint's findings for ``text`` (see :func:`lint_text`; its errors are raised here).

        Raises :class:`LintWorkerDied` when the child ended meanwhile."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:  # one text at a time through the pipe
            conn = self._conn
            if conn is None or self._process is None or not self._process.is_alive():
                conn = self._start(tuple(settings.cfn_lint_regions))
            loop = asyncio.get_running_loop()
            try:
                conn.send((text, file, settings))
                kind, payload = await loop.run_in_executor(None, conn.recv)
            except (EOFError, OSError) as exc:
                self.close()
                raise LintWorkerDied(str(exc) or "the cfn-lint process ended") from None
        if kind == "error":
            raise payload
        return payload

    def close(self) -> None:
        """Stop the child at once (a run in progress is abandoned)."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if process is not None and process.is_alive():
            process.kill()
        if conn is not None:
            conn.close()
