"""CFX601 lambda-runtime-deprecated: a Lambda runtime (any family) past its deprecation date.

Background: docs/cloudformation/lambda.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ...findings import Applicability, Finding, Fix, Op, Severity
from ..base import Rule, RuleContext, Tag
from ._lambda import FUNCTION_TYPES, Function, functions
from ._nodejs_code import handler_style
from ._python_code import Problem, analyse, read_source
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
#: First Node.js major version whose Lambda runtime runs async handlers only (no callback-style
#: handlers, no ``context.done/succeed/fail``): docs/cloudformation/lambda.md, "Node.js handlers".
_NODE_WITHOUT_CALLBACKS = 24


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
    target_policy: Literal["latest", "nearest"] = Field(
        "latest",
        description=(
            "Which supported runtime to move to: `latest` (default: the newest, furthest from its own "
            "deprecation, as Lambda recommends) or `nearest` (the oldest supported one newer than the current)."
        ),
    )
    python_target: str | None = Field(None, description="Python runtime to upgrade to (default: per target-policy).")
    nodejs_target: str | None = Field(None, description="Node.js runtime to upgrade to (default: per target-policy).")

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

    def pinned(self, fam: str) -> str | None:
        """The configured target of a family, if any."""
        return {"python": self.python_target, "nodejs": self.nodejs_target}.get(fam)


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


def candidates(lc: Lifecycle, options: Options, today: dt.date) -> list[str]:
    """Runtimes to try, in order: the pinned target, else the supported newer runtimes of the
    family, newest first (``latest``) or oldest first (``nearest``)."""
    pinned = options.pinned(lc.family)
    if pinned:
        return [pinned]
    newer = [c.name for c in supported(lc.family, today) if c.version > lc.version]
    return newer if options.target_policy == "latest" else newer[::-1]


def _parse_problem(codes: list[str], version: tuple[int, ...]) -> Problem | None:
    """The first inline code's syntax error under Python ``version``, or None when all parse."""
    for code in codes:
        problem = analyse(code, (3, version[1])).problem
        if problem is not None:
            return problem
    return None


def choose_python(lc: Lifecycle, users: list[Function], options: Options, today: dt.date) -> Choice:
    """The Python runtime to move to: the first candidate (see :func:`candidates`) under which
    every inline code parses and whose standard library still has every standard module the
    code imports."""
    if lc.version[0] == 2:
        seen = "the inline code" if all(fn.code_pointer is not None for fn in users) else "its code"
        return Choice(
            None,
            f"{seen} is Python 2, which Python 3 does not run unchanged (print, str/bytes, integer division, "
            "removed modules); port it first, then set the runtime",
        )
    codes = _codes(users) or []
    old = (3, lc.version[1]) if lc.version[:1] == (3,) else (3, 8)
    needed: set[str] = set()
    for code in codes:
        result = analyse(code, (3, 14))
        if result.problem is None:
            needed |= {imp.top for imp in result.imports if imp.top in stdlib(old)}
    names = candidates(lc, options, today)
    if not names:
        return Choice(None, "no supported Python runtime is newer")
    pinned = options.pinned("python")
    word = "newest" if options.target_policy == "latest" else "nearest"
    first_gone: list[str] = []
    for name in names:
        target = lifecycle(name)
        assert target is not None
        problem = _parse_problem(codes, target.version)
        if problem is not None:
            return Choice(
                None,
                f"the inline code does not parse as Python 3.{target.version[1]} (line {problem.line}: "
                f"{problem.message}; CFX402 reports it): fix it first, so the runtime is never moved to a "
                "version the code cannot run on",
            )
        gone = sorted(needed - stdlib((3, target.version[1])))
        if not gone:
            note = f" (the pinned target {name} is itself deprecated)" if target.phase(today) else ""
            if first_gone:
                note = (
                    f" (the {word}, {names[0]}, no longer has {', '.join(first_gone)}, which the inline code imports)"
                )
            return Choice(name, note=note)
        if pinned:
            return Choice(None, f"the inline code imports {', '.join(gone)}, which {name} no longer has")
        first_gone = first_gone or gone
    newest = max((lifecycle(n) for n in names), key=lambda t: t.version if t else ())
    assert newest is not None
    gone = sorted(needed - stdlib((3, newest.version[1])))
    return Choice(
        None,
        f"the inline code imports {', '.join(gone)}, removed from the standard library of every supported Python runtime; port it first",
    )


def _handler_styles(users: list[Function]) -> set[str]:
    """How each function's handler returns (``async``, ``callback``, ``unknown``: its code is not
    in the template, is computed, or its handler was not recognised)."""
    styles: set[str] = set()
    for fn in users:
        source = read_source(fn.code) if fn.code_pointer is not None else None
        if source is None or source.text is None:
            styles.add("unknown")
        else:
            styles.add(handler_style(source.text, fn.properties.get("Handler")))
    return styles


def choose_nodejs(lc: Lifecycle, users: list[Function], options: Options, today: dt.date) -> Choice:
    """The Node.js runtime to move to: the first candidate (see :func:`candidates`) that still
    runs the handlers: not nodejs24.x or later unless every handler is seen to be async."""
    names = candidates(lc, options, today)
    if not names:
        return Choice(None, "no supported Node.js runtime is newer")
    codes = _codes(users) or []
    first = lifecycle(names[0])
    assert first is not None
    if first.version[0] >= _NODE_WITHOUT_SDK_V2 > lc.version[0] and any(_AWS_SDK_V2.search(c) for c in codes):
        return Choice(
            None,
            f"the inline code requires 'aws-sdk' (AWS SDK for JavaScript v2), which nodejs{_NODE_WITHOUT_SDK_V2}.x "
            "and later do not include; port it to the v3 clients (@aws-sdk/*) first",
        )
    styles = _handler_styles(users)
    why = (
        "the inline handler is callback-style"
        if "callback" in styles
        else "the handler's code is not in the template, so it may be callback-style"
        if "unknown" in styles
        else ""
    )
    skipped: list[str] = []
    for name in names:
        target = lifecycle(name)
        assert target is not None
        if why and target.version[0] >= _NODE_WITHOUT_CALLBACKS > lc.version[0]:
            skipped.append(name)
            continue
        note = f" (the pinned target {name} is itself deprecated)" if target.phase(today) else ""
        if skipped:
            note = (
                f" (not {skipped[0]}: nodejs{_NODE_WITHOUT_CALLBACKS}.x and later run async handlers only, and {why})"
            )
        return Choice(name, note=note)
    return Choice(
        None,
        f"{why}, and nodejs{_NODE_WITHOUT_CALLBACKS}.x and later run async handlers only: make the handler "
        "async (return a promise instead of calling the callback) first",
    )


def choose_packaged(lc: Lifecycle, users: list[Function], options: Options, today: dt.date) -> Choice:
    """Java, Ruby and ``provided``: the first candidate; the package is not looked into."""
    names = candidates(lc, options, today)
    if not names:
        return Choice(None, f"no supported {lc.family} runtime is newer")
    return Choice(names[0])


def choose_dotnet(lc: Lifecycle, users: list[Function], options: Options, today: dt.date) -> Choice:
    """.NET: never a fix, the assembly targets one framework version."""
    names = candidates(lc, options, today)
    if not names:
        return Choice(None, "no supported .NET runtime is newer")
    target = lifecycle(names[0])
    assert target is not None
    framework = f"net{target.version[0]}.0"
    return Choice(
        None,
        f"a .NET function is compiled for one target framework; rebuild it for {framework} "
        f"(<TargetFramework>{framework}</TargetFramework>) and set Runtime to {names[0]} together",
    )


def choose_go(lc: Lifecycle, users: list[Function], options: Options, today: dt.date) -> Choice:
    """go1.x: never a fix, its successor is an OS-only runtime that needs a rebuilt package."""
    return Choice(
        None,
        "Go functions move to the OS-only runtime provided.al2023, which needs more than a new Runtime: build the "
        "binary as `bootstrap` (GOOS=linux, GOARCH matching Architectures, -tags lambda.norpc), zip it at the "
        "package root, and set Handler to bootstrap and Runtime to provided.al2023 together",
    )


_CHOOSERS = {
    "python": choose_python,
    "nodejs": choose_nodejs,
    "java": choose_packaged,
    "ruby": choose_packaged,
    "provided": choose_packaged,
    "dotnet": choose_dotnet,
    "go": choose_go,
}

#: What the fix message says about each family's move (why it is unsafe).
_CAVEAT = {
    "python": "a new language version: review and test the code",
    "nodejs": "a new language version: review and test the code",
    "java": "a new JVM: Java 8+ bytecode runs on it, but removed JDK APIs and changed defaults need a test run",
    "ruby": "a new Ruby version: gems vendored for the old one (vendor/bundle/ruby/<version>) must be re-bundled; review and test",
    "provided": "Amazon Linux 2023: the bootstrap must run there (glibc 2.34, OpenSSL 3); rebuild dynamically linked binaries and test",
}


class LambdaRuntimeDeprecated(Rule):
    """A Lambda function (or SAM's global ``Runtime``) on a deprecated runtime of any family."""

    id = "CFX601"
    name = "lambda-runtime-deprecated"
    severity = Severity.HIGH
    summary = "A Lambda function uses a deprecated runtime; the fix moves it to a supported one of the same language where that is enough."
    explanation = """\
## What
A Lambda runtime that is deprecated on the day of the check (cfn-lint W2531, E2531, E2533).
Checked: `Runtime` of `AWS::Lambda::Function` and `AWS::Serverless::Function`, and SAM's
`Globals.Function.Runtime` (reported once, where it is written), for every runtime family
cfn-lint knows: Python, Node.js, Java, .NET, Ruby, Go and the OS-only `provided`. The dates
come from a bundled table regenerated from cfn-lint 1.58's `LmbdRuntimeLifecycle.json`
(`scripts/gen_lambda_runtimes.py`); the day can be pinned with the option
`today = "2026-11-28"` (reproducible CI output).

## Why
Lambda retires runtimes in three steps: on the **deprecation** date it stops security
patches and support; from the **create-block** date no new function can use the runtime
(a new stack with the function fails); from the **update-block** date existing functions
can no longer be updated either, so any stack update touching them fails. The finding's
severity follows the phase on the day of the check: deprecated → medium, create blocked →
high, update blocked → critical.

## Fix
**Target policy** (option `target-policy`): `latest` (the default) moves to the newest
supported runtime of the same language (`python3.14`, `nodejs24.x`, `java25`, `ruby4.0`) —
cfn-lint's successor and Lambda's advice: it is the furthest from its own deprecation, so
one reviewed upgrade lasts longest instead of being repeated when the nearer version
retires. `nearest` moves to the oldest supported runtime newer than the current one
(`python3.9` → `python3.11`, `java8` → `java8.al2`), the smallest change in behaviour.
`python-target` / `nodejs-target` pin one runtime.

Per family:
* Python: never to a version the inline code does not parse under (Python 2 code in a
  `python3.9` function gets no fix; CFX402 reports the syntax), nor one whose standard
  library lost a module the code imports (`imp`, `distutils`, `cgi` …: the next candidate
  that still has it, else no fix). A `python2.7` function gets no fix, whether its code is
  inline or a package on S3: Python 2 code does not run unchanged on Python 3, and code the
  template does not hold cannot be checked.
* Node.js: no fix when inline code requires `aws-sdk` (SDK v2) and the target is
  nodejs18.x or later, which ship SDK v3 only. From nodejs24.x Lambda runs async handlers
  only (no `callback` parameter, no `context.done/succeed/fail`): a callback-style inline
  handler, or one whose code is not in the template (a package on S3, which may be
  callback-style), moves to the newest runtime before that (`nodejs22.x`), and gets no fix
  when there is none.
* Java (`java8` → `java25`/`java8.al2`): the JVM runs old bytecode, but removed JDK APIs
  and changed defaults need a test run.
* Ruby: gems vendored for the old version must be re-bundled.
* `provided`, `provided.al2` → `provided.al2023`: the `bootstrap` must run on Amazon Linux
  2023 (glibc 2.34, OpenSSL 3); statically linked binaries usually do.
* .NET (`dotnet6`, `dotnetcore3.1`): **no fix** — the assembly is compiled for one target
  framework; the finding says which to rebuild for (`net10.0`).
* Go (`go1.x`): **no fix** — its successor `provided.al2023` needs the binary built as
  `bootstrap` and `Handler: bootstrap`; the finding gives the steps.

## Fix safety
**Unsafe**: a new major version can change behaviour, so every fix needs review and testing.
"""
    doc_url = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtime-deprecation-levels"
    fix_applicability = Applicability.UNSAFE
    resource_types = FUNCTION_TYPES
    tags = frozenset({Tag.DEPRECATED})
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
            choice = _CHOOSERS[lc.family](lc, fns, options, today)
            if choice.runtime == runtime:
                choice = Choice(None, f"{runtime} is the pinned target")
            where = "SAM Globals.Function" if pointer.startswith("/Globals/") else fns[0].name
            message = f"{where}: {_describe(lc, phase)}"
            fix = None
            if choice.runtime:
                message += f"; the supported successor is {choice.runtime}{choice.note}"
                fix = Fix.unsafe(
                    f"change Runtime to {choice.runtime} ({_CAVEAT[lc.family]})", [Op.replace(pointer, choice.runtime)]
                )
            else:
                message += f"; no fix: {choice.reason}"
            yield self.finding(ctx, pointer, message, fix=fix, severity=_SEVERITY[phase])
