"""JSON Lines written by Ray Data the way the local engine writes them: a row at a time.

Ray's own ``write_json`` turns each file's rows (4,096 and more: ``ROWS_PER_FILE``) into a
pandas frame and then into one JSON string before writing a byte: the write worker's memory
(PSS at the run's peak) was 283 MB for 2,000 synthetic records and 563 MB for 10,000; with
this datasink no worker but the two actors held more than 223 MB for 10,000
(``benchmarks/pipeline_bench.py --engines ray``). pandas also
writes numbers with 10 significant digits (``0.123456789012`` became ``0.123456789``) and
``/`` as ``\\/``. This datasink converts 256 rows at a time to Python objects and writes each
as one compact JSON line, as the local engine writes its added columns (numbers as read,
non-ASCII text as it is, a lone surrogate escaped).

Imported only by :func:`cfnfix.dataset.on_ray.run_ray` (it imports Ray).
"""

from __future__ import annotations

import json
from typing import Any

from ray.data.block import BlockAccessor
from ray.data.datasource.file_datasink import BlockBasedFileDatasink

__all__ = ["JsonLinesDatasink"]

#: Rows converted to Python objects at once.
SLICE = 256


def _plain(value: Any) -> Any:
    """A JSON value for what Arrow may have read from JSON text that JSON cannot hold as it is:
    dates and times (Arrow reads ISO strings as timestamps) as ISO strings, bytes as text."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    raise TypeError(f"cannot write a {type(value).__name__} as JSON")


def _line(row: dict[str, Any]) -> bytes:
    try:
        text = json.dumps(row, ensure_ascii=False, separators=(",", ":"), default=_plain)
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a \ud800 escape: escaped again
        return (json.dumps(row, separators=(",", ":"), default=_plain) + "\n").encode("utf-8")


class JsonLinesDatasink(BlockBasedFileDatasink):
    """Writes each block (a file's rows) as JSON Lines, :data:`SLICE` rows at a time."""

    def __init__(self, path: str, **kwargs: Any) -> None:
        super().__init__(path, file_format="json", **kwargs)

    def write_block_to_file(self, block: BlockAccessor, file: Any) -> None:
        """Write the rows of ``block`` to ``file``, one JSON object a line."""
        table = block.to_arrow()
        for batch in table.to_batches(max_chunksize=SLICE):
            file.write(b"".join(_line(row) for row in batch.to_pylist()))
