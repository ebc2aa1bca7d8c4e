"""Findings and fixes: what a rule reports and the JSON Patch that repairs it."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer
from typing_extensions import Required, TypedDict


class Severity(str, Enum):
    """How bad a finding is. ``critical``: CloudFormation rejects the template or the stack
    cannot be created/deleted; ``high``: deployment or runtime failure likely; ``medium``:
    lifecycle or cost risk; ``low``: hygiene."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for critical … 3 for low (sort key)."""
        return ["critical", "high", "medium", "low"].index(self.value)


class Applicability(str, Enum):
    """Whether a fix is applied automatically (as in ruff).

    ``safe``: keeps the template's intent, applied by ``cfnfix apply``; ``unsafe``: changes
    behaviour or needs review, applied only with ``--unsafe-fixes``; ``none``: shown, never
    applied (display only)."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    NONE = "none"


class ResourceChange(str, Enum):
    """How CloudFormation would carry out a change to one resource on a deployed stack.

    Ordered from harmless to destructive (:attr:`rank`)."""

    UPDATED = "updated in place"
    ADDED = "added"
    RENAMED = "renamed"
    MAY_BE_REPLACED = "may be replaced"
    REPLACED = "replaced"
    REMOVED = "removed"

    @property
    def rank(self) -> int:
        """0 (updated in place) … 5 (removed)."""
        return _CHANGE_RANK[self]


_CHANGE_RANK = {change: i for i, change in enumerate(ResourceChange)}


class ResourceImpact(BaseModel):
    """The effect of a change on one resource of a deployed stack."""

    model_config = ConfigDict(frozen=True)

    logical_id: str = Field(description="The resource's logical ID after the change (its new ID when renamed).")
    resource_type: str | None = Field(None, description="The resource type after the change (before, when removed).")
    change: ResourceChange
    cause: str = Field(description="Why, in a few words: the property that forces a replacement, the rename, …")
    properties: list[str] = Field(
        default_factory=list, description="Properties (paths under Properties) behind the change."
    )
    renamed_from: str | None = Field(None, description="The old logical ID, when the resource is renamed.")
    refactor_avoids_replacement: bool = Field(
        False,
        description="True when moving the resource to its new logical ID with a stack refactor "
        "(cfnfix apply --refactor-mapping) keeps it: the change is then an update in place, or none.",
    )
    stateful: bool = Field(False, description="The type holds data (docs/deployed-stack-impact.md).")
    holds: str | None = Field(None, description="What data the type holds, for stateful types.")

    @property
    def destroys_data(self) -> bool:
        """True when the change may delete the data of a stateful resource (without a refactor)."""
        return self.stateful and self.change in (
            ResourceChange.REMOVED,
            ResourceChange.REPLACED,
            ResourceChange.MAY_BE_REPLACED,
            ResourceChange.RENAMED,
        )

    def describe(self) -> str:
        """One line for people: ``OrdersCluster (AWS::RDS::DBCluster): replaced — Family is create-only``."""
        kind = f" ({self.resource_type})" if self.resource_type else ""
        text = f"{self.logical_id}{kind}: {self.change.value} — {self.cause}"
        if self.refactor_avoids_replacement:
            text += " (no replacement with the refactor mapping)"
        if self.destroys_data and not self.refactor_avoids_replacement:
            text += f"; its {self.holds or 'data'} would be lost"
        return text


class TextEdit(BaseModel):
    """Replace ``text[start:end]`` (character offsets in the text the finding was made on) with ``new``.

    For what JSON Patch cannot say because it is not data: a YAML comment (removing an
    unused ``# cfnfix: ignore[...]``). A fix with edits must leave the data unchanged.
    """

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    new: str = ""


#: The six RFC 6902 operation names.
OpName = Literal["add", "remove", "replace", "move", "copy", "test"]

#: One RFC 6902 operation, as JSON has it: ``op`` and ``path`` always; ``value`` for add,
#: replace and test; ``from`` for move and copy. Keys are declared in the order dumps write them.
#: Build operations with :class:`Op` rather than by hand.
Operation = TypedDict(
    "Operation",
    {"op": Required[OpName], "from": str, "path": Required[str], "value": Any},
    total=False,
)

#: An RFC 6902 JSON Patch: operations applied in order.
Patch = list[Operation]


class Op:
    """Constructors of :data:`Operation` (``Op.add("/Resources/A/DeletionPolicy", "Delete")``).

    Paths are JSON Pointers into the template's plain (long-form) data; build them with
    :func:`cfnfix.document.pointer.make_pointer` when a token may hold ``/`` or ``~``.
    """

    @staticmethod
    def add(path: str, value: Any) -> Operation:
        """Add ``value`` at ``path`` (a new key, a list item before ``path``'s index, or ``-`` to append)."""
        return {"op": "add", "path": path, "value": value}

    @staticmethod
    def replace(path: str, value: Any) -> Operation:
        """Replace the value at ``path`` (which must exist) with ``value``."""
        return {"op": "replace", "path": path, "value": value}

    @staticmethod
    def remove(path: str) -> Operation:
        """Remove the value at ``path`` (a key with its value, or a list item)."""
        return {"op": "remove", "path": path}

    @staticmethod
    def move(from_: str, path: str) -> Operation:
        """Move the value at ``from_`` to ``path`` (a renamed key keeps its value's text)."""
        return {"op": "move", "from": from_, "path": path}

    @staticmethod
    def copy(from_: str, path: str) -> Operation:
        """Copy the value at ``from_`` to ``path``."""
        return {"op": "copy", "from": from_, "path": path}

    @staticmethod
    def test(path: str, value: Any) -> Operation:
        """Fail the patch unless the value at ``path`` equals ``value`` (a guard; changes nothing)."""
        return {"op": "test", "path": path, "value": value}

    @staticmethod
    def set(path: str, value: Any, *, exists: bool) -> Operation:
        """``replace`` when the key ``exists``, else ``add``: write ``value`` at ``path`` either way."""
        return Op.replace(path, value) if exists else Op.add(path, value)


class Fix(BaseModel):
    """A repair: RFC 6902 operations on the template's plain data, and how safe they are.

    Rules build one with :meth:`safe` or :meth:`unsafe` and :class:`Op`:
    ``Fix.safe("Add DeletionPolicy: Delete", [Op.add(f"{res}/DeletionPolicy", "Delete")])``.
    """

    model_config = ConfigDict(frozen=True)

    applicability: Applicability
    message: str = Field(description="One line saying what the fix does.")
    patch: Patch = Field(description="RFC 6902 JSON Patch operations.")
    impact: list[ResourceImpact] = Field(
        default_factory=list,
        description="What the fix does to a deployed stack, per resource it touches (computed by "
        "cfnfix.impact from the patch and the resource schemas; empty for a fix without a patch).",
    )
    unsafe_reason: str | None = Field(
        None, description="Why a fix its rule calls safe is unsafe: its impact destroys a stateful resource's data."
    )
    edits: tuple[TextEdit, ...] = Field(
        default=(), description="Text edits that change no data (comments); left out of dumps when empty."
    )

    @classmethod
    def safe(cls, message: str, patch: Iterable[Operation] = (), *, edits: Iterable[TextEdit] = ()) -> Fix:
        """A fix that keeps the template's intent: ``cfnfix apply`` applies it by default."""
        return cls(applicability=Applicability.SAFE, message=message, patch=list(patch), edits=tuple(edits))

    @classmethod
    def unsafe(cls, message: str, patch: Iterable[Operation] = (), *, edits: Iterable[TextEdit] = ()) -> Fix:
        """A fix that changes behaviour or needs review: applied only with ``--unsafe-fixes``."""
        return cls(applicability=Applicability.UNSAFE, message=message, patch=list(patch), edits=tuple(edits))

    @property
    def changes(self) -> bool:
        """True when the fix has something to apply (patch operations or text edits)."""
        return bool(self.patch or self.edits)

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """``edits`` appears in dumps only when there are some (keeps older output unchanged)."""
        out: dict[str, Any] = handler(self)
        if not out.get("edits"):
            out.pop("edits", None)
        return out


class Related(BaseModel):
    """Another place of the template that a finding concerns, for the user to look at
    (SARIF ``relatedLocations``): e.g. a ``Fn::Join`` that builds the old name of a renamed resource."""

    model_config = ConfigDict(frozen=True)

    path: str = Field(description="JSON Pointer of the place, in the template the finding was made on.")
    line: int = Field(ge=1)
    column: int = Field(ge=1)
    message: str = Field(description="One line: what is there and why to look at it.")


class Finding(BaseModel):
    """One problem a rule found at one place of one template."""

    model_config = ConfigDict(frozen=True)

    rule_id: str = Field(description="Stable rule id, e.g. CFX101.")
    rule_name: str = Field(description="Stable kebab-case rule name.")
    severity: Severity
    path: str = Field(description="JSON Pointer into the template's plain (long-form) data.")
    line: int = Field(ge=1, description="1-based line of the node the finding points at.")
    column: int = Field(ge=1, description="1-based column of that node.")
    message: str
    doc_url: str
    file: str | None = None
    fix: Fix | None = None
    related: tuple[Related, ...] = Field(
        default=(), description="Other places to review (left out of dumps when empty)."
    )

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """``related`` appears in dumps only when there is something in it (keeps older output unchanged)."""
        out: dict[str, Any] = handler(self)
        if not out.get("related"):
            out.pop("related", None)
        return out

    @property
    def fixable(self) -> bool:
        """True when the finding carries a fix that can be applied (safe or unsafe)."""
        return self.fix is not None and self.fix.applicability is not Applicability.NONE

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order by file, position, then rule id."""
        return (self.file or "", self.line, self.column, self.rule_id)
