"""CFX401 lambda-inline-missing-dependency: inline Python code imports what the runtime lacks.

Background: docs/cloudformation/lambda.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ...document.pointer import make_pointer
from ...findings import Applicability, Finding, Fix, Op, Operation, Patch, Severity
from ...template.model import MAX_PARAMETERS
from ...template.naming import MAX_LENGTH, NameAllocator
from ..base import Rule, RuleContext
from ..fixes import append_items
from ._lambda import FUNCTION_TYPES, MAX_LAYERS, Function
from ._lambda_inline import InlinePython, inline_python
from ._python_code import Import, analyse
from ._python_tables import (
    Distribution,
    distribution,
    import_name,
    inline_provided,
    known_layer_imports,
    removed_in,
    runtime_provided,
    stdlib,
)
from ._python_unused import remove_unused

#: A Lambda layer *version* ARN (the schema's pattern for ``Layers`` items without the
#: ``awslayer`` form, which cfn-lint W3702 warns may not be available).
LAYER_ARN_PATTERN = r"^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9_-]+:[0-9]+$"


class Options(BaseModel):
    """Options of CFX401 (``[rules.lambda-inline-missing-dependency]``)."""

    model_config = ConfigDict(extra="forbid", alias_generator=lambda s: s.replace("_", "-"), populate_by_name=True)

    provided: list[str] = Field(
        default_factory=list,
        description="Top-level import names to treat as available (e.g. from layers cfnfix cannot see into).",
    )


@dataclass(frozen=True)
class Missing:
    """One distribution a function needs, and the imports that need it."""

    distribution: Distribution
    imports: tuple[Import, ...]

    @property
    def names(self) -> list[str]:
        """The import names, as written in messages (``pymysql``, ``mysql.connector``)."""
        return list(dict.fromkeys(import_name(imp.module) for imp in self.imports))

    def describe(self) -> str:
        """``pymysql (line 3, PyMySQL)``."""
        lines: dict[str, list[int]] = {}
        for imp in self.imports:
            seen = lines.setdefault(import_name(imp.module), [])
            if imp.line not in seen:
                seen.append(imp.line)
        dist = self.distribution.name
        return ", ".join(
            f"{name} (line{'s' if len(ls) > 1 else ''} {', '.join(map(str, ls))}, package {dist})"
            for name, ls in lines.items()
        )


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def layers_text(fn: Function) -> str:
    """Every string in the function's layer entries (ARNs, Ref targets, Sub templates …)."""
    own = fn.layers if isinstance(fn.layers, list) else [fn.layers] if fn.layers is not None else []
    return " ".join(_strings([*fn.global_layers, *own]))


def provided_by_layers(missing: Missing, text: str) -> bool:
    """True when a layer entry names the distribution or the import (``PyMySQLLayerArn``,
    ``arn:…:layer:pymysql:3``) or is an AWS layer known to bring the import."""
    norm = _norm(text)
    tops = {imp.top for imp in missing.imports}
    tokens = {_norm(missing.distribution.name), _norm(missing.distribution.stem), *map(_norm, tops)}
    return any(tok and tok in norm for tok in tokens) or bool(tops & known_layer_imports(text))


@dataclass(frozen=True)
class Needs:
    """What a function's inline code imports that its runtime and layers do not provide."""

    missing: list[Missing]
    """Distributions a layer can provide."""
    cfn_forms: list[Import]
    """``from cfnresponse import …`` without an ``import cfnresponse`` statement."""
    removed: list[tuple[Import, tuple[int, int]]]
    """Standard modules the runtime's Python no longer has, with no replacement on PyPI
    in the table (``imp``), and the version that removed them."""

    def __bool__(self) -> bool:
        return bool(self.missing or self.cfn_forms or self.removed)


def find_missing(item: InlinePython, extra: frozenset[str]) -> Needs:
    """What the inline code of ``item`` needs beyond its runtime and layers."""
    assert item.analysis is not None
    imports = item.analysis.imports
    std = stdlib(item.version)
    provided = runtime_provided() | extra | {"index"}
    exact_cfnresponse = any(i.plain and i.module in inline_provided() for i in imports)
    groups: dict[str, list[Import]] = {}
    dists: dict[str, Distribution] = {}
    cfn_forms: list[Import] = []
    removed: list[tuple[Import, tuple[int, int]]] = []
    for imp in imports:
        if imp.top in std or imp.top in provided:
            continue
        if imp.top in inline_provided():
            if not exact_cfnresponse:
                cfn_forms.append(imp)
            continue
        dist = distribution(imp.module)
        gone = removed_in(imp.top, item.version)
        if gone is not None and dist.assumed:
            removed.append((imp, gone))
            continue
        groups.setdefault(dist.name, []).append(imp)
        dists[dist.name] = dist
    text = layers_text(item.function)
    missing = [Missing(dists[name], tuple(imps)) for name, imps in groups.items()]
    return Needs([m for m in missing if not provided_by_layers(m, text)], cfn_forms, removed)


def parameter_spec(missing: Missing) -> dict[str, Any]:
    """The new template parameter holding the layer version ARN for one distribution."""
    description = (
        f"ARN of a Lambda layer version that provides the Python package {missing.distribution.name} "
        f"(import {', '.join(missing.names)}) under python/ for inline function code."
    )
    if missing.distribution.note:
        description += " " + missing.distribution.note
    return {
        "Type": "String",
        "Description": description,
        "AllowedPattern": LAYER_ARN_PATTERN,
        "ConstraintDescription": "must be a Lambda layer version ARN: arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION",
    }


def parameter_name(
    data: dict[str, Any], dist: Distribution, names: NameAllocator, chosen: set[str]
) -> tuple[str, bool]:
    """(name, exists): an existing String parameter ``<Stem>LayerArn[N]`` not ``chosen`` yet, to
    share, or a new name from the template's allocator (reserved there)."""
    found = data.get("Parameters")
    params: dict[str, Any] = found if isinstance(found, dict) else {}
    stem = (dist.stem or "Package")[: MAX_LENGTH - len("LayerArn") - 4]
    for name in names.candidates(f"{stem}LayerArn"):
        spec = params.get(name)
        if isinstance(spec, dict) and spec.get("Type") == "String" and name not in chosen:
            return name, True
        if names.is_free(name):
            names.reserve(name)
            return name, False
    raise AssertionError("unreachable: candidates() always offers a free name")  # pragma: no cover


class LambdaInlineMissingDependency(Rule):
    """Inline Python code importing a module that is neither standard library nor in the runtime."""

    id = "CFX401"
    name = "lambda-inline-missing-dependency"
    severity = Severity.HIGH
    summary = "Inline Python Lambda code imports a package the runtime does not have (pymysql, yaml, requests …)."
    explanation = f"""\
## What
An import in a Python function's inline code (`Code.ZipFile`, SAM `InlineCode`) of a module
that neither the runtime nor a layer of the function provides: `pymysql`, `yaml`, `requests`,
`psycopg2` …

cfnfix parses the code with `ast` (never runs it) and checks every import against a bundled
table of standard library module names for Python 3.8–3.14 (`sys.stdlib_module_names`
exists only for the running interpreter).

### Not reported
Relative imports; imports guarded by `try: … except ImportError` (also
`ModuleNotFoundError`, `Exception`, bare `except`), since the code is written to run without
them; imports under `if TYPE_CHECKING:`; imports a layer of the function already provides —
judged by name: a layer entry (ARN, `Ref` target, `Fn::Sub` text) containing the package or
import name, such as `PyMySQLLayerArn` or `arn:aws:lambda:…:layer:pymysql:3`, or an
AWS-published layer known to contain it (AWS SDK for pandas: pymysql, pg8000,
redshift_connector, …). Modules from layers cfnfix cannot see into can be listed in the
option `provided = ["mymodule"]`.

## Why
Inline code becomes the function's only file, `index.py`. It can import the standard
library of the runtime's Python version, the AWS SDK that every Python runtime ships
(`boto3`, `botocore` and their dependencies `jmespath`, `s3transfer`, `dateutil`, `urllib3`,
`six`), and `cfnresponse`, which CloudFormation adds for the exact statement
`import cfnresponse` (SAM's `InlineCode` becomes `Code.ZipFile`, so it gets it too). Anything else fails at the first invocation with `Runtime.ImportModuleError`; a
custom resource then leaves the stack waiting for a response for up to an hour.

## Fix
An import the code never uses is removed: the code never names the module — not even in a
string — and reaches no names dynamically through `globals()`, `eval` and the like (only an
import alone on its line, and never the only statement of a block). An unused `import
pymysql` needs no layer: it can only fail.

For each missing package the code uses, a template parameter `<Package>LayerArn`
(`Type: String`, a description, `AllowedPattern` for a layer version ARN) is added — or an
existing one of that name shared, so several functions use one parameter — and `!Ref` to it
is appended to the function's `Layers` (created when absent; existing entries stay). The
import name is mapped to the PyPI distribution to put in the layer (`pymysql` → `PyMySQL`,
`yaml` → `PyYAML`, `psycopg2` → `psycopg2-binary`, `PIL` → `Pillow` …).
A standard module the runtime's Python removed (`imp` on python3.12) is reported without a
layer unless a package replaces it (`distutils` → setuptools, `cgi` → legacy-cgi,
`asyncore` → pyasyncore). There is no fix when the function would exceed Lambda's {MAX_LAYERS} layers (SAM global
layers count), when `Layers` is computed, or for `from cfnresponse import …`, which must be
rewritten as `import cfnresponse`.

## Fix safety
**Safe** when the fix only removes imports the code never uses: they could only fail, and
nothing reads the name. **Unsafe** when it adds a layer: the parameter has no default: creating or updating the stack now requires a
layer ARN (built with the package under `python/` for the function's runtime and
architecture).
"""
    doc_url = "https://docs.aws.amazon.com/lambda/latest/dg/python-layers.html"
    fix_applicability = Applicability.SAFE  # removing an unused import; adding a layer is unsafe
    resource_types = FUNCTION_TYPES
    options_model = Options
    root_cause = (
        "Inline code can only use the standard library and the AWS SDK; third-party packages must come from a layer."
    )
    deployment_impact = (
        "The stack deploys, but every invocation fails with Runtime.ImportModuleError "
        "(a custom resource leaves the stack waiting for up to an hour)."
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per function with imports its runtime and layers do not provide."""
        options: Options = ctx.options
        extra = frozenset(options.provided)
        for item in inline_python(ctx.data):
            if item.analysis is None or item.analysis.problem or item.analysis.undecidable:
                continue
            needs = find_missing(item, extra)
            if not needs:
                continue
            missing, cfn_forms = needs.missing, needs.cfn_forms
            parts = []
            if missing:
                described = [m.describe() for m in missing]
                names = described[0] if len(described) == 1 else ", ".join(described[:-1]) + " and " + described[-1]
                parts.append(
                    f"inline code of {item.function.name} imports {names}, which the {item.runtime} runtime "
                    "does not provide (it has the standard library and the AWS SDK only)"
                )
            for imp, gone in needs.removed:
                parts.append(
                    f"inline code of {item.function.name} imports {imp.top} (line {imp.line}), which Python "
                    f"{gone[0]}.{gone[1]} removed from the standard library: port the code (cfnfix knows no package that replaces it)"
                )
            if cfn_forms:
                at = list(dict.fromkeys(i.line for i in cfn_forms))
                lines = ("lines " if len(at) > 1 else "line ") + ", ".join(map(str, at))
                parts.append(
                    f"inline code of {item.function.name} uses `from cfnresponse import …` ({lines}): "
                    "CloudFormation adds cfnresponse only for the statement `import cfnresponse`"
                )
            unused, removal = _unused(item, missing)
            if unused:
                listed = [n for m in unused for n in m.names]
                names = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
                parts.append(
                    f"{names} {'is' if len(listed) == 1 else 'are'} never used: the import can go instead of a layer"
                )
            still = [m for m in missing if m not in unused]
            fix, why_not = self._fix(ctx, item, still) if still else (None, "")
            if unused and (fix is not None or not still):
                fix = _with_removal(fix, removal, unused)
            message = "; ".join(parts) + (f"; no fix: {why_not}" if why_not else "")
            yield self.finding(ctx, item.pointer, message, fix=fix)

    def _fix(self, ctx: RuleContext, item: InlinePython, missing: list[Missing]) -> tuple[Fix | None, str]:
        fn = item.function
        data = ctx.data
        if fn.layers is not None and not isinstance(fn.layers, list):
            return None, "its Layers is computed, add the layers by hand"
        own = len(fn.layers) if isinstance(fn.layers, list) else 0
        total = own + len(fn.global_layers) + len(missing)
        if total > MAX_LAYERS:
            return None, (
                f"it would need {total} layers and Lambda allows {MAX_LAYERS} per function; "
                "put the packages into one layer and add it by hand"
            )
        params = data.get("Parameters")
        if params is not None and not isinstance(params, dict):
            return None, "the template's Parameters section is not a mapping"
        chosen: list[tuple[str, bool, Missing]] = []
        names = NameAllocator(data)
        taken: set[str] = set()
        for m in missing:
            name, exists = parameter_name(data, m.distribution, names, taken)
            taken.add(name)
            chosen.append((name, exists, m))
        new = {name: parameter_spec(m) for name, exists, m in chosen if not exists}
        if len(params or {}) + len(new) > MAX_PARAMETERS:
            return None, f"the template would have more than {MAX_PARAMETERS} parameters"
        patch: Patch = []
        if new and params is None:
            patch.append(Op.add("/Parameters", new))
        else:
            for name, spec in new.items():
                patch.append(Op.add(make_pointer(["Parameters", name]), spec))
        refs = [{"Ref": name} for name, _, _ in chosen]
        if fn.layers is None:
            patch.append(Op.add(fn.layers_pointer, refs))
        else:
            patch += append_items(fn.layers_pointer, refs)
        bits = []
        if new:
            bits.append(f"add parameter{'s' if len(new) > 1 else ''} {', '.join(new)}")
        shared = [name for name, exists, _ in chosen if exists]
        if shared:
            bits.append(f"share parameter{'s' if len(shared) > 1 else ''} {', '.join(shared)}")
        message = " and ".join(bits) + f"; reference {'it' if len(chosen) == 1 else 'them'} in {fn.name}'s Layers"
        return Fix.unsafe(message, patch), ""


def _code_target(item: InlinePython) -> str | None:
    """Where the code's text is written: the string itself, or a ``Fn::Sub`` template (None: computed)."""
    code = item.function.code
    if isinstance(code, str):
        return item.pointer
    if isinstance(code, dict) and list(code) == ["Fn::Sub"]:
        arg = code["Fn::Sub"]
        if isinstance(arg, str):
            return item.pointer + "/Fn::Sub"
        if isinstance(arg, list) and arg and isinstance(arg[0], str):
            return item.pointer + "/Fn::Sub/0"
    return None


def _unused(item: InlinePython, missing: list[Missing]) -> tuple[list[Missing], Operation | None]:
    """The missing packages the code never uses (all their imports removable), and the operation
    that writes the code without those imports."""
    target = _code_target(item)
    written = item.source.original if item.source.original is not None else item.source.text
    if target is None or written is None or not missing:
        return [], None
    tops = {imp.top for m in missing for imp in m.imports}
    removal = remove_unused(written, tops)
    if removal is None:
        return [], None
    left = analyse(removal.code if item.source.original is None else _neutral(removal.code), item.version)
    if left.problem is not None:
        return [], None
    remaining = {imp.top for imp in left.imports}
    unused = [m for m in missing if not ({imp.top for imp in m.imports} & remaining)]
    return (unused, Op.replace(target, removal.code)) if unused else ([], None)


def _neutral(template: str) -> str:
    """A ``Fn::Sub`` template read as code (placeholders neutralised, as :func:`read_source` does)."""
    from ._python_code import read_source

    return read_source({"Fn::Sub": template}).text or ""


def _with_removal(fix: Fix | None, removal: Operation | None, unused: list[Missing]) -> Fix | None:
    """The fix that removes the unused imports, with the layer fix for the others (unsafe) when there is one."""
    if removal is None:
        return fix
    lines = sorted({imp.line for m in unused for imp in m.imports})
    what = f"remove the unused import{'s' if len(lines) > 1 else ''} of {', '.join(n for m in unused for n in m.names)}"
    what += f" (line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))})"
    if fix is None:
        return Fix.safe(what, [removal])
    return Fix.unsafe(f"{what}; {fix.message}", [removal, *fix.patch])
