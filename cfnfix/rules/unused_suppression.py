"""CFX900 unused-suppression: a ``cfnfix: {ignore: [...]}`` entry or ``# cfnfix: ignore[...]`` comment that silences nothing."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Applicability, Finding, Severity
from .base import Rule, RuleContext, Tag


class UnusedSuppression(Rule):
    """Reported by the API after suppression (see :mod:`cfnfix.suppression`), not by ``check``."""

    id = "CFX900"
    name = "unused-suppression"
    severity = Severity.LOW
    summary = "A `cfnfix: {ignore: [...]}` Metadata entry or `# cfnfix: ignore[...]` comment silences nothing (with --show-unused-suppressions)."
    explanation = """\
## What
A suppression that silences no finding, reported with `--show-unused-suppressions` (or
`show-unused-suppressions = true` in the configuration). A template can silence cfnfix rules in its `Metadata`, for the whole template or for one
resource:

```yaml
Metadata:
  cfnfix:
    ignore: [CFX101]        # ids, names or id prefixes
```

In YAML, a comment on the line a finding points at, or on the resource's key line, does the
same for that line or that resource:

```yaml
  OrdersCluster:   # cfnfix: ignore[CFX201, aurora-mysql-end-of-support]
```

### Not reported
Entries are only judged when every rule they name ran, so `--select` never makes an entry
look unused (a bare `# cfnfix: ignore` names every rule). cfn-lint's `ignore_checks`
entries are never reported: cfn-lint reads them too.

## Why
An entry that silences no finding is noise at best, and at worst hides the next real
problem of that kind.

## Fix
The entry is deleted (and the `cfnfix` block or the `Metadata` it leaves empty). For a
comment, the fix deletes the comment (the whole line when it stands alone), or only the ids
in it that silence nothing; a comment that is not a valid directive (`# cfnfix: ignore
CFX201`, brackets missing) is reported without a fix.

## Fix safety
**Safe**: cfnfix suppressions (Metadata entries, comments) do not change what
CloudFormation deploys.
"""
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-metadata.html"
    fix_applicability = Applicability.SAFE
    tags = frozenset({Tag.UNNECESSARY})
    root_cause = "The finding the entry was written for has been fixed, or the entry names the wrong rule."
    deployment_impact = (
        "None: cfnfix suppressions (Metadata entries, comments) do not change what CloudFormation deploys."
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """Nothing here: the API reports unused entries once every other rule has run."""
        return iter(())
