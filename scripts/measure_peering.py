"""False-positive check of the VPC peering rules over a corpus of real templates.

``python scripts/measure_peering.py [FOLDER]`` (default: ``../shared/corpus``) prints, for
every template with a peering signal, what CFX501/CFX502 decided and why, then a summary:
templates read, templates with signals, findings per rule. In a corpus of working
templates every finding is a false positive unless the template really lacks its peering.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cfnfix.checking import findings_for
from cfnfix.config import Settings
from cfnfix.document import load
from cfnfix.errors import CfnfixError
from cfnfix.io.files import read_text
from cfnfix.rules.vpc._peering import connectivity, parameter_signals, text_signals, vpc_parameters, vpcs
from devtools.corpus import corpus_files

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def main(argv: list[str]) -> int:
    """Print the per-template decisions and the summary; exit 0."""
    root = Path(argv[0]) if argv else DEFAULT
    files = corpus_files(root)
    settings = Settings(select=["CFX501", "CFX502"])
    read = unreadable = signalled = 0
    per_rule: dict[str, int] = {"CFX501": 0, "CFX502": 0}
    for path in files:
        try:
            doc = load(read_text(path), str(path))
        except CfnfixError:
            unreadable += 1
            continue
        read += 1
        findings = findings_for(doc, settings)
        for f in findings:
            per_rule[f.rule_id] += 1
        signals = parameter_signals(doc.data) + text_signals(doc.data)
        if not signals and not findings:
            continue
        signalled += 1 if signals else 0
        rel = path.relative_to(root)
        print(f"{rel}")
        print(f"  signals: {', '.join(s.what for s in signals) or '-'}")
        print(
            f"  VPCs: {', '.join(v.id for v in vpcs(doc.data)) or '-'}; VPC parameters: {', '.join(vpc_parameters(doc.data)) or '-'}"
        )
        print(f"  already connected / elsewhere: {'; '.join(connectivity(doc.data).reasons) or '-'}")
        for f in findings:
            print(f"  FINDING {f.rule_id} {f.line}:{f.column} {f.message}")
    print()
    print(f"templates read: {read} (unreadable: {unreadable})")
    print(f"templates with a peering signal: {signalled}")
    for rule, count in per_rule.items():
        print(f"{rule} findings: {count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
