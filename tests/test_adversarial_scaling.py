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
