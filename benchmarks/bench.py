"""Speed benchmark: ``python benchmarks/bench.py [--repeat 5] [--lint-repeat 1] [--corpus DIR] [--only large|check]``.

``--only check`` measures the target of issue 25: ``cfnfix check -q FILE…`` over the corpus
(every rule on by default, no ``--cfn-lint``) against the bare-parse floor taken in the same
run — a process that reads the same files and loads each with libyaml's ``CSafeLoader``
(YAML) or ``json.loads`` (JSON). Both as processes (start-up included: the interpreter, the
imports) and in-process (imports done: the floor's loop, and the command-line app called in
this interpreter). The figure is the console script's CPU time over the floor process's, min
of ``--repeat`` runs each; wall clock is printed too, and the load average (the machine is
shared: CPU time is the steadier figure). Each side's start-up is measured too (``check`` of a
one-resource template; the floor program given no file), so the work per file can be compared
apart from it, and a table says where this checkout's start-up goes, step by step (fresh
interpreters). ``--script PATH`` measures another console script.

``--only large`` measures just the 1 MB YAML and JSON templates through the console script
(a few seconds): ``check`` of the file named and of a folder holding it (found by the search),
and ``apply`` (dry run) with nothing to fix and with 10 renames; above them, the floors every
row stands on (``apply`` of a one-resource template: start-up alone; the YAML position parse
and bare libyaml events of the 1 MB template, in-process); ``--script PATH`` measures another console script
(a launcher of an older checkout, say) for before/after figures taken side by side.

Prints one markdown table, from one run on the same files, side by side:

* ``cfnfix check`` and ``cfnfix apply`` (dry run) over every template of the shared corpus
  (``../shared/corpus``), as subprocesses of the installed console script and in-process
  (the typer app called in this interpreter, parse cache cleared before each run);
* cfn-lint over the same file list (a subprocess of the installed ``cfn-lint``, region
  us-east-1, its default), and ``cfnfix check --cfn-lint`` over it (cfn-lint as a detector,
  in one process and with ``--jobs 2``): the target is at most 1.2× cfn-lint's own time
  (``--cfn-lint-only`` measures just these three rows);
* a bare PyYAML ``CSafeLoader`` pass over the same files (read + parse, in-process) as the
  floor: the libyaml event stream (what cfnfix builds its nodes from), and for comparison
  ``yaml.load`` to Python objects (where a PyYAML-based linter starts);
* the generated 500-resource template (``benchmarks/generate_large.py``, about 1 MB) in
  YAML and JSON: check and apply, plus a variant with 10 invalid logical IDs, so that
  ``apply`` really renames (with every reference) and verifies;
* cold start: ``python -c pass``, ``cfnfix --version``, ``cfnfix check`` of a tiny template;
* peak memory on the 1 MB template: Python allocations (tracemalloc, in-process) relative
  to the file size, and the subprocess's peak RSS, also as the growth over the same command
  on a one-resource template (interpreter, libraries and rules excluded).

Times are the minimum over N runs, wall clock and CPU (user + system of the process, or
of the child for subprocesses); on a shared machine CPU time is the steadier figure, so the
load average is printed too. The project's modules are byte-compiled first (as ``pip
install`` does), so an environment with ``PYTHONDONTWRITEBYTECODE`` set does not charge
compilation to every start.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

import cfnfix  # noqa: E402
import cfnfix.document as document  # noqa: E402
from benchmarks.generate_large import generate_json, generate_yaml  # noqa: E402
from devtools.corpus import corpus_files  # noqa: E402

#: Resources of the large template renamed to invalid logical IDs for the "with renames" rows.
RENAMED = (
    "Queue003",
    "Table010",
    "ExecRole020",
    "Handler031",
    "DataBucket036",
    "Queue045",
    "Table064",
    "ExecRole098",
    "Handler151",
    "SecurityGroup203",
)


FLOOR_EVENTS = "floor: PyYAML `CSafeLoader` read + parse (libyaml events), in-process"
FLOOR_LOAD = "PyYAML `CSafeLoader` read + `yaml.load` to Python objects, in-process"


@dataclass
class Timing:
    """Minimum wall and CPU seconds over the runs, peak RSS (bytes) of the fastest, exit codes seen."""

    wall: float
    cpu: float
    runs: int
    rss: int | None = None
    codes: frozenset[int] = frozenset()


def _tool(name: str) -> str | None:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


#: Spawns a command from a small interpreter and prints the child's peak RSS (ru_maxrss). A
#: child forked straight from this (large) process would report this process's RSS as its
#: own peak: Linux folds the pre-exec memory into ru_maxrss.
_LAUNCHER = (
    "import os, sys\n"
    "null = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_WRONLY, 0) for fd in (1, 2)]\n"
    "pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=null)\n"
    "print(os.wait4(pid, 0)[2].ru_maxrss)\n"
)


def run_subprocess(cmd: Sequence[str], repeat: int) -> Timing:
    """Run ``cmd`` ``repeat`` times (output discarded), child CPU time from wait4; then once
    more through a small launcher for the peak RSS."""
    walls, cpus, codes = [], [], set()
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        walls.append(time.perf_counter() - start)
        cpus.append(usage.ru_utime + usage.ru_stime)
        codes.add(os.waitstatus_to_exitcode(status))
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _LAUNCHER, *cmd], capture_output=True, text=True, check=True
    )
    rss = int(out.stdout) * (1 if sys.platform == "darwin" else 1024)
    return Timing(min(walls), min(cpus), repeat, rss, frozenset(codes))


def run_inprocess(fn: Callable[[], Any], repeat: int) -> Timing:
    """Call ``fn`` ``repeat`` times with the parse cache cleared; process CPU time."""
    walls, cpus, codes = [], [], set()
    for _ in range(repeat):
        document._CACHE.clear()
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        code = fn()
        walls.append(time.perf_counter() - start_wall)
        cpus.append(time.process_time() - start_cpu)
        if isinstance(code, int):
            codes.add(code)
    return Timing(min(walls), min(cpus), repeat, None, frozenset(codes))


def traced_peak(fn: Callable[[], Any]) -> int:
    """Peak bytes allocated by Python while ``fn`` runs (tracemalloc), parse cache cleared."""
    document._CACHE.clear()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def cli_inprocess(*args: str) -> Callable[[], int]:
    """The typer app run in this interpreter, output discarded; returns the exit code."""
    from cfnfix.cli.app import app

    def call() -> int:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = app(list(args), prog_name="cfnfix", standalone_mode=False)
        return int(code or 0)

    return call


class _FloorLoader(yaml.CSafeLoader):
    """CSafeLoader that builds CloudFormation short-form tags as plain values (as cfn-lint does)."""


def _any_tag(loader: yaml.CSafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)


_FloorLoader.add_multi_constructor("!", _any_tag)


def floor(paths: Sequence[Path], *, construct: bool) -> Callable[[], int]:
    """Read every file and run PyYAML's CSafeLoader (libyaml) over it: the event stream only
    (what cfnfix builds its nodes from), or ``yaml.load`` to Python objects (what a PyYAML
    based linter starts from). Returns the number of files it could not read."""

    def parse() -> int:
        failed = 0
        for path in paths:
            text = path.read_bytes().decode("utf-8")
            try:
                if construct:
                    yaml.load(text, Loader=_FloorLoader)
                else:
                    for _ in yaml.parse(text, Loader=yaml.CSafeLoader):
                        pass
            except yaml.YAMLError:
                failed += 1
        return failed

    return parse


def with_renames(text: str) -> str:
    """``text`` with the resources of :data:`RENAMED` given invalid logical IDs (references too)."""
    for i, name in enumerate(RENAMED):
        bad = re.sub(r"(\D)(\d)", r"\1" + (" ", "-", "_")[i % 3] + r"\2", name, count=1)
        text = re.sub(rf"\b{name}\b", bad, text)
    return text


def _memory(timing: Timing, baseline: int, peak: int, size: int) -> str:
    rss = timing.rss or 0
    return (
        f"RSS {_mb(rss)} (+{_mb(rss - baseline)} = {(rss - baseline) / size:.1f}× file over a one-resource template); "
        f"Python peak {_mb(peak)} = {peak / size:.1f}× file"
    )


def _targets(timing: Timing, peak: int, size: int) -> str:
    return f"< 1 s {'✓' if timing.wall < 1 else '✗'}; memory < 10× {'✓' if peak < 10 * size else '✗'}"


def _secs(t: float) -> str:
    return f"{t * 1000:.0f} ms" if t < 1 else f"{t:.2f} s"


def _mb(n: float) -> str:
    return f"{n / 1e6:.2f} MB"


#: The bare-parse floor of issue 25 as a program: read each file named, load it with libyaml
#: (``CSafeLoader``, CloudFormation's short-form tags built as plain values) or ``json.loads``.
FLOOR_PROGRAM = """
import json, sys, yaml
class Loader(yaml.CSafeLoader):
    pass
def any_tag(loader, suffix, node):
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)
Loader.add_multi_constructor("!", any_tag)
def load_all(names):
    for name in names:
        with open(name, "rb") as fh:
            text = fh.read().decode("utf-8")
        if name.endswith(".json"):
            json.loads(text)
        else:
            yaml.load(text, Loader=Loader)
if __name__ == "__main__":
    load_all(sys.argv[1:])
"""


#: What ``cfnfix check -q FILE`` loads before it reads a file, step by step in one fresh
#: interpreter (CPU seconds per step, as one JSON list): the interpreter itself, pydantic with the
#: finding models, the runner (parsers, configuration, batch jobs, reports), typer with the
#: command line built and ``check``'s arguments parsed (what a typer-free ``check`` would save),
#: and the rule registry (every rule module imported).
STARTUP_PROGRAM = """
import json, sys, time
steps = [time.process_time()]
import cfnfix.findings, cfnfix.report
steps.append(time.process_time())
import cfnfix.batch.jobs, cfnfix.batch.pool, cfnfix.batch.outcome, cfnfix.checking, cfnfix.config_files
import cfnfix.fixing, cfnfix.profiles
steps.append(time.process_time())
import typer.main
import cfnfix.cli.app
command = typer.main.get_command(cfnfix.cli.app.app)
command.get_command(None, "check").make_context("check", ["-q", sys.argv[1]])
steps.append(time.process_time())
from cfnfix.rules import all_rules
all_rules()
steps.append(time.process_time())
print(json.dumps([steps[0]] + [b - a for a, b in zip(steps, steps[1:])]))
"""

STARTUP_STEPS = (
    "the interpreter (`python -c`, site packages)",
    "pydantic and the finding models",
    "the runner: parsers, configuration, batch jobs, reports",
    "typer: import, the command line built, `check`'s arguments parsed",
    "the rule registry: every rule module imported",
)

#: A one-resource template: ``check`` of it is start-up and next to nothing else.
ONE_RESOURCE = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n'


def startup_steps(n: int, template: str) -> list[float]:
    """:data:`STARTUP_PROGRAM` run ``n`` times in fresh interpreters: each step's minimum CPU seconds."""
    runs = []
    for _ in range(n):
        out = subprocess.run(
            [sys.executable, "-c", STARTUP_PROGRAM, template], capture_output=True, text=True, check=True, cwd=ROOT
        )
        runs.append(json.loads(out.stdout))
    return [min(r[i] for r in runs) for i in range(len(STARTUP_STEPS))]


def check_only(n: int, corpus: str, script: str | None = None) -> int:
    """``--only check``: ``cfnfix check`` over the corpus against the bare-parse floor of the same
    run, each split into start-up (a one-resource template; the floor program given no file) and
    the work per file; then where this checkout's start-up goes, step by step."""
    script = script or _tool("cfnfix")
    if script is None:
        raise SystemExit("the cfnfix console script is not installed (pip install -e .)")
    compileall.compile_dir(str(ROOT / "cfnfix"), quiet=1)
    files = corpus_files(corpus)
    if not files:
        raise SystemExit(f"no templates under {corpus}")
    names = [str(p) for p in files]
    load_before = os.getloadavg()
    started = datetime.now(timezone.utc)
    namespace: dict[str, Any] = {"__name__": "floor"}
    exec(compile(FLOOR_PROGRAM, "<floor>", "exec"), namespace)  # the same program, in this process
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.yaml"
        one.write_text(ONE_RESOURCE, encoding="utf-8")
        floor_proc = run_subprocess([sys.executable, "-c", FLOOR_PROGRAM, *names], n)
        check_proc = run_subprocess([script, "check", "-q", *names], n)
        floor_start = run_subprocess([sys.executable, "-c", FLOOR_PROGRAM], n)
        check_start = run_subprocess([script, "check", "-q", str(one)], n)
        floor_in = run_inprocess(lambda: namespace["load_all"](names), n)
        check_in = run_inprocess(cli_inprocess("check", "-q", "--jobs", "1", *names), n)
        steps = startup_steps(n, str(one))
    load_after = os.getloadavg()
    where = f"corpus: {len(files)} files, {_mb(sum(p.stat().st_size for p in files))}"
    print(
        f"{script}: cfnfix {cfnfix.__version__}, Python {platform.python_version()}, {os.cpu_count()} CPUs; "
        f"{started:%Y-%m-%d %H:%M} UTC; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after "
        f"(1 min); min of {n} runs.\n"
    )
    print("| measurement | input | wall (min) | CPU (min) | CPU ÷ floor | wall ÷ floor |")
    print("|---|---|---:|---:|---:|---:|")
    rows = [
        ("floor: read + `CSafeLoader` / `json.loads`, a process", where, floor_proc, floor_proc),
        ("`cfnfix check -q FILE…`, console script", where, check_proc, floor_proc),
        ("floor: read + `CSafeLoader` / `json.loads`, in-process", where, floor_in, floor_in),
        ("`cfnfix check -q --jobs 1 FILE…`, in-process", where, check_in, floor_in),
        ("start-up of the floor: its program given no file", "—", floor_start, floor_start),
        ("start-up of `check`: `cfnfix check -q` of a one-resource template", "1 file", check_start, floor_start),
    ]
    for what, input_, timing, base in rows:
        print(
            f"| {what} | {input_} | {_secs(timing.wall)} | {_secs(timing.cpu)} | "
            f"{timing.cpu / base.cpu:.2f}× | {timing.wall / base.wall:.2f}× |"
        )
    ratio = check_proc.cpu / floor_proc.cpu
    print(f"\ntarget ≤ 2× the floor (console script, CPU): {ratio:.2f}× {'✓' if ratio <= 2 else '✗'}")
    work, floor_work = check_proc.cpu - check_start.cpu, floor_proc.cpu - floor_start.cpu
    print(
        f"start-up is {_secs(check_start.cpu)} of `check`'s {_secs(check_proc.cpu)} CPU "
        f"({check_start.cpu / check_proc.cpu:.0%}), the floor's {_secs(floor_start.cpu)} of {_secs(floor_proc.cpu)}; "
        f"the work per file (each minus its start-up): {_secs(work)} against {_secs(floor_work)}, "
        f"{work / floor_work:.2f}×; start-up alone is {check_start.cpu / floor_proc.cpu:.2f}× the floor."
    )
    print(f"\nWhere start-up goes (this checkout, {sys.executable}, fresh interpreters, CPU, min of {n}):\n")
    print("| step | CPU (min) |")
    print("|---|---:|")
    for what, t in zip(STARTUP_STEPS, steps):
        print(f"| {what} | {_secs(t)} |")
    print(f"| sum | {_secs(sum(steps))} |")
    return 0


def large_only(n: int, script: str | None = None) -> int:
    """``--only large``: the 1 MB templates through the console script, as a markdown table."""
    script = script or _tool("cfnfix")
    if script is None:
        raise SystemExit("the cfnfix console script is not installed (pip install -e .)")
    compileall.compile_dir(str(ROOT / "cfnfix"), quiet=1)
    load_before = os.getloadavg()
    rows: list[tuple[str, str, Timing]] = []
    tmp = Path(tempfile.mkdtemp(prefix="cfnfix-bench-"))
    try:
        # the floor under every row: start-up (interpreter, imports, rule registry) on a
        # one-resource template, and the position parse of the 1 MB YAML in this process
        tiny = tmp / "tiny.yaml"
        tiny.write_text("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n", encoding="utf-8")
        rows.append(
            (
                "floor: `cfnfix apply` (start-up)",
                "1 resource, YAML",
                run_subprocess([script, "apply", "-q", str(tiny)], n),
            )
        )
        rows.append(
            (
                "floor: the interpreter importing typer and pydantic (as the CLI does)",
                "—",
                run_subprocess(
                    [sys.executable, "-c", "import typer, typer._adapters, pydantic; pydantic.BaseModel"], n
                ),
            )
        )
        large_yaml = generate_yaml(500)
        rows.append(
            (
                "floor: YAML parse with positions, in-process",
                "500 resources, YAML",
                run_inprocess(lambda: document.parse_text(large_yaml, "large.yaml", nodes=True), n),
            )
        )
        rows.append(
            (
                "floor: libyaml events alone (`CSafeLoader`), in-process",
                "500 resources, YAML",
                run_inprocess(lambda: sum(1 for _ in yaml.parse(large_yaml, Loader=yaml.CSafeLoader)), n),
            )
        )
        for fmt, text in {"yaml": large_yaml, "json": generate_json(500)}.items():
            folder = tmp / fmt
            folder.mkdir()
            path = folder / f"large.{fmt}"
            path.write_text(text, encoding="utf-8")
            renamed = tmp / f"large-renames.{fmt}"
            renamed.write_text(with_renames(text), encoding="utf-8")
            where = f"500 resources, {fmt.upper()}, {_mb(path.stat().st_size)}"
            rows.append(("`cfnfix check FILE`", where, run_subprocess([script, "check", "-q", str(path)], n)))
            rows.append(
                (
                    "`cfnfix check FOLDER` (found by the search)",
                    where,
                    run_subprocess([script, "check", "-q", str(folder)], n),
                )
            )
            rows.append(
                (
                    "`cfnfix apply` (dry run, nothing to fix)",
                    where,
                    run_subprocess([script, "apply", "-q", str(path)], n),
                )
            )
            timing = run_subprocess([script, "apply", "-q", str(renamed)], n)
            assert timing.codes == {1}, f"apply with renames should change the file (exit 1), got {timing.codes}"
            rows.append(("`cfnfix apply` (dry run: 10 renames)", f"{where}, 10 invalid logical IDs", timing))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{script}: Python {platform.python_version()}; load average {load_before[0]:.1f}; min of {n} runs.\n")
    print("| measurement | input | wall (min) | CPU (min) |")
    print("|---|---|---:|---:|")
    for what, where, timing in rows:
        print(f"| {what} | {where} | {_secs(timing.wall)} | {_secs(timing.cpu)} |")
    return 0


def _lint_rows(
    add: Callable[..., None], where: str, lint: Timing, script: str, names: Sequence[str], repeat: int
) -> None:
    """``cfnfix check --cfn-lint`` in one process and with two jobs, against cfn-lint's own time."""
    for jobs in ("1", "2"):
        timing = run_subprocess([script, "check", "-q", "--cfn-lint", "--jobs", jobs, *names], repeat)
        ratio = timing.wall / lint.wall
        ok = "✓" if ratio <= 1.2 else "✗"
        add(
            f"`cfnfix check --cfn-lint --jobs {jobs}`, console script",
            where,
            timing,
            f"RSS {_mb(timing.rss or 0)}",
            f"≤ 1.2× cfn-lint: {ratio:.2f}× wall, {timing.cpu / lint.cpu:.2f}× CPU {ok}",
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"), help="folder of templates")
    parser.add_argument("--repeat", type=int, default=5, help="runs per cfnfix / floor measurement (min is shown)")
    parser.add_argument("--lint-repeat", type=int, default=1, help="runs per cfn-lint measurement")
    parser.add_argument("--cold-repeat", type=int, default=20, help="runs per cold-start measurement")
    parser.add_argument("--no-cfn-lint", action="store_true", help="skip cfn-lint (it takes about a minute)")
    parser.add_argument(
        "--only",
        choices=["large", "check"],
        help="large: only the 1 MB templates through the console script; check: only `check` over the corpus "
        "against the bare-parse floor (issue 25)",
    )
    parser.add_argument(
        "--script",
        help="with --only large or check: the console script to measure (default: the installed cfnfix), e.g. a launcher of another checkout",
    )
    parser.add_argument(
        "--cfn-lint-only", action="store_true", help="only cfn-lint and `cfnfix check --cfn-lint` over the corpus"
    )
    args = parser.parse_args(argv)
    n = args.repeat
    if args.only == "large":
        return large_only(n, args.script)
    if args.only == "check":
        return check_only(n, args.corpus, args.script)

    cfnfix_script, lint_script = _tool("cfnfix"), _tool("cfn-lint")
    if cfnfix_script is None:
        parser.error("the cfnfix console script is not installed (pip install -e .)")
    compileall.compile_dir(str(ROOT / "cfnfix"), quiet=1)
    files = corpus_files(args.corpus)
    if not files:
        parser.error(f"no templates under {args.corpus}")
    corpus_bytes = sum(p.stat().st_size for p in files)
    names = [str(p) for p in files]
    load_before = os.getloadavg()
    started = datetime.now(timezone.utc)

    rows: list[tuple[str, str, Timing | None, str, str]] = []  # (what, input, timing, memory, target)

    def add(what: str, where: str, timing: Timing | None, memory: str = "", target: str = "") -> None:
        rows.append((what, where, timing, memory, target))
        print(f"  measured: {what} / {where}", file=sys.stderr, flush=True)

    # ---------------------------------------------------------------- corpus
    where = f"corpus: {len(files)} files, {_mb(corpus_bytes)}"
    if args.cfn_lint_only:
        if lint_script is None:
            parser.error("cfn-lint is not installed (pip install -e '.[lint]')")
        lint_corpus = run_subprocess([lint_script, "--regions", "us-east-1", "--", *names], args.lint_repeat)
        add("cfn-lint, console script", where, lint_corpus, f"RSS {_mb(lint_corpus.rss or 0)}")
        _lint_rows(add, where, lint_corpus, cfnfix_script, names, args.lint_repeat)
        _print(rows, started, load_before, n, args)
        return 0
    add(FLOOR_EVENTS, where, run_inprocess(floor(files, construct=False), n))
    add(FLOOR_LOAD, where, run_inprocess(floor(files, construct=True), n))
    check_script = run_subprocess([cfnfix_script, "check", "-q", *names], n)
    add("`cfnfix check`, in-process", where, run_inprocess(cli_inprocess("check", "-q", *names), n))
    apply_script = run_subprocess([cfnfix_script, "apply", "-q", *names], n)
    add("`cfnfix apply` (dry run), in-process", where, run_inprocess(cli_inprocess("apply", "-q", *names), n))
    lint_corpus = None
    if lint_script and not args.no_cfn_lint:
        lint_corpus = run_subprocess([lint_script, "--regions", "us-east-1", "--", *names], args.lint_repeat)
    ratio = ""
    if lint_corpus is not None:
        r_wall, r_cpu = lint_corpus.wall / check_script.wall, lint_corpus.cpu / check_script.cpu
        ok = "✓" if r_wall >= 20 else "✗"
        ratio = f"≤ 1/20 of cfn-lint: 1/{r_wall:.0f} wall, 1/{r_cpu:.0f} CPU {ok}"
    add("`cfnfix check`, console script", where, check_script, f"RSS {_mb(check_script.rss or 0)}", ratio)
    add("`cfnfix apply` (dry run), console script", where, apply_script, f"RSS {_mb(apply_script.rss or 0)}")
    if lint_corpus is not None:
        add("cfn-lint, console script", where, lint_corpus, f"RSS {_mb(lint_corpus.rss or 0)}")
        _lint_rows(add, where, lint_corpus, cfnfix_script, names, args.lint_repeat)

    # ---------------------------------------------------------------- the 1 MB template
    tmp = Path(tempfile.mkdtemp(prefix="cfnfix-bench-"))
    try:
        tiny = tmp / "tiny.yaml"
        tiny.write_text(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n",
            encoding="utf-8",
        )
        baseline = run_subprocess([cfnfix_script, "apply", "-q", str(tiny)], 1).rss or 0
        large = {"yaml": generate_yaml(500), "json": generate_json(500)}
        for fmt, text in large.items():
            path = tmp / f"large.{fmt}"
            path.write_text(text, encoding="utf-8")
            renamed = tmp / f"large-renames.{fmt}"
            renamed.write_text(with_renames(text), encoding="utf-8")
            size = path.stat().st_size
            where = f"500 resources, {fmt.upper()}, {_mb(size)}"
            add(FLOOR_EVENTS, where, run_inprocess(floor([path], construct=False), n))
            add(FLOOR_LOAD, where, run_inprocess(floor([path], construct=True), n))
            add("`cfnfix check`, in-process", where, run_inprocess(cli_inprocess("check", "-q", str(path)), n))
            timing = run_subprocess([cfnfix_script, "check", "-q", str(path)], n)
            peak = traced_peak(cli_inprocess("check", "-q", str(path)))
            add(
                "`cfnfix check`, console script",
                where,
                timing,
                _memory(timing, baseline, peak, size),
                f"memory < 10× {'✓' if peak < 10 * size else '✗'}",
            )
            add(
                "`cfnfix apply` (dry run), in-process", where, run_inprocess(cli_inprocess("apply", "-q", str(path)), n)
            )
            timing = run_subprocess([cfnfix_script, "apply", "-q", str(path)], n)
            peak = traced_peak(cli_inprocess("apply", "-q", str(path)))
            add(
                "`cfnfix apply` (dry run), console script",
                where,
                timing,
                _memory(timing, baseline, peak, size),
                _targets(timing, peak, size),
            )
            where_r = f"{where}, 10 invalid logical IDs"
            timing_in = run_inprocess(cli_inprocess("apply", "-q", str(renamed)), n)
            assert timing_in.codes == {1}, f"apply with renames should change the file (exit 1), got {timing_in.codes}"
            add("`cfnfix apply` (dry run: 10 renames), in-process", where_r, timing_in)
            timing = run_subprocess([cfnfix_script, "apply", "-q", str(renamed)], n)
            peak = traced_peak(cli_inprocess("apply", "-q", str(renamed)))
            add(
                "`cfnfix apply` (dry run: 10 renames), console script",
                where_r,
                timing,
                _memory(timing, baseline, peak, size),
                _targets(timing, peak, size),
            )
            if lint_script and not args.no_cfn_lint:
                timing = run_subprocess([lint_script, "--regions", "us-east-1", "--", str(path)], args.lint_repeat)
                add("cfn-lint, console script", where, timing, f"RSS {_mb(timing.rss or 0)}")

        # ------------------------------------------------------------ cold start
        cold = args.cold_repeat
        add(
            "cold start: `python -c pass` (the interpreter alone)",
            "—",
            run_subprocess([sys.executable, "-c", "pass"], cold),
        )
        timing = run_subprocess([cfnfix_script, "--version"], cold)
        add(
            "cold start: `cfnfix --version`",
            "—",
            timing,
            f"RSS {_mb(timing.rss or 0)}",
            f"< 150 ms {'✓' if timing.wall < 0.150 else '✗'}",
        )
        timing = run_subprocess([cfnfix_script, "check", "-q", str(tiny)], max(3, cold // 2))
        add("cold start: `cfnfix check` of a one-resource template", "1 file", timing, f"RSS {_mb(timing.rss or 0)}")
        if lint_script and not args.no_cfn_lint:
            timing = run_subprocess([lint_script, "--version"], max(1, args.lint_repeat * 3))
            add("cold start: `cfn-lint --version`", "—", timing)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    _print(rows, started, load_before, n, args)
    return 0


def _print(
    rows: list[tuple[str, str, Timing | None, str, str]], started: datetime, load_before: Any, n: int, args: Any
) -> None:
    """The header line and the markdown table."""
    load_after = os.getloadavg()
    print(
        f"cfnfix {cfnfix.__version__}, Python {platform.python_version()}, PyYAML {yaml.__version__} "
        f"(libyaml {'yes' if hasattr(yaml, 'CSafeLoader') else 'no'}), {os.cpu_count()} CPUs, {platform.system()} {platform.machine()}; "
        f"{started:%Y-%m-%d %H:%M} UTC; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after "
        f"(1 min); min of N runs.\n"
    )
    print("| measurement | input | N | wall (min) | CPU (min) | memory | target |")
    print("|---|---|---:|---:|---:|---|---|")
    for what, where, timing, memory, target in rows:
        if timing is None:
            continue
        odd = [c for c in timing.codes if c not in (0, 1)]
        note = (
            f" (exit {', '.join(map(str, sorted(odd)))})"
            if odd and "cfn-lint" not in what and "floor" not in what
            else ""
        )
        print(
            f"| {what}{note} | {where} | {timing.runs} | {_secs(timing.wall)} | {_secs(timing.cpu)} | {memory} | {target} |"
        )


if __name__ == "__main__":
    raise SystemExit(main())
