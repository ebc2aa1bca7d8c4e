"""A snapshot of ``cfnfix check --format json`` over the shared corpus, for "same findings before and
after" (issue 25): ``tests/project/test_corpus_findings.py`` compares the current output with the snapshot
committed in ``tests/data/corpus_findings.json``; ``python scripts/corpus_findings.py --update``
rewrites it (after a change that is meant to change findings, such as a new rule: say so in the
commit).

Two runs are recorded, so that every rule is covered: the default selection (what ``check`` does
out of the box), and everything on (the ``destroyable`` profile, every rule selected by its full
id so opt-in rules run too, unsafe fixes, unused suppressions). The projection keeps every field of
a finding (fix, applicability, impact included) except what names the machine or is the rule's
metadata rather than the finding: the file is relative to the corpus, ``doc_url`` and
``rule_name`` are dropped.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path
from typing import Any

from .corpus import CORPUS
from .paths import TEST_DATA

#: Where the snapshot lives.
SNAPSHOT = TEST_DATA / "corpus_findings.json"

#: Keys of a finding that are not part of the comparison (see the module docstring).
_DROPPED = ("file", "doc_url", "rule_name")


def configurations() -> dict[str, list[str]]:
    """The runs recorded: name → ``cfnfix check`` options."""
    from cfnfix.rules import all_rules

    every = ",".join(rule.id for rule in all_rules())
    return {
        "default": [],
        "everything": ["--profile", "destroyable", "--select", every, "--unsafe-fixes", "--show-unused-suppressions"],
    }


def _check_json(options: list[str], corpus: Path) -> dict[str, Any]:
    """``cfnfix check --format json --jobs 1 OPTIONS CORPUS``, run in this process."""
    from cfnfix.cli.app import app

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = app(
            ["check", "--format", "json", "--jobs", "1", *options, str(corpus)],
            prog_name="cfnfix",
            standalone_mode=False,
        )
    if code not in (0, 1, None):
        raise RuntimeError(f"cfnfix check exited {code}: {err.getvalue().strip()}")
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def _relative(file: str, corpus: Path) -> str:
    return Path(os.path.relpath(file, corpus)).as_posix()


def project(report: dict[str, Any], corpus: Path) -> dict[str, Any]:
    """The stable part of a JSON report: per file (relative to the corpus, sorted), its status and
    its findings in report order without :data:`_DROPPED`; errors likewise."""
    files: dict[str, dict[str, Any]] = {}
    for entry in report["files"]:
        files[_relative(entry["file"], corpus)] = {"status": entry["status"], "findings": []}
    for finding in report["findings"]:
        kept = {k: v for k, v in finding.items() if k not in _DROPPED}
        files[_relative(finding["file"], corpus)]["findings"].append(kept)
    for error in report["errors"]:
        entry = files.setdefault(_relative(error["file"], corpus), {"status": "error", "findings": []})
        entry["error"] = {k: v for k, v in error.items() if k != "file"}
    return {name: files[name] for name in sorted(files)}


def snapshot(corpus: Path = CORPUS) -> dict[str, Any]:
    """The projection of every run of :func:`configurations` over ``corpus``."""
    return {name: project(_check_json(options, corpus), corpus) for name, options in configurations().items()}


def dumps(snap: dict[str, Any]) -> str:
    """The snapshot as text: one line per finding, so a diff shows which findings changed."""
    lines = ["{"]
    for i, (config, files) in enumerate(snap.items()):
        lines.append(f"  {json.dumps(config)}: {{")
        for j, (name, entry) in enumerate(files.items()):
            head = {k: v for k, v in entry.items() if k != "findings"}
            lines.append(f"    {json.dumps(name)}: {{")
            for key, value in head.items():
                lines.append(f"      {json.dumps(key)}: {json.dumps(value, sort_keys=True, ensure_ascii=False)},")
            findings = entry["findings"]
            if not findings:
                lines.append('      "findings": []')
            else:
                lines.append('      "findings": [')
                for k, finding in enumerate(findings):
                    comma = "," if k < len(findings) - 1 else ""
                    lines.append(f"        {json.dumps(finding, sort_keys=True, ensure_ascii=False)}{comma}")
                lines.append("      ]")
            lines.append("    }" + ("," if j < len(files) - 1 else ""))
        lines.append("  }" + ("," if i < len(snap) - 1 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def differences(expected: dict[str, Any], actual: dict[str, Any], limit: int = 20) -> list[str]:
    """Readable lines naming what differs (configuration, file, finding), at most ``limit``."""
    out: list[str] = []
    for config in sorted(set(expected) | set(actual)):
        old, new = expected.get(config, {}), actual.get(config, {})
        for name in sorted(set(old) | set(new)):
            a, b = old.get(name), new.get(name)
            if a == b:
                continue
            if a is None or b is None:
                out.append(f"{config}: {name}: {'new file' if a is None else 'file gone'}")
                continue
            if {k: v for k, v in a.items() if k != "findings"} != {k: v for k, v in b.items() if k != "findings"}:
                out.append(f"{config}: {name}: status/error {a.get('status')} → {b.get('status')}")
            fa = [json.dumps(f, sort_keys=True) for f in a["findings"]]
            fb = [json.dumps(f, sort_keys=True) for f in b["findings"]]
            out.extend(f"{config}: {name}: gone: {f}" for f in fa if f not in fb)
            out.extend(f"{config}: {name}: new: {f}" for f in fb if f not in fa)
            if sorted(fa) == sorted(fb) and fa != fb:
                out.append(f"{config}: {name}: same findings, other order")
    return out[:limit] + ([f"… and {len(out) - limit} more"] if len(out) > limit else [])
