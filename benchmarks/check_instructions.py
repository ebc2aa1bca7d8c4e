"""Instructions, not seconds: ``python benchmarks/check_instructions.py [--script PATH] [--corpus DIR]``.

On a shared machine CPU time moves by a third from one run to the next (other people's work
evicts the caches and shares the cores), which hides a change of a few per cent. The number of
instructions a process executes does not depend on the load: this script counts them with
valgrind's ``callgrind`` (``Ir``, the instructions of the process and every library it loads)
for the three processes of ``bench.py --only check``: the bare-parse floor over the corpus,
``cfnfix check -q FILE…`` over the corpus, and ``cfnfix check -q`` of a one-resource template
(its start-up). ``PYTHONHASHSEED=0`` makes the runs repeat exactly. Instructions are not time
(an import misses the caches more often than a rule's loop does), so this is for comparing two
versions side by side (``--script`` takes a launcher of another checkout), not for the figure of
issue 25. This checkout's modules are byte-compiled first, as ``bench.py`` does (with
``PYTHONDONTWRITEBYTECODE`` set, every start would compile what changed since: 80 million
instructions); compile another checkout before counting its launcher (``python -m compileall
cfnfix``). Needs ``valgrind``; each count takes about 50 times the command's own time (a few
minutes for the corpus), under ``nice``.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench import FLOOR_PROGRAM, ONE_RESOURCE, _tool  # noqa: E402
from devtools.corpus import corpus_files  # noqa: E402


def instructions(cmd: list[str]) -> int:
    """Instructions (callgrind's ``Ir``) that ``cmd`` executes, its output discarded; a launcher
    that runs the interpreter with ``exec`` (``--script``) is followed into it, and the counts summed."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out.%p"
        proc = subprocess.run(
            [
                "nice",
                "-n",
                "10",
                "valgrind",
                "--tool=callgrind",
                "--trace-children=yes",
                f"--callgrind-out-file={out}",
                *cmd,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        found = re.findall(r"Collected : (\d+)", proc.stderr)
        if not found:
            raise SystemExit(f"valgrind gave no count for {cmd[0]}: {proc.stderr.strip()[-500:]}")
        return sum(int(n) for n in found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"), help="folder of templates")
    parser.add_argument("--script", help="the console script to count (default: the installed cfnfix)")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed")
    script = args.script or _tool("cfnfix")
    if script is None:
        parser.error("the cfnfix console script is not installed (pip install -e .)")
    compileall.compile_dir(str(ROOT / "cfnfix"), quiet=1)
    names = [str(p) for p in corpus_files(args.corpus)]
    if not names:
        parser.error(f"no templates under {args.corpus}")
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.yaml"
        one.write_text(ONE_RESOURCE, encoding="utf-8")
        rows = [
            (
                "floor: read + `CSafeLoader` / `json.loads`, a process",
                instructions([sys.executable, "-c", FLOOR_PROGRAM, *names]),
            ),
            ("`cfnfix check -q FILE…`, console script", instructions([script, "check", "-q", *names])),
            (
                "start-up of `check`: `cfnfix check -q` of a one-resource template",
                instructions([script, "check", "-q", str(one)]),
            ),
        ]
    floor = rows[0][1]
    print(f"{script}: {len(names)} files; instructions (callgrind Ir, PYTHONHASHSEED=0)\n")
    print("| process | instructions | ÷ floor |")
    print("|---|---:|---:|")
    for what, count in rows:
        print(f"| {what} | {count / 1e9:.3f} G | {count / floor:.2f}× |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
