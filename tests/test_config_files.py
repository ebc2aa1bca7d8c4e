"""Configuration: discovery from the template's folder upwards, validation, CLI overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfnfix import ConfigError, Settings, TemplateError, check
from cfnfix.config_files import ConfigResolver, find_config, load_config_file
from tests.support.cli_fixtures import TEMPLATE

pytestmark = pytest.mark.usefixtures("demo_rules")


def _ids(result_stdout: str) -> list[str]:
    return [line.split()[1] for line in result_stdout.splitlines() if line.count(":") >= 3 and " CFX" in line]


def test_cfnfix_toml_is_found_from_the_template_folder_upwards(cli, tmp_path: Path) -> None:
    (tmp_path / ".cfnfix.toml").write_text('ignore = ["CFX992"]\n', encoding="utf-8")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    (deep / "stack.yaml").write_text(TEMPLATE, encoding="utf-8")
    result = cli("check", str(deep / "stack.yaml"))
    assert _ids(result.stdout) == ["CFX991", "CFX993"]
    assert find_config(deep) == tmp_path / ".cfnfix.toml"


def test_pyproject_tool_table_and_nearest_file_wins(cli, tmp_path: Path) -> None:
    (tmp_path / ".cfnfix.toml").write_text('select = ["CFX993"]\n', encoding="utf-8")
    sub = tmp_path / "svc"
    sub.mkdir()
    (sub / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.cfnfix]\nselect = ["CFX991"]\n', encoding="utf-8"
    )
    (sub / "stack.yaml").write_text(TEMPLATE, encoding="utf-8")
    (tmp_path / "top.yaml").write_text(TEMPLATE, encoding="utf-8")
    result = cli("check", str(sub / "stack.yaml"), str(tmp_path / "top.yaml"))
    assert _ids(result.stdout) == ["CFX991", "CFX993"]


def test_pyproject_without_tool_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / ".cfnfix.toml").write_text('ignore = ["CFX991"]\n', encoding="utf-8")
    sub = tmp_path / "svc"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.other]\ncfnfix = 1\n', encoding="utf-8")
    assert find_config(sub) == tmp_path / ".cfnfix.toml"


def test_cfnfix_toml_beats_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    (tmp_path / ".cfnfix.toml").write_text("", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.cfnfix]\n", encoding="utf-8")
    assert find_config(tmp_path) == tmp_path / ".cfnfix.toml"


def test_cli_flags_override_the_file(cli, tmp_path: Path) -> None:
    (tmp_path / ".cfnfix.toml").write_text('select = ["CFX993"]\nunsafe-fixes = false\n', encoding="utf-8")
    (tmp_path / "stack.yaml").write_text(TEMPLATE, encoding="utf-8")
    result = cli("check", "--select", "CFX992", "--unsafe-fixes", str(tmp_path / "stack.yaml"))
    assert _ids(result.stdout) == ["CFX992"]
    assert "[*]" in result.stdout


def test_explicit_config_replaces_discovery(cli, tmp_path: Path) -> None:
    (tmp_path / ".cfnfix.toml").write_text('select = ["CFX993"]\n', encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text('select = ["CFX991"]\n', encoding="utf-8")
    (tmp_path / "stack.yaml").write_text(TEMPLATE, encoding="utf-8")
    result = cli("check", "--config", str(other), str(tmp_path / "stack.yaml"))
    assert _ids(result.stdout) == ["CFX991"]


def test_stdin_discovers_from_the_current_folder(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".cfnfix.toml").write_text('select = ["CFX993"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert _ids(cli("check", "-", input=TEMPLATE).stdout) == ["CFX993"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("selekt = []\n", ".cfnfix.toml:1: selekt: unknown key"),
        (
            '\n\nrds-deletion-style = "nope"\n',
            ".cfnfix.toml:3: rds-deletion-style: input should be 'deletion-policy' or 'skip-final-snapshot-property' (got 'nope')",
        ),
        ('unsafe-fixes = "yes"\n', ".cfnfix.toml:1: unsafe-fixes: input should be a valid boolean (got 'yes')"),
        ('select = "CFX1"\n', ".cfnfix.toml:1: select: input should be a valid list (got 'CFX1')"),
        ("select = [1]\n", ".cfnfix.toml:1: select.0: input should be a valid string (got 1)"),
        ("[rules.CFX999]\nx = 1\n", ".cfnfix.toml:1: rules.CFX999: unknown rule (see `cfnfix rules`)"),
        ("select = [\n", ".cfnfix.toml:2:1: invalid TOML:"),
        (
            '[rules.demo-pymysql]\nlevel = "high"\n',
            ".cfnfix.toml:2: rules.demo-pymysql.level: input should be a valid integer (got 'high')",
        ),
        ("[rules.CFX993]\nlevl = 2\n", ".cfnfix.toml:2: rules.CFX993.levl: unknown key"),
    ],
)
def test_bad_configuration_exits_2_naming_file_and_key(cli, tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / ".cfnfix.toml").write_text(content, encoding="utf-8")
    (tmp_path / "stack.yaml").write_text(TEMPLATE, encoding="utf-8")
    result = cli("check", str(tmp_path / "stack.yaml"))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {tmp_path}/{message}"), line
    assert result.stdout == ""


def test_bad_pyproject_key_is_named_with_its_table(cli, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nselect = 1\n\n[tool.cfnfix]\nselect = 1\n', encoding="utf-8"
    )
    (tmp_path / "stack.yaml").write_text(TEMPLATE, encoding="utf-8")
    result = cli("check", str(tmp_path / "stack.yaml"))
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"error: {tmp_path / 'pyproject.toml'}:6: tool.cfnfix.select: input should be a valid list (got 1)\n"
    )


def test_missing_or_unsuitable_explicit_config(cli, tmp_path: Path, template: Path) -> None:
    result = cli("check", "--config", str(tmp_path / "none.toml"), str(template))
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'none.toml'}: no such file\n"
    py = tmp_path / "pyproject.toml"
    py.write_text('[project]\nname = "x"\n', encoding="utf-8")
    result = cli("check", "--config", str(py), str(template))
    assert result.stderr == f"error: {py}: no [tool.cfnfix] table in this pyproject.toml\n"


def test_per_rule_options_and_known_keys_load(tmp_path: Path) -> None:
    cfg = tmp_path / ".cfnfix.toml"
    cfg.write_text(
        'select = ["CFX9"]\nignore = ["CFX992"]\nunsafe-fixes = true\n'
        "show-unused-suppressions = true\n\n[rules.demo-pymysql]\nlevel = 2\n",
        encoding="utf-8",
    )
    settings = load_config_file(cfg)
    assert settings == Settings(
        select=["CFX9"],
        ignore=["CFX992"],
        unsafe_fixes=True,
        show_unused_suppressions=True,
        rules={"demo-pymysql": {"level": 2}},
    )
    assert settings.rule_options("CFX993", "demo-pymysql") == {"level": 2}


def test_resolver_reads_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cfnfix.config_files as cf

    (tmp_path / ".cfnfix.toml").write_text('ignore = ["CFX991"]\n', encoding="utf-8")
    calls: list[Path] = []
    real = cf.load_config_file
    monkeypatch.setattr(cf, "load_config_file", lambda p: calls.append(Path(p)) or real(p))
    resolver = ConfigResolver(None, {"select": ["CFX99"], "ignore": None})
    a = resolver.for_path(str(tmp_path / "a.yaml"))
    b = resolver.for_path(str(tmp_path / "b.yaml"))
    assert a is b
    assert a.select == ["CFX99"] and a.ignore == ["CFX991"]
    assert calls == [tmp_path / ".cfnfix.toml"]


def test_resolver_finds_what_find_config_finds_asking_each_folder_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Folders below one another share the walk up: each folder is looked at once, and every
    folder gets find_config's answer (nearest file, a pyproject without the table passed over)."""

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    (tmp_path / "a" / "b" / "c" / "d").mkdir(parents=True)
    (tmp_path / "a" / "b" / ".cfnfix.toml").write_text("", encoding="utf-8")
    (tmp_path / "a" / "e").mkdir()
    (tmp_path / "a" / "b" / "f").mkdir()
    folders = ["a/b/c/d", "a/b/c", "a/e", "a/b/f", "a", "a/b", "a/b/c/d/../../f"]
    expected = [find_config(tmp_path / f) for f in folders]
    looked: list[Path] = []
    real = Path.is_file
    monkeypatch.setattr(Path, "is_file", lambda self: looked.append(self) or real(self))
    resolver = ConfigResolver()
    assert [resolver.config_for(tmp_path / f) for f in folders] == expected
    assert expected[:4] == [tmp_path / "a" / "b" / ".cfnfix.toml"] * 2 + [expected[4], expected[1]]
    assert len(looked) == len(set(looked))


def test_api_discovers_configuration_for_paths_and_takes_a_config_path(tmp_path: Path) -> None:
    (tmp_path / ".cfnfix.toml").write_text('select = ["CFX993"]\n', encoding="utf-8")
    path = tmp_path / "stack.yaml"
    path.write_text(TEMPLATE, encoding="utf-8")
    assert [f.rule_id for f in check(path)] == ["CFX993"]
    with pytest.raises(TemplateError, match=r"a str is template text; to read the file .* pass a path"):
        check(str(path))  # a str is always text (issue 10 item 4)
    assert [f.rule_id for f in check(TEMPLATE)] == ["CFX991", "CFX992", "CFX993"], "text: defaults"
    assert [f.rule_id for f in check(path, config=Settings())] == ["CFX991", "CFX992", "CFX993"]
    other = tmp_path / "other.toml"
    other.write_text('ignore = ["CFX993"]\n', encoding="utf-8")
    assert [f.rule_id for f in check(TEMPLATE, config=other)] == ["CFX991", "CFX992"]
    assert [f.rule_id for f in check(path, select=["CFX991"])] == ["CFX991"], "arguments override the file"
    other.write_text("nope = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="nope: unknown key"):
        check(TEMPLATE, config=other)
