"""``cfnfix server``: the language server (pygls), its documents and its handlers.

Threads: the event loop (pygls) reads and answers messages; all of cfnfix's work (parse,
rules, patch engine) runs on one worker thread, :attr:`CfnfixServer.engine`, one job at a
time (the parse cache is shared and not meant for concurrent use); cfn-lint runs in a
process of its own (:mod:`.linting`). A change is analysed after :data:`DEBOUNCE_SECONDS`
of quiet, once the document's previous analysis (if one runs) has ended; a newer change
makes the result of an older analysis obsolete (it is dropped, never published). An
analysis re-parses only the edited entry when it can (:mod:`.reparse`) and builds the
positions and diagnostics too, so the event loop only publishes them. With cfn-lint on,
its findings are merged in and published again for the same version. After diagnostics
are published and the document stays unchanged for :data:`PREPARE_SECONDS`, the quick
fixes (and their impact) of its findings nearest the last edit are computed ahead (within
:data:`PREPARE_BUDGET_SECONDS`), so that a code action request finds them ready.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, BinaryIO

from lsprotocol import types as lsp
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..config import Settings
from ..errors import CfnfixError, ConfigError, PatchError
from ..findings import Applicability, Finding
from .analysis import Analysis, analyse, carry_over, impacted, with_impacts, with_lint
from .collector import COLLECTOR
from .convert import LINT_SOURCE, SOURCE, diagnostics, text_edits, workspace_edit
from .documents import LspTextDocument, use_lsp_lines
from .fixes import FixEdits, fix_all, quick_fix
from .linting import CfnLintMissing, LintWorker, LintWorkerDied, cfn_lint_installed
from .positions import PositionMap, encoding_name
from .protocol import CfnfixProtocol
from .settings import SettingsStore, read_client_settings
from .transport import serve

__all__ = ["DEBOUNCE_SECONDS", "FIX_ALL_KIND", "UNSAFE_KIND", "CfnfixServer", "create_server"]

log = logging.getLogger(__name__)

#: Quiet time after a change before the document is analysed again.
DEBOUNCE_SECONDS = 0.05
#: Quiet time after diagnostics before the quick fixes are computed ahead.
PREPARE_SECONDS = 0.3
#: At most this many quick fixes are computed ahead per document version.
PREPARE_LIMIT = 20
#: … and no more once this much time went into them (a 1 MB template's fix takes about 0.3 s).
PREPARE_BUDGET_SECONDS = 1.0
#: Quiet time after which the cyclic garbage collector runs (see :mod:`.collector`).
COLLECT_IDLE_SECONDS = 2.0
#: Code action kind of "apply every safe fix" (what editors run on save).
FIX_ALL_KIND = "source.fixAll.cfnfix"
#: Code action kind of a fix marked unsafe (a sub-kind of quickfix, so editors list it).
UNSAFE_KIND = "quickfix.unsafe"
_CONFIG_NAMES = (".cfnfix.toml", "pyproject.toml")


@dataclass
class DocState:
    """What the server holds for one open document."""

    uri: str
    path: str | None
    generation: int = 0
    """Bumped by every change: an analysis of an older generation is obsolete."""
    analysis: Analysis | None = None
    """The published analysis (of the text of ``version``)."""
    version: int | None = None
    good: Analysis | None = None
    """The last analysis that parsed (its findings are kept while the text does not parse)."""
    pending: asyncio.Task[None] | None = None
    preparing: asyncio.Task[None] | None = None
    running: asyncio.Future[Any] | None = None
    """The analysis job on the engine thread (at most one per document)."""
    fixes: dict[int, FixEdits | str] = field(default_factory=dict)
    """Quick fixes of the published analysis, by ``id`` of the finding (a string: why it failed)."""
    positions: PositionMap | None = None
    """Offsets ⇄ LSP positions of the published analysis's text."""
    edited_line: int = 0
    """0-based line of the last change (fixes near it are computed ahead first)."""
    linting: bool = False
    """A cfn-lint run for this document is in flight (at most one)."""
    lint_again: bool = False
    """A newer analysis was published while cfn-lint ran: lint again when it is done."""


class CfnfixServer(LanguageServer):
    """The cfnfix language server."""

    protocol: CfnfixProtocol

    def __init__(self) -> None:
        super().__init__(
            "cfnfix",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            protocol_cls=CfnfixProtocol,
        )
        self.engine = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cfnfix-engine")
        self.store = SettingsStore()
        self.docs: dict[str, DocState] = {}
        self.debounce = DEBOUNCE_SECONDS
        self.linter = LintWorker()
        self.lint_missing = False
        """True once cfn-lint turned out not to be installed (the user was told once)."""
        self._shown: set[str] = set()
        self._lint_tasks: set[asyncio.Task[None]] = set()
        self._collecting: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ transport
    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> int:
        """Serve LSP over ``stdin``/``stdout`` (default: the process's) until ``exit`` or the end of
        the input; returns the exit code (``exit`` without ``shutdown``: 1). Messages are framed
        by :mod:`.transport` (which survives a wrong ``Content-Length``), not by pygls's reader."""
        self._stop_event = stop = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        try:
            asyncio.run(serve(stdin or sys.stdin.buffer, self.protocol.receive, self.protocol.malformed, stop))
        except BrokenPipeError:
            log.error("the connection to the client is lost: stopping")
        finally:
            self.close()
        code = self.protocol.exit_code
        return 0 if code is None else code

    def stop(self) -> None:
        """Stop reading messages (after ``exit``): :meth:`start_io` returns."""
        if self._stop_event is not None:
            self._stop_event.set()

    def close(self) -> None:
        """Stop the cfn-lint process, the engine thread (a job in progress is abandoned) and pygls's threads."""
        self.linter.close()
        self.engine.shutdown(wait=False, cancel_futures=True)
        self.shutdown()

    # ------------------------------------------------------------------ helpers
    def encoding(self) -> str:
        """The negotiated position encoding (``utf-16`` unless the client offered another)."""
        return encoding_name(self.workspace.position_encoding)

    def warn_once(self, message: str, kind: lsp.MessageType = lsp.MessageType.Warning) -> None:
        """Show (and log) ``message`` to the user, once per server run."""
        if message not in self._shown:
            self._shown.add(message)
            self.window_log_message(lsp.LogMessageParams(type=kind, message=message))
            self.window_show_message(lsp.ShowMessageParams(type=kind, message=message))

    def _client_supports(self, *names: str) -> Any:
        node: Any = self.client_capabilities
        for name in names:
            node = getattr(node, name, None)
            if node is None:
                return None
        return node

    def document_changes(self) -> bool:
        """True when the client takes versioned edits (``documentChanges``)."""
        return bool(self._client_supports("workspace", "workspace_edit", "document_changes"))

    def resolves_edits(self) -> bool:
        """True when the client asks ``codeAction/resolve`` for an action's edit."""
        props = self._client_supports("text_document", "code_action", "resolve_support", "properties")
        return bool(props) and "edit" in props

    # ------------------------------------------------------------------ analysis
    def schedule(self, uri: str, delay: float) -> None:
        """Analyse the document after ``delay`` seconds of quiet (a newer call replaces this one)."""
        state = self.docs.get(uri)
        if state is None:
            path = to_fs_path(uri) if uri.startswith("file:") else None
            state = self.docs[uri] = DocState(uri, path)
        state.generation += 1
        for task in (state.pending, state.preparing):
            if task is not None and not task.done():
                task.cancel()
        state.pending = asyncio.get_running_loop().create_task(self._analyse(state, state.generation, delay))

    async def _analyse(self, state: DocState, generation: int, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        running = state.running
        if running is not None and not running.done():
            # one analysis per document at a time: the running one (of an older text) ends
            # first and its result is dropped; changes meanwhile cancel this task, not it
            await asyncio.wait([running])
        if self.docs.get(state.uri) is not state:
            return  # closed meanwhile
        doc = self.workspace.get_text_document(state.uri)
        text, version = doc.source, doc.version
        settings, error = self.store.for_document(state.path)
        if error is not None:
            self.warn_once(f"cfnfix: {error} (using the defaults)")
        loop = asyncio.get_running_loop()
        job = loop.run_in_executor(
            self.engine,
            partial(_analysis_job, text, state.path, settings, state.good, self.encoding(), version, state.positions),
        )
        state.running = job
        result, positions, published = await asyncio.shield(job)
        if generation != state.generation or self.docs.get(state.uri) is not state:
            return  # the document changed (or closed) meanwhile: a newer analysis is on its way
        if result.problem is not None and result.problem.internal:
            self.window_log_message(
                lsp.LogMessageParams(type=lsp.MessageType.Error, message=f"{state.uri}: {result.problem.message}")
            )
        if not result.template:
            state.good = None
        elif result.problem is None:
            state.good = result
        state.analysis, state.version, state.fixes, state.positions = result, version, {}, positions
        if isinstance(doc, LspTextDocument):
            doc.adopt(positions)  # the next change finds its offsets with them
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=state.uri, version=version, diagnostics=published)
        )
        if settings.cfn_lint and result.document is not None and result.problem is None:
            self._want_lint(state)
        if result.findings and not result.stale:
            state.preparing = loop.create_task(self._prepare(state, generation))
        self.collect_when_idle()

    def collect_when_idle(self) -> None:
        """Collect cyclic garbage once no document has changed for :data:`COLLECT_IDLE_SECONDS` (engine thread)."""
        if self._collecting is not None and not self._collecting.done():
            self._collecting.cancel()
        self._collecting = asyncio.get_running_loop().create_task(self._collect_later())

    async def _collect_later(self) -> None:
        await asyncio.sleep(COLLECT_IDLE_SECONDS)
        if COLLECTOR.held_since_collect:
            await asyncio.get_running_loop().run_in_executor(self.engine, COLLECTOR.collect)

    # ------------------------------------------------------------------ cfn-lint
    def _want_lint(self, state: DocState) -> None:
        """Lint the published analysis with cfn-lint (in the lint process) and publish again with its findings."""
        if self.lint_missing:
            return
        if not cfn_lint_installed():
            self.lint_missing = True
            self.warn_once(_LINT_MISSING)
            return
        if state.linting:
            state.lint_again = True  # the run in flight is for an older text: its result is dropped
            return
        state.linting = True
        task = asyncio.get_running_loop().create_task(self._lint(state))
        self._lint_tasks.add(task)
        task.add_done_callback(self._lint_tasks.discard)

    async def _lint(self, state: DocState) -> None:
        try:
            while True:
                state.lint_again = False
                analysis, version, positions, generation = (
                    state.analysis,
                    state.version,
                    state.positions,
                    state.generation,
                )
                settings, _ = self.store.for_document(state.path)
                if (
                    analysis is None
                    or positions is None  # set with the analysis
                    or analysis.document is None
                    or analysis.problem is not None
                    or analysis.linted
                    or not settings.cfn_lint
                ):
                    return
                try:
                    linted = await self.linter.lint(analysis.text, state.path, settings)
                except CfnLintMissing:  # cfn-lint is not installed where the worker runs
                    self.lint_missing = True
                    self.warn_once(_LINT_MISSING)
                    return
                except ConfigError as exc:  # e.g. a region cfn-lint does not know: shown once, cfnfix's findings stay
                    self.warn_once(f"cfnfix: {exc.reason}")
                    return
                except CfnfixError as exc:  # cfn-lint failed on this text
                    self.window_log_message(
                        lsp.LogMessageParams(type=lsp.MessageType.Warning, message=f"{state.uri}: {exc.reason}")
                    )
                    linted = None
                except LintWorkerDied:
                    self.window_log_message(
                        lsp.LogMessageParams(
                            type=lsp.MessageType.Error,
                            message="cfnfix: the cfn-lint process died; it is restarted for the next change",
                        )
                    )
                    linted = None
                if self.docs.get(state.uri) is not state:
                    return
                if linted is not None and self._still(state, analysis, generation):
                    loop = asyncio.get_running_loop()
                    merged, published = await loop.run_in_executor(
                        self.engine, _lint_job, analysis, settings, linted, positions, version
                    )
                    if self._still(state, analysis, generation):
                        state.analysis = merged
                        if merged.problem is None:
                            state.good = merged
                        self.text_document_publish_diagnostics(
                            lsp.PublishDiagnosticsParams(uri=state.uri, version=version, diagnostics=published)
                        )
                if not state.lint_again:
                    return
        finally:
            state.linting = False

    def _still(self, state: DocState, analysis: Analysis, generation: int) -> bool:
        """True when ``analysis`` is still the document's latest: published, and no change (or
        settings change) since, even one whose analysis has not finished yet."""
        return (
            state.analysis is analysis
            and state.generation == generation
            and not state.lint_again
            and self.docs.get(state.uri) is state
        )

    async def _prepare(self, state: DocState, generation: int) -> None:
        """Compute the quick fixes of the published findings (and their impact) ahead, while nothing changes."""
        await asyncio.sleep(PREPARE_SECONDS)
        analysis = state.analysis
        assert analysis is not None
        # nearest to the last edit first: that is where the user is
        near = state.edited_line
        wanted = sorted((f for f in analysis.findings if _fixable(f)), key=lambda f: abs(f.line - 1 - near))
        spent = 0.0
        for finding in wanted[:PREPARE_LIMIT]:
            if generation != state.generation or spent > PREPARE_BUDGET_SECONDS or state.analysis is None:
                return
            # by identity: cfn-lint's findings merged in meanwhile move the indices
            index = next((i for i, f in enumerate(state.analysis.findings) if f is finding), None)
            if index is None:
                continue
            start = time.perf_counter()
            await self.impacts(state, [index])
            if (
                generation == state.generation
                and state.analysis is not None
                and index < len(state.analysis.findings)
                and state.analysis.findings[index] is finding
            ):
                await self.quick_fix(state, index)
            spent += time.perf_counter() - start

    async def impacts(self, state: DocState, indices: list[int]) -> None:
        """Compute the impact of the fixes of findings ``indices`` of the published analysis (engine thread)."""
        analysis = state.analysis
        assert analysis is not None
        todo = [
            i for i in indices if id(analysis.findings[i]) not in analysis.impacted and _fixable(analysis.findings[i])
        ]
        if todo:
            await asyncio.get_running_loop().run_in_executor(self.engine, with_impacts, analysis, todo)

    async def quick_fix(self, state: DocState, index: int) -> FixEdits | str:
        """The edits of finding ``index``'s fix (computed on the engine thread, then kept)."""
        analysis = state.analysis
        assert analysis is not None
        finding = analysis.findings[index]
        found = state.fixes.get(id(finding))
        if found is not None:
            return found
        loop = asyncio.get_running_loop()
        try:
            found = await loop.run_in_executor(
                self.engine, quick_fix, analysis.text, state.path, finding, analysis.parsed
            )
        except PatchError as exc:
            found = exc.reason
        if state.analysis is not None and any(f is finding for f in state.analysis.findings):
            state.fixes[id(finding)] = found
        return found

    async def current(self, uri: str) -> DocState | None:
        """The document's state once its latest text is analysed (None: unknown, not a template, or mid-edit)."""
        state = self.docs.get(uri)
        if state is None:
            return None
        if state.pending is not None and not state.pending.done():
            try:
                await asyncio.shield(state.pending)
            except asyncio.CancelledError:
                return None
        doc = self.workspace.get_text_document(uri)
        if state.analysis is None or state.analysis.stale or state.analysis.text != doc.source:
            return None
        return state

    # ------------------------------------------------------------------ code actions
    async def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        """Quick fixes for the findings in the range, and fix-all, as the client's ``only`` allows."""
        state = await self.current(params.text_document.uri)
        if state is None:
            return []
        analysis = state.analysis
        assert analysis is not None
        only = params.context.only
        positions = state.positions
        assert positions is not None
        start = positions.offset(params.range.start.line, params.range.start.character)
        end = positions.offset(params.range.end.line, params.range.end.character)
        wanted = {_index_of(d, analysis) for d in params.context.diagnostics if d.source in (SOURCE, LINT_SOURCE)}
        actions: list[lsp.CodeAction] = []
        if _allowed(only, lsp.CodeActionKind.QuickFix) or _allowed(only, UNSAFE_KIND):
            indices = [
                i
                for i, (finding, span) in enumerate(zip(analysis.findings, analysis.spans))
                if _fixable(finding) and (i in wanted or (span[0] <= end and start <= span[1]))
            ]
            await self.impacts(state, indices)  # a fix's kind (safe or not) depends on its impact
            for index in indices:
                finding = impacted(analysis, index)
                kind = lsp.CodeActionKind.QuickFix if finding.fix.applicability is Applicability.SAFE else UNSAFE_KIND  # type: ignore[union-attr]
                if not _allowed(only, kind):
                    continue
                action = lsp.CodeAction(
                    title=_title(finding),
                    kind=kind,
                    diagnostics=[d for d in params.context.diagnostics if _index_of(d, analysis) == index] or None,
                    is_preferred=kind == lsp.CodeActionKind.QuickFix,
                    data={"uri": state.uri, "version": state.version, "index": index, "rule": finding.rule_name},
                )
                if id(analysis.findings[index]) in state.fixes or not self.resolves_edits():
                    await self._fill_quick_fix(state, action, index)
                if action.edit is not None or action.disabled is not None or self.resolves_edits():
                    actions.append(action)
        # fix-all is offered when a fix is safe as far as known (an impact not yet computed can
        # only make a safe fix unsafe: fix-all then leaves it, as `cfnfix apply` does)
        if _allowed(only, FIX_ALL_KIND) and any(
            _fixable(impacted(analysis, i), safe_only=True) for i in range(len(analysis.findings))
        ):
            action = lsp.CodeAction(
                title="cfnfix: fix all auto-fixable findings",
                kind=FIX_ALL_KIND,
                data={"uri": state.uri, "version": state.version, "fix_all": True},
            )
            if not self.resolves_edits():
                await self._fill_fix_all(state, action)
            actions.append(action)
        return actions

    async def resolve(self, action: lsp.CodeAction) -> lsp.CodeAction:
        """Fill in the edit of an action listed earlier (``codeAction/resolve``)."""
        data = action.data if isinstance(action.data, dict) else {}
        state = await self.current(str(data.get("uri")))
        if state is None or state.version != data.get("version"):
            action.disabled = lsp.CodeActionDisabled(reason="the document changed: ask for the fix again")
            return action
        if data.get("fix_all"):
            await self._fill_fix_all(state, action)
        elif (index := _data_index(data, state.analysis)) is not None:  # type: ignore[arg-type]
            await self._fill_quick_fix(state, action, index)
        return action

    async def _fill_quick_fix(self, state: DocState, action: lsp.CodeAction, index: int) -> None:
        found = await self.quick_fix(state, index)
        if isinstance(found, str):
            action.disabled = lsp.CodeActionDisabled(reason=f"the fix cannot be applied: {found}")
            return
        assert state.positions is not None
        action.edit = workspace_edit(
            state.uri, state.version, text_edits(state.positions, found.edits), document_changes=self.document_changes()
        )

    async def _fill_fix_all(self, state: DocState, action: lsp.CodeAction) -> None:
        analysis = state.analysis
        assert analysis is not None
        settings, _ = self.store.for_document(state.path)
        # cfn-lint's findings carry no fix: fix-all's text does not depend on them (and
        # cfn-lint on the fixed text would hold up the engine)
        settings = settings.model_copy(update={"cfn_lint": False})
        loop = asyncio.get_running_loop()
        try:
            _, edits = await loop.run_in_executor(
                self.engine, fix_all, analysis.text, state.path, settings, analysis.parsed
            )
        except CfnfixError as exc:
            action.disabled = lsp.CodeActionDisabled(reason=f"cannot fix: {exc.reason}")
            return
        assert state.positions is not None
        action.edit = workspace_edit(
            state.uri, state.version, text_edits(state.positions, edits), document_changes=self.document_changes()
        )

    # ------------------------------------------------------------------ settings
    def configure(self, raw: Any) -> None:
        """Take the editor's settings: a key that is unknown or has a bad value is reported and
        left out, the others apply; settings that are no object are reported and the previous
        settings kept."""
        try:
            self.store.client, problems = read_client_settings(raw)
        except CfnfixError as exc:
            self.warn_once(f"cfnfix: {exc.reason}")
            return
        for problem in problems:
            self.warn_once(f"cfnfix: {problem} (ignored; the other settings apply)")
        if self.store.client.cfn_lint and not cfn_lint_installed():
            self.lint_missing = True
            self.warn_once(_LINT_MISSING)

    def reanalyse_all(self) -> None:
        """Analyse every open document again (settings or a configuration file changed)."""
        for uri in list(self.docs):
            self.schedule(uri, 0)


#: What the user is told (once) when cfn-lint is asked for and not installed.
_LINT_MISSING = "cfnfix: cfn-lint = true needs cfn-lint, which is not installed: pip install 'cfnfix[lint]'; cfn-lint's findings are not shown"


def _analysis_job(
    text: str,
    path: str | None,
    settings: Settings,
    good: Analysis | None,
    encoding: str,
    version: int | None,
    previous: PositionMap | None = None,
) -> tuple[Analysis, PositionMap, list[lsp.Diagnostic]]:
    """One change's work on the engine thread: the analysis, its positions and its diagnostics.

    The text is re-parsed from ``good`` (the last analysis that parsed) where the edit
    allows; a text that does not parse keeps ``good``'s findings, moved onto it
    (:func:`carry_over`). The cyclic garbage collector is held off meanwhile (see
    :mod:`.collector`).
    """
    with COLLECTOR.held():
        return _analysis(text, path, settings, good, encoding, version, previous)


def _analysis(
    text: str,
    path: str | None,
    settings: Settings,
    good: Analysis | None,
    encoding: str,
    version: int | None,
    previous: PositionMap | None,
) -> tuple[Analysis, PositionMap, list[lsp.Diagnostic]]:
    result = analyse(text, path, settings, previous=good)
    if result.template and result.problem is not None and good is not None:
        result.findings, result.spans = carry_over(good, text)
        result.stale = True
    document = result.document
    if document is not None and document._lines is not None and document.text is text and not text.startswith("\ufeff"):
        positions = PositionMap(text, encoding, document.lines.starts)  # the rules built the line index
    elif previous is not None and previous.encoding == encoding:
        positions = PositionMap.after_edit(previous, text)
    else:
        positions = PositionMap(text, encoding)
    return result, positions, diagnostics(result, positions, version)


def _lint_job(
    analysis: Analysis, settings: Settings, linted: list[Finding], positions: PositionMap, version: int | None
) -> tuple[Analysis, list[lsp.Diagnostic]]:
    """cfn-lint's findings merged into an analysis, and its diagnostics (engine thread)."""
    merged = with_lint(analysis, settings, linted)
    return merged, diagnostics(merged, positions, version)


def _fixable(finding: Finding, *, safe_only: bool = False) -> bool:
    fx = finding.fix
    if fx is None or not fx.changes:
        return False
    return fx.applicability is Applicability.SAFE or (not safe_only and fx.applicability is Applicability.UNSAFE)


def _title(finding: Finding) -> str:
    fx = finding.fix
    assert fx is not None
    if fx.applicability is Applicability.SAFE:
        return f"{fx.message} ({finding.rule_id})"
    return f"Unsafe fix: {fx.message} ({finding.rule_id}; changes behaviour, review it)"


def _index_of(diagnostic: lsp.Diagnostic, analysis: Analysis) -> int | None:
    """The index of the finding a diagnostic stands for, when it still names the same rule."""
    return _data_index(diagnostic.data, analysis)


def _data_index(data: Any, analysis: Analysis) -> int | None:
    """The finding index in a diagnostic's or an action's ``data`` (None: none, or no longer that finding)."""
    if isinstance(data, dict) and isinstance(data.get("index"), int):
        index = data["index"]
        if 0 <= index < len(analysis.findings) and data.get("rule") in (None, analysis.findings[index].rule_name):
            return index
    return None


def _allowed(only: Any, kind: str) -> bool:
    """True when a client's ``only`` filter admits ``kind`` (kinds are hierarchical: ``source`` admits ``source.fixAll.cfnfix``)."""
    if not only:
        return True
    return any(kind == k or kind.startswith(f"{k}.") for k in map(str, only))


def create_server() -> CfnfixServer:
    """A server with every handler registered."""
    server = CfnfixServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: CfnfixServer, params: lsp.InitializeParams) -> None:
        root = None
        if params.workspace_folders:
            root = to_fs_path(params.workspace_folders[0].uri)
        elif params.root_uri:
            root = to_fs_path(params.root_uri)
        ls.store.root = root
        use_lsp_lines(ls.workspace)
        ls.configure(params.initialization_options)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CfnfixServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CfnfixServer, params: lsp.DidChangeTextDocumentParams) -> None:
        state = ls.docs.get(params.text_document.uri)
        for change in params.content_changes:
            if state is not None and isinstance(change, lsp.TextDocumentContentChangePartial):
                state.edited_line = change.range.start.line
        ls.schedule(params.text_document.uri, ls.debounce)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CfnfixServer, params: lsp.DidSaveTextDocumentParams) -> None:
        if params.text_document.uri.endswith(_CONFIG_NAMES):
            ls.reanalyse_all()
        elif params.text_document.uri in ls.docs:
            ls.schedule(params.text_document.uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CfnfixServer, params: lsp.DidCloseTextDocumentParams) -> None:
        state = ls.docs.pop(params.text_document.uri, None)
        if state is not None:
            for task in (state.pending, state.preparing):
                if task is not None and not task.done():
                    task.cancel()
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: CfnfixServer, params: lsp.DidChangeConfigurationParams) -> None:
        raw = params.settings
        if raw is None or raw == {}:
            # the pull model: the client says "changed" and serves workspace/configuration
            if not ls._client_supports("workspace", "configuration"):
                return
            try:
                answer = await ls.workspace_configuration_async(
                    lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section="cfnfix")])
                )
            except Exception:
                log.debug("workspace/configuration failed: %s", traceback.format_exc())
                return
            raw = answer[0] if answer else None
            if raw is None:
                return  # no cfnfix section: the settings given at initialisation stay
        ls.configure(raw)
        ls.reanalyse_all()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: CfnfixServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        if any(change.uri.endswith(_CONFIG_NAMES) for change in params.changes):
            ls.reanalyse_all()

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(
            code_action_kinds=[lsp.CodeActionKind.QuickFix, UNSAFE_KIND, FIX_ALL_KIND],
            resolve_provider=True,
        ),
    )
    async def code_action(ls: CfnfixServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        return await ls.code_actions(params)

    @server.feature(lsp.CODE_ACTION_RESOLVE)
    async def code_action_resolve(ls: CfnfixServer, action: lsp.CodeAction) -> lsp.CodeAction:
        return await ls.resolve(action)

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: CfnfixServer, *args: Any) -> None:
        ls.linter.close()
        ls.engine.shutdown(wait=False, cancel_futures=True)

    return server
