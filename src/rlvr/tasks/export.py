"""Writing problems as engine datasets: verl parquet, TRL rows, or plain JSON lines."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from rlvr.atomic import AtomicFile, OutputError
from rlvr.tasks.base import Problem, TaskError, get
from rlvr.tasks.rows import to_jsonl_row, to_trl_row, to_verl_row
from rlvr.tasks.streams import dataset_notes, interleave, weighted

FORMATS = ("verl", "trl", "jsonl")
PARQUET_BATCH = 4096
FILE_TYPES = {".parquet": "parquet", ".jsonl": "jsonl", ".json": "jsonl"}


def to_row(
    problem: Problem, index: int, fmt: str, category: str, system_prompt: str | None = None, split: str = "train"
) -> dict[str, Any]:
    """One dataset row in format `fmt` (`split` is recorded in verl rows)."""
    if fmt == "verl":
        return to_verl_row(problem, index=index, system_prompt=system_prompt, category=category, split=split)
    if fmt == "trl":
        return to_trl_row(problem, system_prompt=system_prompt)
    if fmt == "jsonl":
        return to_jsonl_row(problem)
    raise TaskError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def file_type(path: Path) -> str:
    """`parquet` or `jsonl`, from the file name."""
    try:
        return FILE_TYPES[path.suffix.lower()]
    except KeyError:
        raise TaskError(f"output must end in .parquet, .jsonl or .json, got {path.name!r}") from None


def write_rows(rows: Iterable[dict[str, Any]], path: Path) -> int:
    """Write rows to `path` (parquet needs pyarrow: `pip install rlvr[data]`); returns the count.

    The file appears only when every row is written: the rows go to a temporary file beside
    `path` that is renamed at the end, so an error or Ctrl-C leaves no truncated dataset.
    `path` is checked before the first row is made (an unwritable path fails at once).
    """
    kind = file_type(path)
    with AtomicFile(path) as target:
        try:
            count = _write_jsonl(rows, target.temp) if kind == "jsonl" else _write_parquet(rows, target.temp)
        except OSError as error:
            raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
        if count == 0:
            raise TaskError("nothing to write: n must be at least 1")
    return count


def _write_jsonl(rows: Iterable[dict[str, Any]], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def _write_parquet(rows: Iterable[dict[str, Any]], path: Path) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise TaskError("writing parquet needs pyarrow: pip install 'rlvr[data]'") from None
    # Written in batches so a million-row export never holds every row in memory.
    writer = None
    count = 0
    try:
        for batch in batched(rows, PARQUET_BATCH):
            table = pa.Table.from_pylist(batch)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table.cast(writer.schema))
            count += len(batch)
    finally:
        if writer is not None:
            writer.close()
    return count


def batched(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def export(
    task_names: Sequence[str],
    n: int,
    path: str | Path,
    *,
    fmt: str = "verl",
    difficulty: int | None = None,
    seed: int = 0,
    weights: Sequence[float] | None = None,
    system_prompt: str | None = None,
    split: str = "train",
    progress: Callable[[Iterable[Problem]], Iterable[Problem]] | None = None,
    warn: Callable[[str], None] | None = None,
) -> int:
    """Write up to `n` problems from `task_names` to `path`; returns the number of rows.

    Families take turns (balanced) unless `weights` are given, in which case a seeded draw
    picks each row's family. `difficulty` None means 5 for generated families and the whole
    dataset for dataset families (math500, gsm8k, ...). A dataset family contributes each of
    its problems at most once; when it runs out the other families fill its rows, and when
    all run out fewer than `n` rows are written. Each such shortfall is passed to `warn`
    (default: `warnings.warn`). `progress` wraps the problem iterator (e.g. a progress bar).
    """
    if fmt not in FORMATS:
        raise TaskError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not task_names:
        raise TaskError("name at least one task (see `rlvr tasks list`)")
    if len(set(task_names)) != len(task_names):
        raise TaskError(f"a family is listed twice: {', '.join(task_names)}")
    if n < 1:
        raise TaskError(f"n must be at least 1, got {n}")
    if split not in ("train", "test"):
        raise TaskError(f"split must be train or test, got {split!r}")
    out = Path(path)
    file_type(out)
    tasks = [get(name) for name in task_names]
    if weights is not None:
        streams = weighted(tasks, weights, n, seed=seed, difficulty=difficulty)
    else:
        streams = interleave(tasks, n, seed=seed, difficulty=difficulty)
    problems: Iterable[Problem] = streams
    if progress is not None:
        problems = progress(problems)
    categories = {t.name: t.category for t in tasks}
    rows = (to_row(p, i, fmt, categories[p.task], system_prompt, split) for i, p in enumerate(problems))
    count = write_rows(rows, out)
    for message in dataset_notes(streams, n, count):
        (warn or _warn)(message)
    return count


def _warn(message: str) -> None:
    warnings.warn(message, stacklevel=3)
