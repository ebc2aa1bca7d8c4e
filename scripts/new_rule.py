"""Scaffold a rule: ``python scripts/new_rule.py <family> <rule-name> <id>``.

Writes, as README's "Adding a rule" describes:

* ``cfnfix/rules/<family>/<rule_name>.py``: a working rule in the fix vocabulary (``Op``,
  ``Fix.unsafe``, a builder of ``cfnfix/rules/fixes.py``), with its docstring and an
  explanation in the heading scheme (What / Why / Fix / Fix safety). It reports an
  ``AWS::SQS::Queue`` without ``SqsManagedSseEnabled: true``: replace the constants, the
  check and every TODO with the real rule;
* ``cfnfix/rules/<family>/__init__.py`` when the family is new;
* ``golden/<rule-name>/finding/`` and ``golden/<rule-name>/near-miss/``: an input and a
  ``config.toml`` each, and the expected files ``scripts/update_golden.py`` writes for them.

Nothing is overwritten: a file that exists already, an id or a name that a rule has, stop
the script (exit 2) before it writes anything.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MODULE = '''\
"""{id} {name}: TODO one line saying what is wrong.

Background: docs/cloudformation/{family}.md (TODO: the CloudFormation facts this rule relies on,
in our own words, with their AWS documentation URLs).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Applicability, Finding, Fix, Severity
from ...template.model import literal, of_type
from ..base import Rule, RuleContext
from ..fixes import set_property

#: TODO: the resource type and property the rule is about, and the value the fix writes.
TYPE = "AWS::SQS::Queue"
PROPERTY = "SqsManagedSseEnabled"
VALUE = True


class {cls}(Rule):
    """A ``TYPE`` resource whose ``PROPERTY`` is not ``VALUE`` (TODO: what the rule finds)."""

    id = "{id}"
    name = "{name}"
    severity = Severity.LOW
    summary = f"{{TYPE}} without {{PROPERTY}}: {{literal(VALUE)}} (TODO: one line for `cfnfix rules`)"
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html"
    fix_applicability = Applicability.UNSAFE
    explanation = """\\
## What
TODO: what the rule reports, precisely: an `AWS::SQS::Queue` whose `SqsManagedSseEnabled`
is absent or not `true`.

## Why
TODO: what goes wrong when the template is deployed as it is, and why (the cfn-lint rule ids
that report it, the AWS documentation that says so).

## Fix
TODO: what the fix writes: `SqsManagedSseEnabled: true` under the queue's `Properties`.

## Fix safety
**Unsafe**: TODO: what the fix changes on a deployed stack, and what to review. A fix that
keeps the template's meaning is **Safe** (then `fix_applicability = Applicability.SAFE`,
`Fix.safe`, and this section opens with **Safe**).
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per ``TYPE`` resource whose ``PROPERTY`` is not ``VALUE``."""
        for res in of_type(ctx.data, TYPE):
            if literal(res.props.get(PROPERTY)) == literal(VALUE):
                continue
            fix = Fix.unsafe(
                f"Set {{PROPERTY}}: {{literal(VALUE)}}", [set_property(res.pointer, res.body, PROPERTY, VALUE)]
            )
            message = f"{{res.id}} ({{TYPE}}) does not set {{PROPERTY}}: {{literal(VALUE)}}"
            yield self.finding(ctx, res.pointer, message, fix=fix, at_key=True)
'''

FAMILY_INIT = '''\
"""TODO: what the rules of this family know about (one service or one concern); rule ids from {id}."""
'''

CONFIG = """\
select = ["{id}"]
unsafe-fixes = true
"""

FINDING = """\
AWSTemplateFormatVersion: "2010-09-09"
Description: "{id} {name} reports the queue (TODO: a template with the defect)"
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
"""

NEAR_MISS = """\
AWSTemplateFormatVersion: "2010-09-09"
Description: "{id} {name} reports nothing (TODO: a template that looks alike but is right)"
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
      SqsManagedSseEnabled: true
"""


class ScaffoldError(Exception):
    """Bad arguments or a file in the way: the one-line reason."""


def plan(root: Path, family: str, name: str, rule_id: str) -> dict[Path, str]:
    """Path → text of every file to write; raises :class:`ScaffoldError` when one cannot be."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", family):
        raise ScaffoldError(f"family {family!r}: expected a package name (lowercase letters, digits, _)")
    if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)+", name):
        raise ScaffoldError(f"rule name {name!r}: expected kebab-case words, e.g. queue-not-encrypted")
    if not re.fullmatch(r"CFX\d{3}", rule_id):
        raise ScaffoldError(f"rule id {rule_id!r}: expected CFX and three digits, e.g. CFX205")
    taken = _registered(root)
    for key in (rule_id, name):
        if key in taken:
            raise ScaffoldError(f"{key} is the {'id' if key == rule_id else 'name'} of a rule already")
    package = root / "cfnfix" / "rules" / family
    cls = "".join(word.capitalize() for word in name.split("-"))
    values = {"id": rule_id, "name": name, "family": family, "cls": cls}
    files = {package / f"{name.replace('-', '_')}.py": MODULE.format(**values)}
    if not (package / "__init__.py").exists():
        files[package / "__init__.py"] = FAMILY_INIT.format(**values)
    golden = root / "golden" / name
    for case, text in (("finding", FINDING), ("near-miss", NEAR_MISS)):
        files[golden / case / "input.yaml"] = text.format(**values)
        files[golden / case / "config.toml"] = CONFIG.format(**values)
    for path in files:
        if path.exists():
            raise ScaffoldError(f"{path.relative_to(root)} exists already")
    return files


def _registered(root: Path) -> set[str]:
    """Ids and names of the rules of the package under ``root`` (read in a fresh interpreter)."""
    code = "from cfnfix.rules import all_rules\nfor r in all_rules():\n    print(r.id)\n    print(r.name)\n"
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def main(argv: list[str] | None = None) -> int:
    """Write the files, then the golden cases' expected files; 2 on bad arguments or a file in the way."""
    parser = argparse.ArgumentParser(prog="scripts/new_rule.py", description=__doc__.split("\n", 1)[0])
    parser.add_argument("family", help="rule family: the package under cfnfix/rules/ (new or existing), e.g. sqs")
    parser.add_argument("name", metavar="rule-name", help="kebab-case rule name, e.g. queue-not-encrypted")
    parser.add_argument("id", help="unused rule id in the family's range, e.g. CFX975")
    args = parser.parse_args(argv)
    try:
        files = plan(ROOT, args.family, args.name, args.id)
    except ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print("wrote", path.relative_to(ROOT))
    subprocess.run([sys.executable, str(ROOT / "scripts" / "update_golden.py"), args.name], cwd=ROOT, check=True)
    print(
        f"next: replace the TODOs and the example in cfnfix/rules/{args.family}/{args.name.replace('-', '_')}.py "
        f"and golden/{args.name}/*/input.yaml, run python scripts/update_golden.py {args.name} and read the "
        "expected files, put the facts into docs/cloudformation/, run python scripts/update_readme.py, "
        "add a CHANGELOG line"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
