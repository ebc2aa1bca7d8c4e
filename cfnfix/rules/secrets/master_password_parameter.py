"""CFX911 master-password-parameter: a database master password passed in as a template parameter.

Background: docs/cloudformation/secrets.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Applicability, Finding, Severity
from ..base import Rule, RuleContext
from ._passwords import plan, sites


class MasterPasswordParameter(Rule):
    """``MasterUserPassword`` (or ``AdminUserPassword``) as ``Ref`` to a ``String`` parameter without a default."""

    id = "CFX911"
    name = "master-password-parameter"
    severity = Severity.MEDIUM
    fix_applicability = Applicability.UNSAFE
    cfn_lint_ids = ("W1011",)
    summary = "Database master password passed as a parameter (NoEcho or not): managed by RDS, or a generated secret"
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html"
    root_cause = (
        "The password was made a parameter so that it is not in the template, which moves it to every deployer."
    )
    deployment_impact = (
        "Each deployment must pass the password: it lives in scripts, CI variables and shell histories, and changing "
        "it means redeploying with a new value; without NoEcho, the console shows it."
    )
    explanation = """\
## What
An RDS DB instance or cluster (or a DocumentDB, Redshift or Redshift Serverless database)
takes its master password from a template parameter — `MasterUserPassword: !Ref DbPassword`
with `DbPassword` a `String`, `NoEcho` or not, without a `Default` (a default is CFX910's).
Parameters of type `AWS::SSM::Parameter::Value<…>` and dynamic references are not reported.

## Why
Whoever deploys the stack has to know the password and type or store it somewhere: CI
variables, scripts, shell history. `NoEcho` only masks it in the console's describe calls.
AWS recommends a dynamic reference to Secrets Manager instead (cfn-lint W1011), and RDS and
Aurora can generate and rotate the password themselves.

## Fix
As CFX910: `ManageMasterUserPassword: true` where RDS or Aurora support it and nothing else
in the template uses the parameter, otherwise a generated `AWS::SecretsManager::Secret`
read with a `{{resolve:secretsmanager:…}}` dynamic reference (places in resource properties
that used the parameter read the secret too). The parameter is removed when nothing else
uses it. No fix when it is used in Outputs, Conditions, Rules or Metadata.

## Fix safety
**Unsafe**: Callers that pass the parameter must stop (CloudFormation rejects a parameter the template
does not declare), and on a deployed stack the database's password changes to the
generated one: clients must read it from Secrets Manager. Applied only with `--unsafe-fixes`.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per database whose password is passed as a parameter."""
        for site in sites(ctx.data):
            if site.kind != "parameter":
                continue
            planned = plan(ctx.data, site)
            message = f"{site.res.id} ({site.res.type}) {site.describe()}; {planned.reason}"
            yield self.finding(ctx, site.path, message, fix=planned.fix)
