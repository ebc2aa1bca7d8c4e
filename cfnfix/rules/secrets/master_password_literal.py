"""CFX910 master-password-literal: a database master password written in the template.

Background: docs/cloudformation/secrets.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Applicability, Finding, Severity
from ..base import Rule, RuleContext
from ._passwords import plan, sites


class MasterPasswordLiteral(Rule):
    """``MasterUserPassword`` (or ``AdminUserPassword``) as a literal, or from a parameter's ``Default``."""

    id = "CFX910"
    name = "master-password-literal"
    severity = Severity.HIGH
    fix_applicability = Applicability.UNSAFE
    cfn_lint_ids = ("W2501", "W1011")
    summary = "Database master password written in the template (literal or parameter Default): managed by RDS, or a generated secret"
    doc_url = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html"
    root_cause = "A password was typed into the template (or into a parameter's default) to make the stack deploy."
    deployment_impact = (
        "The stack deploys, and the password is readable by anyone who can read the template: its repository and "
        "history, the CloudFormation console (template text, parameter defaults) and every copy of the file."
    )
    explanation = """\
## What
An RDS DB instance or Aurora/Multi-AZ DB cluster, a DocumentDB cluster, a Redshift cluster
or Redshift Serverless namespace sets its master password (`MasterUserPassword`,
`AdminUserPassword`) to a literal string — `MasterUserPassword: "TempPassword123!"` — or to a
parameter whose `Default` is the password. Values read from Secrets Manager or Parameter
Store (`{{resolve:secretsmanager:…}}`, `{{resolve:ssm-secure:…}}`, a parameter of type
`AWS::SSM::Parameter::Value<String>`) are not reported. The table of types is
`cfnfix/rules/secrets/data/master_passwords.json`.

## Why
A template is source code: it sits in repositories, pull requests, build logs and the
CloudFormation console, and a parameter's default is shown to anyone who can describe the
stack. A password written there is known to all of them and cannot be rotated without
editing the template. CloudFormation does not treat it as secret (cfn-lint W2501).

## Fix
RDS and Aurora can generate the password and keep it in Secrets Manager themselves:
`ManageMasterUserPassword: true` replaces `MasterUserPassword` — unless the configuration
does not support it (Aurora Serverless v1, members of an Aurora global database, cross-Region
read replicas, RDS Custom, restores from a snapshot; see the docs page) or something else in
the template uses the same password (RDS rotates a managed password, so a copy would go
stale). Otherwise, and for the other engines, the fix adds an `AWS::SecretsManager::Secret`
whose password Secrets Manager generates (`GenerateSecretString`, with the user name beside
it), reads it with `{{resolve:secretsmanager:<secret>:SecretString:password}}`, attaches it to
the database (`AWS::SecretsManager::SecretTargetAttachment`) and points the other places that
used the password at the secret too. A parameter that nothing uses any more is removed.
No fix when the password is also used in Outputs, Conditions, Rules or Metadata.

## Fix safety
**Unsafe**: On a deployed stack the database's master password changes to the generated one: every
client that logs in with the old password fails until it reads the new one from Secrets
Manager. Removing a parameter makes deployments that still pass it fail ("Parameters …
do not exist in the template"). Applied only with `--unsafe-fixes`.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per database whose password is written in the template."""
        for site in sites(ctx.data):
            if site.kind == "parameter":
                continue
            planned = plan(ctx.data, site)
            message = (
                f"{site.res.id} ({site.res.type}) {site.describe()}: anyone who can read the template or the stack "
                f"knows the database password; {planned.reason}"
            )
            yield self.finding(ctx, site.path, message, fix=planned.fix)
