"""Atomic writes: permissions, symlinks, refusal, disk full, a writer killed mid-way."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cfnfix import WriteError
from cfnfix.io.writer import TEMP_SUFFIX, write_text


def test_replaces_content_and_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(b"old\r\n")
    os.chmod(path, 0o604)
    write_text(path, "new\r\n\ufeffü", expected="old\r\n")
    assert path.read_bytes() == "new\r\n\ufeffü".encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o604
    assert os.listdir(tmp_path) == ["t.yaml"]


def test_symlink_keeps_the_link_and_writes_the_target(tmp_path: Path) -> None:
    target = tmp_path / "real.yaml"
    target.write_text("a", encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    write_text(link, "b")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "b"


def test_refuses_read_only_files_and_changed_files(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("a", encoding="utf-8")
    os.chmod(path, 0o444)
    with pytest.raises(WriteError, match="read-only"):
        write_text(path, "b")
    os.chmod(path, 0o644)
    with pytest.raises(WriteError, match="changed while cfnfix was working"):
        write_text(path, "b", expected="something else")
    assert path.read_text(encoding="utf-8") == "a"
    with pytest.raises(WriteError, match="no longer exists"):
        write_text(tmp_path / "gone.yaml", "b")
    with pytest.raises(WriteError, match="not a regular file"):
        write_text(tmp_path, "b")


def test_disk_full_leaves_the_original_and_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("original", encoding="utf-8")

    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(WriteError) as info:
        write_text(path, "new content")
    assert str(info.value) == f"{path}: cannot write: No space left on device; the file is unchanged"
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == "original"
    assert os.listdir(tmp_path) == ["t.yaml"]


def test_failing_rename_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("original", encoding="utf-8")

    def refuse(src: str, dst: str) -> None:
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(WriteError, match="Permission denied"):
        write_text(path, "new")
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == "original"
    assert os.listdir(tmp_path) == ["t.yaml"]


def test_cli_reports_disk_full_as_exit_2(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.yaml"
    text = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n"
    path.write_text(text, encoding="utf-8")
    real = os.write

    def full(fd: int, data: bytes) -> int:
        if fd > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(os, "write", full)
    result = cli(
        "patch",
        "--write",
        str(path),
        "-",
        input='[{"op": "add", "path": "/Resources/B/DeletionPolicy", "value": "Retain"}]',
    )
    monkeypatch.undo()
    assert result.exit_code == 2
    assert result.stderr == f"error: {path}: cannot write: No space left on device; the file is unchanged\n"
    assert path.read_text(encoding="utf-8") == text


def test_a_writer_killed_mid_way_leaves_the_original_intact(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    original = "Resources: {}\n" * 1000
    path.write_text(original, encoding="utf-8")
    ready = tmp_path / "ready"
    script = textwrap.dedent(
        f"""
        import os, time
        import cfnfix.io.writer as w
        real_fsync = os.fsync
        def stall(fd):
            real_fsync(fd)
            open({str(ready)!r}, "w").close()
            time.sleep(60)
        os.fsync = stall
        w.write_text({str(path)!r}, "X" * 100000)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert proc.poll() is None, "the writer ended early"
            assert time.monotonic() < deadline, "the writer never got to fsync"
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert path.read_text(encoding="utf-8") == original
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(TEMP_SUFFIX)]
    assert len(leftovers) == 1 and leftovers[0].startswith(".t.yaml."), "at worst a hidden temporary file is left"


def test_owner_group_and_special_mode_bits_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("old", encoding="utf-8")
    if os.geteuid() == 0:
        os.chown(path, 65534, 65534)  # as root, give it away so keeping it means something
    os.chmod(path, 0o2640)
    before = path.stat()
    write_text(path, "new")
    after = path.stat()
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    assert stat.S_IMODE(after.st_mode) == 0o2640
    assert after.st_ino != before.st_ino, "a new file was renamed over the old one"


def test_extended_attributes_are_copied(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("old", encoding="utf-8")
    try:
        os.setxattr(path, "user.cfnfix.test", b"kept")
    except OSError:  # a file system without user attributes: writing must still work
        write_text(path, "new")
        assert path.read_text(encoding="utf-8") == "new"
        return
    write_text(path, "new")
    assert path.read_text(encoding="utf-8") == "new"
    assert os.getxattr(path, "user.cfnfix.test") == b"kept"


def test_data_then_rename_then_folder_are_synced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("old", encoding="utf-8")
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync file")
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        events.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_text(path, "new")
    assert events == ["fsync file", "rename", "fsync folder"]


@pytest.mark.parametrize("where", ["write", "fsync", "chmod"])
def test_any_failure_or_interrupt_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("original", encoding="utf-8")
    mtime = path.stat().st_mtime_ns
    for error in (OSError(errno.EIO, "Input/output error"), KeyboardInterrupt()):

        def fail(*args: object, error: BaseException = error) -> None:
            raise error

        monkeypatch.setattr(os, where, fail)
        with pytest.raises(WriteError if isinstance(error, OSError) else KeyboardInterrupt):
            write_text(path, "new content")
        monkeypatch.undo()
        assert path.read_text(encoding="utf-8") == "original"
        assert path.stat().st_mtime_ns == mtime
        assert os.listdir(tmp_path) == ["t.yaml"]


def test_text_that_cannot_be_utf8_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(WriteError, match="cannot be saved as UTF-8"):
        write_text(path, '{"a": "\ud800"}')
    assert path.read_text(encoding="utf-8") == "{}"
    assert os.listdir(tmp_path) == ["t.json"]
