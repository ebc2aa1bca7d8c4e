"""What a fix does to a deployed stack, resource by resource (the typed result of :mod:`cfnfix.impact`)."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field


class Change(str, Enum):
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
        return list(Change).index(self)


class ResourceImpact(BaseModel):
    """The effect of a change on one resource of a deployed stack."""

    model_config = ConfigDict(frozen=True)

    logical_id: str = Field(description="The resource's logical ID after the change (its new ID when renamed).")
    resource_type: str | None = Field(None, description="The resource type after the change (before, when removed).")
    change: Change
    cause: str = Field(description="Why, in a few words: the property that forces a replacement, the rename, …")
    properties: list[str] = Field(default_factory=list, description="Properties (paths under Properties) behind the change.")
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
        return self.stateful and self.change in (Change.REMOVED, Change.REPLACED, Change.MAY_BE_REPLACED, Change.RENAMED)

    def describe(self) -> str:
        """One line for people: ``OrdersCluster (AWS::RDS::DBCluster): replaced — Family is create-only``."""
        kind = f" ({self.resource_type})" if self.resource_type else ""
        text = f"{self.logical_id}{kind}: {self.change.value} — {self.cause}"
        if self.refactor_avoids_replacement:
            text += " (no replacement with the refactor mapping)"
        if self.destroys_data and not self.refactor_avoids_replacement:
            text += f"; its {self.holds or 'data'} would be lost"
        return text
