"""Issue 21, item 11: the cost of check and fix grows linearly with the findings of one
resource, the resources with findings and the operations of one patch.

The shapes of ``devtools/adversarial.py`` (``benchmarks/adversarial.py`` times them at 1 MB)
are run small, at ``n`` and ``4n``, and two things are measured that do not depend on the
machine's load: the Python lines executed (a tracer, not a clock) and the peak of memory
allocated (copies made per finding, which a line count does not see). Linear work gives a
ratio near 4 (3.3-3.9 in lines, 1.9-4.4 in memory for these shapes now); the code before
issue 21 gave 4.6 to 14 in lines (8.5 for invalid IDs, 5.9 to 10.9 for the patches, 14 for
region tags and unused conditions) and 6.4 in memory (every typo's fix a copy of the whole
``Fn::Sub`` string), and main after the merges of the produced-text guard and the name rules
4.9 for region tags, 5.0 for invalid IDs and 10.9 for the names of many resources (the
patch shapes are also checked, as the benchmark does).
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from cfnfix import apply_patch, check, fix
from cfnfix.findings import Finding, Fix, Op, Severity
from cfnfix.fixing import choose
from devtools.adversarial import CASES

N = 96
#: At most this much more than proportional from n to 4n (linear: at most 4, with fixed costs less).
RATIO = 4.5
RATIO_MEMORY = 5.5


def _lines(run: Callable[[], Any]) -> int:
    """Python lines executed while ``run`` runs."""
    count = 0

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        count += 1
        return tracer

    sys.settrace(tracer)
    try:
        run()
    finally:
        sys.settrace(None)
    return count


def _peak(run: Callable[[], Any]) -> int:
    """The peak of memory allocated while ``run`` runs (bytes)."""
    gc.collect()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _work(name: str, n: int) -> Callable[[], Any]:
    """What the benchmark times: ``check`` of the text, then ``apply`` (every fix) or the patch."""
    text, patch = CASES[name].make(n)

    def run() -> None:
        check(text)
        if patch is not None:
            apply_patch(text, patch)
        else:
            fix(text, unsafe=True)

    return run


@pytest.mark.parametrize("name", sorted(CASES))
def test_cost_is_linear(name: str) -> None:
    _work(name, 2)()  # imports, tables and caches loaded outside the count
    small, large = _lines(_work(name, N)), _lines(_work(name, 4 * N))
    small_peak, large_peak = _peak(_work(name, N)), _peak(_work(name, 4 * N))
    assert large / small < RATIO, f"{name}: {small} lines at n={N}, {large} at n={4 * N} ({large / small:.1f}x)"
    assert large_peak / small_peak < RATIO_MEMORY, (
        f"{name}: peak {small_peak} bytes at n={N}, {large_peak} at n={4 * N} ({large_peak / small_peak:.1f}x)"
    )


def _ring(n: int) -> str:
    """n queues in one circle of dependencies (each names the next in a DependsOn)."""
    body = "".join(f"  Q{i}:\n    Type: AWS::SQS::Queue\n    DependsOn: Q{(i + 1) % n}\n" for i in range(n))
    return 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n' + body


@pytest.mark.parametrize("select", [["CFX740"]], ids=["dependency-cycle"])
def test_one_long_circle_costs_linear(select: list[str]) -> None:
    """A ring of n resources: the shortest cycle was a search from each of them (n² steps)."""
    check(_ring(4), select=select)
    small, large = _lines(lambda: check(_ring(50), select=select)), _lines(lambda: check(_ring(200), select=select))
    assert large / small < RATIO, f"{small} lines at n=50, {large} at n=200 ({large / small:.1f}x)"


def _tag_fixes(n: int) -> list[Finding]:
    return [
        Finding(
            rule_id="CFX999",
            rule_name="x",
            severity=Severity.LOW,
            path=f"/Resources/T/Properties/Tags/{i}/Value",
            line=i + 1,
            column=1,
            message="m",
            doc_url="u",
            fix=Fix.safe("m", [Op.replace(f"/Resources/T/Properties/Tags/{i}/Value", "v")]),
        )
        for i in range(n)
    ]


def test_choosing_the_fixes_of_a_pass_costs_linear() -> None:
    """Thousands of fixes in one resource: each path was compared with every path taken before it."""
    small, large = _tag_fixes(100), _tag_fixes(400)
    counted = _lines(lambda: choose(small, False)), _lines(lambda: choose(large, False))
    assert counted[1] / counted[0] < RATIO, f"{counted[0]} lines for 100 fixes, {counted[1]} for 400"
