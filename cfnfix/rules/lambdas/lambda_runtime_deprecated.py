"""CFX601 lambda-runtime-deprecated: a Python or Node.js runtime past its deprecation date.

Background: docs/cloudformation/lambda.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ...findings import Applicability, Finding, Fix, Severity
from ..base import Rule, RuleContext
from ._lambda import Function, functions
from ._python_code import analyse, read_source
from ._python_tables import stdlib
from ._runtime_tables import Lifecycle, family, lifecycle, supported

_SEVERITY = {
    "deprecated": Severity.MEDIUM,
    "create-blocked": Severity.HIGH,
    "update-blocked": Severity.CRITICAL,
}
#: ``require('aws-sdk')`` / ``import … from 'aws-sdk'``: the AWS SDK for JavaScript v2.
_AWS_SDK_V2 = re.compile(r"""(?:require\s*\(\s*|from\s+|import\s+)(['"])aws-sdk(?:/[^'"]*)?\1""")
#: First Node.js major version whose Lambda runtime has no AWS SDK v2.
_NODE_WITHOUT_SDK_V2 = 18


def _target(value: str | None, fam: str) -> str | None:
    if value is not None:
        lc = lifecycle(value)
        if lc is None or lc.family != fam:
            raise ValueError(f"{value!r} is not a {fam} runtime in the bundled lifecycle table")
    return value


class Options(BaseModel):
    """Options of CFX601 (``[rules.lambda-runtime-deprecated]``)."""

    model_config = ConfigDict(extra="forbid", alias_generator=lambda s: s.replace("_", "-"), populate_by_name=True)

    today: dt.date | str | None = Field(
        None, description="The date to judge deprecation on, YYYY-MM-DD (default: the machine's date)."
    )
    python_target: str | None = Field(None, description="Python runtime to upgrade to (default: the newest supported).")
    nodejs_target: str | None = Field(
        None, description="Node.js runtime to upgrade to (default: the newest supported)."
    )

    @field_validator("today")
    @classmethod
    def _parse_today(cls, value: dt.date | str | None) -> dt.date | str | None:
        if isinstance(value, str):
            return dt.date.fromisoformat(value)
        return value

    @field_validator("python_target")
    @classmethod
    def _python(cls, value: str | None) -> str | None:
        return _target(value, "python")

    @field_validator("nodejs_target")
    @classmethod
    def _nodejs(cls, value: str | None) -> str | None:
        return _target(value, "nodejs")

    def day(self) -> dt.date:
        """The date deprecation is judged on."""
        return self.today if isinstance(self.today, dt.date) else dt.date.today()


@dataclass(frozen=True)
class Choice:
    """The runtime to move to, or why there is none."""

    runtime: str | None
    reason: str = ""
    note: str = ""


def _describe(lc: Lifecycle, phase: str) -> str:
    if phase == "update-blocked":
        return f"runtime {lc.name} can no longer be used to create or update functions (since {lc.update_block})"
    if phase == "create-blocked":
        then = f"; updates are blocked from {lc.update_block}" if lc.update_block else ""
        return f"runtime {lc.name} can no longer be used to create functions (since {lc.create_block}){then}"
    later: list[str] = []
    if lc.create_block:
        later.append(f"creating functions is blocked from {lc.create_block}")
    if lc.update_block:
        later.append(f"updating them from {lc.update_block}")
    tail = f"; {', '.join(later)}" if later else ""
    return f"runtime {lc.name} is deprecated (since {lc.deprecated}): Lambda no longer patches it{tail}"


def _codes(users: list[Function]) -> list[str] | None:
    """The inline code texts of ``users`` (None when any is computed)."""
    texts = []
    for fn in users:
        if fn.code_pointer is None:
            continue
        source = read_source(fn.code)
        if source.text is None:
            return None
        texts.append(source.text)
    return texts


def choose_python(lc: Lifecycle, users: list[Function], options: Options, today: dt.date) -> Choice:
    """The Python runtime to move to: the pinned or newest supported one whose standard
    library still has every standard module the inline code imports."""
    codes = _codes(users) or []
    old = (3, lc.version[1]) if lc.version[:1] == (3,) else (3, 8)
    needed: set[str] = set()
    for code in codes:
        result = analyse(code, (3, 14))
        if result.problem is not None:
            if lc.version[0] == 2:
                return Choice(None, "the inline code is not Python 3 (it does not parse as such); port it first")
            continue  # a syntax error of its own (CFX402)
        needed |= {imp.top for imp in result.imports if imp.top in stdlib(old)}
    pinned = options.python_target
    candidates = [pinned] if pinned else [c.name for c in supported("python", today) if c.version > lc.version]
    if not candidates:
        return Choice(None, "no supported Python runtime is newer")
    for name in candidates:
        target = lifecycle(name)
        assert target is not None
        gone = sorted(needed - stdlib((3, target.version[1])))
        if not gone:
            note = f" (the pinned target {name} is itself deprecated)" if target.phase(today) else ""
            if name != candidates[0]:
                lost = sorted(needed - stdlib((3, lifecycle(candidates[0]).version[1])))  # type: ignore[union-attr]
                note = f" (the newest, {candidates[0]}, no longer has {', '.join(lost)}, which the inline code imports)"
            return Choice(name, note=note)
        if pinned:
            return Choice(None, f"the inline code imports {', '.join(gone)}, which {name} no longer has")
    newest = candidates[0]
    gone = sorted(needed - stdlib((3, lifecycle(newest).version[1])))  # type: ignore[union-attr]
    return Choice(
        None,
        f"the inline code imports {', '.join(gone)}, removed from the standard library of every supported Python runtime; port it first",
    )


def choose_nodejs(lc: Lifecycle, users: list[Function], options: Options, today: dt.date) -> Choice:
    """The Node.js runtime to move to: the pinned or newest supported one."""
    pinned = options.nodejs_target
    candidates = [pinned] if pinned else [c.name for c in supported("nodejs", today) if c.version > lc.version]
    if not candidates:
        return Choice(None, "no supported Node.js runtime is newer")
    name = candidates[0]
    target = lifecycle(name)
    assert target is not None
    codes = _codes(users) or []
    if target.version[0] >= _NODE_WITHOUT_SDK_V2 > lc.version[0] and any(_AWS_SDK_V2.search(c) for c in codes):
        return Choice(
            None,
            f"the inline code requires 'aws-sdk' (AWS SDK for JavaScript v2), which nodejs{_NODE_WITHOUT_SDK_V2}.x "
            "and later do not include; port it to the v3 clients (@aws-sdk/*) first",
        )
    note = f" (the pinned target {name} is itself deprecated)" if target.phase(today) else ""
    return Choice(name, note=note)


class LambdaRuntimeDeprecated(Rule):
    """A Lambda function (or SAM's global ``Runtime``) on a deprecated Python/Node.js runtime."""

    id = "CFX601"
    name = "lambda-runtime-deprecated"
    severity = Severity.HIGH
    summary = (
        "A Lambda function uses a deprecated Python or Node.js runtime; the fix moves it to the supported successor."
    )
    explanation = """\
Lambda retires runtimes in three steps: on the **deprecation** date it stops security
patches and support; from the **create-block** date no new function can use the runtime
(a new stack with the function fails); from the **update-block** date existing functions
can no longer be updated either, so any stack update touching them fails. The finding's
severity follows the phase on the day of the check: deprecated → medium, create blocked →
high, update blocked → critical (cfn-lint W2531, E2531, E2533). Checked: `Runtime` of
`AWS::Lambda::Function` and `AWS::Serverless::Function`, and SAM's `Globals.Function.Runtime`
(reported once, where it is written). The dates come from a bundled table regenerated from
cfn-lint 1.58's `LmbdRuntimeLifecycle.json` (`scripts/gen_lambda_runtimes.py`); the day
can be pinned with the option `today = "2026-11-28"` (reproducible CI output).

**Fix (unsafe):** set `Runtime` to the newest runtime of the same language that is not
deprecated (cfn-lint's successor, `python3.14` / `nodejs24.x`), or to the option
`python-target` / `nodejs-target`. A new major version can change behaviour, so the fix
needs review and testing. For inline code cfnfix looks before it leaps: Python code that
imports a standard module the successor removed (`imp`, `distutils`, `cgi` …) moves to the
newest supported version that still has it, or gets no fix; code that is not Python 3 (a
`python2.7` function) gets no fix; Node.js code that requires `aws-sdk` (SDK v2) gets no fix
when moving to nodejs18.x or later, which ship SDK v3 only.
"""
    doc_url = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtime-deprecation-levels"
    fix_applicability = Applicability.UNSAFE
    options_model = Options
    cfn_lint_ids = ("W2531", "E2531", "E2533")
    root_cause = (
        "The runtime's language version reached end of life, and Lambda retires runtimes on a published schedule."
    )
    deployment_impact = "Deprecated: no security patches. Create-blocked: new stacks fail. Update-blocked: any update of the function fails."

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per place a deprecated runtime is written."""
        options: Options = ctx.options
        today = options.day()
        users: dict[str, list[Function]] = {}
        runtimes: dict[str, Any] = {}
        for fn in functions(ctx.data):
            if fn.runtime_pointer is None:
                continue
            users.setdefault(fn.runtime_pointer, []).append(fn)
            runtimes[fn.runtime_pointer] = fn.runtime
        for pointer, fns in users.items():
            runtime = runtimes[pointer]
            if not isinstance(runtime, str) or family(runtime) is None:
                continue
            lc = lifecycle(runtime)
            phase = lc.phase(today) if lc else None
            if lc is None or phase is None:
                continue
            chooser = choose_python if lc.family == "python" else choose_nodejs
            choice = chooser(lc, fns, options, today)
            if choice.runtime == runtime:
                choice = Choice(None, f"{runtime} is the pinned target")
            where = "SAM Globals.Function" if pointer.startswith("/Globals/") else fns[0].name
            message = f"{where}: {_describe(lc, phase)}"
            fix = None
            if choice.runtime:
                message += f"; the supported successor is {choice.runtime}{choice.note}"
                fix = Fix(
                    applicability=Applicability.UNSAFE,
                    message=f"change Runtime to {choice.runtime} (a new language version: review and test the code)",
                    patch=[{"op": "replace", "path": pointer, "value": choice.runtime}],
                )
            else:
                message += f"; no fix: {choice.reason}"
            yield self.finding(ctx, pointer, message, fix=fix, severity=_SEVERITY[phase])
