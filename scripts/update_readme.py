"""Regenerate the generated parts of README.md: ``python scripts/update_readme.py``.

Between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers:

* ``rules``: the rules table, from the rule registry;
* ``config``: the configuration reference, from the fields of ``cfnfix.config.Settings``;
* ``rule-options``: each rule's own options, from its ``options_model``;
* ``example-check`` / ``example-apply``: the real output of the installed ``cfnfix`` on the
  bundled example (``examples/orders-stack.yaml``);
* ``example-cfn-lint``: ``check --cfn-lint`` and ``apply --write --cfn-lint`` of
  ``examples/cfn-lint-stack.yaml``, run on a copy named ``stack.yaml`` in a temporary folder
  (needs cfn-lint, a test dependency).

``tests/test_readme.py`` fails when README.md differs from what this script writes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
EXAMPLE = "examples/orders-stack.yaml"
CFN_LINT_EXAMPLE = ROOT / "examples" / "cfn-lint-stack.yaml"

sys.path.insert(0, str(ROOT))


def _cfnfix(*args: str, cwd: Path = ROOT, exit_code: bool = True) -> str:
    """Run the installed console script in ``cwd``; stdout then stderr, as a terminal shows them."""
    exe = Path(sys.executable).parent / "cfnfix"
    cmd = [str(exe)] if exe.exists() else [shutil.which("cfnfix") or "cfnfix"]
    env = {k: v for k, v in os.environ.items() if k != "FORCE_COLOR"} | {"NO_COLOR": "1"}
    proc = subprocess.run([*cmd, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300)
    code = f"[exit {proc.returncode}]\n" if exit_code else ""
    return f"$ cfnfix {' '.join(args)}\n{proc.stdout}{proc.stderr}{code}"


def _cfn_lint_example() -> str:
    """The cfn-lint section's session: the template, ``check --cfn-lint``, ``apply --write --cfn-lint``."""
    text = CFN_LINT_EXAMPLE.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "stack.yaml").write_text(text, encoding="utf-8")
        check = _cfnfix("check", "--cfn-lint", "stack.yaml", cwd=folder, exit_code=False)
        apply = _cfnfix("apply", "--write", "--cfn-lint", "stack.yaml", cwd=folder, exit_code=False)
    return "```console\n$ cat stack.yaml\n" + text + check + apply + "```\n"


def blocks() -> dict[str, str]:
    """Marker name → generated Markdown."""
    from cfnfix.report.tables import rule_options_markdown, rules_markdown, settings_markdown

    return {
        "rules": rules_markdown(),
        "config": settings_markdown(),
        "rule-options": rule_options_markdown(),
        "example-check": "```console\n" + _cfnfix("check", EXAMPLE) + "```\n",
        "example-apply": "```console\n" + _cfnfix("apply", EXAMPLE) + "```\n",
        "example-cfn-lint": _cfn_lint_example(),
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
