"""Records per second of ``cfnfix dataset apply``: ``python benchmarks/pipeline_bench.py [options]``.

Synthetic records (``devtools/synthetic.py``: corpus templates up to 6 KB with planted
mistakes, a tenth of them Markdown answers, a fiftieth cut short) are written as JSON Lines,
then ``cfnfix dataset apply`` runs on them as a user runs it (the console script, in a
process of its own):

- ``local``: ``-j JOBS`` processes on this machine;
- ``ray``: ``--engine ray -j JOBS`` on a local Ray cluster of JOBS CPUs, started by the command.

For each engine and record count it prints the wall time, records per second, the CPU time
of the whole process tree (the command, its workers and, for Ray, the cluster's processes)
and per record, and the tree's peak resident memory, sampled every 0.2 s from ``/proc``. On
a shared machine the wall time depends on the load (printed); the CPU time much less. ``--cfn-lint-records N`` repeats
the runs with ``--cfn-lint`` on the first N records only (cfn-lint costs 0.3–0.7 s a
template). ``--files N`` writes the first N records as files and times ``cfnfix apply --write
-j JOBS`` on them, for the per-record cost of the dataset command against the file command.

Linux only (``/proc``). Example (the README's figures)::

    python benchmarks/pipeline_bench.py --records 10000,100000 --cfn-lint-records 500 --files 10000 --jobs 2
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.synthetic import pool, records, write_jsonl  # noqa: E402

CFNFIX = str(Path(sys.executable).with_name("cfnfix"))


_TICK = os.sysconf("SC_CLK_TCK")


def _tree(root: int, cpu: dict[int, float]) -> int:
    """Resident bytes of ``root`` and every process below it; ``cpu`` gets each one's CPU seconds so far."""
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
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        cpu[pid] = max(cpu.get(pid, 0.0), times.get(pid, 0.0))
        todo.extend(children.get(pid, ()))
    return total


def run(
    args: list[str], ok: tuple[int, ...] = (0,), limit: float = 0, progress: Path | None = None
) -> tuple[float, int, float, int | None]:
    """Wall seconds, peak tree RSS (bytes) and CPU seconds of the tree (sampled: a process's last
    0.2 s may be missed) of ``args``; stops when its exit code is not in ``ok``. With ``limit``
    seconds, a run still going then is stopped (SIGTERM) and the records written so far (lines
    of the temporary output files in the folder ``progress``) are the fourth value."""
    peak = 0
    cpu: dict[int, float] = {}
    written: int | None = None
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, written
        while not done.is_set():
            peak = max(peak, _tree(proc.pid, cpu))
            if limit and time.perf_counter() - started > limit and written is None:
                written = sum(_lines(p) for p in (progress or Path(".")).glob(".*cfnfix-tmp"))
                proc.terminate()
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if written is not None:
        return elapsed, peak, sum(cpu.values()), written
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{err[-2000:]}")
    return elapsed, peak, sum(cpu.values()), None


def _lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def _row(label: str, count: int, seconds: float, peak: int, cpu: float) -> str:
    return (
        f"| {label} | {count:,} | {seconds:,.1f} s | {count / seconds:,.1f} | {cpu:,.0f} s | "
        f"{cpu / count * 1000:,.1f} ms | {peak / 2**20:,.0f} MB |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--records", default="10000,100000", help="record counts, comma-separated")
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
    counts = [int(c) for c in args.records.split(",") if c]
    engines = [e for e in args.engines.split(",") if e]
    work = Path(args.work or tempfile.mkdtemp(prefix="cfnfix-pipeline-"))
    work.mkdir(parents=True, exist_ok=True)
    texts = pool()
    sizes = [len(t.encode()) for t in texts]
    print(f"pool: {len(texts):,} distinct texts from the corpus, mean {sum(sizes) / len(sizes):,.0f} bytes", flush=True)
    print(f"load average at start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)", flush=True)
    print(
        "| run | records | wall | records/s | CPU (tree) | CPU/record | peak RSS (tree) |\n"
        "|---|---:|---:|---:|---:|---:|---:|",
        flush=True,
    )
    try:
        largest = max(counts + [args.cfn_lint_records, args.files])
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
        plan = [(engine, counts[0], False) for engine in engines]
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
            seconds, peak, cpu, written = run(cmd, limit=args.max_seconds, progress=work)
            label = f"dataset, {engine} -j {args.jobs}" + (", --cfn-lint" if lint else "")
            if written is not None:
                label += f" (stopped after {args.max_seconds:.0f} s: {written:,} of {count:,} records written)"
                count = max(written, 1)
            print(_row(label, count, seconds, peak, cpu), flush=True)
            shutil.rmtree(out, ignore_errors=True) if out.is_dir() else out.unlink(missing_ok=True)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
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
    seconds, peak, cpu, _ = run([sys.executable, "-c", code], ok=(0, 1, 2))
    print(_row(f"files, cfnfix apply --write -j {jobs}", len(names), seconds, peak, cpu), flush=True)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
