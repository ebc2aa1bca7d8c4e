"""Records per second of ``cfnfix dataset apply``: ``python benchmarks/pipeline_bench.py [options]``.

Synthetic records (``devtools/synthetic.py``: corpus templates up to 6 KB with planted
mistakes, a tenth of them Markdown answers, a fiftieth cut short) are written as JSON Lines,
then ``cfnfix dataset apply`` runs on them as a user runs it (the console script, in a
process of its own):

- ``local``: ``-j JOBS`` processes on this machine;
- ``ray``: ``--engine ray -j JOBS`` on a local Ray cluster of JOBS CPUs, started by the command.

For each engine and record count it prints the wall time, records per second, the CPU time
of the whole process tree (the command, its workers and, for Ray, the cluster's processes)
and per record, the tree's peak memory and the load average before and after the run
(1-minute, from ``os.getloadavg``). Memory is sampled every 0.2 s from ``/proc``, two ways:
RSS summed over the tree (a page that several processes map counts once per process: forked
workers' shared pages, Ray's object store mapped by the raylet and by each worker), and PSS
(``smaps_rollup``: a shared page divided among the processes that map it, so the sum counts it
once). Under each row an HTML comment gives the PSS at the peak per kind of process (for Ray:
the raylet, which holds the object store, the GCS, the actors, the read and write workers),
with the part in shared memory (the object store). On a shared machine the wall time depends
on the load; the CPU time much less. ``--cfn-lint-records N`` repeats
the runs with ``--cfn-lint`` on the first N records only (cfn-lint costs 0.2–0.7 s a
template). ``--files N`` writes the first N records as files and times ``cfnfix apply --write
-j JOBS`` on them, for the per-record cost of the dataset command against the file command.
``--records 0`` runs no dataset run without cfn-lint (to time only cfn-lint or the files).

Linux only (``/proc``). The README's figures, run one after the other::

    python benchmarks/pipeline_bench.py --records 10000,100000 --engines local --cfn-lint-records 0 \
        --files 10000 --jobs 2 --max-seconds 1500
    python benchmarks/pipeline_bench.py --records 10000 --engines ray --cfn-lint-records 0 --files 0
    python benchmarks/pipeline_bench.py --records 0 --engines local,ray --cfn-lint-records 500 --files 0
    python benchmarks/pipeline_bench.py --records 100000 --engines ray --cfn-lint-records 0 --files 0 \
        --max-seconds 480
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.synthetic import pool, records, write_jsonl  # noqa: E402

CFNFIX = str(Path(sys.executable).with_name("cfnfix"))


_TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Proc:
    """One process of the tree at one sample: what it is and its memory in bytes."""

    name: str
    rss: int
    pss: int = 0
    anon: int = 0
    shmem: int = 0


@dataclass
class Sample:
    """The tree's memory at one moment, process by process."""

    procs: list[Proc] = field(default_factory=list)

    @property
    def rss(self) -> int:
        return sum(p.rss for p in self.procs)

    @property
    def pss(self) -> int:
        return sum(p.pss for p in self.procs)

    def groups(self) -> str:
        """``name ×count PSS (of which shared memory)`` per kind of process, largest first."""
        by: dict[str, list[Proc]] = {}
        for p in self.procs:
            by.setdefault(p.name, []).append(p)
        parts = []
        for name, procs in sorted(by.items(), key=lambda kv: -sum(p.pss for p in kv[1])):
            pss = sum(p.pss for p in procs)
            shmem = sum(p.shmem for p in procs)
            count = f" ×{len(procs)}" if len(procs) > 1 else ""
            parts.append(f"{name}{count} {_mb(pss)}" + (f" (shared memory {_mb(shmem)})" if shmem >= 2**20 else ""))
        return ", ".join(parts)


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"


def _name(pid: str) -> str:
    """What a process is: Ray's process title up to its first parenthesis (``ray::MapWorker``),
    a Python script's name, else the program's."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            argv = [a.decode(errors="replace") for a in fh.read().split(b"\0") if a]
    except OSError:
        return "?"
    if not argv:
        return "?"
    if argv[0].startswith("ray::"):
        return argv[0].split("(", 1)[0].split(" ", 1)[0]
    program = os.path.basename(argv[0].split(" ", 1)[0])
    if program.startswith("python") and len(argv) > 1:
        rest = [a for a in argv[1:] if not a.startswith("-")]
        if "-c" in argv:
            return "python -c"
        return f"python {os.path.basename(rest[0])}" if rest else program
    return program


def _rollup(pid: str) -> dict[str, int]:
    """Pss, Pss_Anon and Pss_Shmem of ``/proc/PID/smaps_rollup``, in bytes (shared pages divided
    among the processes that map them: summed over a tree, each page counts once)."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in ("Pss", "Pss_Anon", "Pss_Shmem"):
                    out[key] = int(value.split()[0]) * 1024
    except (OSError, ValueError):
        pass
    return out


def _tree(root: int, cpu: dict[int, float]) -> Sample:
    """The memory of ``root`` and every process below it; ``cpu`` gets each one's CPU seconds so far."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        times[pid] = (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime
    sample = Sample()
    todo = [root]
    while todo:
        pid = todo.pop()
        if pid in rss:
            rollup = _rollup(str(pid))
            sample.procs.append(
                Proc(
                    _name(str(pid)),
                    rss[pid],
                    rollup.get("Pss", 0),
                    rollup.get("Pss_Anon", 0),
                    rollup.get("Pss_Shmem", 0),
                )
            )
        cpu[pid] = max(cpu.get(pid, 0.0), times.get(pid, 0.0))
        todo.extend(children.get(pid, ()))
    return sample


@dataclass
class Measured:
    """One command's run: wall and CPU seconds, peak memory, the load around it."""

    seconds: float
    cpu: float
    peak_rss: int
    peak: Sample
    load: tuple[float, float]
    written: int | None = None


def run(args: list[str], ok: tuple[int, ...] = (0,), limit: float = 0, progress: Path | None = None) -> Measured:
    """Wall seconds, CPU seconds of the tree (sampled: a process's last 0.2 s may be missed),
    peak tree RSS (bytes) and the sample of peak PSS of ``args``; stops when its exit code is not
    in ``ok``. With ``limit`` seconds, a run still going then is stopped (SIGTERM) and the
    records written so far (lines of the local engine's temporary output files and of Ray's
    part files in the folder ``progress``) are ``written``."""
    peak_rss = 0
    peak = Sample()
    cpu: dict[int, float] = {}
    written: int | None = None
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_rss, written
        while not done.is_set():
            now = _tree(proc.pid, cpu)
            peak_rss = max(peak_rss, now.rss)
            if now.pss > peak.pss:
                peak = now
            if limit and time.perf_counter() - started > limit and written is None:
                folder = progress or Path(".")
                # the local engine's temporary output files; Ray's part files (each written whole)
                written = sum(_lines(p) for pattern in (".*cfnfix-tmp", "out-*/*.json") for p in folder.glob(pattern))
                proc.terminate()
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if written is None and proc.returncode not in ok:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{err[-2000:]}")
    return Measured(elapsed, sum(cpu.values()), peak_rss, peak, (load, os.getloadavg()[0]), written)


def _lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def _row(label: str, count: int, m: Measured) -> str:
    return (
        f"| {label} | {count:,} | {m.seconds:,.1f} s | {count / m.seconds:,.1f} | {m.cpu:,.0f} s | "
        f"{m.cpu / count * 1000:,.1f} ms | {_mb(m.peak_rss)} | {_mb(m.peak.pss)} | {m.load[0]:.1f} → {m.load[1]:.1f} |"
    )


def _report(label: str, count: int, m: Measured) -> None:
    print(_row(label, count, m), flush=True)
    print(f"<!-- {label}, {count:,}: at the peak, {m.peak.groups()} -->", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--records", default="10000,100000", help="record counts, comma-separated (0: none)")
    parser.add_argument("--engines", default="local,ray", help="local, ray or both")
    parser.add_argument("--jobs", type=int, default=2, help="processes (local) and CPUs (Ray)")
    parser.add_argument("--cfn-lint-records", type=int, default=500, help="records run with --cfn-lint (0: none)")
    parser.add_argument(
        "--files", type=int, default=10000, help="records also run as files with cfnfix apply (0: none)"
    )
    parser.add_argument(
        "--max-seconds", type=float, default=0, help="stop a dataset run after this long and report the records done"
    )
    parser.add_argument("--work", default=None, help="folder for the data (default: a temporary one, removed)")
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.records.split(",") if c and int(c)]
    engines = [e for e in args.engines.split(",") if e]
    work = Path(args.work or tempfile.mkdtemp(prefix="cfnfix-pipeline-"))
    work.mkdir(parents=True, exist_ok=True)
    texts = pool()
    sizes = [len(t.encode()) for t in texts]
    print(f"pool: {len(texts):,} distinct texts from the corpus, mean {sum(sizes) / len(sizes):,.0f} bytes", flush=True)
    print(f"load average at start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)", flush=True)
    print(
        "| run | records | wall | records/s | CPU (tree) | CPU/record | peak RSS (tree) | peak PSS (tree) | load |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        flush=True,
    )
    try:
        largest = max([*counts, args.cfn_lint_records, args.files])
        source = work / f"in-{largest}.jsonl"
        write_jsonl(source, records(largest, texts))
        inputs: dict[int, Path] = {}
        for count in sorted(set(counts + [args.cfn_lint_records, args.files]) - {0}):
            path = work / f"in-{count}.jsonl"
            if path != source:
                with open(source, encoding="utf-8") as src, open(path, "w", encoding="utf-8") as dst:
                    for _, line in zip(range(count), src):
                        dst.write(line)
            inputs[count] = path
        # the smallest count on every engine first, then cfn-lint, the files, and the larger counts
        plan = [(engine, count, False) for count in counts[:1] for engine in engines]
        plan += [(engine, args.cfn_lint_records, True) for engine in engines if args.cfn_lint_records]
        plan += [("files", args.files, False)] if args.files else []
        plan += [(engine, count, False) for count in counts[1:] for engine in engines]
        for engine, count, lint in plan:
            if engine == "files":
                _files(work, inputs[count], args.jobs)
                continue
            out = work / f"out-{engine}-{count}{'-lint' if lint else ''}.jsonl"
            cmd = [CFNFIX, "dataset", "apply", str(inputs[count]), str(out), "-j", str(args.jobs), "-q"]
            cmd += ["--engine", "ray"] if engine == "ray" else []
            cmd += ["--cfn-lint"] if lint else []
            measured = run(cmd, limit=args.max_seconds, progress=work)
            label = f"dataset, {engine} -j {args.jobs}" + (", --cfn-lint" if lint else "")
            if measured.written is not None:
                label += f" (stopped after {args.max_seconds:.0f} s: {measured.written:,} of {count:,} records written)"
                count = max(measured.written, 1)
            _report(label, count, measured)
            shutil.rmtree(out, ignore_errors=True) if out.is_dir() else out.unlink(missing_ok=True)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}", flush=True)
    return 0


def _files(work: Path, source: Path, jobs: int) -> None:
    """The same records as files: ``cfnfix apply --write -j JOBS`` on them, named on the command line."""
    import json

    folder = work / "files"
    folder.mkdir(exist_ok=True)
    names = []
    with open(source, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            text = row["template"]
            ext = ".md" if row["kind"] == "markdown" else ".json" if text.lstrip()[:1] == "{" else ".yaml"
            path = folder / f"{row['id']}{ext}"
            path.write_bytes(text.encode("utf-8"))
            names.append(str(path))
    listing = work / "files.txt"
    listing.write_text("\n".join(names), encoding="utf-8")
    # xargs-free: one command, every file named (as a pre-commit hook or CI step names them)
    code = (
        "import sys; from cfnfix.cli.app import app; "
        f"names = open({str(listing)!r}).read().split(chr(10)); "
        f"app(['apply', '--write', '-q', '-j', '{jobs}', *names], prog_name='cfnfix')"
    )
    # exit 1 (findings remain) and 2 (the records cut short do not parse) are the expected outcomes
    _report(f"files, cfnfix apply --write -j {jobs}", len(names), run([sys.executable, "-c", code], ok=(0, 1, 2)))


if __name__ == "__main__":
    raise SystemExit(main())
