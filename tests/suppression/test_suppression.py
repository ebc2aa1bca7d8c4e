"""Suppression in template Metadata: cfnfix ignore lists, cfn-lint ignore_checks, unused entries."""

from __future__ import annotations

from pathlib import Path

import pytest

import cfnfix.suppression as suppression
from cfnfix import check, fix
from cfnfix.document import load
from cfnfix.rules import get_rule
from cfnfix.suppression import collect, scope_of
from tests.support.cli_fixtures import TEMPLATE

pytestmark = pytest.mark.usefixtures("demo_rules")


def ids(text: str, **kw: object) -> list[str]:
    return [f.rule_id for f in check(text, **kw)]  # type: ignore[arg-type]


def with_top(meta: str) -> str:
    return TEMPLATE.replace(
        'AWSTemplateFormatVersion: "2010-09-09"\n', f'AWSTemplateFormatVersion: "2010-09-09"\nMetadata:\n{meta}'
    )


def with_cluster(meta: str) -> str:
    return TEMPLATE.replace("    Type: AWS::RDS::DBCluster\n", f"    Type: AWS::RDS::DBCluster\n    Metadata:\n{meta}")


def test_top_level_ignore_by_id_name_and_prefix() -> None:
    assert ids(with_top("  cfnfix:\n    ignore: [CFX991]\n")) == ["CFX992", "CFX993"]
    assert ids(with_top("  cfnfix:\n    ignore: [demo-protection, CFX993]\n")) == ["CFX991"]
    assert ids(with_top("  cfnfix:\n    ignore: [CFX99]\n")) == []
    assert ids(with_top("  cfnfix:\n    ignore: CFX991\n")) == ["CFX992", "CFX993"], "a single string works too"


def test_resource_level_ignore_covers_that_resource_only() -> None:
    text = with_cluster("      cfnfix:\n        ignore: [CFX991, CFX992, CFX993]\n")
    assert ids(text) == ["CFX993"], "CFX993 is on another resource"


def test_cfn_lint_ignore_checks_via_the_rule_attribute_and_prefixes() -> None:
    text = with_top("  cfn-lint:\n    config:\n      ignore_checks: [W9993]\n")
    assert ids(text) == ["CFX991", "CFX992"]
    assert ids(with_top("  cfn-lint:\n    config:\n      ignore_checks: [W99]\n")) == ["CFX991", "CFX992"]
    assert ids(with_top("  cfn-lint:\n    config:\n      ignore_checks: [E3001]\n")) == ["CFX991", "CFX992", "CFX993"]


def test_cfn_lint_ids_from_the_data_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(suppression, "cfn_lint_table", lambda: {"demo-protection": ["E3002"], "CFX991": ["W3011"]})
    suppression.cfn_lint_ids.cache_clear()
    try:
        text = with_cluster("      cfn-lint:\n        config:\n          ignore_checks: [E3002, W3011]\n")
        assert ids(text) == ["CFX993"]
        assert suppression.cfn_lint_ids()["CFX993"] == ("W9993",)
    finally:
        suppression.cfn_lint_ids.cache_clear()


def test_the_shipped_table_is_valid_and_names_real_rules() -> None:
    table = suppression.cfn_lint_table()
    for key, lint_ids in table.items():
        assert get_rule(key) is not None, f"{key} in cfn_lint_ids.toml is not a rule"
        assert lint_ids and all(i[:1] in "EWI" and i[1:].isdigit() for i in lint_ids), key


def test_collect_and_scope() -> None:
    doc = load(
        with_cluster("      cfnfix:\n        ignore: [CFX991, 7]\n      cfn-lint: {config: {ignore_checks: E1}}\n")
    )
    entries = collect(doc.data)
    assert [(e.scope, e.pointer, e.code, e.kind) for e in entries] == [
        ("Cluster", "/Resources/Cluster/Metadata/cfnfix/ignore/0", "CFX991", "cfnfix"),
        ("Cluster", "/Resources/Cluster/Metadata/cfn-lint/config/ignore_checks", "E1", "cfn-lint"),
    ]
    assert scope_of("/Resources/A~1B/Properties") == "A/B"
    assert scope_of("/Resources") is None
    assert scope_of("/Outputs/X") is None


def test_fix_does_not_touch_suppressed_findings() -> None:
    text = with_cluster("      cfnfix:\n        ignore: [CFX991]\n")
    result = fix(text, unsafe=True)
    assert [f.rule_id for f in result.fixed] == ["CFX992"]
    assert "DeletionPolicy" not in result.text
    assert [f.rule_id for f in result.remaining] == ["CFX993"]


def test_unused_entries_are_reported_only_when_asked() -> None:
    text = with_top("  cfnfix:\n    ignore: [CFX991, CFX9XX]\n")
    assert ids(text) == ["CFX992", "CFX993"]
    findings = check(text, config=_unused())
    unused = [f for f in findings if f.rule_id == "CFX900"]
    assert [(f.path, f.line, f.column, f.message) for f in unused] == [
        ("/Metadata/cfnfix/ignore/1", 4, 22, "suppression 'CFX9XX' in this template names no cfnfix rule")
    ]


def _unused():  # type: ignore[no-untyped-def]
    from cfnfix import Settings

    return Settings(show_unused_suppressions=True)


def test_an_entry_that_silences_nothing_is_unused_and_fixed_away() -> None:
    text = with_cluster("      cfnfix:\n        ignore: [CFX993]\n      Owner: data-team\n")
    findings = check(text, config=_unused())
    (unused,) = [f for f in findings if f.rule_id == "CFX900"]
    assert unused.message == "suppression 'CFX993' in resource 'Cluster' silences nothing"
    assert unused.fix is not None and unused.fix.patch == [
        {"op": "remove", "path": "/Resources/Cluster/Metadata/cfnfix"}
    ]
    result = fix(text, config=_unused(), select=["CFX900", "CFX993"])
    assert result.text == with_cluster("      Owner: data-team\n")
    assert [f.rule_id for f in fix(text, config=_unused(), select=["CFX900"]).fixed] == [], "CFX993 did not run"


def test_removing_the_last_entry_removes_the_empty_metadata() -> None:
    text = with_cluster("      cfnfix:\n        ignore: [CFX993]\n")
    result = fix(text, config=_unused(), select=["CFX900", "CFX993"])
    assert result.text == TEMPLATE
    several = with_top("  cfnfix:\n    ignore: [CFX981, CFX991, CFX982]\n")
    result = fix(several, config=_unused(), select=["CFX9"], ignore=["CFX992", "CFX991"])
    # CFX991 is not selected, so its entry cannot be judged and stays.
    assert result.text == with_top("  cfnfix:\n    ignore: [CFX991]\n")
    assert result.passes == 2, "sibling list entries are removed in separate passes"


def test_entries_for_rules_that_did_not_run_are_not_judged() -> None:
    text = with_top("  cfnfix:\n    ignore: [CFX993]\n  cfn-lint:\n    config:\n      ignore_checks: [E9999]\n")
    findings = check(text, config=_unused(), select=["CFX900", "CFX991"])
    assert [f.rule_id for f in findings] == ["CFX991"]


def test_an_entry_for_cfx900_silences_unused_reports() -> None:
    text = with_top("  cfnfix:\n    ignore: [CFX900, CFX9XX]\n")
    assert [f.rule_id for f in check(text, config=_unused())] == ["CFX991", "CFX992", "CFX993"]


def test_cli_show_unused_suppressions(cli, tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(with_top("  cfnfix:\n    ignore: [CFX9XX]\n"), encoding="utf-8")
    plain = cli("check", "--select", "CFX900", str(path))
    assert plain.exit_code == 0
    shown = cli("check", "--select", "CFX900", "--show-unused-suppressions", str(path))
    assert shown.exit_code == 1
    assert (
        shown.stdout.splitlines()[0]
        == f"{path}:4:14: CFX900 [*] suppression 'CFX9XX' in this template names no cfnfix rule"
    )
    (tmp_path / ".cfnfix.toml").write_text("show-unused-suppressions = true\n", encoding="utf-8")
    assert cli("check", "--select", "CFX900", str(path)).exit_code == 1
