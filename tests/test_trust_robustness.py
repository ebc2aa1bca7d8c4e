"""Issue 21, items 12–14: bounded readers, one-line errors, and the Python API's errors.

Every bad input here is answered the same way as a broken template: one line on stderr
naming the file (and line:column where there is one), exit 2, no traceback, nothing read
without end and nothing waited on. Through the real console script, in a fresh process.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import cfnfix
import cfnfix.document as cfnfix_document
from cfnfix.impact import impact_of

from .test_console_script import _script

QUEUE = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"


def _run(*args: str, input: bytes | None = None, cwd: Path | None = None, timeout: float = 60) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    proc = subprocess.run(
        [_script(), *args], input=input, capture_output=True, cwd=cwd, env=env, timeout=timeout, check=False
    )
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def _one_error(rc: int, err: str, *needles: str) -> None:
    lines = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert rc == 2, err
    assert "Traceback" not in err and "internal error" not in err, err
    assert len(lines) == 1, err
    for needle in needles:
        assert needle in lines[0], err


@pytest.fixture
def queue(tmp_path: Path) -> Path:
    path = tmp_path / "t.yaml"
    path.write_text(QUEUE, encoding="utf-8")
    return path


# ------------------------------------------------------------------ item 12: bounded readers


def test_config_from_dev_zero_is_refused(queue: Path) -> None:
    rc, _, err = _run("check", "--config", "/dev/zero", str(queue), timeout=30)
    _one_error(rc, err, "/dev/zero", "not a regular file")


def test_config_fifo_is_refused_without_waiting(queue: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    rc, _, err = _run("check", "--config", str(fifo), str(queue), timeout=30)
    _one_error(rc, err, "FIFO")


def test_patch_from_dev_zero_is_refused(queue: Path) -> None:
    rc, _, err = _run("patch", str(queue), "/dev/zero", timeout=30)
    _one_error(rc, err, "/dev/zero", "not a regular file")
    assert queue.read_text(encoding="utf-8") == QUEUE


def test_endless_patch_on_stdin_is_cut_off(queue: Path) -> None:
    """More than 16 MB of patch on standard input: refused once the cap is passed (the
    stream stands in for an endless one: the reader stops at the cap, not at its end)."""
    rc, _, err = _run("patch", str(queue), "-", input=b"[" * (17 * 1024 * 1024), timeout=60)
    _one_error(rc, err, "<stdin>", "larger than 16 MB")


def test_large_configuration_file_is_refused(queue: Path, tmp_path: Path) -> None:
    config = tmp_path / "big.toml"
    config.write_text("# " + "x" * (2 * 1024 * 1024) + "\n", encoding="utf-8")
    rc, _, err = _run("check", "--config", str(config), str(queue))
    _one_error(rc, err, "larger than 1 MB")


# ------------------------------------------------------------------ item 13: one line, exit 2


@pytest.mark.parametrize(
    "text,needle",
    [
        ("a = " + "[" * 2000 + "]" * 2000 + "\n", "nested too deeply"),
        ("a = " + "1" * 5000 + "\n", "4300 digits"),
    ],
    ids=["deeply-nested", "integer-over-4300-digits"],
)
def test_hostile_toml_is_one_line(queue: Path, tmp_path: Path, text: str, needle: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    rc, _, err = _run("check", "--config", str(config), str(queue))
    _one_error(rc, err, "bad.toml", needle)


def test_patch_value_nested_250_deep_is_one_line(queue: Path, tmp_path: Path) -> None:
    value: object = 1
    for _ in range(250):
        value = [value]
    patch = tmp_path / "deep.json"
    patch.write_text(json.dumps([{"op": "add", "path": "/Outputs", "value": value}]), encoding="utf-8")
    rc, _, err = _run("patch", str(queue), str(patch), "--write")
    _one_error(rc, err, "nested more than 100 levels")
    assert queue.read_text(encoding="utf-8") == QUEUE


def test_hex_integer_too_large_for_decimal_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "hex.yaml"
    path.write_text(
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      MemorySize: 0x" + "f" * 3990 + "\n",
        encoding="utf-8",
    )
    rc, _, err = _run("check", str(path))
    _one_error(rc, err, "hex.yaml:5:", "too large")


def test_self_referring_name_property_keeps_the_other_findings(tmp_path: Path) -> None:
    """``QueueName: !GetAtt [Q, QueueName]`` made the cycle rule crash, and the file's
    every finding was lost; now the invalid ID next to it is still reported."""
    path = tmp_path / "self.yaml"
    path.write_text(
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !GetAtt [Q, QueueName]\n"
        "  Bad-Name:\n    Type: AWS::SNS::Topic\n",
        encoding="utf-8",
    )
    rc, out, err = _run("check", str(path))
    assert rc == 1, err
    assert "error:" not in err
    assert "CFX101" in out


def test_half_typed_foreach_without_identifier(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(
        "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Topics:\n    -\n    - [a, b]\n"
        "    - Topic${x}:\n        Type: AWS::SNS::Topic\n",
        encoding="utf-8",
    )
    rc, _, err = _run("check", str(path))
    assert rc in (0, 1), err
    assert "error:" not in err


def test_sam_globals_function_given_a_string() -> None:
    """The impact of a patch that turns ``Globals: Function: hello`` into a mapping."""
    data = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Globals": {"Function": "hello"},
        "Resources": {"F": {"Type": "AWS::Serverless::Function", "Properties": {"Handler": "a.b"}}},
    }
    impact = impact_of(data, [{"op": "replace", "path": "/Globals/Function", "value": {"Runtime": "python3.12"}}])
    assert [(r.logical_id, r.change.value) for r in impact] == [("F", "updated in place")]


def test_apply_patch_output_is_json_or_an_error(tmp_path: Path) -> None:
    """A fix whose value holds YAML's ``.nan``: no ``NaN`` on standard output (not JSON)."""
    nan = tmp_path / "nan.yaml"
    nan.write_text(
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: r\n"
        "      Code: {ZipFile: x}\n      Layers: .nan\n",
        encoding="utf-8",
    )
    rc, out, err = _run("apply", "--patch", str(nan))
    json.loads(out)  # valid JSON (strict: NaN is not)
    assert "NaN" not in out
    _one_error(rc, err, "nan.yaml", "NaN")


# ------------------------------------------------------------------ item 14: the Python API


@pytest.mark.parametrize(
    "call",
    [
        lambda: cfnfix.apply_patch(Path("examples/orders-stack.yaml"), []),  # type: ignore[arg-type]
        lambda: cfnfix.apply_patch(QUEUE, [{"op": "add", "path": "/Outputs", "value": {1: 2}}]),
        lambda: cfnfix.check(QUEUE, config={"select": []}),  # type: ignore[arg-type]
        lambda: cfnfix.check(5),  # type: ignore[arg-type]
        lambda: cfnfix.fix(QUEUE, config=cfnfix.Settings.model_construct(select=5)),
    ],
    ids=["apply_patch-path", "integer-key", "config-dict", "source-int", "invalid-settings"],
)
def test_api_errors_are_cfnfix_errors(call: Callable[[], object]) -> None:
    with pytest.raises(cfnfix.CfnfixError) as info:
        call()
    assert "\n" not in str(info.value)


def test_shared_caches_under_eight_threads() -> None:
    """Eight threads checking and fixing templates at once get what one thread gets (the
    shared parse cache, reference indexes and kept results are locked)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path("golden").glob("*/*/input.yaml"))[:24]]

    def run(text: str) -> tuple[list[str], str]:
        try:
            found = [f.model_dump_json() for f in cfnfix.check(text)]
            return found, cfnfix.fix(text, unsafe=True).text
        except cfnfix.CfnfixError as exc:
            return [str(exc)], ""

    expected = [run(t) for t in texts]
    cfnfix_document._CACHE.clear()  # the threads parse afresh, racing on the caches
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            assert list(pool.map(run, texts)) == expected
