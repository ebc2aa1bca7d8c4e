"""Secrets, physical names and EC2 termination protection over the shared corpus:
``python benchmarks/secrets_names_corpus.py [--corpus DIR] [--lint]``.

Runs only the rules of issue 23's secrets, names and deletion classes — CFX910–CFX912
(`cfnfix/rules/secrets/`), CFX920–CFX923 (`cfnfix/rules/names/`), and CFX259 under the
``destroyable`` profile — over every template of ``../shared/corpus`` and prints, per rule:
findings, findings with a fix (and how many of those are unsafe), and fixes applied when
``cfnfix apply --unsafe-fixes`` runs with those rules selected (a finding of the original
that the fixed template no longer has, at the same path, and whose fix was in the patch).
Then: templates changed, fixes dropped (patch did not apply or verify), templates a second
run changes, and with ``--lint`` templates whose fixed text has a cfn-lint 1.58 error
(us-east-1) the original did not have.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus_fixes import load_corpus  # noqa: E402
from cfnfix.checking import run_rules  # noqa: E402
from cfnfix.config import Settings  # noqa: E402
from cfnfix.document import Document, load  # noqa: E402
from cfnfix.fixing import fix_text  # noqa: E402

#: The rules this benchmark measures (what ``benchmarks/deploy_blockers.py`` needs from this class).
RULES = ("CFX259", "CFX910", "CFX911", "CFX912", "CFX920", "CFX921", "CFX922", "CFX923")


def settings() -> Settings:
    """The rules above, their unsafe fixes included (CFX259 needs its profile)."""
    return Settings(select=list(RULES), unsafe_fixes=True, profile="destroyable")


def measure(docs: list[Document], *, lint: bool) -> int:
    """Print the figures; 1 when a second run changes something or cfn-lint finds a new error."""
    config = settings()
    found: collections.Counter[str] = collections.Counter()
    fixable: collections.Counter[str] = collections.Counter()
    unsafe: collections.Counter[str] = collections.Counter()
    applied: collections.Counter[str] = collections.Counter()
    dropped: collections.Counter[str] = collections.Counter()
    changed = 0
    unstable: list[str] = []
    lint_bad: dict[str, set[tuple[str, str]]] = {}
    templates_with: collections.Counter[str] = collections.Counter()
    any_finding = 0
    for doc in docs:
        before = run_rules(doc, config)
        any_finding += bool(before)
        for rule_id in {f.rule_id for f in before}:
            templates_with[rule_id] += 1
        for f in before:
            found[f.rule_id] += 1
            if f.fixable and f.fix is not None:
                fixable[f.rule_id] += 1
                unsafe[f.rule_id] += f.fix.applicability.value == "unsafe"
        result = fix_text(doc.text, doc.file, config)
        dropped.update(f.finding.rule_id for f in result.failed)
        if not result.changed:
            continue
        changed += 1
        after = {(f.rule_id, f.path) for f in run_rules(load(result.text, doc.file), config)}
        for f in before:
            if f.fixable and (f.rule_id, f.path) not in after:
                applied[f.rule_id] += 1
        if fix_text(result.text, doc.file, config).text != result.text:
            unstable.append(str(doc.file))
        if lint:
            from cfnfix.cfn_lint.verify import renames
            from devtools.lint_oracle import new_lint_errors

            new = new_lint_errors(doc.text, result.text, renamed=renames(result.patch))
            if new:
                lint_bad[str(doc.file)] = new
    print(f"{len(docs)} templates; rules {', '.join(RULES)} (CFX259 with --profile destroyable)")
    print("| rule | templates | findings | with a fix | unsafe | fixes applied |")
    print("|---|---:|---:|---:|---:|---:|")
    for rule_id in RULES:
        print(
            f"| {rule_id} | {templates_with[rule_id]} | {found[rule_id]} | {fixable[rule_id]} | {unsafe[rule_id]} "
            f"| {applied[rule_id]} |"
        )
    print(
        f"| any | {any_finding} | {sum(found.values())} "
        f"| {sum(fixable.values())} | {sum(unsafe.values())} | {sum(applied.values())} |"
    )
    print(f"templates changed: {changed}; fixes dropped: {dict(dropped) or 0}")
    print(f"second run changed: {len(unstable)} {unstable or ''}")
    if lint:
        print(f"templates with new cfn-lint errors: {len(lint_bad)}")
        for file, errors in lint_bad.items():
            print(f"  {file}: {sorted(errors)}")
    return 1 if unstable or lint_bad else 0


def main(argv: list[str] | None = None) -> int:
    """Run the measurement and print it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--lint", action="store_true", help="also lint every fixed template with cfn-lint")
    args = parser.parse_args(argv)
    return measure(load_corpus(args.corpus), lint=args.lint)


if __name__ == "__main__":
    raise SystemExit(main())
