"""Lambda functions of a template as the Lambda rules see them (plain AWS and SAM).

``AWS::Lambda::Function`` keeps inline code in ``Code.ZipFile``; SAM's
``AWS::Serverless::Function`` keeps it in ``InlineCode`` and may inherit ``Runtime`` and
``Layers`` from ``Globals.Function`` (SAM adds the global layers to the function's own).

Background: docs/cloudformation/lambda.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ...document.pointer import make_pointer

LAMBDA = "AWS::Lambda::Function"
SERVERLESS = "AWS::Serverless::Function"
#: The function types :func:`functions` reads (the rules' ``resource_types``).
FUNCTION_TYPES = frozenset({LAMBDA, SERVERLESS})
#: Lambda's limit on layers per function (cfn-lint E3032, schema ``maxItems``).
MAX_LAYERS = 5
GLOBAL_RUNTIME = "/Globals/Function/Runtime"

_PYTHON = re.compile(r"^python(\d+)\.(\d+)$")


@dataclass(frozen=True)
class Function:
    """One Lambda function: where its runtime, inline code and layers are."""

    name: str
    kind: str
    properties: dict[str, Any]
    properties_pointer: str
    runtime: Any = None
    """The runtime value in effect (the function's own or SAM's global), or None."""
    runtime_pointer: str | None = None
    code: Any = None
    """The inline code value (``Code.ZipFile`` / ``InlineCode``), or None."""
    code_pointer: str | None = None
    layers: Any = None
    """The function's own ``Layers`` value, or None when absent."""
    global_layers: list[Any] = field(default_factory=list)
    """SAM ``Globals.Function.Layers`` entries that apply to this function."""

    @property
    def layers_pointer(self) -> str:
        """Where the function's own ``Layers`` list is (or would be)."""
        return self.properties_pointer + "/Layers"

    @property
    def python_version(self) -> tuple[int, int] | None:
        """(major, minor) of a literal ``pythonX.Y`` runtime, else None."""
        if isinstance(self.runtime, str):
            m = _PYTHON.match(self.runtime)
            if m:
                return int(m[1]), int(m[2])
        return None


def globals_function(data: Any) -> dict[str, Any]:
    """SAM's ``Globals.Function`` mapping (empty when absent or not a mapping)."""
    glob = data.get("Globals") if isinstance(data, dict) else None
    fn = glob.get("Function") if isinstance(glob, dict) else None
    return fn if isinstance(fn, dict) else {}


def functions(data: Any) -> Iterator[Function]:
    """Every Lambda and SAM function resource of the template, in template order."""
    resources = data.get("Resources") if isinstance(data, dict) else None
    if not isinstance(resources, dict):
        return
    glob = globals_function(data)
    for name, res in resources.items():
        if not isinstance(res, dict) or res.get("Type") not in (LAMBDA, SERVERLESS):
            continue
        kind = res["Type"]
        props = res.get("Properties")
        props = props if isinstance(props, dict) else {}
        base = make_pointer(["Resources", name, "Properties"])
        runtime, runtime_ptr = props.get("Runtime"), base + "/Runtime" if "Runtime" in props else None
        code: Any = None
        code_ptr: str | None = None
        global_layers: list[Any] = []
        if kind == LAMBDA:
            code_block = props.get("Code")
            if isinstance(code_block, dict) and "ZipFile" in code_block:
                code, code_ptr = code_block["ZipFile"], base + "/Code/ZipFile"
        else:
            if "InlineCode" in props:
                code, code_ptr = props["InlineCode"], base + "/InlineCode"
            if runtime_ptr is None and "Runtime" in glob:
                runtime, runtime_ptr = glob["Runtime"], GLOBAL_RUNTIME
            if isinstance(glob.get("Layers"), list):
                global_layers = list(glob["Layers"])
        yield Function(
            name=name,
            kind=kind,
            properties=props,
            properties_pointer=base,
            runtime=runtime,
            runtime_pointer=runtime_ptr,
            code=code,
            code_pointer=code_ptr,
            layers=props.get("Layers"),
            global_layers=global_layers,
        )
