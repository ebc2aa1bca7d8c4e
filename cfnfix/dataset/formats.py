"""Reading and writing dataset files batch by batch: JSON Lines (standard library) and Parquet (pyarrow).

A reader yields batches of at most ``batch_size`` records and never holds more; a writer
appends the output columns to each batch and writes it before the next is read (a
Parquet row group per batch). JSON Lines output keeps each input line's bytes and appends
the new members before its closing brace, so input fields keep their exact spelling
(numbers, escapes, key order). pyarrow is imported only for Parquet.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from ..errors import CfnfixError

__all__ = [
    "FORMATS",
    "Batch",
    "DatasetError",
    "Format",
    "Reader",
    "Writer",
    "format_of",
    "open_reader",
    "open_writer",
]

Format = Literal["jsonl", "parquet"]

#: File name endings of each format (``.json`` is JSON Lines, as Ray Data and Spark write it).
FORMATS: dict[str, Format] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".parquet": "parquet"}


class DatasetError(CfnfixError):
    """A dataset cannot be read or written as asked (the run stops; no output file is left half written)."""


def format_of(path: str) -> Format | None:
    """The format a file name says (None when it says none)."""
    return FORMATS.get(os.path.splitext(path)[1].lower())


@dataclass
class Batch:
    """Consecutive records of one file: the value of the text column and of the id column of each
    (``None`` where missing), and what a writer needs to write them back."""

    texts: list[Any]
    ids: list[str | None]
    errors: list[str | None] = field(default_factory=list)
    """Per record, why it could not even be read (a JSON Lines line that is no object), else None."""
    payload: Any = None


class Reader(Protocol):
    """Batches of one input file."""

    @property
    def total(self) -> int:
        """How many records the file holds."""
        ...

    def batches(self) -> Iterator[Batch]:
        """Every batch, in order."""
        ...


class Writer(Protocol):
    """The output file of one input file, written batch by batch."""

    def write(self, batch: Batch, outputs: list[dict[str, Any]]) -> None:
        """Write ``batch``'s records with their output columns."""
        ...

    def close(self) -> None:
        """Finish the file (flushed and fsynced)."""
        ...


# --------------------------------------------------------------------------------- JSON Lines


class JsonlReader:
    """JSON Lines: one object a line; blank lines are skipped."""

    def __init__(self, path: str, column: str, id_column: str | None, batch_size: int) -> None:
        self.path, self.column, self.id_column, self.batch_size = path, column, id_column, batch_size
        try:
            with open(path, "rb") as fh:
                start = fh.read(4096).lstrip()
        except OSError as exc:
            raise DatasetError(f"cannot read: {exc.strerror or exc}", file=path) from None
        if start.startswith(b"["):
            raise DatasetError("a JSON array, not JSON Lines (one JSON object a line)", file=path)

    @property
    def total(self) -> int:
        """The records of the file (its non-blank lines)."""
        return _count_lines(self.path)

    def batches(self) -> Iterator[Batch]:
        batch = Batch([], [], [], [])
        with open(self.path, "rb") as fh:
            for number, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                self._add(batch, number, raw)
                if len(batch.texts) >= self.batch_size:
                    yield batch
                    batch = Batch([], [], [], [])
        if batch.texts:
            yield batch

    def _add(self, batch: Batch, number: int, raw: bytes) -> None:
        problem = None
        obj: Any = None
        try:
            line = raw.decode("utf-8")
            obj = json.loads(line)
        except UnicodeDecodeError:
            problem = f"line {number} is not UTF-8"
        except ValueError as exc:
            problem = f"line {number} is not JSON: {exc}"
        if problem is None and not isinstance(obj, dict):
            problem = f"line {number} is not a JSON object"
        if problem is not None:
            batch.texts.append(None)
            batch.ids.append(None)
            batch.errors.append(problem)
            batch.payload.append(None)
            return
        ident = obj.get(self.id_column) if self.id_column else None
        batch.texts.append(obj.get(self.column))
        batch.ids.append(None if ident is None else str(ident))
        batch.errors.append(None if self.column in obj else f"the record has no field {self.column!r}")
        batch.payload.append((line.rstrip(), obj))


def _count_lines(path: str) -> int:
    """Non-blank lines of a file (its records), counted without parsing."""
    count = 0
    with open(path, "rb") as fh:
        for raw in fh:
            if raw.strip():
                count += 1
    return count


class JsonlWriter:
    """JSON Lines: each input line with the output members appended before its closing brace."""

    def __init__(self, handle: Any, columns: list[str]) -> None:
        self.handle = handle
        self.columns = columns

    def write(self, batch: Batch, outputs: list[dict[str, Any]]) -> None:
        chunks = []
        for kept, out in zip(batch.payload, outputs):
            if kept is not None:
                taken = [k for k in self.columns if k in kept[1]]
                if taken:
                    raise DatasetError(
                        f"the input already has a field {taken[0]!r}: choose another prefix for the output (--prefix)"
                    )
            try:
                chunks.append(self._line(kept, out, ascii=False).encode("utf-8"))
            except UnicodeEncodeError:  # a lone surrogate from a \ud800 escape: escaped again
                chunks.append(self._line(kept, out, ascii=True).encode("utf-8"))
        self.handle.write(b"".join(chunks))

    def _line(self, kept: tuple[str, dict[str, Any]] | None, out: dict[str, Any], *, ascii: bool) -> str:
        members = ",".join(f"{json.dumps(k)}:{json.dumps(out[k], ensure_ascii=ascii)}" for k in self.columns)
        if kept is None:  # not an object: the output fields alone
            return "{" + members + "}\n"
        line, obj = kept
        return line[:-1] + ("," if obj else "") + members + "}\n"

    def close(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())


# ------------------------------------------------------------------------------------ Parquet


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise DatasetError("Parquet needs pyarrow, which is not installed: pip install 'cfnfix[dataset]'") from None
    return pyarrow


class ParquetReader:
    """Parquet: record batches of at most ``batch_size`` rows, read row group by row group."""

    def __init__(self, path: str, column: str, id_column: str | None, batch_size: int) -> None:
        pa = _pyarrow()
        self.path, self.column, self.id_column, self.batch_size = path, column, id_column, batch_size
        try:
            self.file = pa.parquet.ParquetFile(path)
        except (OSError, pa.ArrowException) as exc:
            raise DatasetError(f"cannot read Parquet: {exc}", file=path) from None
        self.schema = self.file.schema_arrow
        for name in (column, id_column):
            if name is not None and name not in self.schema.names:
                raise DatasetError(f"no column {name!r} (columns: {', '.join(self.schema.names)})", file=path)
        self.total = int(self.file.metadata.num_rows)

    def batches(self) -> Iterator[Batch]:
        for record_batch in self.file.iter_batches(batch_size=self.batch_size):
            texts = record_batch.column(self.column).to_pylist()
            ids = record_batch.column(self.id_column).to_pylist() if self.id_column else [None] * len(texts)
            yield Batch(texts, [None if i is None else str(i) for i in ids], [None] * len(texts), payload=record_batch)


class ParquetWriter:
    """Parquet: the input schema plus the output columns (strings, ``changed`` a boolean); a row group per batch."""

    def __init__(self, handle: Any, columns: list[str], schema: Any) -> None:
        pa = _pyarrow()
        self.pa = pa
        self.columns = columns
        taken = [c for c in columns if c in schema.names]
        if taken:
            raise DatasetError(
                f"the input already has a column {taken[0]!r}: choose another prefix for the output (--prefix)"
            )
        fields = [pa.field(c, pa.bool_() if c.endswith("changed") else pa.string()) for c in columns]
        self.schema = pa.schema(list(schema) + fields, metadata=schema.metadata)
        self.handle = handle
        self.writer = pa.parquet.ParquetWriter(handle, self.schema)

    def write(self, batch: Batch, outputs: list[dict[str, Any]]) -> None:
        pa = self.pa
        arrays = list(batch.payload.columns) + [
            pa.array([out[c] for out in outputs], type=self.schema.field(c).type) for c in self.columns
        ]
        self.writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=self.schema))

    def close(self) -> None:
        self.writer.close()
        self.handle.flush()
        os.fsync(self.handle.fileno())


# -------------------------------------------------------------------------------------- opening


def open_reader(path: str, fmt: Format, column: str, id_column: str | None, batch_size: int) -> Reader:
    """A reader of ``path`` in ``fmt``."""
    if fmt == "parquet":
        return ParquetReader(path, column, id_column, batch_size)
    return JsonlReader(path, column, id_column, batch_size)


def open_writer(handle: Any, fmt: Format, columns: list[str], reader: Reader) -> Writer:
    """A writer of the output of ``reader``'s file to the open binary ``handle``."""
    if fmt == "parquet":
        assert isinstance(reader, ParquetReader)
        return ParquetWriter(handle, columns, reader.schema)
    return JsonlWriter(handle, columns)
