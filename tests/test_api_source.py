"""The API says what it means: a path (``os.PathLike``) is a file, a ``str`` is template text."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfnfix import TemplateError, check, fix

TEXT = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  My_Bucket:\n    Type: AWS::S3::Bucket\n"


def test_a_path_is_read(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text(TEXT, encoding="utf-8")
    (finding,) = check(path, select=["CFX101"])
    assert finding.file == str(path)
    result = fix(path, select=["CFX101"])
    assert result.file == str(path) and "MyBucket:" in result.text
    assert path.read_text(encoding="utf-8") == TEXT, "fix never writes"


def test_a_missing_path_is_no_such_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises(TemplateError) as info:
        check(missing)
    assert str(info.value) == f"{missing}: no such file"
    with pytest.raises(TemplateError, match="no such file"):
        fix(missing)


def test_a_str_is_text_never_a_file_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("stack.yaml").write_text(TEXT, encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        check("stack.yaml")  # an existing file: still text, so a scalar
    assert str(info.value) == (
        "<string>:1:1: a template must be a mapping at the top level, found a scalar: a str is template text; "
        "to read the file 'stack.yaml' pass a path, e.g. check(Path('stack.yaml'))"
    )
    with pytest.raises(TemplateError, match="pass a path"):
        fix("missing.yaml")
    [finding] = check(TEXT, select=["CFX101"])
    assert finding.file is None and finding.line == 3


def test_a_scalar_that_is_not_a_file_name_gets_no_hint() -> None:
    with pytest.raises(TemplateError) as info:
        check("hello")
    assert info.value.reason == "a template must be a mapping at the top level, found a scalar"


@pytest.mark.parametrize("source", [b"Resources: {}\n", 3, None])
def test_other_types_are_a_type_error(source: object) -> None:
    with pytest.raises(TypeError, match=r"text \(str\) or a file path \(pathlib.Path\)"):
        check(source)  # type: ignore[arg-type]
