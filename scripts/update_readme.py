"""Regenerate the generated parts of README.md: ``python scripts/update_readme.py``.

Between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers:

* ``rules``: the rules table, from the rule registry;
* ``config``: the configuration reference, from the fields of ``cfnfix.config.Settings``;
* ``rule-options``: each rule's own options, from its ``options_model``;
* ``example-check`` / ``example-apply``: the real output of the installed ``cfnfix`` on the
  bundled example (``examples/orders-stack.yaml``).

``tests/test_readme.py`` fails when README.md differs from what this script writes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
EXAMPLE = "examples/orders-stack.yaml"

sys.path.insert(0, str(ROOT))


def _cfnfix(*args: str) -> str:
    """Run the installed console script in the repository root; stdout then stderr, as a terminal shows them."""
    exe = Path(sys.executable).parent / "cfnfix"
    cmd = [str(exe)] if exe.exists() else [shutil.which("cfnfix") or "cfnfix"]
    env = {k: v for k, v in os.environ.items() if k != "FORCE_COLOR"} | {"NO_COLOR": "1"}
    proc = subprocess.run([*cmd, *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)
    return f"$ cfnfix {' '.join(args)}\n{proc.stdout}{proc.stderr}[exit {proc.returncode}]\n"


def blocks() -> dict[str, str]:
    """Marker name → generated Markdown."""
    from cfnfix.report.tables import rule_options_markdown, rules_markdown, settings_markdown

    return {
        "rules": rules_markdown(),
        "config": settings_markdown(),
        "rule-options": rule_options_markdown(),
        "example-check": "```console\n" + _cfnfix("check", EXAMPLE) + "```\n",
        "example-apply": "```console\n" + _cfnfix("apply", EXAMPLE) + "```\n",
    }


def render(text: str, generated: dict[str, str]) -> str:
    """``text`` with every marked block replaced by its generated content."""
    for name, body in generated.items():
        pattern = re.compile(rf"(<!-- {re.escape(name)}:start -->\n).*?(<!-- {re.escape(name)}:end -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"README.md has no <!-- {name}:start/end --> markers")
        text = pattern.sub(lambda m, body=body: m[1] + body + m[2], text)
    return text


def main() -> int:
    text = README.read_text(encoding="utf-8")
    new = render(text, blocks())
    if new != text:
        README.write_text(new, encoding="utf-8")
        print("README.md updated")
    else:
        print("README.md is up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
