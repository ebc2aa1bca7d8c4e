"""Datasets on a Ray cluster (extra ``cfnfix[ray]``): Ray Data reads, runs cfnfix in actors, writes.

Two entry points:

* :class:`CfnfixBatch`, a callable class for ``Dataset.map_batches`` in a pipeline of your own::

      import ray
      from cfnfix.dataset.on_ray import CfnfixBatch

      ds = ray.data.read_parquet("s3://bucket/answers/")
      ds = ds.map_batches(CfnfixBatch, fn_constructor_kwargs={"column": "answer"},
                          batch_format="pyarrow", compute=ray.data.ActorPoolStrategy(size=8))
      ds.write_parquet("s3://bucket/answers-fixed/")

  Each actor builds it once: the rules, their data tables and (with ``cfn_lint=True``)
  cfn-lint's rules are loaded in ``__init__`` and reused for every batch; resource schemas
  are read on first use and kept for the actor's life.
* :func:`run_ray`, what ``cfnfix dataset … --engine ray`` runs: the same job as the local
  engine, read and written by Ray Data (any filesystem it supports: local paths, ``s3://``,
  ``gs://``, ``abfs://`` …); the output is a folder of part files, replaced as a whole.

Nothing here is imported unless one of them is used; ``import cfnfix`` never imports Ray.
"""

from __future__ import annotations

import os
from typing import Any

from ..config import Settings
from .formats import DatasetError, Format
from .records import Kind, Mode, RecordProcessor

__all__ = ["CfnfixBatch", "require_ray", "run_ray"]

#: Records per output file at least (Ray writes a part file per block otherwise).
ROWS_PER_FILE = 4096

#: CPUs a read or write task asks Ray for: several fit beside the actors in the one CPU they leave.
IO_CPUS = 0.25

#: What to install when Ray is missing.
EXTRA = "pip install 'cfnfix[ray]'"


def require_ray() -> Any:
    """The ``ray`` module with Ray Data, or a :class:`DatasetError` naming the extra."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise DatasetError(f"--engine ray needs Ray Data, which is not installed: {EXTRA}") from None
    return ray


class CfnfixBatch:
    """Check or fix the text column of each record of a batch (for ``Dataset.map_batches``).

    ``column`` holds a template or a Markdown answer per record. ``mode`` is ``"apply"``
    (findings, fixed text, patch, diff, remaining findings, error) or ``"check"``
    (findings, error); the columns are added with ``prefix`` (docs/datasets.md). Settings
    come from ``settings`` (a :class:`~cfnfix.Settings`), else from the configuration file
    ``config``, else the defaults, with ``unsafe_fixes``, ``select``, ``ignore`` and
    ``cfn_lint`` on top. Batches may be pyarrow tables (``batch_format="pyarrow"``,
    the cheapest), pandas data frames or dicts of columns; the same kind comes back.
    """

    def __init__(
        self,
        column: str = "template",
        *,
        mode: Mode = "apply",
        id_column: str | None = None,
        prefix: str = "cfnfix_",
        kind: Kind = "auto",
        settings: Settings | None = None,
        config: str | None = None,
        unsafe_fixes: bool = False,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        cfn_lint: bool = False,
    ) -> None:
        from ..api import make_settings, resolve_config

        base = settings if settings is not None else resolve_config(config, None)
        resolved = make_settings(base, select=select, ignore=ignore, unsafe=True if unsafe_fixes else None)
        if cfn_lint:
            resolved = resolved.model_copy(update={"cfn_lint": True})
        self.column = column
        self.id_column = id_column
        self.processor = RecordProcessor(resolved, mode, kind, prefix)
        _warm(resolved)

    def __call__(self, batch: Any) -> Any:
        """``batch`` with the output columns added."""
        texts, ids = self._columns(batch)
        outputs = [self.processor.process(text, name) for text, name in zip(texts, ids)]
        columns = {c: [out[c] for out in outputs] for c in self.processor.columns}
        return _with_columns(batch, columns)

    def _columns(self, batch: Any) -> tuple[list[Any], list[str | None]]:
        names = _names(batch)
        if self.column not in names:
            raise DatasetError(f"no column {self.column!r} (columns: {', '.join(names)})")
        taken = [c for c in self.processor.columns if c in names]
        if taken:
            raise DatasetError(f"the input already has a column {taken[0]!r}: choose another prefix")
        texts = _values(batch, self.column)
        if self.id_column is None:
            return texts, [None] * len(texts)
        if self.id_column not in names:
            raise DatasetError(f"no column {self.id_column!r} (columns: {', '.join(names)})")
        return texts, [None if i is None else str(i) for i in _values(batch, self.id_column)]


def _warm(settings: Settings) -> None:
    """Load once per actor what every record needs: the rules with their tables, cfn-lint's rules."""
    from ..rules import all_rules

    all_rules()
    if settings.cfn_lint:
        from ..cfn_lint.runner import preload

        preload(tuple(settings.cfn_lint_regions))


def _names(batch: Any) -> list[str]:
    if isinstance(batch, dict):
        return list(batch)
    if hasattr(batch, "column_names"):  # pyarrow.Table / RecordBatch
        return list(batch.column_names)
    return [str(c) for c in batch.columns]  # pandas.DataFrame


def _values(batch: Any, name: str) -> list[Any]:
    column = batch[name]
    if hasattr(column, "to_pylist"):
        return list(column.to_pylist())
    if hasattr(column, "tolist"):
        return list(column.tolist())
    return list(column)


def _with_columns(batch: Any, columns: dict[str, list[Any]]) -> Any:
    if isinstance(batch, dict):
        import numpy as np

        out = dict(batch)
        for name, values in columns.items():
            out[name] = np.array(values, dtype=object)
        return out
    if hasattr(batch, "append_column"):  # pyarrow.Table
        import pyarrow as pa

        for name, values in columns.items():
            batch = batch.append_column(
                name, pa.array(values, type=pa.bool_() if name.endswith("changed") else pa.string())
            )
        return batch
    out = batch.copy()  # pandas.DataFrame
    for name, values in columns.items():
        out[name] = values
    return out


def _cause(exc: BaseException) -> str:
    """The last ``SomeError: message`` line of a Ray error's text (else its first line)."""
    import re

    lines = str(exc).strip().splitlines()
    found = [line.strip() for line in lines if re.match(r"\s*[\w.]*(?:Error|Exception): ", line)]
    return found[-1] if found else (lines[0] if lines else type(exc).__name__)


def run_ray(
    source: str,
    target: str,
    processor: RecordProcessor,
    *,
    column: str,
    fmt: Format,
    id_column: str | None = None,
    address: str | None = None,
    workers: int = 0,
    batch_size: int = 256,
    progress: bool = False,
) -> None:
    """The dataset job on Ray: read ``source`` (a file or folder, any filesystem Ray Data reads),
    add the output columns in ``workers`` actors, write the folder ``target`` (replaced).

    ``address``: the cluster (``auto``: the one running on this machine); without it,
    ``RAY_ADDRESS`` if set, else a local cluster of ``workers`` CPUs (0: all, 2 at least).
    ``workers`` actors (0: one per CPU of the cluster) share all CPUs but one.
    """
    ray = require_ray()
    import logging
    import warnings

    from ray.data import ActorPoolStrategy, DataContext, SaveMode

    started_here = not ray.is_initialized()
    if started_here:
        options: dict[str, Any] = {"log_to_driver": False, "include_dashboard": False, "logging_level": logging.WARNING}
        if address is not None:
            options["address"] = address
        elif not os.environ.get("RAY_ADDRESS"):
            options["num_cpus"] = max(2, workers or os.cpu_count() or 1)
        ray.init(**options)
    try:
        logging.getLogger("ray.data").setLevel(logging.WARNING if not progress else logging.INFO)
        ctx = DataContext.get_current()
        ctx.enable_progress_bars = progress
        ctx.execution_options.preserve_order = True  # the output in the input's order: the same bytes on a rerun
        cpus = float(ray.cluster_resources().get("CPU", 0))
        if cpus < 2:
            raise DatasetError(f"the Ray cluster has {cpus:g} CPU: it needs 2 at least (one for reading and writing)")
        size = workers or int(cpus)
        # Ray counts CPUs, not load: the actors together take all but one, which the read and
        # write tasks share (IO_CPUS each). A task holds its CPU while it waits: a read of one
        # large file waits for the actors to take its blocks, so no other step may need a whole
        # CPU then (a streaming repartition did: 100,000 records in one file stalled).
        per_actor = min(1.0, (cpus - 1) / size)
        if fmt == "parquet":
            ds = ray.data.read_parquet(source, num_cpus=IO_CPUS)
        else:
            ds = ray.data.read_json(source, lines=True, file_extensions=["json", "jsonl", "ndjson"], num_cpus=IO_CPUS)
        ds = ds.map_batches(
            CfnfixBatch,
            fn_constructor_kwargs={
                "column": column,
                "mode": processor.mode,
                "id_column": id_column,
                "prefix": processor.prefix,
                "kind": processor.kind,
                "settings": processor.settings,
            },
            batch_format="pyarrow",
            batch_size=batch_size,
            compute=ActorPoolStrategy(size=size),
            num_cpus=per_actor,
            udf_modifying_row_count=False,
        )
        with warnings.catch_warnings():  # Ray's advice on tuning (one block, few actors …) is not for the user
            warnings.simplefilter("ignore")
            io = {"num_cpus": IO_CPUS}
            if fmt == "parquet":
                ds.write_parquet(target, mode=SaveMode.OVERWRITE, min_rows_per_file=ROWS_PER_FILE, ray_remote_args=io)
            else:  # not write_json: it goes through pandas (memory, rounded numbers): see ray_jsonl
                from .ray_jsonl import JsonLinesDatasink

                sink = JsonLinesDatasink(target, mode=SaveMode.OVERWRITE, min_rows_per_file=ROWS_PER_FILE)
                ds.write_datasink(sink, ray_remote_args=io)
    except DatasetError:
        raise
    except Exception as exc:  # Ray wraps the worker's error in a traceback: report the error's own line
        raise DatasetError(f"the Ray job failed: {_cause(exc)}") from None
    finally:
        if started_here:
            ray.shutdown()
