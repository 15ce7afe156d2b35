"""`rlvr preselect select`: keep the `keep` share of a pool that the classifier scores highest.

Two streaming passes, so memory stays flat however large the pool: the first scores every document
(P(label 1) from the fastText classifier) and appends the scores to a temporary file (4 bytes per
document, on disk); the exact k-th highest score, k = round(keep x documents), is then found with two
65,536-bin histograms over the scores' bits (a non-negative float32 orders like its bit pattern);
the second pass writes each document whose score is above it, and those equal to it in pool order
until k are kept. The output appears whole or not at all (`rlvr.atomic`).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rlvr.atomic import AtomicFile
from rlvr.preselect.classifier import load_classifier, positive_probability
from rlvr.preselect.documents import CHUNK_ROWS, count_rows, pool_format, read_chunks
from rlvr.preselect.errors import PreselectError

Progress = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]
_BINS = 1 << 16
_READ = 1 << 20  # scores read back per step of the threshold search


@dataclass
class SelectSummary:
    """What `select_pool` did."""

    documents: int
    kept: int
    threshold: float  # the lowest score kept
    output: Path


def _no_progress(label: str, total: int) -> AbstractContextManager[Callable[[int], None]]:
    return nullcontext(lambda count=1: None)


def kth_highest(scores_file: Path, count: int, k: int) -> tuple[float, int]:
    """The k-th highest float32 in `scores_file` and how many scores are strictly above it (two histogram passes)."""
    if not 1 <= k <= count:
        raise PreselectError(f"cannot keep {k} of {count} documents")
    rank = k  # 1-based rank from the top, inside the current bin
    high_bin = 0
    for shift, prefix in ((16, None), (0, 0)):
        histogram = np.zeros(_BINS, dtype=np.int64)
        for start in range(0, count, _READ):
            bits = np.fromfile(scores_file, dtype=np.uint32, count=min(_READ, count - start), offset=4 * start)
            if prefix is not None:
                bits = bits[(bits >> 16) == high_bin]
            histogram += np.bincount((bits >> shift) & 0xFFFF, minlength=_BINS)
        above = np.cumsum(histogram[::-1])  # above[i]: scores in the top i+1 bins
        top_index = int(np.searchsorted(above, rank))  # first count of top bins reaching `rank`
        chosen = _BINS - 1 - top_index
        rank -= int(above[top_index - 1]) if top_index > 0 else 0
        if prefix is None:
            high_bin = chosen
        else:
            bits_value = (high_bin << 16) | chosen
    threshold = float(np.array([bits_value], dtype=np.uint32).view(np.float32)[0])
    strictly_above = k - rank
    return threshold, strictly_above


def select_pool(model: str | Path, docs: str | Path, keep: float, out: str | Path, *, text_field: str = "text",
                chunk_rows: int = CHUNK_ROWS, progress: Progress = _no_progress) -> SelectSummary:
    """Write the `keep` share of `docs` with the highest classifier scores to `out` (.jsonl, or .parquet for a parquet pool)."""
    if not 0 < keep <= 1:
        raise PreselectError(f"--keep must be a share of the pool in (0, 1]; got {keep}")
    kind = pool_format(docs)
    out_kind = Path(out).suffix.lower()
    if out_kind not in (".jsonl", ".parquet") or (out_kind == ".parquet" and kind != "parquet"):
        raise PreselectError(f"{out}: write a .jsonl file (or .parquet when the pool is parquet)")
    classifier = load_classifier(model)
    total = count_rows(docs)
    if total == 0:
        raise PreselectError(f"{docs}: the pool is empty; pass a file with at least one document")
    k = round(keep * total)
    if k < 1:
        raise PreselectError(f"--keep {keep} of {total} documents keeps none; raise --keep")
    target = AtomicFile(out)
    try:
        with tempfile.TemporaryDirectory(prefix="rlvr-preselect-") as folder:
            scores_file = Path(folder) / "scores.f32"
            seen = 0
            with scores_file.open("wb") as sink, progress("scoring documents", total) as advance:
                for chunk in read_chunks(docs, text_field, chunk_rows, whole_rows=False):
                    scores = np.asarray(positive_probability(classifier, chunk.texts), dtype=np.float32)
                    np.maximum(scores, 0.0, out=scores)  # the bit-order trick needs non-negative floats
                    sink.write(scores.tobytes())
                    seen += len(chunk.texts)
                    advance(len(chunk.texts))
            if seen != total:
                raise PreselectError(f"{docs} changed while it was read ({total} rows counted, {seen} scored)")
            threshold, above = kth_highest(scores_file, total, k)
            ties_left = k - above
            kept = 0
            with progress("writing selection", total) as advance, _Writer(target.temp, kind, out_kind) as writer:
                offset = 0
                for chunk in read_chunks(docs, text_field, chunk_rows, whole_rows=True):
                    size = len(chunk.texts)
                    scores = np.fromfile(scores_file, dtype=np.float32, count=size, offset=4 * offset)
                    if len(scores) != size:
                        raise PreselectError(f"{docs} changed while it was read")
                    mask = scores > threshold
                    ties = np.flatnonzero(scores == threshold)[:ties_left]
                    mask[ties] = True
                    ties_left -= len(ties)
                    writer.write(chunk, mask)
                    kept += int(mask.sum())
                    offset += size
                    advance(size)
        target.commit()
    finally:
        if not target.done:
            target.discard()
    return SelectSummary(documents=total, kept=kept, threshold=threshold, output=Path(out))


class _Writer:
    """Writes the kept rows of each chunk: JSONL lines unchanged, parquet batches filtered."""

    def __init__(self, path: Path, pool_kind: str, out_kind: str) -> None:
        self.path, self.pool_kind, self.out_kind = path, pool_kind, out_kind
        self.handle: Any = None
        self.parquet: Any = None

    def __enter__(self) -> "_Writer":
        if self.out_kind == ".jsonl":
            self.handle = self.path.open("w", encoding="utf-8")
        return self

    def write(self, chunk: Any, mask: np.ndarray) -> None:
        if self.pool_kind == "jsonl":
            self.handle.writelines(line for line, keep in zip(chunk.lines, mask) if keep)
            return
        import pyarrow as pa

        kept = chunk.batch.filter(pa.array(mask))
        if self.out_kind == ".jsonl":
            self.handle.writelines(json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in kept.to_pylist())
            return
        if self.parquet is None:
            import pyarrow.parquet as pq

            self.parquet = pq.ParquetWriter(str(self.path), chunk.batch.schema)
        self.parquet.write_batch(kept)

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if self.handle is not None:
            self.handle.close()
        if self.parquet is not None:
            self.parquet.close()
        elif self.out_kind == ".parquet" and kind is None:
            raise PreselectError("the pool had no rows to write")
