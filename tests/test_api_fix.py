"""The fix loop of the API: passes until stable, cycles, the pass bound, failed fixes, overlaps."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cfnfix import fix
from cfnfix.findings import Applicability, Finding, Fix, Severity
from cfnfix.fixing import MAX_PASSES, _region
from cfnfix.fixing import choose as _choose
from tests.support.cli_fixtures import CLEAN, TEMPLATE

pytestmark = pytest.mark.usefixtures("demo_rules")


def test_a_fix_that_undoes_itself_is_not_applied_twice() -> None:
    result = fix(CLEAN + "Metadata:\n  DemoFlip: A\n", select=["CFX996"])
    assert result.text == CLEAN + "Metadata:\n  DemoFlip: B\n"
    # the second pass would bring back the input: the loop stops at the text seen before
    # (only text a rule that keeps meaning wrote is guarded against later passes: tests/test_fix_loop.py)
    assert result.passes == 2
    assert not result.converged
    assert [f.message for f in result.remaining] == ["flip to A"]


def test_passes_are_bounded() -> None:
    result = fix(CLEAN + "Metadata:\n  DemoCount: 0\n", select=["CFX997"])
    assert result.passes == MAX_PASSES
    assert result.text == CLEAN + f"Metadata:\n  DemoCount: {MAX_PASSES}\n"


def test_a_failing_fix_does_not_stop_the_others() -> None:
    text = "Metadata:\n  DemoBroken: 1\n" + TEMPLATE.split("\n", 1)[1]
    result = fix(text, select=["CFX991", "CFX994"])
    assert [f.rule_id for f in result.fixed] == ["CFX991"]
    assert [(f.finding.rule_id, f.reason) for f in result.failed] == [("CFX994", result.failed[0].reason)]
    assert "DoesNotExist" in result.failed[0].reason or "/Resources" in result.failed[0].reason
    assert [f.rule_id for f in result.remaining] == ["CFX994"]


def _finding(path: str, patch: list[dict], applicability: Applicability = Applicability.SAFE) -> Finding:
    return Finding(
        rule_id="CFX999",
        rule_name="x",
        severity=Severity.LOW,
        path=path,
        line=1,
        column=1,
        message=path,
        doc_url="u",
        fix=Fix(applicability=applicability, message="m", patch=patch),
    )


def test_overlapping_fixes_and_array_siblings_wait_for_the_next_pass() -> None:
    a = _finding("/A", [{"op": "replace", "path": "/A/B", "value": 1}])
    b = _finding("/A/B/C", [{"op": "remove", "path": "/A/B/C"}])
    c = _finding("/L/0", [{"op": "remove", "path": "/L/0"}])
    d = _finding("/L/1", [{"op": "remove", "path": "/L/1"}])
    e = _finding("/M", [{"op": "move", "from": "/M", "path": "/N"}])
    f = _finding("/N/x", [{"op": "add", "path": "/N/x", "value": 1}])
    u = _finding("/U", [{"op": "add", "path": "/U", "value": 1}], Applicability.UNSAFE)
    assert _choose([a, b, c, d, e, f, u], unsafe=False) == [a, c, e]
    assert u in _choose([u], unsafe=True)
    assert _region("/L/0") == "/L" and _region("/L/-") == "/L" and _region("/L/x") == "/L/x"


_pointers = st.lists(st.sampled_from(["", "A", "B", "0", "1", "a~1b", "-"]), max_size=3).map(
    lambda tokens: "".join("/" + t for t in tokens)
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_pointers, min_size=1, max_size=3), max_size=8))
def test_choose_picks_what_comparing_every_pair_picks(fixes: list[list[str]]) -> None:
    """choose() looks paths up with their ancestors (linear); the pairwise test it replaced is the oracle."""

    def overlaps(a: str, b: str) -> bool:
        return a == b or a.startswith(b + "/") or b.startswith(a + "/")

    findings = [_finding(ps[0], [{"op": "remove", "path": p} for p in ps]) for ps in fixes]
    expected, taken = [], []
    for finding in findings:  # all LOW at 1:1: the sort keeps their order
        assert finding.fix is not None
        paths = [_region(op["path"]) for op in finding.fix.patch]
        if not any(overlaps(p, t) for p in paths for t in taken):
            expected.append(finding)
            taken.extend(paths)
    assert _choose(findings, unsafe=False) == expected
