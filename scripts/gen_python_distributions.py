"""Regenerate ``cfnfix/rules/lambdas/data/python_distributions.json``: ``python scripts/gen_python_distributions.py [--check]``.

What inline Lambda code may import besides the standard library, and which PyPI
distribution provides an import that is missing. Everything here is curated by hand, with
its source; edit the tables below, never the JSON.

* ``RUNTIME_PROVIDED``: what every Lambda Python runtime ships: the AWS SDK for Python and
  its dependencies ("an environment that includes the SDK for Python (Boto3)",
  https://docs.aws.amazon.com/lambda/latest/dg/lambda-python.html).
* ``INLINE_PROVIDED``: modules CloudFormation adds next to inline (``Code.ZipFile``) code:
  ``cfnresponse``, for the statement ``import cfnresponse``
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-lambda-function-code-cfnresponsemodule.html).
  SAM's ``InlineCode`` becomes ``Code.ZipFile`` (serverless-application-model,
  ``samtranslator/model/sam_resources.py``, ``_construct_inline_code``), so it counts too.
* ``IMPORTS``: import name → distribution, where they differ or are easy to get wrong. An
  import not listed is assumed to be its own distribution name (PyPI's convention). Checked
  against PyPI project pages and ``importlib.metadata.packages_distributions()``; pipreqs'
  ``mapping`` file was only a cross-check (it has stale entries: ``MySQLdb`` → the Python 2
  ``MySQL-python`` fork, ``mysql`` → ``mysql_connector_repackaged``). Dotted keys match that
  module and its submodules (namespace packages such as ``google.protobuf``).
  Standard modules that newer Pythons removed map to their maintained replacements on PyPI
  (``distutils`` → setuptools, ``cgi`` → legacy-cgi, ``asyncore`` → pyasyncore); other
  removed modules are reported as such, without a layer.
* ``KNOWN_LAYERS``: AWS-published layers that bring third-party modules; a function whose
  ``Layers`` names one of them has those imports.

``--check`` exits 1 when the committed file differs from what this script would write
(ignoring the date); the script also checks every entry whose distribution is installed in
the running environment against ``importlib.metadata.packages_distributions()``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _generated import write_or_check

OUT = Path(__file__).resolve().parent.parent / "cfnfix" / "rules" / "lambdas" / "data" / "python_distributions.json"

RUNTIME_PROVIDED = ["boto3", "botocore", "dateutil", "jmespath", "s3transfer", "six", "urllib3"]
INLINE_PROVIDED = ["cfnresponse"]

#: import name → (distribution, note or "").
IMPORTS: dict[str, tuple[str, str]] = {
    "aiohttp": ("aiohttp", ""),
    "asynchat": ("pyasynchat", "asynchat left the standard library in Python 3.12; pyasynchat is its copy."),
    "asyncore": ("pyasyncore", "asyncore left the standard library in Python 3.12; pyasyncore is its copy."),
    "attr": ("attrs", ""),
    "attrs": ("attrs", ""),
    "aws_lambda_powertools": ("aws-lambda-powertools", "AWS publishes it as a layer (AWSLambdaPowertoolsPythonV3)."),
    "aws_xray_sdk": ("aws-xray-sdk", ""),
    "bs4": ("beautifulsoup4", ""),
    "bson": ("pymongo", "bson ships inside pymongo; the standalone bson distribution is a different project."),
    "cassandra": ("cassandra-driver", ""),
    "cgi": ("legacy-cgi", "cgi left the standard library in Python 3.13; legacy-cgi is its maintained fork."),
    "cgitb": ("legacy-cgi", "cgitb left the standard library in Python 3.13; legacy-cgi is its maintained fork."),
    "confluent_kafka": (
        "confluent-kafka",
        "Compiled: the layer needs a manylinux wheel for the function's Python version and architecture.",
    ),
    "Crypto": ("pycryptodome", ""),
    "Cryptodome": ("pycryptodomex", ""),
    "cv2": ("opencv-python-headless", "Compiled; the headless build has no GUI libraries, which Lambda does not have."),
    "cx_Oracle": ("cx-Oracle", "Needs the Oracle client libraries; its successor is oracledb."),
    "distutils": ("setuptools", "distutils left the standard library in Python 3.12; setuptools provides it."),
    "dns": ("dnspython", ""),
    "docx": ("python-docx", ""),
    "dotenv": ("python-dotenv", ""),
    "fitz": ("PyMuPDF", ""),
    "git": ("GitPython", "Also needs a git executable, which Lambda does not have."),
    "google.protobuf": ("protobuf", ""),
    "googleapiclient": ("google-api-python-client", ""),
    "gremlin_python": ("gremlinpython", ""),
    "gridfs": ("pymongo", ""),
    "grpc": (
        "grpcio",
        "Compiled: the layer needs a manylinux wheel for the function's Python version and architecture.",
    ),
    "jinja2": ("Jinja2", ""),
    "jose": ("python-jose", ""),
    "jwt": ("PyJWT", ""),
    "kafka": ("kafka-python", ""),
    "ldap": ("python-ldap", "Compiled against OpenLDAP."),
    "magic": ("python-magic", "Also needs libmagic."),
    "markdown": ("Markdown", ""),
    "markupsafe": ("MarkupSafe", ""),
    "MySQLdb": ("mysqlclient", "Compiled against libmysqlclient; PyMySQL is the pure-Python alternative."),
    "mysql.connector": ("mysql-connector-python", ""),
    "nacl": ("PyNaCl", ""),
    "OpenSSL": ("pyOpenSSL", ""),
    "opensearchpy": ("opensearch-py", ""),
    "pkg_resources": ("setuptools", ""),
    "PIL": (
        "Pillow",
        "Compiled: the layer needs a manylinux wheel for the function's Python version and architecture.",
    ),
    "pptx": ("python-pptx", ""),
    "psycopg": ("psycopg", "Install psycopg[binary] for Lambda (no libpq there)."),
    "psycopg2": (
        "psycopg2-binary",
        "Compiled: the layer needs a manylinux wheel for the function's Python version and architecture.",
    ),
    "pymysql": ("PyMySQL", ""),
    "redshift_connector": ("redshift-connector", ""),
    "requests_aws4auth": ("requests-aws4auth", ""),
    "serial": ("pyserial", ""),
    "skimage": ("scikit-image", ""),
    "sklearn": ("scikit-learn", ""),
    "slack_sdk": ("slack-sdk", ""),
    "snowflake.connector": ("snowflake-connector-python", ""),
    "sqlalchemy": ("SQLAlchemy", ""),
    "telegram": ("python-telegram-bot", ""),
    "usb": ("pyusb", ""),
    "websocket": ("websocket-client", ""),
    "yaml": ("PyYAML", ""),
    "zmq": ("pyzmq", ""),
}

#: AWS-published layers: a regular expression on the layer's name → imports it provides.
KNOWN_LAYERS: list[dict[str, Any]] = [
    {
        "name": "AWS SDK for pandas",
        "pattern": "AWSSDKPandas|AWSDataWrangler",
        "imports": [
            "awswrangler",
            "gremlin_python",
            "numpy",
            "opensearchpy",
            "openpyxl",
            "pandas",
            "pg8000",
            "pyarrow",
            "pymysql",
            "redshift_connector",
            "requests_aws4auth",
        ],
        "source": "https://aws-sdk-pandas.readthedocs.io/en/stable/layers.html ; aws/aws-sdk-pandas "
        "building/lambda/build-lambda-layer.sh (extras redshift, mysql, postgres, gremlin, opensearch, openpyxl)",
    },
    {
        "name": "Powertools for AWS Lambda (Python)",
        "pattern": "AWSLambdaPowertoolsPython",
        "imports": ["aws_lambda_powertools"],
        "source": "https://docs.powertools.aws.dev/lambda/python/latest/#lambda-layer",
    },
]


def build() -> dict[str, Any]:
    """The table as written to the data file."""
    return {
        "date": dt.date.today().isoformat(),
        "generated_by": "scripts/gen_python_distributions.py",
        "runtime_provided": sorted(RUNTIME_PROVIDED),
        "inline_provided": sorted(INLINE_PROVIDED),
        "imports": {
            name: ({"distribution": dist, "note": note} if note else {"distribution": dist})
            for name, (dist, note) in sorted(IMPORTS.items(), key=lambda kv: kv[0].lower())
        },
        "known_layers": KNOWN_LAYERS,
    }


def cross_check() -> list[str]:
    """Entries that disagree with the installed distributions' own top-level names."""
    installed = metadata.packages_distributions()
    problems = []
    for name, (dist, _) in IMPORTS.items():
        top = name.split(".")[0]
        owners = installed.get(top)
        if owners and "." not in name and not any(o.lower().replace("_", "-") == dist.lower() for o in owners):
            problems.append(f"{name}: table says {dist}, installed {owners}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed table is stale")
    args = parser.parse_args(argv)
    problems = cross_check()
    for problem in problems:
        print("mismatch:", problem, file=sys.stderr)
    text = json.dumps(build(), indent=2, ensure_ascii=False) + "\n"
    stale = write_or_check(OUT, text, "gen_python_distributions.py", check=args.check)
    return 1 if problems or stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
