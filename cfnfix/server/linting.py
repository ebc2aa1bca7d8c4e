"""cfn-lint for the language server, in a worker process of its own.

cfn-lint takes about 0.2 s for a small template and seconds for a large one, all of it
Python holding the interpreter lock: in a thread it would slow the parse and rules of the
next change (and the event loop) as much as it runs. So it runs in one child process
(started on first use with ``spawn``, never ``fork``: the server has threads), which loads
cfn-lint's rules once (:func:`cfnfix.lint.preload`) and then lints one text at a time.
The child returns cfn-lint's findings exactly as ``cfnfix check --cfn-lint`` makes them
(:func:`cfnfix.lint_findings.lint_findings`); the server merges them with its own
(:func:`cfnfix.server.analysis.with_lint`). Nothing here imports pygls.
"""

from __future__ import annotations

import asyncio
import importlib.util
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ..config import Settings
from ..findings import Finding

__all__ = ["LintWorker", "cfn_lint_installed", "lint_text"]


def cfn_lint_installed() -> bool:
    """True when cfn-lint can be found (without importing it: that takes a second)."""
    return importlib.util.find_spec("cfnlint") is not None


def lint_text(text: str, file: str | None, settings: Settings) -> list[Finding]:
    """cfn-lint's findings for ``text`` (in the worker process).

    Raises :class:`~cfnfix.errors.ConfigError` when cfn-lint is not installed and
    :class:`~cfnfix.errors.LintRefusalError` when it fails; a text that does not parse
    (the server does not ask for one) has none.
    """
    from ..document import load
    from ..errors import ParseError, TemplateError
    from ..lint import require
    from ..lint_findings import lint_findings

    require("cfn-lint = true")
    try:
        document = load(text, file)
    except (ParseError, TemplateError):
        return []
    return lint_findings(document, settings)


def _start(regions: tuple[str, ...]) -> None:
    """Worker start-up: load cfn-lint's rules before the first template arrives."""
    from ..lint import preload

    try:
        preload(regions)
    except Exception:  # noqa: BLE001 - not installed or broken: lint_text says so, with the reason
        pass


class LintWorker:
    """One child process that runs cfn-lint for every document of the server, one text at a time."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    async def lint(self, text: str, file: str | None, settings: Settings) -> list[Finding]:
        """cfn-lint's findings for ``text`` (see :func:`lint_text`); the child is restarted if it died."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start,
                initargs=(tuple(settings.cfn_lint_regions),),
            )
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool, lint_text, text, file, settings)
        except BrokenProcessPool:
            self._pool = None
            raise

    def close(self) -> None:
        """Stop the child at once (a run in progress is abandoned)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        children = multiprocessing.active_children()
        pool.shutdown(wait=False, cancel_futures=True)
        for child in children:
            child.kill()
