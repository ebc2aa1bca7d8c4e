"""Hostile and broken input through the real command line.

Every case: exit 2, exactly one line on stderr naming the file (and line:column where
there is one), no traceback, and the file byte for byte untouched, mtime included —
whether it is checked, fixed in a dry run or fixed with ``--write``. Cases already
covered for ``check`` alone live in ``test_cli_check.py``; here they also go through
``apply --write``.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from .support.cli_fixtures import CLEAN, ROOT
from .test_console_script import _script

BOMB = (
    "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  X: {Type: AWS::S3::Bucket}\n"
    + "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10))
)
"""Billion laughs: 10^9 strings if aliases were expanded (refused once they pass 250,000 nodes)."""


def _deep_block(depth: int) -> str:
    return (
        "Resources:\n" + "".join(" " * (2 * (i + 1)) + "a:\n" for i in range(depth)) + " " * (2 * depth + 2) + "b: 1\n"
    )


def _deep_sequence(depth: int) -> str:
    return (
        "Resources:\n  A:\n" + "".join(" " * (4 + 2 * i) + "-\n" for i in range(depth)) + " " * (4 + 2 * depth) + "x\n"
    )


# (file name, content, expected "where" after the file name, text the reason contains)
#: (A file without an AWSTemplateFormatVersion or Resources key, such as a top-level list or
#: scalar, is not a template: named explicitly it is skipped with a note, see test_cli_check.py.)
CASES: list[tuple[str, str | bytes, str, str]] = [
    # Resources must be a mapping: CloudFormation rejects anything else, so it is an error
    (
        "res-list.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources: [a, b]\n",
        ":2:12:",
        "Resources must be a mapping of logical IDs to resources, found a list",
    ),
    ("res-null.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n", ":2:1:", "found nothing (null)"),
    ("res-scalar.json", '{"Resources": "none"}', ":1:15:", "found a scalar"),
    ("res-ref.yaml", "Resources: !Ref Other\n", ":1:12:", "found the intrinsic function !Ref"),
    # encodings and bytes
    ("utf16.yaml", "Resources: {}\n".encode("utf-16"), ":", "UTF-16 text: save the template as UTF-8"),
    ("utf8-bad.json", b'{"Resources": {"A\xc3": {}}}', ":1:18:", "not UTF-8 text: invalid byte 0xc3"),
    ("png.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ":", "binary file (contains NUL bytes)"),
    ("bom-only.yaml", b"\xef\xbb\xbf", ":1:1:", "empty template"),
    ("whitespace.yaml", " \n\t\n\n", ":", "invalid YAML"),
    ("comments.yaml", "# Resources:\n#   nothing\n", ":1:1:", "empty template"),
    (
        "control.yaml",
        "Resources:\n  é: \x07bell\n",
        ":2:6:",
        "invalid YAML: character U+0007 is not allowed (control characters are not allowed)",
    ),
    # malformed JSON
    # comments and trailing commas alone are repaired (CFX801); with another error they stay errors
    ("comment.json", '{"Resources": {} // none\n} x', ":1:18:", "invalid JSON"),
    (
        "nan.json",
        '{"Resources": {"A": {"Properties": {"N": NaN}}}}',
        ":1:42:",
        "invalid JSON: expected a value, found 'N'",
    ),
    ("single-quotes.json", "{'Resources': {}}", ":1:2:", "invalid JSON: expected a string key"),
    ("unterminated.json", '{"Resources": {"A": "x\n}}', ":1:21:", "unterminated string"),
    ("trailing-comma.json", '{"Resources": {"A": [1, 2,]}}\n"more"', ":1:27:", "trailing comma before ']'"),
    ("dup.json", '{"Resources": {}, "Resources": {}}', ":1:19:", "duplicate key 'Resources'"),
    ("deep.json", '{"Resources": {"A": ' + '{"a": ' * 400 + "1" + "}" * 402, ":1:", "nesting deeper than 300 levels"),
    (
        "huge-int.json",
        '{"Resources": {"A": {"Properties": {"N": 1' + "0" * 5000 + "}}}}",
        ":1:42:",
        "number too long to read (5001 characters)",
    ),
    # malformed YAML
    ("tab-indent.yaml", "Resources:\n  A:\n\tType: x\n", ":3:1:", "invalid YAML"),
    ("dup-top.yaml", "Resources: {}\nResources: {}\n", ":2:1:", "duplicate key 'Resources'"),
    ("merge.yaml", "Resources:\n  A: {Type: x}\n  B:\n    <<: [x]\n", ":4:5:", "a merge key (<<) needs a mapping"),
    ("two-docs.yaml", "Resources: {}\n---\nResources: {}\n", ":2:1:", "more than one YAML document"),
    ("key-seq.yaml", "Resources:\n  ? [a, b]\n  : x\n", ":2:5:", "mapping keys must be plain scalars"),
    ("deep-block.yaml", _deep_block(400), ":301:", "nesting deeper than 300 levels"),
    ("deep-seq.yaml", _deep_sequence(400), ":301:", "nesting deeper than 300 levels"),
    (
        "huge-int.yaml",
        "Resources:\n  A:\n    N: 1" + "0" * 5000 + "\n",
        ":3:8:",
        "number too long to read (5001 characters)",
    ),
    ("surrogate.yaml", 'Resources:\n  A: "\\ud800"\n', ":2:9:", "invalid YAML"),
    # tags: never constructed, always refused with a position
    (
        "unknown-tag.yaml",
        "Resources:\n  A: !Foo x\n",
        ":2:6:",
        "unknown tag !Foo: not a CloudFormation intrinsic function",
    ),
    (
        "py-name.yaml",
        "Resources:\n  A: !!python/name:os.system x\n",
        ":2:6:",
        "unsupported tag !!python/name:os.system on a scalar",
    ),
    (
        "py-apply.yaml",
        "Resources:\n  A: !!python/object/apply:os.system [touch pwned]\n",
        ":2:6:",
        "unsupported tag !!python/object/apply:os.system on a sequence",
    ),
    (
        "py-new.yaml",
        "Resources:\n  A: !!python/object/new:os.system {args: [x]}\n",
        ":2:6:",
        "unsupported tag !!python/object/new:os.system on a mapping",
    ),
    ("binary-tag.yaml", "Resources:\n  A: !!binary aGVsbG8=\n", ":2:6:", "unsupported tag !!binary"),
    ("set-tag.yaml", "Resources:\n  A: !!set {a, b}\n", ":2:6:", "unsupported tag !!set on a mapping"),
    ("tag-key.yaml", "Resources:\n  !Ref A: x\n", ":2:3:", "tag !Ref is not allowed on a mapping key"),
    (
        "tag-directive.yaml",
        "%TAG ! tag:yaml.org,2002:python/object/apply:\n---\nResources:\n  A: !os.system [x]\n",
        ":4:6:",
        "unsupported tag !!python/object/apply:os.system",
    ),
    (
        "verbatim-tag.yaml",
        "Resources:\n  A: !<tag:yaml.org,2002:python/none> x\n",
        ":2:6:",
        "unsupported tag !!python/none",
    ),
    ("undefined-alias.yaml", "Resources:\n  A: &a {Type: x}\n  B: *b\n", ":3:6:", "undefined YAML alias *b"),
    ("recursive-alias.yaml", "Resources:\n  A: &a {Type: x, B: *a}\n", ":2:22:", "refers to a node that contains it"),
]


def _cases() -> list[object]:
    return [pytest.param(name, content, where, reason, id=name) for name, content, where, reason in CASES]


def _write(path: Path, content: str | bytes) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))


class Untouched:
    """Remembers a file's bytes and mtime, and the folder's listing, to assert nothing changed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.bytes = path.read_bytes()
        self.mtime = path.stat().st_mtime_ns
        self.listing = sorted(os.listdir(path.parent))

    def check(self) -> None:
        assert self.path.read_bytes() == self.bytes
        assert self.path.stat().st_mtime_ns == self.mtime
        assert sorted(os.listdir(self.path.parent)) == self.listing, "no temporary file is left"


def assert_one_error(result: Result | subprocess.CompletedProcess[str], prefix: str, reason: str) -> None:
    """Exit 2, one line on stderr that starts with ``prefix`` and contains ``reason``, no traceback."""
    code = result.exit_code if isinstance(result, Result) else result.returncode
    assert code == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(prefix), errors[0]
    assert reason in errors[0], errors[0]
    # besides the error, stderr holds at most the dry run's summary, which counts it
    assert all(line.endswith("1 file could not be fixed.") for line in lines if line not in errors), result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(("name", "content", "where", "reason"), _cases())
def test_broken_file_is_one_error_and_left_untouched(
    cli: Callable[..., Result], tmp_path: Path, name: str, content: str | bytes, where: str, reason: str
) -> None:
    path = tmp_path / name
    _write(path, content)
    before = Untouched(path)
    time.sleep(0.001)
    for command in (("check",), ("apply",), ("apply", "--write"), ("apply", "--patch")):
        result = cli(*command, str(path))
        assert_one_error(result, f"error: {path}{where}", reason)
        before.check()


def test_broken_files_among_good_ones_through_the_console_script(tmp_path: Path) -> None:
    """A subprocess of the installed script: each broken file is one line; the good one is fixed."""
    good = tmp_path / "good.yaml"
    good.write_text(CLEAN + "Metadata:\n  cfnfix:\n    ignore: [CFX9XX]\n", encoding="utf-8")
    broken = {}
    for name, content, where, reason in CASES:
        path = tmp_path / name
        _write(path, content)
        broken[str(path)] = (where, reason, Untouched(path))
    result = subprocess.run(
        [_script(), "apply", "--write", "--show-unused-suppressions", str(good), *broken],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == len(broken)
    for line, (path, (where, reason, untouched)) in zip(lines, broken.items()):
        assert line.startswith(f"error: {path}{where}") and reason in line, line
        assert untouched.path.read_bytes() == untouched.bytes and untouched.path.stat().st_mtime_ns == untouched.mtime
    assert good.read_text(encoding="utf-8") == CLEAN, "the good file is still fixed"


def test_resources_not_a_mapping_in_a_folder_is_skipped_unless_it_is_a_template(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    """A file found in a folder with only ``Resources: [...]`` is not a template (skipped); with
    ``AWSTemplateFormatVersion`` it is a broken template (error)."""
    (tmp_path / "list.yaml").write_text("Resources: [a, b]\n", encoding="utf-8")
    result = cli("check", str(tmp_path))
    assert result.exit_code == 0
    assert result.stdout == "No findings in 0 templates.\n"
    (tmp_path / "cfn.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources: [a]\n", encoding="utf-8")
    result = cli("check", str(tmp_path))
    assert_one_error(result, f"error: {tmp_path / 'cfn.yaml'}:2:12: Resources must be a mapping", "found a list")


def test_resources_not_a_mapping_through_the_api(tmp_path: Path) -> None:
    from cfnfix import TemplateError, check, fix

    with pytest.raises(TemplateError) as info:
        check("Resources:\n- a\n")
    assert (info.value.line, info.value.column) == (2, 1)
    with pytest.raises(TemplateError, match="Resources must be a mapping"):
        fix('{"Resources": 1}')
    assert check("Resources: {}\n") == [], "an empty mapping is fine"


# ----------------------------------------------------------------------------- bombs and size
def test_alias_bomb_fails_fast_with_bounded_memory(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")
    before = Untouched(path)
    tracemalloc.start()
    start = time.process_time()
    try:
        result = cli("apply", "--write", str(path))
    finally:
        elapsed = time.process_time() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert_one_error(result, f"error: {path}:9:15:", "YAML aliases expand to more than 250,000 nodes")
    assert elapsed < 2, f"{elapsed:.2f} s of CPU: the aliases were expanded?"
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    before.check()


def test_alias_bomb_under_a_memory_limit_in_a_subprocess(tmp_path: Path) -> None:
    """The console script under a 1 GB address-space limit and a 60 s timeout."""
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")

    def limit() -> None:  # pragma: no cover - runs in the child
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    result = subprocess.run(
        [_script(), "check", str(path)], capture_output=True, text=True, timeout=60, preexec_fn=limit
    )
    assert_one_error(result, f"error: {path}:9:15:", "YAML aliases expand to more than 250,000 nodes")


def test_one_megabyte_templates(cli: Callable[..., Result], tmp_path: Path) -> None:
    """The 500-resource benchmark template is read and left alone; the same with one duplicate
    key on its last line is an error at that line."""
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.generate_large import generate_json, generate_yaml
    finally:
        sys.path.remove(str(ROOT))
    for ext, text in (("yaml", generate_yaml(500)), ("json", generate_json(500))):
        assert len(text.encode("utf-8")) > 900_000
        path = tmp_path / f"large.{ext}"
        path.write_text(text, encoding="utf-8")
        before = Untouched(path)
        result = cli("apply", "--write", str(path))
        assert result.exit_code == 0, result.stderr
        before.check()
        if ext == "yaml":
            broken = text + "Resources: {}\n"
            where = f":{broken.count(chr(10))}:1:"
        else:
            broken = text.rstrip()[:-1] + ', "Resources": {}}'
            where = f":{broken.count(chr(10)) + 1}:"
        path.write_text(broken, encoding="utf-8")
        before = Untouched(path)
        result = cli("apply", "--write", str(path))
        assert_one_error(result, f"error: {path}{where}", "duplicate key 'Resources'")
        before.check()


def test_oversized_input_is_refused(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cfnfix.io.files as files

    monkeypatch.setattr(files, "MAX_TEMPLATE_BYTES", 1000)
    path = tmp_path / "big.yaml"
    path.write_text("Resources: {}\n" + "# padding\n" * 200, encoding="utf-8")
    assert_one_error(
        cli("check", str(path)),
        f"error: {path}: larger than 0 MB, not a template",
        "CloudFormation accepts at most 1 MB",
    )
    assert_one_error(
        cli("check", "-", input="Resources: {}\n" + "#" * 2000), "error: <stdin>: larger than", "not a template"
    )
    monkeypatch.undo()
    assert cli("check", str(path)).exit_code == 0


def test_binary_and_non_utf8_standard_input(cli: Callable[..., Result]) -> None:
    assert_one_error(cli("check", "-", input="Resources:\x00"), "error: <stdin>: binary file", "NUL bytes")
    result = cli("apply", "-", input=b"Resources:\n  A: caf\xe9\n")  # type: ignore[arg-type]
    assert_one_error(result, "error: <stdin>:2:9: not UTF-8 text", "0xe9")


# ----------------------------------------------------------------------------- files that are not plain files
def test_unreadable_file(cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Permission denied, simulated (the tests may run as root, which reads anything)."""
    path = tmp_path / "secret.yaml"
    path.write_text(CLEAN, encoding="utf-8")
    before = Untouched(path)
    real_open = os.open

    def deny(name: str, flags: int, *args: object) -> int:
        if os.fspath(name) == str(path):
            raise PermissionError(errno.EACCES, "Permission denied", name)
        return real_open(name, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", deny)
    for command in (("check",), ("apply", "--write")):
        assert_one_error(cli(*command, str(path)), f"error: {path}: permission denied: cannot read the file", "")
    monkeypatch.undo()
    before.check()


def test_unreadable_file_through_the_console_script(tmp_path: Path) -> None:
    """chmod 000 for an ordinary user; as root (who reads anything) the same script runs with
    ``os.open`` refusing that file, from a wrapper that then calls the console script's entry point."""
    path = tmp_path / "secret.yaml"
    path.write_text(CLEAN, encoding="utf-8")
    os.chmod(path, 0)
    try:
        if os.geteuid() != 0:
            result = subprocess.run(
                [_script(), "apply", "--write", str(path)], capture_output=True, text=True, timeout=60
            )
        else:
            wrapper = (
                "import errno, os, sys\n"
                "real = os.open\n"
                "def deny(name, flags, *a):\n"
                f"    if os.fspath(name) == {str(path)!r}: raise PermissionError(errno.EACCES, 'Permission denied', name)\n"
                "    return real(name, flags, *a)\n"
                "os.open = deny\n"
                "sys.argv = ['cfnfix', 'apply', '--write', sys.argv[1]]\n"
                "from cfnfix.cli.app import main\n"
                "main()\n"
            )
            result = subprocess.run(
                [sys.executable, "-c", wrapper, str(path)], capture_output=True, text=True, timeout=60
            )
    finally:
        os.chmod(path, 0o644)
    assert_one_error(result, f"error: {path}: permission denied: cannot read the file", "")
    assert path.read_text(encoding="utf-8") == CLEAN


def test_a_read_error_after_opening(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EIO while reading (a failing disk) is one line naming the file."""
    path = tmp_path / "eio.yaml"
    path.write_text(CLEAN, encoding="utf-8")
    real_read = os.read

    def failing(fd: int, n: int) -> bytes:
        if os.fstat(fd).st_ino == path.stat().st_ino:
            raise OSError(errno.EIO, "Input/output error")
        return real_read(fd, n)

    monkeypatch.setattr(os, "read", failing)
    assert_one_error(cli("check", str(path)), f"error: {path}: cannot read the file: Input/output error", "")


def test_devices_folders_and_fifos(cli: Callable[..., Result], tmp_path: Path) -> None:
    """A device is refused (/dev/zero would never end); a FIFO nobody writes to reads as empty
    instead of blocking; in folders, FIFOs and dangling symlinks are left out."""
    for device in ("/dev/null", "/dev/zero"):
        assert_one_error(cli("check", device), f"error: {device}: not a regular file", "")
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    start = time.monotonic()
    assert_one_error(cli("check", str(fifo)), f"error: {fifo}:1:1: empty template", "")
    assert time.monotonic() - start < 10
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "stack.yaml").write_text(CLEAN, encoding="utf-8")
    result = cli("check", "-f", "json", str(tmp_path))
    assert result.exit_code == 0
    assert [f["file"] for f in json.loads(result.stdout)["files"]] == [str(tmp_path / "stack.yaml")]


def test_pipes_are_read_to_the_end(cli: Callable[..., Result], tmp_path: Path) -> None:
    """``cfnfix check <(generate-template)`` hands cfnfix a pipe (``/dev/fd/N``); a FIFO with
    data waiting in it is read too."""
    r, w = os.pipe()
    try:
        os.write(w, CLEAN.encode("utf-8"))
        os.close(w)
        result = cli("check", f"/dev/fd/{r}")
    finally:
        os.close(r)
    assert (result.exit_code, result.stdout) == (0, "No findings in 1 template.\n"), result.stderr
    fifo = tmp_path / "generated.yaml"
    os.mkfifo(fifo)
    keep = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, so the data below stays buffered
    try:
        writer = os.open(fifo, os.O_WRONLY)
        os.write(writer, CLEAN.encode("utf-8"))
        os.close(writer)
        result = cli("check", str(fifo))
    finally:
        os.close(keep)
    assert (result.exit_code, result.stdout) == (0, "No findings in 1 template.\n"), result.stderr


def test_fifo_through_the_console_script_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    (tmp_path / "stack.yaml").write_text(CLEAN, encoding="utf-8")
    folder = subprocess.run([_script(), "check", str(tmp_path)], capture_output=True, text=True, timeout=30)
    assert (folder.returncode, folder.stdout) == (0, "No findings in 1 template.\n")
    explicit = subprocess.run([_script(), "check", str(fifo)], capture_output=True, text=True, timeout=30)
    assert_one_error(explicit, f"error: {fifo}:1:1: empty template", "")


# ----------------------------------------------------------------------------- symlinks and read-only files
def test_dangling_and_looping_symlinks_are_errors(cli: Callable[..., Result], tmp_path: Path) -> None:
    dangling = tmp_path / "dangling.yaml"
    dangling.symlink_to("nowhere.yaml")
    assert_one_error(
        cli("apply", "--write", str(dangling)),
        f"error: {dangling}: broken symbolic link: its target 'nowhere.yaml' does not exist",
        "",
    )
    assert dangling.is_symlink() and not (tmp_path / "nowhere.yaml").exists()
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(tmp_path / "loop2.yaml")
    (tmp_path / "loop2.yaml").symlink_to(loop)
    assert_one_error(
        cli("check", str(loop)), f"error: {loop}: cannot read the file: Too many levels of symbolic links", ""
    )


def test_symlink_into_another_folder_writes_the_target_there(tmp_path: Path) -> None:
    """Through the console script: the link stays a link, the target gets the fix, its mode is
    kept, and neither folder holds a temporary file afterwards."""
    real_dir, link_dir = tmp_path / "real", tmp_path / "links"
    real_dir.mkdir()
    link_dir.mkdir()
    target = real_dir / "stack.yaml"
    target.write_text(CLEAN + "Metadata:\n  cfnfix:\n    ignore: [CFX9XX]\n", encoding="utf-8")
    os.chmod(target, 0o640)
    link = link_dir / "stack.yaml"
    link.symlink_to(os.path.relpath(target, link_dir))
    result = subprocess.run(
        [_script(), "apply", "--write", "--show-unused-suppressions", str(link)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == os.path.relpath(target, link_dir)
    assert target.read_text(encoding="utf-8") == CLEAN
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    assert os.listdir(real_dir) == ["stack.yaml"] and os.listdir(link_dir) == ["stack.yaml"]


def test_read_only_file_with_write_through_the_console_script(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text(CLEAN + "Metadata:\n  cfnfix:\n    ignore: [CFX9XX]\n", encoding="utf-8")
    os.chmod(path, 0o444)
    before = Untouched(path)
    try:
        result = subprocess.run(
            [_script(), "apply", "--write", "--show-unused-suppressions", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        os.chmod(path, 0o644)
    assert_one_error(result, f"error: {path}: cannot write: the file is read-only (permission denied)", "")
    before.check()


def test_a_folder_that_refuses_the_temporary_file(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only folder (simulated: root may write anywhere) is one error; the file is untouched."""
    import tempfile

    path = tmp_path / "stack.yaml"
    path.write_text(CLEAN + "Metadata:\n  cfnfix:\n    ignore: [CFX9XX]\n", encoding="utf-8")
    before = Untouched(path)

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = cli("apply", "--write", "--show-unused-suppressions", str(path))
    assert_one_error(
        result, f"error: {path}: cannot write: cannot create a temporary file in {tmp_path}: Permission denied", ""
    )
    before.check()


# ----------------------------------------------------------------------------- patches
@pytest.mark.parametrize(
    ("patch", "reason"),
    [
        ('[{"op": "add", "path": "/Resources/B/X", "value": "\\ud800"}]', "contains a lone surrogate U+D800"),
        ('[{"op": "add", "path": "/Resources/B/\\udfff", "value": 1}]', "contains a lone surrogate U+DFFF"),
        (
            '[{"op": "add", "path": "/Resources/B/X", "value": 1' + "0" * 5000 + "}]",
            "invalid JSON patch: Exceeds the limit (4300 digits)",
        ),
        ('[{"op": "add", "path": "/Resources/B/X", "value": NaN}]', "value cannot be written as JSON"),
    ],
    ids=["surrogate-value", "surrogate-key", "huge-int", "nan-in-json"],
)
def test_hostile_patches(cli: Callable[..., Result], tmp_path: Path, patch: str, reason: str) -> None:
    for ext, text in (
        ("json", '{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}, "Description": "é"}'),
        ("yaml", CLEAN.replace("Bucket:", "B:")),
    ):
        if "NaN" in patch and ext == "yaml":
            continue  # YAML has .nan
        path = tmp_path / f"t.{ext}"
        path.write_text(text, encoding="utf-8")
        before = Untouched(path)
        result = cli("patch", "--write", str(path), "-", input=patch)
        assert result.exit_code == 2
        assert reason in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.splitlines()) == 1
        before.check()


def test_text_with_a_lone_surrogate_through_the_api() -> None:
    from cfnfix import ParseError, check

    with pytest.raises(ParseError) as info:
        check("Resources:\n  A: {Type: '\ud800'}\n")
    assert (info.value.line, info.value.column) == (2, 14)
    assert "lone surrogate U+D800" in info.value.reason
