"""``cfnfix dataset``: a 1,000-record run equals ``cfnfix check``/``apply`` on the same texts as files,
record by record; JSON Lines and Parquet round trips; bad records, resumable and atomic output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from devtools.paths import ROOT
from devtools.synthetic import pool, records

P = "cfnfix_"


def _suffix(text: str, kind: str) -> str:
    if kind == "markdown":
        return ".md"
    return ".json" if text.lstrip()[:1] == "{" else ".yaml"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 synthetic records (corpus templates up to 4 KB with planted mistakes, a tenth as
    Markdown answers, a fiftieth cut short) as ``in.jsonl`` and as files ``recs/<id>.<ext>``,
    whose relative path is each record's id."""
    root = tmp_path_factory.mktemp("synthetic")
    (root / "recs").mkdir()
    rows = []
    for row in records(1000, pool(max_bytes=4000)):
        name = f"recs/{row['id']}{_suffix(row['template'], row['kind'])}"
        (root / name).write_bytes(row["template"].encode("utf-8"))
        rows.append({"id": name, "template": row["template"]})
    with open(root / "in.jsonl", "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return root


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.corpus
def test_a_thousand_records_equal_cfnfix_on_the_same_files(cli, synthetic: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(synthetic)
    result = cli("dataset", "apply", "in.jsonl", "out.jsonl", "--id-column", "id", "-j", "2", "-q")
    assert result.exit_code == 0, result.output
    out = _read_jsonl(synthetic / "out.jsonl")
    files = [row["id"] for row in out]
    assert len(out) == 1000

    checked = json.loads(cli("check", "--format", "json", "-j", "2", *files).stdout)
    patches = json.loads(cli("apply", "--patch", "-j", "2", "-q", *files).stdout)
    dry_run = cli("apply", "-j", "2", "-q", *files).stdout
    diffs = {m.group(1): m.group(0) for m in re.finditer(r"(?ms)^--- a/(\S+)\n.*?(?=^--- a/|\Z)", dry_run)}
    written = cli("apply", "--write", "-j", "2", "-q", *files).stdout
    remaining: dict[str, set[tuple[int, int, str]]] = {}
    for m in re.finditer(r"(?m)^(recs/\S+?):(\d+):(\d+): (\S+) ", written):
        remaining.setdefault(m.group(1), set()).add((int(m.group(2)), int(m.group(3)), m.group(4)))
    findings: dict[str, list[Any]] = {}
    for f in checked["findings"]:
        findings.setdefault(f["file"], []).append(f)
    errors: dict[str, list[str]] = {}
    for e in checked["errors"]:
        where = ":".join(str(p) for p in (e["file"], e["line"], e["column"]) if p is not None)
        errors.setdefault(e["file"], []).append(f"{where}: {e['message']}")

    for row in out:
        name = row["id"]
        error = row[P + "error"]
        assert (error.split("\n") if error else []) == errors.get(name, []), name
        if row[P + "findings"] is None:  # the record could not be read as a template
            assert name not in findings and name not in patches, name
            assert (synthetic / name).read_text(encoding="utf-8") == row["template"]
            continue
        assert json.loads(row[P + "findings"]) == findings.get(name, []), name
        assert json.loads(row[P + "patch"]) == patches.get(name, []), name
        assert row[P + "diff"] == diffs.get(name, ""), name
        assert row[P + "fixed"] == (synthetic / name).read_bytes().decode("utf-8"), name
        assert row[P + "changed"] == (row[P + "fixed"] != row["template"])
        left = {(f["line"], f["column"], f["rule_id"]) for f in json.loads(row[P + "remaining"])}
        assert left == remaining.get(name, set()), name

    # the comparison is not vacuous: most records have findings, many change, some fail
    kinds = [row[P + "kind"] for row in out]
    assert sum(bool(row[P + "findings"] and row[P + "findings"] != "[]") for row in out) > 500
    assert sum(bool(row[P + "changed"]) for row in out) > 300
    assert sum(bool(row[P + "changed"]) and k == "markdown" for row, k in zip(out, kinds)) > 20
    assert 5 <= sum(row[P + "error"] is not None for row in out) <= 40


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


SAMPLE = [
    {"id": 1, "score": 0.5, "template": "Resources:\n  My Queue:\n    Type: AWS::SQS::Queue\n"},
    {"id": 2, "template": '{"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}', "note": "clean \u00e9"},
    {"id": 3, "template": "```yaml\nResources:\n  A-B:\n    Type: AWS::SNS::Topic\n```\n"},
    {"id": 4, "template": "Resources:\n  A:\n    Type: x\n  A:\n    Type: y\n"},
    {"id": 5, "template": None},
    {"id": 6, "template": 42},
]


def test_jsonl_round_trip_keeps_each_line_and_adds_the_columns(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "in.jsonl"
    _jsonl(source, SAMPLE)
    with open(source, "a", encoding="utf-8") as fh:
        fh.write('{"id": 7, "template": "Resources: {}", "big": 1e400}\n\nnot json\n[1, 2]\n{"id": 8}\n')
    result = cli("dataset", "apply", str(source), str(tmp_path / "out.jsonl"), "-j", "1")
    assert result.exit_code == 0, result.output
    assert "10 records in 1 file(s)" in result.stderr
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    inputs = [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) == len(inputs) == 10
    for given, line in zip(inputs, lines):
        if given.startswith("{"):
            assert line.startswith(given[:-1] + ","), "the input's bytes are kept"  # 1e400 stays 1e400
    out = [json.loads(line) for line in lines]
    assert [o.get("id") for o in out[:6]] == [1, 2, 3, 4, 5, 6]
    assert out[0]["score"] == 0.5 and out[1]["note"] == "clean é"
    first = out[0]
    assert first[P + "kind"] == "template" and first[P + "changed"] is True
    assert first[P + "fixed"] == "Resources:\n  MyQueue:\n    Type: AWS::SQS::Queue\n"
    assert json.loads(first[P + "patch"]) == [
        {"op": "move", "from": "/Resources/My Queue", "path": "/Resources/MyQueue"}
    ]
    assert first[P + "diff"].startswith("--- a/template\n+++ b/template\n")
    assert json.loads(first[P + "findings"])[0]["rule_id"] == "CFX101" and first[P + "remaining"] == "[]"
    assert out[1][P + "changed"] is False and out[1][P + "findings"] == "[]" and out[1][P + "diff"] == ""
    assert out[2][P + "kind"] == "markdown" and "  AB:\n" in out[2][P + "fixed"]
    assert json.loads(out[2][P + "patch"])[0]["path"] == "/0/Resources/AB"
    assert out[3][P + "error"] == "4:3: duplicate key 'A'" and out[3][P + "fixed"] is None
    assert out[4][P + "error"] == "no text (the column is empty for this record)"
    assert out[5][P + "error"] == "the column holds int, not text"
    assert out[6][P + "error"] is None and out[6][P + "findings"] == "[]"
    assert out[7][P + "error"].startswith("line 9 is not JSON")
    assert out[8][P + "error"] == "line 10 is not a JSON object" and "id" not in out[8]
    assert out[9][P + "error"] == "the record has no field 'template'" and out[9]["id"] == 8
    assert list(out[0])[-8:] == [
        P + c for c in ("kind", "findings", "fixed", "changed", "patch", "diff", "remaining", "error")
    ]


def test_check_mode_adds_findings_only_and_names_records_by_id(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _jsonl(tmp_path / "in.ndjson", SAMPLE[:4])
    result = cli("dataset", "check", str(tmp_path / "in.ndjson"), str(tmp_path / "out.ndjson"), "--id-column", "id")
    assert result.exit_code == 0, result.output
    out = _read_jsonl(tmp_path / "out.ndjson")
    assert [k for k in out[0] if k.startswith(P)] == [P + "kind", P + "findings", P + "error"]
    assert json.loads(out[0][P + "findings"])[0]["file"] == "1"
    assert out[3][P + "error"] == "4:4:3: duplicate key 'A'"


def test_parquet_round_trip_keeps_the_schema_and_equals_jsonl(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    rows = [r for r in SAMPLE if isinstance(r["template"], str)] * 5
    table = pa.Table.from_pylist(
        [{"id": i, "template": r["template"], "meta": {"n": i}, "blob": b"\x00\x01"} for i, r in enumerate(rows)]
    )
    pq.write_table(table, tmp_path / "in.parquet", row_group_size=7)
    _jsonl(tmp_path / "in.jsonl", [{"id": i, "template": r["template"]} for i, r in enumerate(rows)])
    for name in ("in.parquet", "in.jsonl"):
        out = str(tmp_path / name.replace("in", "out"))
        result = cli("dataset", "apply", str(tmp_path / name), out, "--id-column", "id", "--batch-size", "4", "-j", "2")
        assert result.exit_code == 0, result.output
    written = pq.ParquetFile(tmp_path / "out.parquet")
    assert written.metadata.num_row_groups == 5  # a row group per batch of 4 (20 records)
    assert written.schema_arrow.names == ["id", "template", "meta", "blob"] + [
        P + c for c in ("kind", "findings", "fixed", "changed", "patch", "diff", "remaining", "error")
    ]
    assert written.schema_arrow.field(P + "changed").type == pa.bool_()
    got = written.read().to_pylist()
    assert [{k: g[k] for k in ("id", "template", "meta", "blob")} for g in got] == table.to_pylist()
    lines = _read_jsonl(tmp_path / "out.jsonl")
    assert [{k: v for k, v in g.items() if k.startswith(P)} for g in got] == [
        {k: v for k, v in line.items() if k.startswith(P)} for line in lines
    ]


def test_a_folder_is_mirrored_and_a_rerun_writes_the_same_bytes_or_resumes(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "in" / "part").mkdir(parents=True)
    _jsonl(tmp_path / "in" / "a.jsonl", SAMPLE[:2])
    _jsonl(tmp_path / "in" / "part" / "b.json", SAMPLE[2:4])
    (tmp_path / "in" / "_SUCCESS").write_text("", encoding="utf-8")
    (tmp_path / "in" / "notes.txt").write_text("not data", encoding="utf-8")
    assert cli("dataset", "apply", str(tmp_path / "in"), str(tmp_path / "out")).exit_code == 0
    found = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*"))
    assert found == ["a.jsonl", "part", "part/b.json"]
    first = (tmp_path / "out" / "part" / "b.json").read_bytes()
    assert oct(os.stat(tmp_path / "out" / "a.jsonl").st_mode & 0o777) != "0o600"  # not mkstemp's mode
    assert cli("dataset", "apply", str(tmp_path / "in"), str(tmp_path / "out")).exit_code == 0
    assert (tmp_path / "out" / "part" / "b.json").read_bytes() == first
    (tmp_path / "out" / "a.jsonl").write_text("kept\n", encoding="utf-8")
    os.unlink(tmp_path / "out" / "part" / "b.json")
    result = cli("dataset", "apply", str(tmp_path / "in"), str(tmp_path / "out"), "--resume")
    assert result.exit_code == 0 and "1 existing output file(s) kept" in result.stderr
    assert (tmp_path / "out" / "a.jsonl").read_text(encoding="utf-8") == "kept\n"
    assert (tmp_path / "out" / "part" / "b.json").read_bytes() == first


def test_an_interrupted_run_leaves_no_output_and_no_temporary_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from cfnfix.config import Settings
    from cfnfix.dataset import RecordProcessor
    from cfnfix.dataset.local import plan, run_local

    _jsonl(tmp_path / "in.jsonl", SAMPLE * 3)
    calls = {"n": 0}
    real = RecordProcessor.process

    def stop_after_five(self, value, name=None):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] > 5:
            raise KeyboardInterrupt
        return real(self, value, name)

    monkeypatch.setattr(RecordProcessor, "process", stop_after_five)
    with pytest.raises(KeyboardInterrupt):
        run_local(
            plan(str(tmp_path / "in.jsonl"), str(tmp_path / "out.jsonl")),
            RecordProcessor(Settings()),
            column="template",
            batch_size=2,
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_errors_that_stop_the_run_exit_2_and_write_nothing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _jsonl(tmp_path / "in.jsonl", [{"template": "Resources: {}", "cfnfix_kind": "x"}])
    result = cli("dataset", "apply", str(tmp_path / "in.jsonl"), str(tmp_path / "out.jsonl"))
    assert result.exit_code == 2
    assert "already has a field 'cfnfix_kind': choose another prefix for the output (--prefix)" in result.stderr
    assert (
        cli("dataset", "apply", str(tmp_path / "in.jsonl"), str(tmp_path / "o.jsonl"), "--prefix", "fx_").exit_code == 0
    )
    (tmp_path / "arr.jsonl").write_text('[{"template": "x"}]\n', encoding="utf-8")
    for args, message in [
        (["nope.jsonl", "o.jsonl"], "nope.jsonl: no such file or directory"),
        (["arr.jsonl", "o2.jsonl"], "a JSON array, not JSON Lines"),
        (["in.jsonl", "in.jsonl"], "the output would overwrite the input"),
        (["in.jsonl", "o3.csv", "--address", "auto"], "--address is for --engine ray"),
        (["in.jsonl", "o4.jsonl", "--regions", "eu-west-1"], "--regions is for cfn-lint"),
    ]:
        result = cli("dataset", "apply", *[str(tmp_path / a) if a.endswith((".jsonl", ".csv")) else a for a in args])
        assert result.exit_code == 2 and message in result.stderr, (args, result.stderr)
    assert not list(tmp_path.glob("o[234]*")) and not list(tmp_path.glob(".*cfnfix-tmp"))


def test_parquet_without_the_column_exits_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"answer": ["Resources: {}"]}), tmp_path / "in.parquet")
    result = cli("dataset", "check", str(tmp_path / "in.parquet"), str(tmp_path / "out.parquet"))
    assert result.exit_code == 2 and "no column 'template' (columns: answer)" in result.stderr
    assert not (tmp_path / "out.parquet").exists()
    assert (
        cli("dataset", "check", str(tmp_path / "in.parquet"), str(tmp_path / "out.parquet"), "-c", "answer").exit_code
        == 0
    )


def test_cfnfix_and_its_cli_import_neither_ray_nor_pyarrow(tmp_path: Path) -> None:
    _jsonl(tmp_path / "in.jsonl", SAMPLE[:3])
    code = (
        "import sys\n"
        "import cfnfix\n"
        "from cfnfix import check, fix\n"
        "check('Resources: {}\\n'); fix('```yaml\\nResources:\\n  A B:\\n    Type: AWS::SNS::Topic\\n```\\n')\n"
        "from cfnfix.cli.app import app\n"
        f"try:\n    app(['dataset', 'apply', {str(tmp_path / 'in.jsonl')!r}, {str(tmp_path / 'out.jsonl')!r}, '-j', '1', '-q'])\n"
        "except SystemExit as exc:\n    assert exc.code in (0, None), exc.code\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('ray', 'pyarrow', 'pandas', 'numpy'))\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    assert (tmp_path / "out.jsonl").exists()


def test_sigterm_stops_a_run_without_leaving_a_file(tmp_path: Path) -> None:
    import time

    _jsonl(tmp_path / "in.jsonl", [SAMPLE[0]] * 3000)
    cfnfix = str(Path(sys.executable).with_name("cfnfix"))
    args = [cfnfix, "dataset", "apply", str(tmp_path / "in.jsonl"), str(tmp_path / "out.jsonl"), "-j", "1", "-q"]
    proc = subprocess.Popen([*args, "--batch-size", "8"], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".*cfnfix-tmp")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert list(tmp_path.glob(".*cfnfix-tmp")), "the run was writing its temporary file"
    proc.terminate()
    assert proc.wait(timeout=60) == 143
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_apply_runs_the_rules_once_per_text_and_cfn_lint_once_per_text(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The findings column is the fix loop's first check, not a check of its own: a record fixed in
    one pass has the rules run on two texts (its own, the fixed one), once each; with cfn-lint, a
    record nothing changes is linted once (cfn-lint is stubbed out here)."""
    from cfnfix import Settings, checking, fixing
    from cfnfix.cfn_lint import findings as linting
    from cfnfix.dataset import RecordProcessor

    ran: list[Any] = []
    linted: list[Any] = []
    run_rules = checking.run_rules

    def counted(document: Any, settings: Any, **kw: Any) -> Any:
        ran.append(document.data)
        return run_rules(document, settings, **kw)

    monkeypatch.setattr(checking, "run_rules", counted)
    monkeypatch.setattr(fixing, "run_rules", counted, raising=False)  # (before: the loop called findings_for)
    monkeypatch.setattr(linting, "lint_findings", lambda document, settings: linted.append(document.data) or [])
    fixed, clean, markdown = SAMPLE[0]["template"], SAMPLE[1]["template"], SAMPLE[2]["template"]
    for lint in (False, True):
        for text, texts, changed in ((fixed, 2, True), (clean, 1, False), (markdown, 2, True)):
            for mode in ("apply", "check"):
                ran.clear()
                linted.clear()
                out = RecordProcessor(Settings(cfn_lint=lint), mode).process(text)  # type: ignore[arg-type]
                assert out[P + "error"] is None and bool(json.loads(out[P + "findings"])) == (text != clean), text
                assert out.get(P + "changed", False) == (changed and mode == "apply")
                runs = texts if mode == "apply" else 1
                assert len(ran) == runs and len({json.dumps(d) for d in ran}) == runs, (mode, lint, text)
                assert len(linted) == (runs if lint else 0), (mode, lint, text)
