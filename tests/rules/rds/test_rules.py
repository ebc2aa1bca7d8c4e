"""Unit tests of the RDS / Aurora MySQL rules (CFX201, CFX301–CFX304) beyond the golden cases."""

from __future__ import annotations

import re
from typing import Any

import jsonpatch
import pytest
import yaml

from cfnfix import Applicability, ConfigError, Settings, check, fix
from cfnfix.config_files import load_config_file
from cfnfix.rules import get_rule
from devtools.lint_oracle import lint_errors

RULE_IDS = ["CFX201", "CFX301", "CFX302", "CFX303", "CFX304"]


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False)


def _cluster(**props: Any) -> dict[str, Any]:
    base = {"Engine": "aurora-mysql", "MasterUsername": "admin", "ManageMasterUserPassword": True}
    base.update(props)
    return {"Type": "AWS::RDS::DBCluster", "Properties": base}


def _instance(cluster: str, **props: Any) -> dict[str, Any]:
    base = {"Engine": "aurora-mysql", "DBClusterIdentifier": {"Ref": cluster}, "DBInstanceClass": "db.r6g.large"}
    base.update(props)
    return {"Type": "AWS::RDS::DBInstance", "Properties": base}


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_metadata(rule_id: str) -> None:
    rule = get_rule(rule_id)
    assert rule is not None
    assert re.fullmatch(r"CFX\d{3}", rule.id)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", rule.name)
    assert get_rule(rule.name) is rule
    assert rule.doc_url.startswith("https://docs.aws.amazon.com/")
    assert "## Fix safety" in rule.explanation and "## Fix" in rule.explanation
    assert rule.summary and rule.__doc__


# -- CFX201 -------------------------------------------------------------------------------


def test_cfx201_member_instance_with_protection_false_is_not_reported() -> None:
    template = {
        "Resources": {
            "Cluster": _cluster(DeletionProtection=True),
            "Member": _instance("Cluster", DeletionProtection=False),
            "LiteralMember": {
                "Type": "AWS::RDS::DBInstance",
                "Properties": {
                    "DBClusterIdentifier": "orders",
                    "DBInstanceClass": "db.r6g.large",
                    "DeletionProtection": False,
                },
            },
        }
    }
    assert check(_dump(template), select=["CFX201"]) == []


def test_cfx201_fix_is_unsafe_and_only_applied_with_unsafe() -> None:
    text = _dump({"Resources": {"Cluster": _cluster(DeletionProtection=False)}})
    (finding,) = check(text, select=["CFX201"])
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE
    assert fix(text, select=["CFX201"]).text == text
    fixed = yaml.safe_load(fix(text, select=["CFX201"], unsafe=True).text)
    assert fixed["Resources"]["Cluster"]["DeletionPolicy"] == "Delete"
    assert fixed["Resources"]["Cluster"]["UpdateReplacePolicy"] == "Delete"


@pytest.mark.parametrize("value", [False, "false", "False"])
def test_cfx201_accepts_string_false(value: Any) -> None:
    text = _dump({"Resources": {"Cluster": _cluster(DeletionProtection=value)}})
    assert [f.rule_id for f in check(text, select=["CFX201"])] == ["CFX201"]


def test_cfx201_skip_style_output_has_exactly_e3002() -> None:
    text = _dump({"Resources": {"Cluster": _cluster(DeletionProtection=False)}})
    settings = Settings(
        rules={"rds-deletion-snapshot": {"rds-deletion-style": "skip-final-snapshot-property"}}, select=["CFX201"]
    )
    (finding,) = check(text, config=settings)
    assert "E3002" in finding.message and "E3002" in finding.fix.message  # type: ignore[union-attr]
    result = fix(text, config=settings, unsafe=True)
    assert yaml.safe_load(result.text)["Resources"]["Cluster"]["Properties"]["SkipFinalSnapshot"] is True
    assert {rule for rule, _ in lint_errors(result.text)} == {"E3002"}
    assert fix(result.text, config=settings, unsafe=True).text == result.text


# -- CFX301 -------------------------------------------------------------------------------


def test_cfx301_patch_applies_to_plain_data_and_lints_clean() -> None:
    template = {
        "Resources": {
            "Params": {
                "Type": "AWS::RDS::DBClusterParameterGroup",
                "Properties": {
                    "Description": "p",
                    "Family": "aurora-mysql5.7",
                    "Parameters": {
                        "tx_isolation": "READ-COMMITTED",
                        "query_cache_size": 0,
                        "transaction_isolation": "X",
                    },
                },
            },
            "Cluster": _cluster(EngineVersion="5.7.mysql_aurora.2.11.2", DBClusterParameterGroupName={"Ref": "Params"}),
        }
    }
    copy = Settings(select=["CFX301"], rules={"CFX301": {"parameter-groups": "new"}})
    (finding,) = check(_dump(template), config=copy)
    assert finding.fix is not None
    patched = jsonpatch.apply_patch(template, finding.fix.patch)
    new_group = patched["Resources"]["ParamsMysql80"]["Properties"]
    # the 8.0 name already present wins; the 5.7 name and the query cache go
    assert new_group["Parameters"] == {"transaction_isolation": "X"}
    assert new_group["Family"] == "aurora-mysql8.0"
    assert "Params" not in patched["Resources"], "nothing uses the 5.7 group any more: it goes"
    assert lint_errors(_dump(patched)) == set()
    # the default ("auto") edits the group in place: only this cluster uses it and it has no custom name
    (finding,) = check(_dump(template), select=["CFX301"])
    assert finding.fix is not None
    patched = jsonpatch.apply_patch(template, finding.fix.patch)
    assert set(patched["Resources"]) == {"Params", "Cluster"}
    assert patched["Resources"]["Params"]["Properties"]["Family"] == "aurora-mysql8.0"
    assert patched["Resources"]["Params"]["Properties"]["Parameters"] == {"transaction_isolation": "X"}
    assert lint_errors(_dump(patched)) == set()


def test_cfx301_new_group_id_avoids_collisions() -> None:
    template = {
        "Parameters": {"ParamsMysql80": {"Type": "String"}},
        "Resources": {
            "Params": {
                "Type": "AWS::RDS::DBClusterParameterGroup",
                "Properties": {"Description": "p", "Family": "aurora-mysql5.7", "Parameters": {"binlog_format": "ROW"}},
            },
            "Cluster": _cluster(EngineVersion="5.7", DBClusterParameterGroupName={"Ref": "Params"}),
        },
    }
    copy = Settings(select=["CFX301"], rules={"CFX301": {"parameter-groups": "new"}})
    (finding,) = check(_dump(template), config=copy)
    added = [op["path"] for op in finding.fix.patch if op["op"] == "add"]  # type: ignore[union-attr]
    assert "/Resources/ParamsMysql802" in added


def test_cfx301_pinned_unknown_target_blocks_the_fix() -> None:
    text = _dump({"Resources": {"Cluster": _cluster(EngineVersion="5.7")}})
    pinned = {"aurora-mysql-target": "8.0.mysql_aurora.3.99.9"}
    settings = Settings(rules={"CFX301": pinned, "CFX303": pinned}, select=["CFX301", "CFX303"])
    findings = check(text, config=settings)
    assert [f.rule_id for f in findings] == ["CFX301", "CFX303"]
    assert findings[0].fix is None and "3.99.9" in findings[0].message


def test_cfx301_target_must_be_8_0() -> None:
    text = _dump({"Resources": {"Cluster": _cluster(EngineVersion="5.7")}})
    settings = Settings(rules={"CFX301": {"aurora-mysql-target": "8.4.mysql_aurora.8.4.7"}}, select=["CFX301"])
    (finding,) = check(text, config=settings)
    assert finding.fix is None and "not an Aurora MySQL 8.0" in finding.message


def test_deprecated_global_options_still_read_with_a_warning(tmp_path: Any) -> None:
    """``aurora-mysql-target`` and ``rds-deletion-style`` at the top level: same findings as the rule options."""
    text = _dump({"Resources": {"Cluster": _cluster(EngineVersion="5.7", DeletionProtection=False)}})
    old = tmp_path / "old.toml"
    old.write_text(
        'aurora-mysql-target = "8.0.mysql_aurora.3.99.9"\nrds-deletion-style = "skip-final-snapshot-property"\n'
    )
    new = tmp_path / "new.toml"
    new.write_text(
        '[rules.CFX301]\naurora-mysql-target = "8.0.mysql_aurora.3.99.9"\n'
        '[rules.CFX303]\naurora-mysql-target = "8.0.mysql_aurora.3.99.9"\n'
        '[rules.CFX201]\nrds-deletion-style = "skip-final-snapshot-property"\n'
    )
    with pytest.warns(FutureWarning) as record:
        old_settings = load_config_file(old)
    assert sorted(str(w.message).split(": ", 1)[1] for w in record) == [
        "the setting `aurora-mysql-target` is deprecated: set `aurora-mysql-target` under "
        "[rules.aurora-mysql-end-of-support] and [rules.aurora-mysql-deprecated-version] instead (still read for now)",
        "the setting `rds-deletion-style` is deprecated: set `rds-deletion-style` under "
        "[rules.rds-deletion-snapshot] instead (still read for now)",
    ]
    expected = [f.model_dump() for f in check(text, config=load_config_file(new))]
    assert [f.model_dump() for f in check(text, config=old_settings)] == expected
    assert {f["rule_id"] for f in expected} == {"CFX201", "CFX301", "CFX303"}
    with pytest.warns(FutureWarning, match="`rds-deletion-style` is deprecated"):
        Settings(rds_deletion_style="deletion-policy")


def test_rule_option_wins_over_the_deprecated_global() -> None:
    with pytest.warns(FutureWarning):
        settings = Settings(
            aurora_mysql_target="8.0.mysql_aurora.3.99.9",
            rules={"CFX301": {"aurora-mysql-target": "8.0.mysql_aurora.3.08.0"}},
        )
    assert get_rule("CFX301").options_for(settings).aurora_mysql_target == "8.0.mysql_aurora.3.08.0"  # type: ignore[union-attr]
    assert get_rule("CFX303").options_for(settings).aurora_mysql_target == "8.0.mysql_aurora.3.99.9"  # type: ignore[union-attr]


def test_rules_receive_their_validated_options_model() -> None:
    options = get_rule("CFX201").options_for(Settings(rules={"CFX201": {"types": ["AWS::DocDB::DBCluster"]}}))  # type: ignore[union-attr]
    assert options.types == ["AWS::DocDB::DBCluster"] and options.rds_deletion_style == "deletion-policy"


def test_cfx301_bad_rule_option_is_a_config_error() -> None:
    text = _dump({"Resources": {"Cluster": _cluster(EngineVersion="5.7")}})
    settings = Settings(select=["CFX301"], rules={"CFX301": {"parameter-groups": "sideways"}})
    with pytest.raises(ConfigError):
        check(text, config=settings)


def test_cfx301_literal_cluster_identifier_members_follow() -> None:
    template = {
        "Resources": {
            "Cluster": _cluster(Engine="aurora", DBClusterIdentifier="Orders"),
            "Writer": {
                "Type": "AWS::RDS::DBInstance",
                "Properties": {"Engine": "aurora", "DBClusterIdentifier": "orders", "DBInstanceClass": "db.r5.large"},
            },
        }
    }
    (finding,) = check(_dump(template), select=["CFX301"])
    patched = jsonpatch.apply_patch(template, finding.fix.patch)  # type: ignore[union-attr]
    assert patched["Resources"]["Writer"]["Properties"]["Engine"] == "aurora-mysql"
    assert finding.severity.value == "critical"


def test_cfx301_custom_instance_group_from_outside_blocks() -> None:
    template = {
        "Resources": {
            "Cluster": _cluster(EngineVersion="5.7.mysql_aurora.2.11.2"),
            "Writer": _instance("Cluster", DBParameterGroupName="shared-57"),
        }
    }
    (finding,) = check(_dump(template), select=["CFX301"])
    assert finding.fix is None and "shared-57" in finding.message


def test_all_fixes_converge_together() -> None:
    template = {
        "Resources": {
            "Cluster": _cluster(EngineVersion="5.7", DeletionProtection=False),
            "Writer": _instance("Cluster", DBInstanceClass="db.t2.medium"),
        }
    }
    result = fix(_dump(template), select=RULE_IDS, unsafe=True)
    assert not result.failed
    assert [f for f in result.remaining if f.fixable] == []
    data = yaml.safe_load(result.text)["Resources"]
    assert data["Cluster"]["Properties"]["EngineVersion"] == "8.0.mysql_aurora.3.10.6"
    assert data["Cluster"]["DeletionPolicy"] == "Delete"
    assert data["Writer"]["Properties"]["DBInstanceClass"] == "db.t3.medium"
    assert result.passes == 2


def test_rule_options_are_validated_in_configuration_files(tmp_path: Any) -> None:
    from cfnfix.config_files import load_config_file

    cfg = tmp_path / ".cfnfix.toml"
    cfg.write_text('[rules.aurora-mysql-end-of-support]\nparameter-groups = "sideways"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="parameter-groups"):
        load_config_file(cfg)
    cfg.write_text('[rules.CFX201]\ntypes = "AWS::Neptune::DBCluster"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="types"):
        load_config_file(cfg)
    cfg.write_text(
        '[rules.aurora-mysql-end-of-support]\nparameter-groups = "in-place"\n'
        '[rules.rds-deletion-snapshot]\ntypes = ["AWS::Neptune::DBCluster"]\n',
        encoding="utf-8",
    )
    assert load_config_file(cfg).rules["aurora-mysql-end-of-support"] == {"parameter-groups": "in-place"}


def test_engine_names_are_case_insensitive() -> None:
    template = {
        "Resources": {
            "Cluster": _cluster(Engine="Aurora", DBClusterIdentifier="orders"),
            "Writer": _instance("Cluster", Engine="AURORA", DBInstanceClass="db.r4.large"),
        }
    }
    assert {f.rule_id for f in check(_dump(template), select=RULE_IDS)} == {"CFX301", "CFX304"}
    # CFX304 first, then CFX301 upgrades (Engine is rewritten to the canonical lower-case name)
    data = yaml.safe_load(fix(_dump(template), select=RULE_IDS, unsafe=True).text)["Resources"]
    assert data["Cluster"]["Properties"]["Engine"] == "aurora-mysql"
    assert data["Writer"]["Properties"]["Engine"] == "aurora-mysql"
