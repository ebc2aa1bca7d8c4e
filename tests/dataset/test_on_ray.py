"""``cfnfix dataset … --engine ray`` and :class:`cfnfix.dataset.on_ray.CfnfixBatch` on a local Ray
cluster of 2 CPUs: the same records as the local engine, in JSON Lines and Parquet.

Ray is a test dependency (the test extras install ``cfnfix[ray]``): without it this test
skips, except under ``CI=true``, where a missing Ray is a failure."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from devtools.golden_cases import discover, discover_markdown

P = "cfnfix_"

if os.environ.get("CI", "").lower() == "true":
    import ray  # noqa: F401  (CI installs the test extras: Ray must be there)
else:
    pytest.importorskip("ray", reason="needs Ray Data: pip install 'cfnfix[ray]'")


def _records() -> list[dict[str, Any]]:
    """Golden inputs (templates and Markdown answers), and two that fail."""
    cases = discover()[::5] + discover_markdown()
    rows = [{"id": c.id, "template": c.input_text(), "score": 0.123456789012, "url": "s3://b/k"} for c in cases]
    rows += [
        {"id": "broken", "template": "Resources:\n  A: [\n", "score": 1e-300, "url": "é/x"},
        {"id": "empty", "template": None, "score": 2.5, "url": ""},
    ]
    return rows


def _added(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: {k: v for k, v in r.items() if k.startswith(P)} for r in rows}


@pytest.fixture(scope="module")
def cluster():  # type: ignore[no-untyped-def]
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.mark.filterwarnings("ignore")
def test_ray_gives_what_the_local_engine_gives(cli, cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = _records()
    assert len(rows) > 30
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "in.parquet")
    local = cli(
        "dataset", "apply", str(tmp_path / "in.jsonl"), str(tmp_path / "local.jsonl"), "--id-column", "id", "-j", "1"
    )
    assert local.exit_code == 0, local.output
    expected = _added([json.loads(line) for line in (tmp_path / "local.jsonl").read_text("utf-8").splitlines()])
    assert sum(bool(v[P + "changed"]) for v in expected.values()) > 10

    for name in ("in.jsonl", "in.parquet"):
        out = tmp_path / f"ray-{name}"
        args = ["dataset", "apply", str(tmp_path / name), str(out), "--id-column", "id"]
        result = cli(*args, "--engine", "ray", "-j", "2", "--batch-size", "8", "-q")
        assert result.exit_code == 0, result.output
        if name.endswith(".parquet"):
            got = pq.read_table(out).to_pylist()
        else:
            got = [json.loads(line) for part in sorted(out.iterdir()) for line in part.read_text("utf-8").splitlines()]
        assert [g["id"] for g in got] == [r["id"] for r in rows], "Ray keeps the input's order"
        assert _added(got) == expected, name
        assert [{k: v for k, v in g.items() if not k.startswith(P)} for g in got] == rows, (
            "numbers kept (pandas wrote 0.123456789)"
        )
        if name.endswith(".jsonl"):
            text = "".join(part.read_text("utf-8") for part in out.iterdir())
            assert '"url":"s3://b/k"' in text and '"url":"é/x"' in text, "compact, text as it is (not pandas' escapes)"


def test_the_callable_class_takes_arrow_pandas_and_dict_batches() -> None:
    """What ``map_batches`` calls, called directly (no cluster needed)."""
    import pyarrow as pa

    from cfnfix.dataset.on_ray import CfnfixBatch

    batch = CfnfixBatch(column="answer", mode="check", id_column="n")
    texts = ["Resources:\n  A B:\n    Type: AWS::SNS::Topic\n", '```json\n{"Resources": {}}\n```\n']
    table = batch(pa.table({"answer": texts, "n": [1, 2]}))
    assert table.column_names == ["answer", "n", P + "kind", P + "findings", P + "error"]
    assert json.loads(table.column(P + "findings")[0].as_py())[0]["file"] == "1"
    assert table.column(P + "kind").to_pylist() == ["template", "markdown"]
    frame = batch(table.select(["answer", "n"]).to_pandas())
    assert list(frame[P + "findings"]) == table.column(P + "findings").to_pylist()
    columns = batch({"answer": list(texts), "n": [1, 2]})
    assert list(columns[P + "findings"]) == table.column(P + "findings").to_pylist()
    fixing = CfnfixBatch(column="answer", unsafe_fixes=True, select=["CFX101"])
    assert (
        fixing(pa.table({"answer": texts[:1]})).column(P + "fixed")[0].as_py()
        == "Resources:\n  AB:\n    Type: AWS::SNS::Topic\n"
    )
