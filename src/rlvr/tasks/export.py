"""Writing problems as engine datasets: verl parquet, TRL rows, or plain JSON lines."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from rlvr.tasks.base import Problem, Task, TaskError, get
from rlvr.tasks.mixture import Mixture
from rlvr.tasks.rows import to_jsonl_row, to_trl_row, to_verl_row

FORMATS = ("verl", "trl", "jsonl")
PARQUET_BATCH = 4096
FILE_TYPES = {".parquet": "parquet", ".jsonl": "jsonl", ".json": "jsonl"}


def interleave(tasks: Sequence[Task], n: int, seed: int, difficulty: int) -> Iterator[Problem]:
    """`n` problems taking the families in turn: row i is item i // k of family i % k."""
    for i in range(n):
        task = tasks[i % len(tasks)]
        yield task.problem(i // len(tasks), seed=seed, difficulty=difficulty)


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
    """Write rows to `path` (parquet needs pyarrow: `pip install rlvr[data]`); returns the count."""
    kind = file_type(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "jsonl":
        count = 0
        with path.open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
        return count
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
    if count == 0:
        raise TaskError("nothing to write: n must be at least 1")
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
    difficulty: int = 5,
    seed: int = 0,
    weights: Sequence[float] | None = None,
    system_prompt: str | None = None,
    split: str = "train",
    progress: Any = None,
) -> int:
    """Write `n` problems from `task_names` to `path`; returns the number of rows.

    Families take turns (balanced) unless `weights` are given, in which case a seeded
    `Mixture` draws each row. `progress` wraps the row iterator (e.g. a rich track).
    """
    if fmt not in FORMATS:
        raise TaskError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not task_names:
        raise TaskError("name at least one task (see `rlvr tasks list`)")
    if n < 1:
        raise TaskError(f"n must be at least 1, got {n}")
    if split not in ("train", "test"):
        raise TaskError(f"split must be train or test, got {split!r}")
    out = Path(path)
    file_type(out)
    tasks = [get(name) for name in task_names]
    for task in tasks:
        task.resolved_config(difficulty)
    if weights is not None:
        problems: Iterable[Problem] = Mixture(tasks, weights, seed=seed, difficulty=difficulty).generate(n)
    else:
        problems = interleave(tasks, n, seed, difficulty)
    if progress is not None:
        problems = progress(problems)
    categories = {t.name: t.category for t in tasks}
    rows = (to_row(p, i, fmt, categories[p.task], system_prompt, split) for i, p in enumerate(problems))
    return write_rows(rows, out)
