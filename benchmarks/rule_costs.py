"""Per-rule cost table: ``python benchmarks/rule_costs.py [--repeat 3] [--everything] [--corpus DIR] [--top N]``.

What ``cfnfix check`` over the shared corpus spends its CPU time on, rule by rule, family by
family, and on the work the rules share, so that the next rule's cost is visible in review
(issue 25). Each repetition is a fresh process (``--once``, as the console script is: every
per-process cache starts cold) that does what ``check -q FILE…`` does to each template — read,
parse (data only), run each selected rule and compute the impact of its safe fixes (the text
format shows applicability, which only a safe fix's impact can change), apply suppressions,
offer no fix in a file ``apply`` would refuse —
and charges every CPU moment to exactly one line (exclusive time): a rule's line holds what its
``check`` spends, except the shared work it triggers, which is charged to the shared line
instead (the reference index, schema walks and schema files, positions for a finding's line and
column, options, impact, suppressions), whichever rule asks first. The table shows the minimum
of each line over the repetitions.

``--everything`` turns every rule on (the ``destroyable`` profile, opt-in rules selected by id,
unused suppressions); by default the rules ``check`` runs out of the box. "skipped" counts the
templates a rule did not run on because they hold none of its :attr:`~cfnfix.rules.Rule.resource_types`.
"""

from __future__ import annotations

import argparse
import functools
import inspect
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

clock = time.process_time


class Ledger:
    """Exclusive CPU time per line: the line on top of the stack is charged until the next switch."""

    def __init__(self) -> None:
        self.stack = ["other (the runner, sorting)"]
        self.cpu: dict[str, float] = defaultdict(float)
        self.last = clock()

    def push(self, line: str) -> None:
        now = clock()
        self.cpu[self.stack[-1]] += now - self.last
        self.last = now
        self.stack.append(line)

    def pop(self) -> None:
        now = clock()
        self.cpu[self.stack[-1]] += now - self.last
        self.last = now
        self.stack.pop()


LEDGER = Ledger()

#: Shared work: (module, attribute, line of the table). Functions are wrapped wherever a module
#: imported them by name; generators are charged step by step.
SHARED = (
    ("cfnfix.document", "Document.root", "positions: node tree of a template with a finding"),
    ("cfnfix.document", "Document.locate", "positions: a finding's line and column"),
    ("cfnfix.document", "Document.locate_key", "positions: a finding's line and column"),
    ("cfnfix.template.references", "ReferenceIndex.__post_init__", "reference index"),
    ("cfnfix.rules.schema._walk", "nodes", "schema walks"),
    ("cfnfix.rules.schema._schemas", "_read", "schema files (read)"),
    ("cfnfix.rules.base", "Rule.options_for", "rule options"),
)


def _wrapped(fn: Callable[..., Any], line: str) -> Callable[..., Any]:
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def gen(*args: Any, **kwargs: Any) -> Iterator[Any]:
            it = fn(*args, **kwargs)
            while True:
                LEDGER.push(line)
                try:
                    item = next(it)
                except StopIteration:
                    return
                finally:
                    LEDGER.pop()
                yield item

        return gen

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        LEDGER.push(line)
        try:
            return fn(*args, **kwargs)
        finally:
            LEDGER.pop()

    return call


def _instrument() -> None:
    """Wrap the shared functions of :data:`SHARED` in every cfnfix module that holds them."""
    import importlib

    for module_name, attr, line in SHARED:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        owner_name, _, name = attr.rpartition(".")
        owner: Any = getattr(module, owner_name) if owner_name else module
        original = inspect.getattr_static(owner, name, None)
        if original is None:
            continue
        if isinstance(original, property):
            setattr(owner, name, property(_wrapped(original.fget, line)))  # type: ignore[arg-type]
            continue
        new = _wrapped(original, line)
        setattr(owner, name, new)
        if not owner_name:
            for mod in list(sys.modules.values()):
                if getattr(mod, "__name__", "").startswith("cfnfix") and getattr(mod, name, None) is original:
                    setattr(mod, name, new)


def family(rule: Any) -> str:
    """``rds``, ``schema`` …: the rule's package under ``cfnfix/rules`` (``template`` for rules directly in it)."""
    parts = type(rule).__module__.split(".")
    return parts[2] if len(parts) > 3 else "template"


def once(paths: list[str], everything: bool) -> dict[str, Any]:
    """One run in this process: the ledger's lines and per-rule counts."""
    LEDGER.push("start-up: imports of the runner")
    import cfnfix.fixing
    import cfnfix.impact.compute  # noqa: F401  (what the first safe fix would import)
    from cfnfix.checking import _plan
    from cfnfix.config import Settings
    from cfnfix.document.gcpause import gc_paused
    from cfnfix.rules import all_rules

    LEDGER.pop()
    LEDGER.push("start-up: rule registry (imports every rule module)")
    rules = all_rules()
    LEDGER.pop()
    _instrument()
    if everything:
        settings = Settings(
            profile="destroyable",
            select=[r.id for r in rules],
            show_unused_suppressions=True,
            unsafe_fixes=True,
        )
    else:
        settings = Settings()
    LEDGER.push("rule options")
    plan = _plan(settings)  # what run_rules does: selection and options once per settings
    LEDGER.pop()
    selected = [p.rule for p in plan]
    counts: dict[str, list[int]] = {r.id: [0, 0, 0] for r in selected}  # run, skipped, findings
    files = errors = 0
    for path in paths:
        with gc_paused():  # as run_job: the collector is off for a job
            errors += _one(path, settings, plan, selected, counts)
        files += 1
    LEDGER.pop()  # the bottom line takes the rest
    names = {r.id: (r.name, family(r)) for r in selected}
    return {"cpu": dict(LEDGER.cpu), "counts": counts, "names": names, "files": files - errors, "errors": errors}


def _one(path: str, settings: Any, plan: Any, selected: list[Any], counts: dict[str, list[int]]) -> int:
    """One template, as ``check`` does it; 1 when it does not parse."""
    from cfnfix.checking import _assessed, load_template
    from cfnfix.document.gcpause import freeze_survivors
    from cfnfix.findings import Finding
    from cfnfix.fixing import as_apply_sees
    from cfnfix.io.files import read_text
    from cfnfix.rules import RuleContext
    from cfnfix.suppression import apply_suppressions
    from cfnfix.template.model import type_index

    LEDGER.push("read")
    text = read_text(path)
    LEDGER.pop()
    LEDGER.push("parse (data only)")
    try:
        document = load_template(text, path, settings)
    except Exception:
        LEDGER.pop()
        return 1
    freeze_survivors()
    LEDGER.pop()
    found: list[Finding] = []
    LEDGER.push("resource type index")
    present = type_index(document.data)
    LEDGER.pop()
    for planned in plan:
        rule = planned.rule
        if not planned.types.admits(present):
            counts[rule.id][1] += 1
            continue
        ctx = RuleContext(document, settings, planned.options)
        LEDGER.push(f"rule:{rule.id}")
        try:
            mine = list(rule.check(ctx))
        finally:
            LEDGER.pop()
        counts[rule.id][0] += 1
        counts[rule.id][2] += len(mine)
        LEDGER.push("impact of safe fixes")
        found.extend(_assessed(f, document.data, "safe") for f in mine)
        LEDGER.pop()
    found.sort(key=Finding.sort_key)
    LEDGER.push("suppressions")
    kept, _ = apply_suppressions(
        document, found, ran=selected, report_unused=settings.show_unused_suppressions, linted=False
    )
    LEDGER.pop()
    LEDGER.push("apply's view (fixes inside YAML anchors)")
    as_apply_sees(kept, document, settings.unsafe_fixes)
    LEDGER.pop()
    return 0


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"), help="folder of templates")
    parser.add_argument(
        "--repeat", type=int, default=3, help="fresh processes to run (the minimum of each line is shown)"
    )
    parser.add_argument("--everything", action="store_true", help="every rule on (profile, opt-in rules)")
    parser.add_argument("--top", type=int, default=0, help="only the N most expensive rules (0: all)")
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    args = parser.parse_args(argv)
    from devtools.corpus import corpus_files

    paths = [str(p) for p in corpus_files(args.corpus)]
    if not paths:
        parser.error(f"no templates under {args.corpus}")
    if args.once:
        LEDGER.cpu["start-up: the interpreter and this script"] += clock()
        LEDGER.last = clock()
        result = once(paths, args.everything)
        print(json.dumps(result))
        return 0
    load_before = os.getloadavg()
    runs = []
    cmd = [sys.executable, str(Path(__file__).resolve()), "--once", "--corpus", args.corpus]
    if args.everything:
        cmd.append("--everything")
    for _ in range(args.repeat):
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout))
    load_after = os.getloadavg()
    if args.json:
        print(json.dumps(runs))
        return 0
    _print(runs, args, len(paths), load_before, load_after)
    return 0


def _print(runs: list[dict[str, Any]], args: Any, n_paths: int, load_before: Any, load_after: Any) -> None:
    lines = set().union(*(r["cpu"] for r in runs))
    best = {line: min(r["cpu"].get(line, 0.0) for r in runs) for line in lines}
    total = min(sum(r["cpu"].values()) for r in runs)
    first = runs[0]
    names, counts = first["names"], first["counts"]
    rules = {line[5:]: t for line, t in best.items() if line.startswith("rule:")}
    shared = {line: t for line, t in best.items() if not line.startswith("rule:")}
    fam: dict[str, float] = defaultdict(float)
    fam_rules: dict[str, int] = defaultdict(int)
    for rid, (_, fname) in names.items():
        fam[fname] += rules.get(rid, 0.0)
        fam_rules[fname] += 1
    import platform

    print(
        f"{n_paths} templates ({first['files']} checked, {first['errors']} not parsed), "
        f"{'every rule on (--everything)' if args.everything else 'default rules'}, {len(names)} rules; "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs; load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after (1 min); CPU time, min of {len(runs)} fresh processes per line; "
        f"total {_ms(total)} ms (min of the runs' totals).\n"
    )
    print("| shared work | CPU ms | share |")
    print("|---|---:|---:|")
    for line, t in sorted(shared.items(), key=lambda kv: -kv[1]):
        print(f"| {line} | {_ms(t)} | {t / total:.0%} |")
    print(f"| all rules' own work | {_ms(sum(rules.values()))} | {sum(rules.values()) / total:.0%} |")
    print("\n| family | rules | CPU ms | share |")
    print("|---|---:|---:|---:|")
    for fname, t in sorted(fam.items(), key=lambda kv: -kv[1]):
        print(f"| {fname} | {fam_rules[fname]} | {_ms(t)} | {t / total:.0%} |")
    print("\n| rule | name | family | templates run | skipped (no type) | findings | CPU ms | µs per template run |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    ordered = sorted(names, key=lambda rid: -rules.get(rid, 0.0))
    if args.top:
        ordered = ordered[: args.top]
    for rid in ordered:
        name, fname = names[rid]
        run, skipped, found = counts[rid]
        t = rules.get(rid, 0.0)
        per = f"{t / run * 1e6:.0f}" if run else "—"
        print(f"| {rid} | {name} | {fname} | {run} | {skipped} | {found} | {_ms(t)} | {per} |")


if __name__ == "__main__":
    raise SystemExit(main())
