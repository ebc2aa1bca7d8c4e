"""Adversarial 1 MB templates: ``python benchmarks/adversarial.py [--size 1000000] [--limit 5] [--cpu] [--repeat N]``.

For each shape of ``devtools/adversarial.py`` (many findings in one resource, many resources
with findings, long ``Fn::Sub`` strings, many operations in one patch …), grown to about
``--size`` characters (default 1,000,000: CloudFormation's limit is 1 MB), times what the CLI
does with it, each in a fresh process as a user runs it (wall time, start-up included):

* ``check``: ``cfnfix check FILE``;
* ``apply``: ``cfnfix apply --write --unsafe-fixes FILE`` on a copy (every fix, written), or,
  for the patch cases, ``cfnfix patch FILE PATCH --write``.

Prints one row per case, wall and CPU time of each command, and exits 1 when any is over
``--limit`` seconds (default 5; wall time, or CPU time with ``--cpu``, the steadier figure
when others share the machine) or fails.
``--case NAME`` (repeatable) runs only those; ``--repeat N`` runs each command N times and
shows the fastest (by CPU time). The project's modules are byte-compiled first, as ``pip
install`` leaves them (with ``PYTHONDONTWRITEBYTECODE`` set, a module changed since its last
compile is compiled again by every run).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.adversarial import CASES, sized  # noqa: E402

CFNFIX = [sys.executable, "-m", "cfnfix"]


def _run(args: list[str]) -> tuple[float, float, int, str]:
    """(wall seconds, CPU seconds of the child, exit code, its last error line)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    tail = (proc.stderr.strip().splitlines() or [""])[-1] if proc.returncode == 2 else ""
    return elapsed, cpu, proc.returncode, tail


def _best(repeat: int, args: Callable[[], list[str]]) -> tuple[float, float, int, str]:
    """The fastest of ``repeat`` runs (by CPU time), or the first that failed."""
    runs = []
    for _ in range(max(1, repeat)):
        run = _run(args())
        if run[2] == 2:
            return run
        runs.append(run)
    return min(runs, key=lambda r: r[1])


def _findings(path: Path) -> int:
    proc = subprocess.run([*CFNFIX, "check", "--format", "json", str(path)], capture_output=True, text=True, cwd=ROOT)
    try:
        return len(json.loads(proc.stdout).get("findings", []))
    except json.JSONDecodeError:
        return -1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="characters per template (default 1,000,000)")
    parser.add_argument("--limit", type=float, default=5.0, help="seconds allowed per command (default 5)")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="judge the limit on CPU time (the steadier figure on a shared machine) instead of wall time",
    )
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="run only this case (repeatable)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of each command; the fastest is shown (default 1; more give steadier figures on a shared machine)",
    )
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "cfnfix"), quiet=1)
    over = False
    load_before = f"load {os.getloadavg()[0]:.1f} (1 min)"
    print(
        f"{'case':<22} {'n':>7} {'bytes':>9} {'findings':>8} "
        f"{'check wall':>10} {'check cpu':>9} {'apply wall':>10} {'apply cpu':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.case or list(CASES):
            case = CASES[name]
            n, text, patch = sized(case, args.size)
            path = Path(tmp) / f"{name}.yaml"
            path.write_text(text, encoding="utf-8")
            check_s, check_cpu, check_rc, check_err = _best(args.repeat, lambda: [*CFNFIX, "check", str(path)])
            findings = _findings(path) if patch is None else 0
            target = Path(tmp) / f"{name}-apply.yaml"

            def fresh_target(text: str = text, target: Path = target) -> Path:
                target.write_text(text, encoding="utf-8")  # each run fixes the original
                return target

            if patch is None:
                apply_s, apply_cpu, apply_rc, apply_err = _best(
                    args.repeat, lambda: [*CFNFIX, "apply", "--write", "--unsafe-fixes", str(fresh_target())]
                )
            else:
                patch_file = Path(tmp) / f"{name}.json"
                patch_file.write_text(json.dumps(patch), encoding="utf-8")
                apply_s, apply_cpu, apply_rc, apply_err = _best(
                    args.repeat, lambda: [*CFNFIX, "patch", str(fresh_target()), str(patch_file), "--write"]
                )
            timed = (check_cpu, apply_cpu) if args.cpu else (check_s, apply_s)
            bad = max(timed) > args.limit or 2 in (check_rc, apply_rc)
            over |= bad
            note = "  OVER" if bad else ""
            print(
                f"{name:<22} {n:>7} {len(text.encode()):>9} {findings:>8} "
                f"{check_s:>10.2f} {check_cpu:>9.2f} {apply_s:>10.2f} {apply_cpu:>9.2f}{note}",
                flush=True,
            )
            for err in (check_err, apply_err):
                if err:
                    print(f"    {err}")
    judged = "CPU" if args.cpu else "wall"
    runs = f"fastest of {args.repeat} runs" if args.repeat > 1 else "one run"
    print(
        f"limit {args.limit:g} s ({judged} time) per command, {runs}; {os.cpu_count()} CPUs; "
        f"load {os.getloadavg()[0]:.1f} (1 min), {os.getloadavg()[1]:.1f} (5 min) at the end; started at {load_before}"
    )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
