"""Engine fidelity over a corpus: ``python benchmarks/engine_fidelity.py [CORPUS]``.

For every template: does it load; does the empty patch return it byte for byte; and for
each generated patch (replace a leaf, add a property, remove a key, add to a list, rename
a resource — devtools/engine_patches.py) is the output's data equal to jsonpatch's result,
and does the diff touch only the patched nodes' lines (devtools/touched.py)? Prints the
percentages and the mean time per patch. The engine runs strict (no second-opinion
retry), so every figure is the planner's own.
"""

from __future__ import annotations

import copy
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import jsonpatch  # noqa: E402

from cfnfix import apply_patch as _apply_patch  # noqa: E402
from cfnfix.document import load, parse_text  # noqa: E402
from cfnfix.errors import CfnfixError  # noqa: E402
from cfnfix.io.files import read_text  # noqa: E402
from devtools.corpus import corpus_files  # noqa: E402
from devtools.engine_patches import generated_patches  # noqa: E402
from devtools.touched import untouched_violations  # noqa: E402


def apply_patch(text: str, patch: list, **kw: object) -> str:
    """The fast planner alone (``strict=True``): no step-by-step second opinion."""
    return _apply_patch(text, patch, strict=True, **kw)  # type: ignore[arg-type]


def main(argv: list[str]) -> int:
    files = (
        sorted(p for p in Path(argv[0]).rglob("*") if p.suffix in (".yaml", ".yml", ".json", ".template"))
        if argv
        else corpus_files()
    )
    loads = identity = 0
    correct: Counter[str] = Counter()
    confined: Counter[str] = Counter()
    total: Counter[str] = Counter()
    seconds = 0.0
    for path in files:
        text = read_text(path)
        try:
            doc = load(text, str(path))
        except CfnfixError as exc:
            print("does not load:", exc)
            continue
        loads += 1
        identity += apply_patch(text, []) == text
        for kind, patch in generated_patches(doc.data).items():
            total[kind] += 1
            expected = jsonpatch.apply_patch(copy.deepcopy(doc.data), patch)
            start = time.perf_counter()
            try:
                out = apply_patch(text, patch, file=str(path))
            except CfnfixError as exc:
                print(f"{kind}: {exc}")
                continue
            finally:
                seconds += time.perf_counter() - start
            if parse_text(out, fmt=doc.format)[2] == expected:
                correct[kind] += 1
            else:
                print(f"{kind}: {path}: data differs from jsonpatch")
            problems = untouched_violations(doc, out, patch)
            if problems:
                print(f"{kind}: {path}: {problems[0]}")
            else:
                confined[kind] += 1
    n = len(files)
    patches = sum(total.values())
    print(f"\n{n} templates: load {100 * loads / n:.1f}%, empty patch = identity {100 * identity / n:.1f}%")
    print("| patch | templates | correct (= jsonpatch) | confined (touched lines only) |")
    print("|---|---|---|---|")
    for kind in total:
        print(
            f"| {kind} | {total[kind]} | {100 * correct[kind] / total[kind]:.1f}% | {100 * confined[kind] / total[kind]:.1f}% |"
        )
    print(
        f"| all | {patches} | {100 * sum(correct.values()) / patches:.1f}% | {100 * sum(confined.values()) / patches:.1f}% |"
    )
    print(f"\nmean {1000 * seconds / patches:.2f} ms per patch (parse, plan, apply, verify)")
    return 0 if loads == identity == n and sum(correct.values()) == sum(confined.values()) == patches else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
