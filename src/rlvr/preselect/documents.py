"""Document pools: JSONL or parquet files read in chunks, so memory does not grow with the pool.

A pool is `.jsonl` (one JSON object per line) or `.parquet` (read with pyarrow). Each row has a
text field (`text` unless told otherwise) and optionally an `id`; rows without an id are named
by their position. Bad rows stop the read with a `PreselectError` that names the line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rlvr.preselect.errors import PreselectError

CHUNK_ROWS = 8192
FORMATS = {".jsonl": "jsonl", ".parquet": "parquet"}


@dataclass
class Chunk:
    """Consecutive rows of a pool: their texts, ids, and the rows themselves for writing back."""

    start: int  # position of the first row in the pool
    texts: list[str]
    ids: list[Any]
    lines: list[str] = field(default_factory=list)  # JSONL: the original lines, written back unchanged
    batch: Any = None  # parquet: the pyarrow RecordBatch


def pool_format(path: str | Path) -> str:
    """'jsonl' or 'parquet' from the file's suffix; refuses anything else and missing files."""
    target = Path(path)
    kind = FORMATS.get(target.suffix.lower())
    if kind is None:
        raise PreselectError(f"{target}: a pool must be a .jsonl or .parquet file")
    if not target.is_file():
        raise PreselectError(f"{target}: no such file")
    return kind


def count_rows(path: str | Path) -> int:
    """Rows in the pool (non-blank lines of a JSONL file; the row count in a parquet footer)."""
    target = Path(path)
    if pool_format(target) == "parquet":
        return _parquet_file(target).metadata.num_rows
    count = 0
    with target.open("rb") as handle:
        for line in handle:
            if line.strip():
                count += 1
    return count


def read_chunks(path: str | Path, text_field: str = "text", chunk_rows: int = CHUNK_ROWS,
                whole_rows: bool = True) -> Iterator[Chunk]:
    """The pool in chunks of up to `chunk_rows` rows; `whole_rows=False` reads only the text (and id) of parquet rows."""
    target = Path(path)
    if pool_format(target) == "parquet":
        yield from _parquet_chunks(target, text_field, chunk_rows, whole_rows)
    else:
        yield from _jsonl_chunks(target, text_field, chunk_rows)


def _jsonl_chunks(path: Path, text_field: str, chunk_rows: int) -> Iterator[Chunk]:
    chunk = Chunk(start=0, texts=[], ids=[])
    position = 0
    with path.open("r", encoding="utf-8", errors="strict") as handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as error:
                    raise PreselectError(f"{path} line {number}: not JSON ({error.msg})") from None
                chunk.texts.append(_text_of(row, text_field, f"{path} line {number}"))
                chunk.ids.append(row.get("id", position))
                chunk.lines.append(line if line.endswith("\n") else line + "\n")
                position += 1
                if len(chunk.texts) >= chunk_rows:
                    yield chunk
                    chunk = Chunk(start=position, texts=[], ids=[])
        except UnicodeDecodeError:
            raise PreselectError(f"{path}: not UTF-8 text") from None
    if chunk.texts:
        yield chunk


def _text_of(row: Any, text_field: str, where: str) -> str:
    if not isinstance(row, dict):
        raise PreselectError(f"{where}: expected a JSON object with a {text_field!r} field")
    text = row.get(text_field)
    if not isinstance(text, str):
        found = "missing" if text_field not in row else f"a {type(text).__name__}"
        raise PreselectError(f"{where}: the {text_field!r} field must be a string; it is {found} "
                             f"(pick the field with --text-field)")
    return text


def _parquet_file(path: Path) -> Any:
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises ArrowInvalid, OSError, ... for a damaged file
        raise PreselectError(f"{path}: not a readable parquet file ({error})") from None


def _parquet_chunks(path: Path, text_field: str, chunk_rows: int, whole_rows: bool) -> Iterator[Chunk]:
    source = _parquet_file(path)
    names = source.schema_arrow.names
    if text_field not in names:
        raise PreselectError(f"{path}: no {text_field!r} column (columns: {', '.join(names)}); "
                             "pick the text column with --text-field")
    columns = None if whole_rows else [text_field] + (["id"] if "id" in names else [])
    position = 0
    try:
        for batch in source.iter_batches(batch_size=chunk_rows, columns=columns):
            texts = batch.column(text_field).to_pylist()
            for offset, text in enumerate(texts):
                if not isinstance(text, str):
                    raise PreselectError(f"{path} row {position + offset}: the {text_field!r} value must be a string; "
                                         f"it is {type(text).__name__}")
            ids = batch.column("id").to_pylist() if "id" in batch.schema.names else list(range(position, position + len(texts)))
            yield Chunk(start=position, texts=texts, ids=ids, batch=batch)
            position += len(texts)
    except PreselectError:
        raise
    except (OSError, ValueError) as error:  # ArrowIOError, ArrowInvalid
        raise PreselectError(f"{path}: cannot read the parquet file ({error})") from None
