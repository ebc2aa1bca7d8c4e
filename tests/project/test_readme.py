"""README.md stays honest: generated tables and example output in sync, quickstart commands
as `.ci/run` runs them, code samples that run, pre-commit hooks that are real commands."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
import yaml

from devtools.paths import ROOT
from tests.support.cli_fixtures import CLEAN

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _update_readme():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("update_readme", ROOT / "scripts" / "update_readme.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_blocks_are_up_to_date() -> None:
    script = _update_readme()
    assert script.render(README, script.blocks()) == README, "README.md is stale: run python scripts/update_readme.py"


def test_render_replaces_only_between_markers() -> None:
    script = _update_readme()
    text = "a\n<!-- rules:start -->\nold\n<!-- rules:end -->\nb\n"
    assert script.render(text, {"rules": "new\n"}) == "a\n<!-- rules:start -->\nnew\n<!-- rules:end -->\nb\n"
    with pytest.raises(SystemExit):
        script.render("no markers", {"rules": "x"})


def _shell_commands(text: str) -> list[str]:
    return re.findall(r"```sh\n[ \t]*(.*?)\n[ \t]*```", text, re.S)


def test_quickstart_is_exactly_two_commands_matching_ci() -> None:
    quick = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = [c.strip() for c in _shell_commands(quick)]
    assert len(commands) == 2
    install_run, install_test = commands
    assert "examples/" in install_run and "cfnfix apply" in install_run
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    ci_install = re.search(r"pip install (--quiet -e '\.\[test\]')", ci)
    ci_test = re.search(r"exec \.ci-venv/bin/(python -m pytest[^\n]*)", ci)
    assert ci_install and ci_test
    assert f".venv/bin/pip install {ci_install[1]}" in install_test
    assert install_test.endswith(f".venv/bin/{ci_test[1]}")
    example = re.search(r"(examples/\S+)", install_run)
    assert example and (ROOT / example[1]).is_file()


def _section(title: str) -> str:
    """The text under README's ``## title`` up to the next ``## `` heading (headings in code blocks do not count)."""
    out: list[str] = []
    inside = fenced = False
    for line in README.splitlines(keepends=True):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("## "):
            if inside:
                break
            inside = line == f"## {title}\n"
            continue
        if inside:
            out.append(line)
    assert out, title
    return "".join(out)


def test_python_sample_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (code,) = re.findall(r"```python\n(.*?)```", _section("Python API"), re.S)
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})
    assert capsys.readouterr().out


def test_adding_a_rule_walkthrough_is_a_working_rule() -> None:
    """The module of "Adding a rule", loaded where it says it lives, finds, fixes and validates its options."""
    import types

    from cfnfix import apply_patch
    from cfnfix.config import Settings
    from cfnfix.document import load
    from cfnfix.rules import RuleContext
    from tests.rules.test_rule_modules import explanation_problems

    section = _section("Adding a rule")
    (code,) = re.findall(r"```python\n(.*?)```", section, re.S)
    (path,) = set(re.findall(r"`(cfnfix/rules/\w+/\w+\.py)`", section))
    name = path.removesuffix(".py").replace("/", ".")
    module = types.ModuleType(name)
    module.__package__ = name.rsplit(".", 1)[0]
    exec(compile(code, "README.md", "exec"), module.__dict__)
    (cls,) = [v for v in vars(module).values() if isinstance(v, type) and v.__module__ == name and hasattr(v, "check")]
    try:
        rule = cls()
        assert path.endswith(rule.name.replace("-", "_") + ".py")
        assert not (ROOT / path).exists(), "the walkthrough's rule id and name must stay unused"
        text = "Resources:\n  Db:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n"
        doc = load(text)
        ctx = RuleContext(doc, Settings(), rule.options_for(Settings(rules={rule.name: {"serverless-only": True}})))
        (finding,) = rule.check(ctx)
        fixed = apply_patch(text, finding.fix.patch)
        assert fixed == text + "      StorageEncrypted: true\n"
        assert not list(rule.check(RuleContext(load(fixed), Settings(), rule.options_for(Settings()))))
        assert not explanation_problems(rule.explanation, rule.fix_applicability)
    finally:
        cls.__abstractmethods__ = frozenset({"check"})  # retire it: never part of the registry


def test_toml_sample_is_a_valid_configuration() -> None:
    from cfnfix.config_files import settings_from_mapping

    (sample,) = [t for t in re.findall(r"```toml\n(.*?)```", README, re.S) if t.startswith("# .cfnfix.toml")]
    settings = settings_from_mapping(tomllib.loads(sample))
    assert settings.ignore == ["CFX9"]


def test_editor_samples_start_the_server_with_valid_settings() -> None:
    """The Helix and VS Code samples parse, run `cfnfix server` and pass settings the server accepts."""
    from cfnfix.server.settings import client_settings

    (helix,) = [t for t in re.findall(r"```toml\n(.*?)```", README, re.S) if "[language-server.cfnfix]" in t]
    server = tomllib.loads(helix)["language-server"]["cfnfix"]
    assert [server["command"], *server["args"]] == ["cfnfix", "server"]
    client_settings(server["config"])
    (vscode,) = [json.loads(t) for t in re.findall(r"```json\n(.*?)```", README, re.S) if "glspc" in t]
    assert [vscode["glspc.server.command"], *vscode["glspc.server.commandArguments"]] == ["cfnfix", "server"]
    client_settings(vscode["glspc.server.initializationOptions"])
    lua = "".join(re.findall(r"```lua\n(.*?)```", README, re.S))
    assert lua.count('{ "cfnfix", "server" }') == 2 and "source.fixAll.cfnfix" in lua


def test_documented_options_exist(cli) -> None:
    help_text = cli("check", "--help").stdout + cli("apply", "--help").stdout + cli("dataset", "--help").stdout
    for option in set(re.findall(r"`(--[a-z-]+)", README)):
        assert option in help_text or option in cli("--help").stdout, option


def test_json_schema_doc_lists_every_key() -> None:
    schema = json.loads((ROOT / "docs" / "json-output.schema.json").read_text(encoding="utf-8"))
    doc = (ROOT / "docs" / "json-output.md").read_text(encoding="utf-8")
    keys = (
        set(schema["properties"])
        | set(schema["properties"]["summary"]["properties"])
        | set(schema["$defs"]["finding"]["properties"])
    )
    for key in keys:
        assert f"`{key}`" in doc, key
    example = json.loads(re.search(r"```json\n(.*?)```", doc, re.S)[1])  # type: ignore[index]
    import jsonschema

    jsonschema.validate(example, schema)


def test_pre_commit_hooks_are_real_commands(cli, tmp_path: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["cfnfix-check", "cfnfix-apply"]
    workflow = tmp_path / "workflow.yml"
    workflow.write_text("on: push\njobs: {a: &x {b: 1}, c: *x}\n", encoding="utf-8")
    template = tmp_path / "t.yaml"
    template.write_text(CLEAN, encoding="utf-8")
    for hook in hooks:
        program, *args = hook["entry"].split()
        assert program == "cfnfix"
        assert re.search(hook["files"], "stack.template") and not re.search(hook["files"], "notes.md")
        result = cli(*args, str(workflow), str(template))
        assert result.exit_code == 0, (hook["id"], result.output)
