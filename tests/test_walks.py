"""Folder walks: ``exclude`` / ``extend-exclude`` (ruff's names and globs), ``force-exclude``, and
``.gitignore`` inside a Git repository (``--no-respect-gitignore`` to look anyway)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from cfnfix.batch.exclude import Exclusions, Pattern

GOOD = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n'
#: A cookiecutter / Jinja template: not YAML until rendered (cfnfix check exits 2 on it).
JINJA = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n{% for n in names %}\n  {{ n }}: {Type: AWS::SNS::Topic}\n{% endfor %}\n"


def _checked(cli: Callable[..., Result], *args: str) -> tuple[int, list[str]]:
    result = cli("check", "--format", "json", *args)
    files = json.loads(result.stdout)["files"] if result.stdout else []
    return result.exit_code, sorted(Path(f["file"]).as_posix() for f in files if f["status"] != "skipped")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with templates, a Jinja template, a hidden folder and a nested one (the current folder)."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "nested" / "templates").mkdir(parents=True)
    (tmp_path / ".aws-sam").mkdir()
    (tmp_path / "stack.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "templates" / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "nested" / "templates" / "b.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "nested" / "stack.j2.yaml").write_text(JINJA, encoding="utf-8")
    (tmp_path / ".aws-sam" / "built.yaml").write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_jinja_templates_can_be_excluded(cli: Callable[..., Result], repo: Path) -> None:
    code, _ = _checked(cli, ".")
    assert code == 2  # the Jinja template does not parse
    code, files = _checked(cli, "--extend-exclude", "*.j2.yaml", ".")
    assert code == 0, files
    assert files == ["nested/templates/b.yaml", "stack.yaml", "templates/a.yaml"]
    (repo / ".cfnfix.toml").write_text('extend-exclude = ["*.j2.yaml"]\n', encoding="utf-8")
    assert _checked(cli, ".") == (0, files)


def test_patterns_with_a_slash_start_from_the_configuration_s_folder(cli: Callable[..., Result], repo: Path) -> None:
    (repo / ".cfnfix.toml").write_text('extend-exclude = ["*.j2.yaml", "templates/*.yaml"]\n', encoding="utf-8")
    assert _checked(cli, ".") == (0, ["nested/templates/b.yaml", "stack.yaml"])
    assert _checked(cli, "nested") == (0, ["nested/templates/b.yaml"])  # relative to the file's folder, not the walk's
    # a name pattern matches folders anywhere; --extend-exclude adds to the configuration's
    assert _checked(cli, "--extend-exclude", "nested", ".") == (0, ["stack.yaml"])
    assert _checked(cli, "--extend-exclude", "**/templates/b.yaml", ".") == (0, ["stack.yaml"])


def test_exclude_replaces_the_defaults(cli: Callable[..., Result], repo: Path) -> None:
    assert _checked(cli, "--exclude", "*.j2.yaml", ".") == (
        0,
        [".aws-sam/built.yaml", "nested/templates/b.yaml", "stack.yaml", "templates/a.yaml"],
    )
    (repo / "pyproject.toml").write_text('[tool.cfnfix]\nexclude = ["nested", ".*"]\n', encoding="utf-8")
    assert _checked(cli, ".") == (0, ["stack.yaml", "templates/a.yaml"])


def test_files_named_explicitly_are_excluded_only_with_force_exclude(cli: Callable[..., Result], repo: Path) -> None:
    jinja = "nested/stack.j2.yaml"
    assert _checked(cli, "--extend-exclude", "*.j2.yaml", jinja)[0] == 2  # named: checked (and broken)
    assert _checked(cli, "--extend-exclude", "*.j2.yaml", "--force-exclude", jinja) == (0, [])
    (repo / ".cfnfix.toml").write_text('extend-exclude = ["*.j2.yaml"]\nforce-exclude = true\n', encoding="utf-8")
    assert _checked(cli, jinja, "stack.yaml") == (0, ["stack.yaml"])


def test_gitignore_is_respected_in_a_git_repository(cli: Callable[..., Result], repo: Path) -> None:
    (repo / ".gitignore").write_text("build/\n*.j2.yaml\n", encoding="utf-8")
    (repo / "build").mkdir()
    (repo / "build" / "out.yaml").write_text(JINJA, encoding="utf-8")
    (repo / "nested" / ".gitignore").write_text("templates/\n", encoding="utf-8")
    (repo / "templates" / ".gitignore").write_text("*.yaml\n!a.yaml\n", encoding="utf-8")
    (repo / "templates" / "z.yaml").write_text(GOOD, encoding="utf-8")
    code, _ = _checked(cli, ".")
    assert code == 2  # not a Git repository: .gitignore files are not read (as ruff)
    (repo / ".git").mkdir()
    assert _checked(cli, ".") == (0, ["stack.yaml", "templates/a.yaml"])
    assert _checked(cli, "--no-respect-gitignore", ".")[0] == 2
    assert _checked(cli, "nested/templates") == (0, ["nested/templates/b.yaml"])  # named: walked anyway
    (repo / ".cfnfix.toml").write_text("respect-gitignore = false\n", encoding="utf-8")
    assert _checked(cli, ".")[0] == 2
    assert _checked(cli, "--respect-gitignore", ".") == (0, ["stack.yaml", "templates/a.yaml"])


def test_info_exclude_counts_below_gitignore_files(cli: Callable[..., Result], repo: Path) -> None:
    (repo / ".git" / "info").mkdir(parents=True)
    (repo / ".git" / "info" / "exclude").write_text("*.yaml\n", encoding="utf-8")
    (repo / ".gitignore").write_text("!stack.yaml\n*.j2.yaml\n", encoding="utf-8")
    assert _checked(cli, ".") == (0, ["stack.yaml"])


def test_exclusion_settings_are_validated(cli: Callable[..., Result], repo: Path) -> None:
    (repo / ".cfnfix.toml").write_text('respect-gitignore = "no"\n', encoding="utf-8")
    result = cli("check", ".")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {repo / '.cfnfix.toml'}:1: respect-gitignore: "), result.stderr


@pytest.mark.parametrize(
    ("glob", "path", "hit"),
    [
        ("*.j2.yaml", "/r/a/x.j2.yaml", True),
        ("node_modules", "/r/a/node_modules", True),
        ("templates/*.yaml", "/r/templates/a.yaml", True),
        ("templates/*.yaml", "/r/other/templates/a.yaml", False),
        ("templates/*.yaml", "/r/templates/deep/a.yaml", True),  # `*` crosses `/`, as in ruff
        ("a/**/b.yaml", "/r/a/b.yaml", True),
        ("a/**/b.yaml", "/r/a/x/y/b.yaml", True),
        ("./a.yaml", "/r/a.yaml", True),
        ("/abs/*.yaml", "/abs/x.yaml", True),
        ("Stack.yaml", "/r/stack.yaml", False),
    ],
)
def test_pattern_semantics(glob: str, path: str, hit: bool) -> None:
    assert Pattern(glob, "/r").matches(path, path.rsplit("/", 1)[1]) is hit


def test_a_base_folder_with_glob_characters_is_taken_literally(tmp_path: Path) -> None:
    base = tmp_path / "odd[1]"
    base.mkdir()
    assert Exclusions.of([(["x/*.yaml"], str(base))]).excludes(str(base / "x" / "a.yaml"))
