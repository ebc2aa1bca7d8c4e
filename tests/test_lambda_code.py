"""Inline Python code: reading it from the template (string, Fn::Sub, Fn::Join) and finding
its imports with ``ast`` only."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cfnfix.rules.lambdas._python_code import analyse, read_source
from cfnfix.rules.lambdas._python_unused import remove_unused


def modules(code: str, version: tuple[int, int] = (3, 12)) -> list[str]:
    result = analyse(code, version)
    assert result.problem is None and not result.undecidable, result
    return [i.module for i in result.imports]


def test_a_plain_string_is_the_code() -> None:
    src = read_source("import os\n")
    assert (src.text, src.via, src.reason) == ("import os\n", "string", "")


def test_sub_placeholders_are_neutralised_keeping_lines_and_columns() -> None:
    template = 'x = "${Table}"\ny = ${AWS::AccountId} + 1\nz = "${!Literal}"\n'
    src = read_source({"Fn::Sub": template})
    assert src.text is not None and src.via == "Fn::Sub"
    assert src.text.splitlines()[0] == 'x = "' + "_" * len("${Table}") + '"'
    assert src.text.splitlines()[1].index("+") == template.splitlines()[1].index("+")
    assert src.text.splitlines()[2] == 'z = "${Literal}"', "${!X} renders as ${X}"
    assert analyse(src.text, (3, 12)).problem is None
    assert src.line(2) == "y = ${AWS::AccountId} + 1", "messages quote the code as written"


def test_sub_list_form_reads_the_template() -> None:
    src = read_source({"Fn::Sub": ["import ${Mod}\n", {"Mod": "json"}]})
    assert src.text == "import ______\n"


def test_join_of_literals_is_read_and_computed_join_is_not() -> None:
    assert read_source({"Fn::Join": ["\n", ["import a", "import b"]]}).text == "import a\nimport b"
    computed = read_source({"Fn::Join": ["", ["x = '", {"Ref": "AWS::Region"}, "'"]]})
    assert computed.text is None and "not literal" in computed.reason


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"Fn::If": ["C", "a", "b"]}, "computed with Fn::If"),
        ({"Ref": "Code"}, "computed with Ref"),
        ({"Fn::Sub": [{"Ref": "T"}, {}]}, "not a literal string"),
        (42, "not a string"),
        (None, "not a string"),
        (["import os"], "not a string"),
    ],
)
def test_other_values_cannot_be_read(value: object, reason: str) -> None:
    src = read_source(value)
    assert src.text is None and reason in src.reason


def test_import_forms() -> None:
    code = (
        "import os, json as j\n"
        "import xml.etree.ElementTree\n"
        "from mysql import connector\n"
        "from yaml import *\n"
        "from . import sibling\n"
        "from ..pkg import thing\n"
        "def f():\n"
        "    import pymysql\n"
        "    return importlib.import_module('requests'), __import__('jwt'), import_module('.rel')\n"
    )
    assert modules(code) == [
        "os",
        "json",
        "xml.etree.ElementTree",
        "mysql.connector",
        "yaml",
        "pymysql",
        "requests",
        "jwt",
    ]


def test_lines_and_the_plain_form_are_recorded() -> None:
    result = analyse("import cfnresponse\nfrom cfnresponse import send\n", (3, 12))
    assert [(i.module, i.line, i.plain) for i in result.imports] == [
        ("cfnresponse", 1, True),
        ("cfnresponse.send", 2, False),
    ]


@pytest.mark.parametrize(
    "handler",
    [
        "ImportError",
        "ModuleNotFoundError",
        "Exception",
        "BaseException",
        "(ValueError, ImportError)",
        "builtins.ImportError",
        "",
    ],
)
def test_imports_guarded_by_an_import_error_handler_are_optional(handler: str) -> None:
    code = f"try:\n    import ujson\nexcept {handler}:\n    ujson = None\n"
    assert modules(code) == []


def test_other_handlers_do_not_guard_and_handler_bodies_are_not_guarded() -> None:
    code = (
        "try:\n    import ujson\nexcept ValueError:\n    pass\n"
        "try:\n    import orjson\nexcept ImportError:\n    import simplejson\nelse:\n    import rapidjson\nfinally:\n    import msgpack\n"
    )
    assert modules(code) == ["ujson", "simplejson", "rapidjson", "msgpack"]


def test_type_checking_imports_are_ignored_but_not_their_else() -> None:
    code = (
        "from typing import TYPE_CHECKING\nimport typing\n"
        "if TYPE_CHECKING:\n    import mypy_boto3_s3\nelse:\n    import fallback\n"
        "if typing.TYPE_CHECKING:\n    import other_stubs\n"
    )
    assert modules(code) == ["typing.TYPE_CHECKING", "typing", "fallback"]


def test_a_syntax_error_is_a_problem_with_its_line_and_column() -> None:
    result = analyse("import json\n\ndef handler(event)\n    pass\n", (3, 11))
    assert result.problem is not None and not result.imports
    assert (result.problem.line, result.problem.column) == (3, 19)
    assert result.problem.text == "def handler(event)"


def test_syntax_newer_than_the_runtime_is_a_problem_at_the_statement() -> None:
    code = "def h(e):\n    match e:\n        case 1:\n            return 1\n"
    result = analyse(code, (3, 9))
    assert result.problem is not None and "3.10" in result.problem.message
    assert (result.problem.line, result.problem.column) == (2, 5)
    assert analyse(code, (3, 10)).problem is None


def test_walrus_is_fine_on_every_lambda_python() -> None:
    assert analyse("if (n := 1):\n    pass\n", (3, 8)).problem is None


def test_nul_bytes_and_deep_nesting_do_not_crash() -> None:
    assert analyse("import os\x00\n", (3, 12)).problem is not None
    deep = analyse("x = " + "(" * 100_000 + ")" * 100_000 + "\n", (3, 12))
    assert deep.problem is not None or deep.undecidable


def test_invalid_escapes_do_not_warn() -> None:
    # pytest turns warnings into errors here: a SyntaxWarning/DeprecationWarning would fail
    assert modules('import re\nP = re.compile("\\d+")\n') == ["re"]


def test_newer_syntax_than_the_running_python_is_undecidable_not_an_error() -> None:
    future = (3, sys.version_info[1] + 1)
    assert analyse("def f(x)\n    pass\n", future).problem is not None, "a plain error is still an error"
    result = analyse('type Alias = int\nx = f"{1}" +\n', future)
    assert result.problem is None and result.undecidable


def test_the_code_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    code = f"import os\nopen({str(marker)!r}, 'w').write('x')\nos.system('touch {marker}')\n"
    analyse(code, (3, 12))
    read_source({"Fn::Sub": code})
    assert not marker.exists()


# -- unused imports of missing packages (issue 22) ---------------------------------------------


def test_an_unused_import_of_a_missing_package_is_removed_alone_on_its_line() -> None:
    code = (
        "import json\nimport pymysql  # old\nimport os, yaml\n\ndef handler(e, c):\n    return json.dumps(os.environ)\n"
    )
    removal = remove_unused(code, {"pymysql", "yaml"})
    assert removal is not None
    assert removal.code == "import json\nimport os\n\ndef handler(e, c):\n    return json.dumps(os.environ)\n"
    assert removal.modules == ("pymysql", "yaml") and removal.lines == (2, 3)


@pytest.mark.parametrize(
    "code",
    [
        "import pymysql\n\ndef handler(e, c):\n    return pymysql.connect()\n",  # used
        "import pymysql as db\n\ndef handler(e, c):\n    return db\n",  # used under its alias
        "from pymysql import connect\nX = connect\n",
        "import sys\nimport pymysql\nX = sys.modules['pymysql']\n",  # named in a string
        "import pymysql\nX = globals()\n",  # names reached dynamically
        "def handler(e, c):\n    import pymysql\n",  # the only statement of its block
        "import json; import pymysql\n",  # shares its line
        "from pymysql import *\n",
    ],
)
def test_an_import_that_may_be_used_stays(code: str) -> None:
    assert remove_unused(code, {"pymysql"}) is None
