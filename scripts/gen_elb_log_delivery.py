"""Regenerate ``cfnfix/rules/principals/data/elb_log_delivery.json``, the principal that Elastic Load
Balancing writes access logs with, by Region: ``python scripts/gen_elb_log_delivery.py [--check]``.

AWS publishes no machine-readable form of this table: it is transcribed below from the
Elastic Load Balancing user guides (Application and Classic Load Balancers, "Attach a policy
to your S3 bucket"), and every Region code is checked against the Regions the installed
cfn-lint knows. Regions in service before August 2022 take the Elastic Load Balancing
account of the Region as principal (``"AWS": "<account>"``); Regions opened since take the
service principal ``logdelivery.elasticloadbalancing.amazonaws.com``. The guides list the
first five of those by name; three later ones (il-central-1, ca-west-1, ap-southeast-5)
follow the guides' rule and appear without an Elastic Load Balancing account in AWS's
Landing Zone Accelerator Region table. Regions in neither source (China, the newest Regions)
are left out: a template deployed there fails at the mapping lookup instead of writing a
wrong policy. CFX950 and CFX951 (``rules/principals/``) read the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _generated import write_or_check

OUT = Path(__file__).resolve().parent.parent / "cfnfix" / "rules" / "principals" / "data" / "elb_log_delivery.json"

SOURCES = [
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-access-logs.html",
    "awsdocs/elb-application-load-balancers-user-guide doc_source/enable-access-logging.md @ fb24293 (2023-04-06)",
    "awsdocs/elb-classic-load-balancers-user-guide doc_source/enable-access-logs.md @ 1d41335 (2023-04-06)",
    "awslabs/landing-zone-accelerator-on-aws source/packages/@aws-accelerator/utils/lib/regions.ts (cross-check)",
]

#: Region → Elastic Load Balancing account, as the user guides list them ("Regions available before August 2022").
ACCOUNTS = {
    "us-east-1": "127311923021",  # US East (N. Virginia)
    "us-east-2": "033677994240",  # US East (Ohio)
    "us-west-1": "027434742980",  # US West (N. California)
    "us-west-2": "797873946194",  # US West (Oregon)
    "af-south-1": "098369216593",  # Africa (Cape Town)
    "ap-east-1": "754344448648",  # Asia Pacific (Hong Kong)
    "ap-southeast-3": "589379963580",  # Asia Pacific (Jakarta)
    "ap-south-1": "718504428378",  # Asia Pacific (Mumbai)
    "ap-northeast-3": "383597477331",  # Asia Pacific (Osaka)
    "ap-northeast-2": "600734575887",  # Asia Pacific (Seoul)
    "ap-southeast-1": "114774131450",  # Asia Pacific (Singapore)
    "ap-southeast-2": "783225319266",  # Asia Pacific (Sydney)
    "ap-northeast-1": "582318560864",  # Asia Pacific (Tokyo)
    "ca-central-1": "985666609251",  # Canada (Central)
    "eu-central-1": "054676820928",  # Europe (Frankfurt)
    "eu-west-1": "156460612806",  # Europe (Ireland)
    "eu-west-2": "652711504416",  # Europe (London)
    "eu-south-1": "635631232127",  # Europe (Milan)
    "eu-west-3": "009996457667",  # Europe (Paris)
    "eu-north-1": "897822967062",  # Europe (Stockholm)
    "me-south-1": "076674570225",  # Middle East (Bahrain)
    "sa-east-1": "507241528517",  # South America (São Paulo)
    "us-gov-west-1": "048591011584",  # AWS GovCloud (US-West)
    "us-gov-east-1": "190560391635",  # AWS GovCloud (US-East)
}

#: Regions whose bucket policy names the log-delivery service principal ("Regions available as of August 2022 or later").
SERVICE_REGIONS = {
    "ap-south-2": "user guides",  # Asia Pacific (Hyderabad)
    "ap-southeast-4": "user guides",  # Asia Pacific (Melbourne)
    "eu-south-2": "user guides",  # Europe (Spain)
    "eu-central-2": "user guides",  # Europe (Zurich)
    "me-central-1": "user guides",  # Middle East (UAE)
    "il-central-1": "user guides' rule; Landing Zone Accelerator",  # Israel (Tel Aviv), opened 2023
    "ca-west-1": "user guides' rule; Landing Zone Accelerator",  # Canada West (Calgary), opened 2023
    "ap-southeast-5": "user guides' rule; Landing Zone Accelerator",  # Asia Pacific (Malaysia), opened 2024
}

SERVICE_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com"


def _known_regions() -> set[str]:
    from cfnlint.helpers import REGIONS

    return set(REGIONS)


def build(today: str) -> dict[str, Any]:
    """The whole table; raises ValueError when a transcribed entry is malformed."""
    known = _known_regions()
    regions: dict[str, dict[str, str]] = {}
    for region, account in ACCOUNTS.items():
        if not re.fullmatch(r"[0-9]{12}", account):
            raise ValueError(f"{region}: {account!r} is not a 12-digit account ID")
        regions[region] = {"Kind": "account", "Principal": account}
    for region in SERVICE_REGIONS:
        if region in regions:
            raise ValueError(f"{region} is listed twice")
        regions[region] = {"Kind": "service", "Principal": SERVICE_PRINCIPAL}
    unknown = sorted(set(regions) - known)
    if unknown:
        raise ValueError(f"Regions cfn-lint does not know: {unknown}")
    return {
        "date": today,
        "sources": SOURCES,
        "description": "Principal of Elastic Load Balancing access-log delivery by Region: the Region's ELB "
        "account (Kind account) or the log-delivery service principal (Kind service).",
        "service_principal": SERVICE_PRINCIPAL,
        "regions": dict(sorted(regions.items())),
    }


def main(argv: list[str] | None = None) -> int:
    """Write the table (or ``--check`` that the committed one is current)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed table instead of writing")
    args = parser.parse_args(argv)
    table = build(dt.date.today().isoformat())
    text = json.dumps(table, indent=2, ensure_ascii=False) + "\n"
    return write_or_check(OUT, text, "gen_elb_log_delivery.py", check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())
