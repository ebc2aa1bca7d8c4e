"""Issue 21, item 11: the cost of check and fix grows linearly with the findings of one
resource, the resources with findings and the operations of one patch.

The shapes of ``devtools/adversarial.py`` (``benchmarks/adversarial.py`` times them at 1 MB)
are run small, at ``n`` and ``4n``, and the Python lines executed are counted (a tracer, not
a clock: the count does not depend on the machine's load). Linear work gives a ratio near 4;
the quadratic walks this guards against gave 10 to 16 at these sizes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest

from cfnfix import apply_patch, check, fix
from cfnfix.findings import Finding, Fix, Op, Severity
from cfnfix.fixing import choose
from devtools.adversarial import CASES

N = 24
RATIO = 7.0


def _lines(run: Callable[[], Any]) -> int:
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


def _work(name: str, n: int) -> Callable[[], Any]:
    text, patch = CASES[name].make(n)
    if patch is not None:
        return lambda: apply_patch(text, patch)

    def run() -> None:
        check(text)
        fix(text, unsafe=True)

    return run


@pytest.mark.parametrize("name", sorted(CASES))
def test_cost_is_linear(name: str) -> None:
    _work(name, 2)()  # imports, tables and caches loaded outside the count
    small, large = _lines(_work(name, N)), _lines(_work(name, 4 * N))
    assert large / small < RATIO, f"{name}: {small} lines at n={N}, {large} at n={4 * N} ({large / small:.1f}x)"


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
