"""A dataset run on this machine: files streamed batch by batch through ``jobs`` processes.

Input is one file or a folder of files (``.jsonl``, ``.ndjson``, ``.json`` — JSON Lines — and
``.parquet``, searched recursively, hidden ones skipped); the output mirrors it, file for
file, in the same format. Each output file is written to a temporary file beside it and
renamed into place when complete, so it is either absent or whole: a rerun with ``resume``
skips the output files that exist, and a rerun without it writes the same bytes again (the
output is a function of the input and the settings).

Memory: a reader holds one batch; with processes, two batches are in flight (the next one
is handed to the pool before the current one is written), so the peak does not grow with
the number of records.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Any

from .formats import FORMATS, Batch, DatasetError, Format, format_of, open_reader, open_writer
from .records import RecordProcessor

__all__ = ["Job", "Progress", "Summary", "plan", "run_local"]

#: Records a worker process gets at once.
CHUNK = 8


@dataclass(frozen=True)
class Job:
    """One input file and the output file it becomes."""

    source: str
    target: str
    format: Format


@dataclass
class Summary:
    """What a run did."""

    files: int = 0
    skipped_files: int = 0
    records: int = 0
    with_findings: int = 0
    changed: int = 0
    errors: int = 0
    seconds: float = 0.0
    outputs: list[str] = field(default_factory=list)

    def count(self, outputs: list[dict[str, Any]], prefix: str) -> None:
        """Add one batch's output columns to the counts."""
        for out in outputs:
            self.records += 1
            findings = out.get(prefix + "findings")
            self.with_findings += bool(findings and findings != "[]")
            self.changed += bool(out.get(prefix + "changed"))
            self.errors += out.get(prefix + "error") is not None


#: Called with (records done, records in all, or None when unknown).
Progress = Callable[[int, "int | None"], None]


def _files(folder: str) -> Iterator[str]:
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for name in sorted(names):
            if not name.startswith((".", "_")) and format_of(name) is not None:
                yield os.path.join(root, name)


def plan(source: str, target: str, fmt: Format | None = None) -> list[Job]:
    """The files of a run: ``source`` a file (``target`` the output file) or a folder (``target`` a
    folder that mirrors it). ``fmt`` overrides the format file names say."""
    if not os.path.exists(source):
        raise DatasetError("no such file or directory", file=source)
    if os.path.isdir(source):
        if os.path.exists(target) and not os.path.isdir(target):
            raise DatasetError("the input is a folder, so the output must be a folder too", file=target)
        jobs = []
        for path in _files(source):
            rel = os.path.relpath(path, source)
            jobs.append(Job(path, os.path.join(target, rel), fmt or format_of(path) or "jsonl"))
        if not jobs:
            raise DatasetError(f"no dataset files ({', '.join(FORMATS)}) in the folder", file=source)
        return jobs
    found = fmt or format_of(source)
    if found is None:
        raise DatasetError(
            f"cannot tell the format from the name: use --format ({'|'.join(('jsonl', 'parquet'))})", file=source
        )
    if os.path.isdir(target):
        target = os.path.join(target, os.path.basename(source))
    if os.path.abspath(target) == os.path.abspath(source):
        raise DatasetError("the output would overwrite the input", file=target)
    return [Job(source, target, found)]


# ------------------------------------------------------------------------------ worker side

_PROCESSOR: RecordProcessor | None = None


def _init_worker(processor: RecordProcessor) -> None:
    global _PROCESSOR
    _PROCESSOR = processor


def _work(chunk: list[tuple[Any, str | None]]) -> list[dict[str, Any]]:
    assert _PROCESSOR is not None
    return [_PROCESSOR.process(text, name) for text, name in chunk]


# ------------------------------------------------------------------------------------ driver


def _items(batch: Batch) -> Iterator[tuple[Any, str | None]]:
    """(text, name) of each record of ``batch``."""
    return zip(batch.texts, batch.ids)


def _unreadable(processor: RecordProcessor, batch: Batch, outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Outputs with the reader's own errors (a line that is no JSON object) in place."""
    for i, problem in enumerate(batch.errors):
        if problem is not None:
            out = dict.fromkeys(processor.columns)
            out[processor.prefix + "error"] = problem
            outputs[i] = out
    return outputs


def _submit(pool: Executor, processor: RecordProcessor, batch: Batch) -> list[Future[list[dict[str, Any]]]]:
    items = list(_items(batch))
    return [pool.submit(_work, items[i : i + CHUNK]) for i in range(0, len(items), CHUNK)]


def _pool(processor: RecordProcessor, jobs: int) -> Executor:
    """Worker processes holding ``processor``, with the rules (and cfn-lint's, when used) loaded
    before they fork."""
    from concurrent.futures import ProcessPoolExecutor

    from ..rules import all_rules

    all_rules()
    if processor.settings.cfn_lint:
        from ..cfn_lint.runner import preload

        preload(tuple(processor.settings.cfn_lint_regions))
    return ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(processor,))


def run_local(
    jobs_: list[Job],
    processor: RecordProcessor,
    *,
    column: str,
    id_column: str | None = None,
    jobs: int = 1,
    batch_size: int = 256,
    resume: bool = False,
    progress: Progress | None = None,
) -> Summary:
    """Run ``processor`` over every record of every file of ``jobs_`` (``jobs`` processes)."""
    summary = Summary()
    started = time.perf_counter()
    pool = _pool(processor, jobs) if jobs > 1 else None
    done = 0
    todo = [j for j in jobs_ if not (resume and os.path.exists(j.target))]
    summary.skipped_files = len(jobs_) - len(todo)
    try:
        totals = [_count(j, column, id_column) for j in todo]
        total = sum(totals)
        for job in todo:
            reader = open_reader(job.source, job.format, column, id_column, batch_size)
            with _atomic(job.target) as handle:
                writer = open_writer(handle, job.format, processor.columns, reader)
                for batch, outputs in _results(reader.batches(), processor, pool):
                    outputs = _unreadable(processor, batch, outputs)
                    writer.write(batch, outputs)
                    summary.count(outputs, processor.prefix)
                    done += len(outputs)
                    if progress is not None:
                        progress(done, total)
                writer.close()
            summary.files += 1
            summary.outputs.append(job.target)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    summary.seconds = time.perf_counter() - started
    return summary


def _count(job: Job, column: str, id_column: str | None) -> int:
    """The records of a file (its columns checked, for Parquet), before any is processed."""
    return open_reader(job.source, job.format, column, id_column, 1).total or 0


def _results(
    batches: Iterator[Batch], processor: RecordProcessor, pool: Executor | None
) -> Iterator[tuple[Batch, list[dict[str, Any]]]]:
    """Each batch with its outputs, in order; with a pool, the next batch is submitted before
    the current one is waited for, so the workers never wait for the writer."""
    if pool is None:
        for batch in batches:
            yield batch, [processor.process(text, name) for text, name in _items(batch)]
        return
    pending: deque[tuple[Batch, list[Future[list[dict[str, Any]]]]]] = deque()
    for batch in batches:
        pending.append((batch, _submit(pool, processor, batch)))
        if len(pending) > 1:
            first, futures = pending.popleft()
            yield first, [out for f in futures for out in f.result()]
    while pending:
        first, futures = pending.popleft()
        yield first, [out for f in futures for out in f.result()]


@contextlib.contextmanager
def _atomic(target: str) -> Iterator[Any]:
    """A binary file that becomes ``target`` when the block ends without an error (renamed over
    it, the folder fsynced); on an error or an interrupt it is removed and ``target`` is untouched."""
    import tempfile

    folder = os.path.dirname(os.path.abspath(target))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".cfnfix-tmp", dir=folder)
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # as a file the user creates, not mkstemp's 0600
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
