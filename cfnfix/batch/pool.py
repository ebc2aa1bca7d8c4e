"""Running a run's jobs in order, in this process or in a pool of worker processes."""

from __future__ import annotations

import os
from collections.abc import Callable

from .jobs import Job, run_job
from .outcome import FileOutcome

__all__ = ["AUTO_MIN_CPUS", "PARALLEL_THRESHOLD", "run_jobs"]

#: With this many files or more, ``jobs=0`` (auto) runs in several processes …
PARALLEL_THRESHOLD = 40
#: … when the machine has at least this many CPUs (on 2 CPUs, measured over the corpus,
#: worker start-up and result transfer cost more than the parallel work saves).
AUTO_MIN_CPUS = 4


def _workers(jobs: int, count: int) -> int:
    if jobs == 1 or count < 2:
        return 1
    if jobs <= 0:
        cpus = os.cpu_count() or 1
        if count < PARALLEL_THRESHOLD or cpus < AUTO_MIN_CPUS:
            return 1
        jobs = min(cpus, 8)
    return max(1, min(jobs, count))


def run_jobs(jobs: list[Job], *, processes: int = 0, progress: Callable[[], None] | None = None) -> list[FileOutcome]:
    """Run ``jobs`` in order of the list; ``processes`` 0 means automatic (parallel for many files).

    ``progress`` is called once per finished file.
    """
    workers = _workers(processes, len(jobs))
    outcomes: list[FileOutcome] = []
    if workers == 1:
        for job in jobs:
            outcomes.append(run_job(job))
            if progress:
                progress()
        return outcomes
    # Load the rule runner and the rules before the pool starts: forked workers inherit them.
    from .. import checking  # noqa: F401
    from ..rules import all_rules

    all_rules()
    linted = {tuple(j.settings.cfn_lint_regions) for j in jobs if j.settings.cfn_lint}
    linted |= {j.verify for j in jobs if j.verify is not None}
    if linted:  # cfn-lint's rules too (about a second per region set)
        from ..cfn_lint.runner import preload

        for regions in linted:
            preload(regions)
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, min(16, len(jobs) // (workers * 4)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for outcome in pool.map(run_job, jobs, chunksize=chunk):
            outcomes.append(outcome)
            if progress:
                progress()
    return outcomes
