"""Regenerate ``cfnfix/rules/ami/data/ami_families.json``: ``python scripts/gen_ami_families.py [--check]``.

Two tables for the AMI rules (CFX940, CFX941):

* ``families``: image families whose publisher keeps a *public* Systems Manager parameter
  that always holds the latest image ID of the family in every Region, with the parameter name
  per architecture, the words that name the family in a template (comments, descriptions,
  names), and the page each fact comes from. Curated here, from the publishers'
  documentation (:data:`FAMILIES`; the URL of each entry). ``generic`` entries are words
  that name an operating system but no version (``Ubuntu``, ``Windows``): they yield
  candidates, or the family that farther words name among those they ``cover`` (id prefixes). ``unsupported`` entries name families cfnfix has no public parameter for.
* ``image_properties``: per resource type, the properties that take an AMI ID (paths under
  ``Properties``, ``*`` for list items), from cfn-lint's us-east-1 resource schemas: string
  properties named ``ImageId``, ``AmiId``, ``CustomAmiId`` or ``ImageIdOverride``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from importlib import metadata, resources
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _generated import write_or_check

OUT = Path(__file__).resolve().parent.parent / "cfnfix" / "rules" / "ami" / "data" / "ami_families.json"
REGION = "us-east-1"

EC2_PUBLIC = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/finding-an-ami-parameter-store.html"
AL2023 = "https://docs.aws.amazon.com/linux/al2023/ug/ec2.html"
AL2_EOL = "https://aws.amazon.com/amazon-linux-2/faqs/"
ECS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/retrieve-ecs-optimized_AMI.html"
UBUNTU = "https://documentation.ubuntu.com/aws/aws-how-to/instances/find-ubuntu-images/"
WINDOWS = "https://aws.amazon.com/blogs/mt/query-for-the-latest-windows-ami-using-systems-manager-parameter-store/"
DEBIAN = "https://wiki.debian.org/Cloud/AmazonEC2Image"

_ALL = "ami-amazon-linux-latest"
_CANONICAL = "/aws/service/canonical/ubuntu/server"

#: Families with a public parameter. ``shadows``: families whose words this one's text also
#: contains ("ECS-optimized Amazon Linux 2023" names Amazon Linux 2023 too).
FAMILIES: list[dict[str, Any]] = [
    {
        "id": "ecs-al2023",
        "name": "Amazon ECS-optimized Amazon Linux 2023",
        "patterns": [r"al2023-ami-ecs", r"ecs[-_ ]?optimi[sz]ed[^\n.]*2023"],
        "shadows": ["al2023", "al2"],
        "parameters": {
            "x86_64": "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
            "arm64": "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
        },
        "source": ECS,
    },
    {
        "id": "ecs-al2",
        "name": "Amazon ECS-optimized Amazon Linux 2",
        "patterns": [r"amzn2-ami-ecs", r"ecs[-_ ]?optimi[sz]ed[^\n.]*linux[-_ ]?2(?![0-9])"],
        "shadows": ["al2"],
        "parameters": {
            "x86_64": "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id",
            "arm64": "/aws/service/ecs/optimized-ami/amazon-linux-2/arm64/recommended/image_id",
        },
        "end_of_support": "2026-06-30",
        "source": ECS,
    },
    {
        "id": "al2023",
        "name": "Amazon Linux 2023",
        "patterns": [r"\bal[-_ ]?2023\b", r"amazon[-_ ]?linux[-_ ]?2023", r"\bamzn[-_]?2023\b", r"al2023-ami"],
        "parameters": {
            "x86_64": f"/aws/service/{_ALL}/al2023-ami-kernel-default-x86_64",
            "arm64": f"/aws/service/{_ALL}/al2023-ami-kernel-default-arm64",
        },
        "source": AL2023,
    },
    {
        "id": "al2",
        "name": "Amazon Linux 2",
        "patterns": [r"amazon[-_ ]?linux[-_ ]?2(?![0-9])", r"\bamzn2\b", r"\bal2\b", r"amazon-linux-extras"],
        "parameters": {
            "x86_64": f"/aws/service/{_ALL}/amzn2-ami-hvm-x86_64-gp2",
            "arm64": f"/aws/service/{_ALL}/amzn2-ami-hvm-arm64-gp2",
        },
        "end_of_support": "2026-06-30",
        "source": EC2_PUBLIC,
        "end_of_support_source": AL2_EOL,
    },
    {
        "id": "ubuntu-24.04",
        "name": "Ubuntu Server 24.04 LTS",
        "patterns": [r"ubuntu[^\n]{0,24}?24[._-]?04", r"\bnoble\b"],
        "parameters": {
            "x86_64": f"{_CANONICAL}/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id",
            "arm64": f"{_CANONICAL}/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id",
        },
        "source": UBUNTU,
    },
    {
        "id": "ubuntu-22.04",
        "name": "Ubuntu Server 22.04 LTS",
        "patterns": [r"ubuntu[^\n]{0,24}?22[._-]?04", r"\bjammy\b"],
        "parameters": {
            "x86_64": f"{_CANONICAL}/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id",
            "arm64": f"{_CANONICAL}/22.04/stable/current/arm64/hvm/ebs-gp2/ami-id",
        },
        "source": UBUNTU,
    },
    {
        "id": "ubuntu-20.04",
        "name": "Ubuntu Server 20.04 LTS",
        "patterns": [r"ubuntu[^\n]{0,24}?20[._-]?04", r"\bfocal\b"],
        "parameters": {
            "x86_64": f"{_CANONICAL}/20.04/stable/current/amd64/hvm/ebs-gp2/ami-id",
            "arm64": f"{_CANONICAL}/20.04/stable/current/arm64/hvm/ebs-gp2/ami-id",
        },
        "end_of_support": "2025-05-31",
        "source": UBUNTU,
    },
    *[
        {
            "id": f"windows-{year}",
            "name": f"Windows Server {year} (English, Full, Base)",
            "patterns": [rf"windows[-_ ]?server[-_ ]?{year}", rf"\bwin(?:dows)?[-_ ]?{year}\b"],
            "parameters": {"x86_64": f"/aws/service/ami-windows-latest/Windows_Server-{year}-English-Full-Base"},
            "source": WINDOWS,
        }
        for year in ("2025", "2022", "2019", "2016")
    ],
    *[
        {
            "id": f"debian-{version}",
            "name": f"Debian {version} ({codename})",
            "patterns": [rf"debian[-_ ]?{version}\b", rf"\b{codename}\b"],
            "parameters": {
                "x86_64": f"/aws/service/debian/release/{version}/latest/amd64",
                "arm64": f"/aws/service/debian/release/{version}/latest/arm64",
            },
            "source": DEBIAN,
        }
        for version, codename in (("12", "bookworm"), ("11", "bullseye"))
    ],
]

#: Words that name an operating system without its version: candidates only, never a fix.
GENERIC: list[dict[str, Any]] = [
    {
        "id": "ecs",
        "name": "Amazon ECS-optimized",
        "patterns": [r"ecs[-_ ]?optimi[sz]ed"],
        "candidates": ["ecs-al2023"],
        "covers": ["ecs-"],
    },
    {
        "id": "amazon-linux-1",
        "name": "Amazon Linux AMI (the first version, end of life 2023-12-31)",
        "patterns": [r"amazon[-_ ]?linux[-_ ]?ami", r"\bamzn-ami"],
        "candidates": ["al2023"],
        "covers": [],
    },
    {
        "id": "amazon-linux",
        "name": "Amazon Linux",
        "patterns": [r"amazon[-_ ]?linux", r"\bamzn\b"],
        "candidates": ["al2023", "al2"],
        "covers": ["al2", "ecs-"],
    },
    {
        "id": "ubuntu",
        "name": "Ubuntu",
        "patterns": [r"\bubuntu\b"],
        "candidates": ["ubuntu-24.04", "ubuntu-22.04"],
        "covers": ["ubuntu-"],
    },
    {
        "id": "windows",
        "name": "Windows Server",
        "patterns": [r"\bwindows\b", r"<powershell>"],
        "candidates": ["windows-2025", "windows-2022"],
        "covers": ["windows-"],
    },
    {"id": "debian", "name": "Debian", "patterns": [r"\bdebian\b"], "candidates": ["debian-12"], "covers": ["debian-"]},
]

#: Families cfnfix has no public parameter for (their images are looked up by name or owner).
UNSUPPORTED: list[dict[str, Any]] = [
    {"id": "rhel", "name": "Red Hat Enterprise Linux", "patterns": [r"\brhel\b", r"red[-_ ]?hat"]},
    {"id": "centos", "name": "CentOS", "patterns": [r"\bcentos\b"]},
    {"id": "suse", "name": "SUSE Linux Enterprise Server", "patterns": [r"\bsles\b", r"\bsuse\b"]},
]

_IMAGE_NAMES = frozenset({"ImageId", "AmiId", "CustomAmiId", "ImageIdOverride"})


def _walk(schema: dict[str, Any], node: dict[str, Any], path: list[str], seen: frozenset[str], out: set[str]) -> None:
    if len(path) > 8:
        return
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref in seen:
            return
        node = schema.get("definitions", {}).get(ref.rsplit("/", 1)[-1], {})
        seen = seen | {ref}
    if node.get("type") == "array" or "items" in node:
        items = node.get("items")
        if isinstance(items, dict):
            _walk(schema, items, [*path, "*"], seen, out)
        return
    for name, spec in (node.get("properties") or {}).items():
        if not isinstance(spec, dict):
            continue
        if name in _IMAGE_NAMES and spec.get("type") == "string":
            out.add("/".join([*path, name]))
        _walk(schema, spec, [*path, name], seen, out)


def image_properties() -> dict[str, list[str]]:
    """Resource type → property paths that take an AMI ID (from the resource schemas)."""
    base = resources.files("cfnlint") / "data" / "schemas"
    provider = json.loads((base / "providers" / f"{REGION}.json").read_text(encoding="utf-8"))
    found: dict[str, list[str]] = {}
    for type_name, digest in sorted(provider.items()):
        schema = json.loads((base / "resources" / f"{digest}.json").read_text(encoding="utf-8"))
        paths: set[str] = set()
        _walk(schema, schema, [], frozenset(), paths)
        if paths:
            found[type_name] = sorted(paths)
    return found


def build(today: str) -> dict[str, Any]:
    """The whole table."""
    base = resources.files("cfnlint") / "data" / "schemas"
    return {
        "date": today,
        "generated_by": "scripts/gen_ami_families.py",
        "source": {
            "families": "curated in scripts/gen_ami_families.py from each entry's source page",
            "parameters_in_cloudformation": "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html#aws-ssm-parameter-types",
            "cfn-lint": metadata.version("cfn-lint"),
            "schema_date": json.loads((base / "version.json").read_text(encoding="utf-8"))["schema_date"],
            "files": [f"cfnlint/data/schemas/providers/{REGION}.json", "cfnlint/data/schemas/resources/*.json"],
        },
        "families": FAMILIES,
        "generic": GENERIC,
        "unsupported": UNSUPPORTED,
        "image_properties": image_properties(),
    }


def main(argv: list[str] | None = None) -> int:
    """Write the table, or check it with ``--check``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file instead of writing it")
    args = parser.parse_args(argv)
    text = json.dumps(build(dt.date.today().isoformat()), indent=2) + "\n"
    return write_or_check(OUT, text, "gen_ami_families.py", check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())
