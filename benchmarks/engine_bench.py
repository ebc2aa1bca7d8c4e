"""Engine benchmark: ``python benchmarks/engine_bench.py [--repeat 5]``.

Prints, for the generated 500-resource template (YAML and JSON, about 1 MB each):
load + empty patch (the issue's < 1 s target), load alone, a five-operation fix patch, and
the composers the engine could use for positions (PyYAML's libyaml composer, which cfnfix
uses, versus ruamel.yaml's), plus the mean over the shared corpus. Wall time and CPU time
are both shown (min of N runs); CPU time is the steadier figure on a busy machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

import cfnfix.document as document  # noqa: E402
from benchmarks.generate_large import generate_json, generate_yaml  # noqa: E402
from cfnfix import apply_patch  # noqa: E402
from cfnfix.document import load  # noqa: E402
from cfnfix.io.files import read_text  # noqa: E402


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """(min wall seconds, min CPU seconds) over ``repeat`` runs, parse cache cleared each time."""
    walls, cpus = [], []
    for _ in range(repeat):
        document._CACHE.clear()
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


def fix_patch(data: dict[str, Any]) -> list[dict[str, Any]]:
    """A patch shaped like a typical fix: rename + references, attributes, a parameter."""
    return [
        {"op": "move", "from": "/Resources/Queue003", "path": "/Resources/IngestQueue003"},
        {
            "op": "replace",
            "path": "/Resources/Handler001/Properties/Environment/Variables/QUEUE_URL/Ref",
            "value": "IngestQueue003",
        },
        {"op": "add", "path": "/Resources/Table004/Properties/Tags", "value": [{"Key": "fixed", "Value": "yes"}]},
        {"op": "add", "path": "/Resources/DataBucket000/Metadata/Reviewed", "value": True},
        {"op": "add", "path": "/Parameters/LayerArn", "value": {"Type": "String", "Default": ""}},
    ]


def row(name: str, size: int, wall: float, cpu: float) -> None:
    print(f"| {name:<48} | {size / 1e6:6.2f} MB | {wall * 1000:8.1f} ms | {cpu * 1000:8.1f} ms |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    args = parser.parse_args(argv)
    n = args.repeat
    print("| measurement | size | wall (min) | CPU (min) |")
    print("|---|---|---|---|")
    for fmt, text in (("yaml", generate_yaml(500)), ("json", generate_json(500))):
        size = len(text.encode("utf-8"))
        row(f"{fmt}: load + empty patch", size, *timed(lambda: (load(text), apply_patch(text, [])), n))
        row(f"{fmt}: load", size, *timed(lambda: load(text), n))
        patch = fix_patch(load(text).data)
        row(f"{fmt}: apply 5-operation fix patch (verified)", size, *timed(lambda: apply_patch(text, patch), n))
        row(
            f"{fmt}: load, then apply that patch (as cfnfix fix)",
            size,
            *timed(lambda: (load(text), apply_patch(text, patch)), n),
        )
        if fmt == "yaml":
            row(
                "yaml: compose, PyYAML CSafeLoader (libyaml)",
                size,
                *timed(lambda: yaml.compose(text, Loader=yaml.CSafeLoader), n),
            )
            try:
                from ruamel.yaml import YAML

                row("yaml: compose, ruamel.yaml (round-trip)", size, *timed(lambda: YAML(typ="rt").compose(text), 1))
            except ImportError:
                print("| yaml: compose, ruamel.yaml | (not installed) | | |")
    corpus = sorted(p for p in Path(args.corpus).rglob("*") if p.suffix in (".yaml", ".yml", ".json", ".template"))
    if corpus:
        texts = [read_text(p) for p in corpus]
        total = sum(len(t.encode("utf-8")) for t in texts)
        per = []
        for t in texts:
            per.append(timed(lambda: load(t), 1)[1])
        print(
            f"| corpus: load, mean of {len(texts)} files | {total / 1e6:6.2f} MB | | {statistics.mean(per) * 1000:8.2f} ms |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
