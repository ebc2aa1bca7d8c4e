"""Datasets of templates: JSON Lines or Parquet in, the same format out, one record at a time.

Each record's text column (a template or a Markdown answer) is checked or fixed, and the
record comes out with its columns kept and the results added: findings, fixed text, RFC 6902
patch, unified diff, remaining findings and an error (the schema: docs/datasets.md). Runs
stream in bounded memory on local processes (:mod:`cfnfix.dataset.local`) or on a Ray
cluster (:mod:`cfnfix.dataset.on_ray`, extra ``cfnfix[ray]``); pyarrow (extra
``cfnfix[dataset]``) is needed for Parquet only, and neither is imported otherwise.
"""

from __future__ import annotations

from .formats import DatasetError, Format
from .records import COLUMNS, RecordProcessor, column_names

__all__ = ["COLUMNS", "DatasetError", "Format", "RecordProcessor", "column_names"]
