"""Regenerate ``cfnfix/rules/lambdas/data/python_stdlib.json``: ``python scripts/gen_python_stdlib.py [--check]``.

The table lists, for each Python version that Lambda runs (3.8 … 3.14), the top-level
module names of the standard library. ``sys.stdlib_module_names`` answers that only for the
interpreter that asks (and exists only from 3.10 on), so two sources are combined:

* **stdlibs** (PyPI ``stdlibs``, pinned below; MIT, by Amethyst Reese, used by Ruff and
  µsort): per-version frozensets generated from the CPython *source release* of each version
  (``Lib/`` modules and packages plus the C modules named in ``Modules/`` and the inittab).
  It is a superset of ``sys.stdlib_module_names`` (it also lists the importable private and
  test modules such as ``_testcapi`` and ``__hello__``). Install it for this script only:
  ``pip install stdlibs==2026.9.3``; cfnfix does not import it.
* **``sys.stdlib_module_names``** of every local CPython 3.10+ interpreter found on ``PATH``
  or under ``~/.pyenv/versions`` — the authoritative list for that version. Its names are
  merged in, and the script reports any name stdlibs missed (there were none with 3.10.13,
  3.11.7, 3.12.1 and 3.13.0 when this was written).

A name listed here is never reported as a missing dependency, so the lists err on the side
of including names (a private module ships with CPython even when it is not documented).
``--check`` exits 1 when the committed file differs from what this script would write
(ignoring the date).
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import importlib
import json
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _generated import write_or_check

OUT = Path(__file__).resolve().parent.parent / "cfnfix" / "rules" / "lambdas" / "data" / "python_stdlib.json"
VERSIONS = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"]
STDLIBS_PIN = "2026.9.3"


def stdlibs_names(version: str) -> set[str]:
    """Module names of ``version`` according to the ``stdlibs`` package."""
    module = importlib.import_module("stdlibs.py" + version.replace(".", ""))
    return set(module.module_names)


def interpreter(version: str) -> str | None:
    """A local CPython ``version`` executable, or None."""
    pyenv = os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}")
    matches = sorted(glob.glob(pyenv))
    if matches:
        return matches[-1]
    found = shutil.which(f"python{version}")
    return found if found and "/shims/" not in found else None


def interpreter_names(exe: str) -> tuple[str, set[str]] | None:
    """(full version, ``sys.stdlib_module_names``) of a local interpreter (None if it does not run)."""
    code = "import sys, json; print(json.dumps([sys.version.split()[0], sorted(sys.stdlib_module_names)]))"
    proc = subprocess.run([exe, "-I", "-c", code], capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        return None
    full, names = json.loads(proc.stdout)
    return full, set(names)


def build() -> dict[str, object]:
    """The table as written to the data file (without checking anything on disk)."""
    try:
        installed = metadata.version("stdlibs")
    except metadata.PackageNotFoundError:
        sys.exit(f"this script needs the stdlibs package: pip install stdlibs=={STDLIBS_PIN}")
    if installed != STDLIBS_PIN:
        print(f"note: stdlibs {installed} installed, the committed table used {STDLIBS_PIN}", file=sys.stderr)
    versions: dict[str, list[str]] = {}
    checked: list[str] = []
    for version in VERSIONS:
        names = stdlibs_names(version)
        exe = interpreter(version) if tuple(map(int, version.split("."))) >= (3, 10) else None
        found = interpreter_names(exe) if exe else None
        if found:
            full, local = found
            missing = sorted(local - names)
            if missing:
                print(f"{version}: sys.stdlib_module_names of {full} adds {missing}", file=sys.stderr)
            names |= local
            checked.append(full)
        versions[version] = sorted(names)
    return {
        "date": dt.date.today().isoformat(),
        "generated_by": "scripts/gen_python_stdlib.py",
        "sources": {
            "stdlibs": f"https://pypi.org/project/stdlibs/{installed}/ (lists generated from CPython source releases)",
            "sys.stdlib_module_names": sorted(checked),
        },
        "versions": versions,
    }


def dump(table: dict[str, object]) -> str:
    """JSON text with each version's names wrapped at 100 columns (reviewable diffs)."""
    versions = table["versions"]
    assert isinstance(versions, dict)
    head = {k: v for k, v in table.items() if k != "versions"}
    text = json.dumps(head, indent=2, ensure_ascii=False)[:-2] + ',\n  "versions": {\n'
    blocks = []
    for version, names in versions.items():
        lines: list[str] = []
        line = ""
        for name in names:
            item = json.dumps(name) + ","
            if line and len(line) + len(item) + 1 > 96:
                lines.append(line)
                line = ""
            line = f"{line} {item}" if line else item
        lines.append(line)
        lines[-1] = lines[-1].rstrip(",")
        body = "\n".join("      " + ln for ln in lines)
        blocks.append(f'    "{version}": [\n{body}\n    ]')
    return text + ",\n".join(blocks) + "\n  }\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed table is stale")
    args = parser.parse_args(argv)
    return write_or_check(OUT, dump(build()), "gen_python_stdlib.py", check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())
