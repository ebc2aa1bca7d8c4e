"""Issue 23's deploy blockers over real templates: ``python benchmarks/deploy_blockers.py [--corpus DIR] [--extra DIR ...] [--no-lint]``.

Runs every rule of the issue-23 families that exists when it runs — ids CFX910–CFX979 and
CFX259, discovered from the rule registry by id, so rules merged later are measured too — over
the shared corpus (``../shared/corpus``) and any ``--extra`` folders (for example cfn-lint's
public fixture templates, ``test/fixtures/templates`` of aws-cloudformation/cfn-lint, exported
outside the repository). For each rule and each class it prints:

* templates with a finding, findings, and how many carry a safe / an unsafe fix;
* fixes applied by ``cfnfix apply`` (safe only) and by ``cfnfix apply --unsafe-fixes``;
* fixes dropped (their patch did not apply or verify);
* fixed templates whose output has a cfn-lint error (us-east-1) the input did not have (must be 0);
* fixed templates that a second run changes again (must be 0: idempotence).

Templates cfnfix refuses to read (cfn-lint's fixtures include broken ones on purpose) are
counted and skipped. Exit status 1 when a fix is dropped, adds a cfn-lint error or is not
idempotent.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cfnfix import CfnfixError, check, fix  # noqa: E402
from cfnfix.cfn_lint.verify import renames  # noqa: E402
from cfnfix.config import Settings  # noqa: E402
from cfnfix.rules import Rule, all_rules  # noqa: E402
from devtools.corpus import CORPUS, corpus_files  # noqa: E402

#: Classes of issue 23, by rule id range (inclusive), in the issue's order.
CLASSES: tuple[tuple[str, int, int], ...] = (
    ("secrets", 910, 919),
    ("physical names", 920, 929),
    ("hard-coded environment", 930, 939),
    ("AMIs", 940, 949),
    ("service principals", 950, 959),
    ("IAM names", 960, 969),
    ("ordering", 970, 979),
    ("deletion", 259, 259),
)


def class_of(rule_id: str) -> str | None:
    """The issue-23 class of a rule id (``CFX951`` → ``service principals``), or None."""
    number = int(rule_id[3:]) if rule_id[3:].isdigit() else -1
    return next((name for name, low, high in CLASSES if low <= number <= high), None)


def issue_rules() -> list[Rule]:
    """The registered rules of the issue-23 families, by id."""
    return [rule for rule in all_rules() if class_of(rule.id) is not None]


def settings_for(rules: list[Rule], *, unsafe: bool) -> Settings:
    """Those rules only; the profile one of them needs (CFX259 belongs to ``destroyable``)."""
    profiles = {rule.profile for rule in rules if rule.profile}
    profile = profiles.pop() if len(profiles) == 1 else None
    return Settings(select=[rule.id for rule in rules], unsafe_fixes=unsafe, profile=profile)


@dataclass
class RuleCounts:
    """What one rule did over a set of templates."""

    templates: set[str] = field(default_factory=set)
    findings: int = 0
    safe_fixes: int = 0
    unsafe_fixes: int = 0
    applied_safe: int = 0
    applied_unsafe: int = 0
    dropped: int = 0
    new_lint: set[str] = field(default_factory=set)
    unstable: set[str] = field(default_factory=set)


@dataclass
class Measurement:
    """The whole run."""

    label: str
    rules: list[Rule]
    templates: int = 0
    unreadable: int = 0
    changed: dict[str, int] = field(default_factory=lambda: {"safe": 0, "unsafe": 0})
    linted: int = 0
    counts: dict[str, RuleCounts] = field(default_factory=lambda: collections.defaultdict(RuleCounts))
    lint_bad: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    unstable: set[str] = field(default_factory=set)
    dropped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """No dropped fix, no new cfn-lint error, every fix idempotent."""
        return not (self.lint_bad or self.unstable or self.dropped)


def _fix_run(text: str, name: str, config: Settings, mode: str, out: Measurement, *, lint: bool) -> None:
    result = fix(text, unsafe=config.unsafe_fixes, config=config)
    for finding in result.fixed:
        counts = out.counts[finding.rule_id]
        if mode == "safe":
            counts.applied_safe += 1
        else:
            counts.applied_unsafe += 1
    for failed in result.failed:
        out.counts[failed.finding.rule_id].dropped += 1
        out.dropped.append(f"{name}: {failed.finding.rule_id} {failed.reason}")
    if not result.changed:
        return
    out.changed[mode] += 1
    fixers = {f.rule_id for f in result.fixed}
    again = fix(result.text, unsafe=config.unsafe_fixes, config=config)
    if again.text != result.text:
        out.unstable.add(f"{name} ({mode})")
        for rule_id in fixers:
            out.counts[rule_id].unstable.add(name)
    if lint:
        from devtools.lint_oracle import new_lint_errors

        out.linted += 1
        new = new_lint_errors(text, result.text, renamed=renames(result.patch))
        if new:
            out.lint_bad[f"{name} ({mode})"] = new
            for rule_id in fixers:
                out.counts[rule_id].new_lint.add(name)


def measure(files: Iterable[Path], label: str, *, lint: bool = True, root: Path | None = None) -> Measurement:
    """Check, fix (safe, then with unsafe fixes), re-fix and lint every template of ``files``."""
    rules = issue_rules()
    out = Measurement(label, rules)
    if not rules:
        return out
    safe, unsafe = settings_for(rules, unsafe=False), settings_for(rules, unsafe=True)
    start = time.perf_counter()
    for path in files:
        name = str(path.relative_to(root)) if root is not None and path.is_relative_to(root) else str(path)
        try:
            text = path.read_bytes().decode("utf-8")
            findings = check(text, config=unsafe)
        except (CfnfixError, UnicodeDecodeError, ValueError):
            out.unreadable += 1
            continue
        out.templates += 1
        for finding in findings:
            counts = out.counts[finding.rule_id]
            counts.templates.add(name)
            counts.findings += 1
            if finding.fix is not None and finding.fix.changes:
                if finding.fix.applicability.value == "safe":
                    counts.safe_fixes += 1
                elif finding.fix.applicability.value == "unsafe":
                    counts.unsafe_fixes += 1
        if not findings:
            continue
        _fix_run(text, name, safe, "safe", out, lint=lint)
        _fix_run(text, name, unsafe, "unsafe", out, lint=lint)
    out.seconds = time.perf_counter() - start
    return out


_HEADER = (
    "| class | rule | templates | findings | safe fix | unsafe fix | applied (safe) | applied (--unsafe-fixes) "
    "| dropped | new cfn-lint errors | second run changed |"
)


def table(out: Measurement, *, lint: bool) -> str:
    """The figures as a Markdown table, one row per rule and one total per class."""
    lines = [_HEADER, "|" + "---|" * 2 + "---:|" * 9]
    by_class: dict[str, list[Rule]] = collections.defaultdict(list)
    for rule in out.rules:
        by_class[class_of(rule.id) or "?"].append(rule)
    grand = RuleCounts()
    for name, _, _ in CLASSES:
        rules = by_class.get(name, [])
        if not rules:
            continue
        total = RuleCounts()
        for rule in rules:
            c = out.counts.get(rule.id, RuleCounts())
            lines.append(_row(name, f"{rule.id} `{rule.name}`", c, lint))
            for acc in (total, grand):
                _add(acc, c)
        if len(rules) > 1:
            lines.append(_row(f"**{name}**", "all", total, lint))
    lines.append(_row("**all classes**", f"{len(out.rules)} rules", grand, lint))
    return "\n".join(lines)


def _add(acc: RuleCounts, c: RuleCounts) -> None:
    acc.templates |= c.templates
    acc.findings += c.findings
    acc.safe_fixes += c.safe_fixes
    acc.unsafe_fixes += c.unsafe_fixes
    acc.applied_safe += c.applied_safe
    acc.applied_unsafe += c.applied_unsafe
    acc.dropped += c.dropped
    acc.new_lint |= c.new_lint
    acc.unstable |= c.unstable


def _row(cls: str, rule: str, c: RuleCounts, lint: bool) -> str:
    new = str(len(c.new_lint)) if lint else "not linted"
    cells = [cls, rule, len(c.templates), c.findings, c.safe_fixes, c.unsafe_fixes, c.applied_safe, c.applied_unsafe]
    cells += [c.dropped, new, len(c.unstable)]
    return "| " + " | ".join(str(x) for x in cells) + " |"


def report(out: Measurement, *, lint: bool) -> str:
    """Header line, table and the problems found."""
    head = (
        f"{out.label}: {out.templates} templates read ({out.unreadable} unreadable, skipped); "
        f"changed by safe fixes {out.changed['safe']}, with --unsafe-fixes {out.changed['unsafe']}; "
        f"fixed outputs linted {out.linted if lint else 'none (--no-lint)'}; {out.seconds:.1f} s"
    )
    parts = [head, "", table(out, lint=lint)]
    for file, errors in sorted(out.lint_bad.items()):
        parts.append(f"new cfn-lint errors in {file}: {sorted(errors)}")
    parts += [f"second run changed {file}" for file in sorted(out.unstable)]
    parts += [f"dropped fix in {item}" for item in out.dropped]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Measure the corpus and each ``--extra`` folder; print one table each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(CORPUS), help="folder of templates (default: ../shared/corpus)")
    parser.add_argument("--extra", action="append", default=[], help="another folder of templates (repeatable)")
    parser.add_argument("--no-lint", action="store_true", help="skip cfn-lint on the fixed outputs (faster)")
    args = parser.parse_args(argv)
    lint = not args.no_lint
    rules = issue_rules()
    print(f"issue-23 rules registered: {', '.join(r.id for r in rules) or 'none'}")
    ok = True
    for folder in [args.corpus, *args.extra]:
        root = Path(folder)
        files = corpus_files(root)
        if not files:
            print(f"{folder}: no templates", file=sys.stderr)
            return 2
        out = measure(files, str(folder), lint=lint, root=root)
        print()
        print(report(out, lint=lint))
        ok = ok and out.ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
