"""Regenerate ``cfnfix/rules/lambdas/data/lambda_runtimes.json``: ``python scripts/gen_lambda_runtimes.py [--check]``.

Source: the installed cfn-lint's ``cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json``
(rules W2531/E2531/E2533), read as data only — no cfn-lint code is imported or copied. For
every runtime of every family (Python, Node.js, Java, .NET, Ruby, Go, OS-only ``provided``)
it gives three dates (``deprecated``: end of security
patches; ``create-block``: new functions refused; ``update-block``: updates refused) and
cfn-lint's ``successor``. Lambda documents the phases at
https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtime-deprecation-levels.

Which families can move by changing ``Runtime`` alone is the rule's business
(``cfnfix/rules/lambdas/lambda_runtime_deprecated.py``), not the table's.
``--check`` exits 1 when the committed file differs from what this script would write
(ignoring the date).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from importlib import metadata, resources
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _generated import write_or_check

OUT = Path(__file__).resolve().parent.parent / "cfnfix" / "rules" / "lambdas" / "data" / "lambda_runtimes.json"
SOURCE = "data/AdditionalSpecs/LmbdRuntimeLifecycle.json"
#: Runtime name prefixes, longest first (``dotnetcore3.1`` is .NET).
FAMILIES = ("python", "nodejs", "java", "dotnetcore", "dotnet", "ruby", "go", "provided")
KEYS = ("deprecated", "create-block", "update-block", "successor")


def _sort_key(name: str) -> tuple[str, tuple[int, ...]]:
    family = next(f for f in FAMILIES if name.startswith(f))
    return family.replace("dotnetcore", "dotnet"), tuple(int(p) for p in re.findall(r"\d+", name[len(family) :]))


def build() -> dict[str, Any]:
    """The table as written to the data file."""
    raw = json.loads((resources.files("cfnlint") / SOURCE).read_text(encoding="utf-8"))
    runtimes = {
        name: {key: raw[name].get(key) for key in KEYS}
        for name in sorted((n for n in raw if n.startswith(FAMILIES)), key=_sort_key)
    }
    return {
        "date": dt.date.today().isoformat(),
        "generated_by": "scripts/gen_lambda_runtimes.py",
        "source": {"cfn-lint": metadata.version("cfn-lint"), "file": f"cfnlint/{SOURCE}"},
        "runtimes": runtimes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed table is stale")
    args = parser.parse_args(argv)
    text = json.dumps(build(), indent=2) + "\n"
    return write_or_check(OUT, text, "gen_lambda_runtimes.py", check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())
