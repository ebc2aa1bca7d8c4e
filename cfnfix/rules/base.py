"""The one shape every rule has: metadata plus ``check(ctx) -> findings``.

A rule reads the template's plain data (``ctx.data``, CloudFormation long form) and yields
:class:`~cfnfix.findings.Finding` objects; a fixable finding carries a
:class:`~cfnfix.findings.Fix` whose ``patch`` is RFC 6902 operations on that data. Rules
know nothing about text: the patch engine turns the operations into edits.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError

from ..config import Settings
from ..document import Document
from ..errors import ConfigError
from ..findings import Applicability, Finding, Fix, Severity


class Tag(str, Enum):
    """What a rule's findings are about, for editors (LSP ``DiagnosticTag``): ``unnecessary``
    code is shown faded, ``deprecated`` code struck through."""

    UNNECESSARY = "unnecessary"
    DEPRECATED = "deprecated"


@dataclass
class RuleContext:
    """What a rule sees: the parsed document, the settings, and its own options.

    ``options`` is an instance of the rule's ``options_model`` (validated, defaults filled in),
    or the raw mapping for a rule without one.
    """

    document: Document
    settings: Settings
    options: Any

    @property
    def data(self) -> Any:
        """The template's plain data (long form)."""
        return self.document.data

    def options_of(self, key: str) -> Any:
        """The options of another rule (id or name), read through that rule as it reads them
        itself: an instance of its ``options_model``, validated, defaults and deprecated global
        settings filled in. For a rule whose behaviour depends on how another one fixes."""
        from . import get_rule  # the registry imports this module

        rule = get_rule(key)
        if rule is None:
            raise KeyError(f"no rule {key!r}")
        return rule.options_for(self.settings)


@dataclass(frozen=True)
class TypeFilter:
    """A rule's :attr:`Rule.resource_types`, ready to test templates against."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]

    @classmethod
    def of(cls, types: frozenset[str]) -> TypeFilter:
        """The filter of a set of types (``AWS::Serverless::*`` entries are prefixes)."""
        return cls(
            frozenset(t for t in types if not t.endswith("::*")), tuple(t[:-1] for t in types if t.endswith("::*"))
        )

    @property
    def everything(self) -> bool:
        """True when the rule runs on every template (no types declared)."""
        return not self.exact and not self.prefixes

    def admits(self, present: frozenset[str]) -> bool:
        """True when a template whose resources have the types ``present`` may hold a finding."""
        if not self.exact and not self.prefixes:
            return True
        if not self.exact.isdisjoint(present):
            return True
        return bool(self.prefixes) and any(t.startswith(self.prefixes) for t in present)


class Rule(ABC):
    """Base class of every rule. Subclasses set the class attributes and implement ``check``.

    ``id`` … ``explanation``, ``doc_url`` and ``cfn_lint_ids`` are attributes an instance may
    also set for itself: a cfn-lint rule seen as a rule, a schema rule saying why it is not
    active here. Rules set them in the class body, without ``ClassVar``.
    """

    id: str
    """Stable id, ``CFX`` + three digits."""
    name: str
    """Stable kebab-case name."""
    severity: Severity
    summary: str
    """One line for ``cfnfix rules``."""
    explanation: str
    """Markdown for ``cfnfix explain``, in four sections: ``## What``, ``## Why``, ``## Fix`` (or
    ``## Not fixed`` for a rule without fixes) and ``## Fix safety`` (``###`` sub-sections inside them
    as needed; ``tests/test_rule_modules.py`` checks the scheme)."""
    doc_url: str
    """Authoritative documentation for the problem."""
    fix_applicability: ClassVar[Applicability] = Applicability.NONE
    """The best applicability this rule's fixes can have (``none``: report only)."""
    keeps_meaning: bool = False
    """True when this rule's fixes change how the template is written, never what it means
    (``Fn::Sub`` of plain text → the text): they declare no changed node, and the meaning
    checker (:mod:`cfnfix.template.meaning`) holds them to it. False: a fix declares the nodes
    its patch writes (docs/design.md, "Meaning")."""
    cfn_lint_ids: tuple[str, ...] = ()
    """cfn-lint rule ids this rule corresponds to (``E3001`` …): a template's
    ``Metadata: {cfn-lint: {config: {ignore_checks: [...]}}}`` naming one of them (or a prefix)
    also suppresses this rule. More ids can be mapped in ``cfnfix/data/cfn_lint_ids.json``."""
    options_model: ClassVar[type[BaseModel] | None] = None
    """Pydantic model of this rule's options (``[rules.<id or name>]`` in the configuration):
    when set, configuration files are validated against it (unknown keys and bad values are
    errors naming the file and key), and ``ctx.options`` is an instance of it."""
    profile: ClassVar[str | None] = None
    """The profile this rule belongs to (``destroyable`` …): it runs only when that profile is
    on (``profile = "…"`` or ``--profile``). None: an ordinary rule."""
    opt_in: ClassVar[bool] = False
    """True for a rule that runs only when ``select`` names it by its full id or name (``--select
    CFX935``): an id prefix (``CFX9``) or an empty ``select`` leaves it off. For advice most
    templates do not want by default."""
    replaced_by_profile: ClassVar[str | None] = None
    """A profile whose rules cover this rule's problem: under it, this rule stands down."""
    root_cause: ClassVar[str] = ""
    """One or two sentences on why the problem happens (markdown report); empty: the summary."""
    deployment_impact: ClassVar[str] = ""
    """What happens when the template is deployed as is (markdown report); empty: by severity."""
    tags: ClassVar[frozenset[Tag]] = frozenset()
    """What the findings are about, for editors: unused or redundant code (:attr:`Tag.UNNECESSARY`,
    shown faded), a deprecated runtime or version (:attr:`Tag.DEPRECATED`, struck through)."""
    repairs_text: ClassVar[bool] = False
    """True for a rule whose fix repairs the text before it is parsed (:mod:`cfnfix.document.repair`)
    rather than patching data: its fixes carry no patch, the template is read with that repair
    when the rule is selected, and the fix loop applies it first."""
    resource_types: ClassVar[frozenset[str]] = frozenset()
    """The resource types whose resources this rule reads (``AWS::RDS::DBCluster``; a name ending
    in ``::*`` stands for every type with that prefix, ``AWS::Serverless::*``). The runner skips a
    template none of whose resources has one of them, without calling :meth:`check` (the
    template's :func:`~cfnfix.template.model.type_index`): most templates have no RDS cluster.
    Empty (the default): the rule reads more than resources of given types — parameters,
    mappings, strings anywhere — and runs on every template. Declare it only when the rule can
    find nothing in a template without those types."""

    def types_for(self, options: Any) -> frozenset[str]:
        """:attr:`resource_types` under this rule's ``options`` (an instance of its ``options_model``):
        a rule whose options add types (``[rules.rds-snapshot-default] types``) overrides this."""
        return self.resource_types

    def unavailable(self) -> str | None:
        """Why this rule cannot run here (None: it can). A selected rule that cannot run stops
        the run (:func:`cfnfix.checking.require_runnable`): it must not find nothing silently."""
        return None

    def options_for(self, settings: Settings) -> Any:
        """This rule's options in ``settings``: an ``options_model`` instance (a plain dict without one).

        Raises :class:`~cfnfix.errors.ConfigError` naming the rule and key when they do not validate
        (configuration files are checked when read; this catches settings built in code).
        """
        raw = settings.rule_options(self.id, self.name)
        if self.options_model is None:
            return raw
        try:
            return self.options_model.model_validate(raw)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(["rules", self.name, *(str(p) for p in err.get("loc", ()))])
            raise ConfigError(f"{where}: {err.get('msg', 'invalid value')}") from None

    @abstractmethod
    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """Yield the findings for one template."""

    def finding(
        self,
        ctx: RuleContext,
        path: str,
        message: str,
        *,
        fix: Fix | None = None,
        at_key: bool = False,
        severity: Severity | None = None,
    ) -> Finding:
        """Build a finding at ``path`` (its key's position when ``at_key``)."""
        doc = ctx.document
        line, column = doc.locate_key(path) if at_key else doc.locate(path)
        return Finding(
            rule_id=self.id,
            rule_name=self.name,
            severity=severity or self.severity,
            path=path,
            line=line,
            column=column,
            message=message,
            doc_url=self.doc_url,
            file=doc.file,
            fix=fix,
        )
