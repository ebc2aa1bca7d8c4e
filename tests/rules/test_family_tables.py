"""The dated tables of the environment, AMI and IAM families: what their ``scripts/gen_*.py`` write,
with a date and sources."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from devtools.paths import ROOT


@pytest.mark.parametrize("script", ["gen_zones", "gen_ami_families"])
def test_tables_are_what_their_scripts_write(script: str) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / f"{script}.py"), "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_tables_carry_date_and_sources() -> None:
    for path in (
        "cfnfix/rules/environment/data/zones.json",
        "cfnfix/rules/ami/data/ami_families.json",
        "cfnfix/rules/iam/data/iam_names.json",
    ):
        table = json.loads((ROOT / path).read_text(encoding="utf-8"))
        assert table["date"] and table["generated_by"].startswith("scripts/gen_") and table["source"], path
    families_table = json.loads((ROOT / "cfnfix/rules/ami/data/ami_families.json").read_text(encoding="utf-8"))
    for family in families_table["families"]:
        assert family["source"].startswith("https://"), family["id"]
        assert all(p.startswith("/aws/service/") for p in family["parameters"].values()), family["id"]
    iam = json.loads((ROOT / "cfnfix/rules/iam/data/iam_names.json").read_text(encoding="utf-8"))
    assert iam["source"]["managed_policies"]["repository"] == "https://github.com/iann0036/iam-dataset"
    assert iam["managed_policies"]["AWS_ConfigRole"][0] == "service-role/"
    assert "AWSLambdaFullAccess" in iam["deprecated_policies"]
