"""`rlvr preselect score`: every document's BPC under each model and its predictive strength.

Writes one JSON line per document: `id`, `text`, `bpc` (model argument -> bits per character, in
the order given) and `strength` (S in [0, 1], see `rlvr.preselect.strength`). Documents with no
text are left out (BPC needs a character) and counted in the summary.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rlvr.atomic import AtomicFile
from rlvr.preselect.documents import count_rows, read_chunks
from rlvr.preselect.errors import PreselectError
from rlvr.preselect.losses import DEFAULT_BATCH, DEFAULT_MAX_CHARS, document_bpc
from rlvr.preselect.strength import MIN_MODELS, check_abilities, predictive_strength

Progress = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]


@dataclass
class ScoreSummary:
    """What `score_pool` did: documents scored and skipped, and the spread of S."""

    documents: int
    skipped_empty: int
    mean_bpc: dict[str, float]
    strength_counts: dict[str, int]  # S rounded to 3 places -> documents
    output: Path


def parse_models(models: str | Sequence[str]) -> list[str]:
    """Model arguments from 'a,b,c' or a list; at least 3, no repeats."""
    names = [m.strip() for m in models.split(",")] if isinstance(models, str) else [str(m).strip() for m in models]
    names = [m for m in names if m]
    if len(names) < MIN_MODELS:
        raise PreselectError(f"PreSelect needs at least {MIN_MODELS} models of different ability (--models a,b,c); got {len(names)}")
    repeated = sorted({m for m in names if names.count(m) > 1})
    if repeated:
        raise PreselectError(f"model {repeated[0]!r} is listed twice; each model must appear once")
    return names


def parse_abilities(abilities: str | Sequence[float], models: int) -> np.ndarray:
    """Ability scores from '0.1,0.3,0.5' or a list, one per model."""
    if isinstance(abilities, str):
        try:
            values = [float(a) for a in abilities.split(",") if a.strip()]
        except ValueError:
            raise PreselectError(f"--abilities must be numbers separated by commas; got {abilities!r}") from None
    else:
        values = [float(a) for a in abilities]
    return check_abilities(values, models)


def _no_progress(label: str, total: int) -> AbstractContextManager[Callable[[int], None]]:
    from contextlib import nullcontext

    return nullcontext(lambda count=1: None)


def score_pool(models: str | Sequence[str], abilities: str | Sequence[float], docs: str | Path, out: str | Path, *,
               text_field: str = "text", max_chars: int = DEFAULT_MAX_CHARS, batch_size: int = DEFAULT_BATCH,
               device: str | None = None, dtype: str = "auto", progress: Progress = _no_progress) -> ScoreSummary:
    """Score every document of `docs` under each model and write `out` (JSONL); see the module docstring."""
    names = parse_models(models)
    ability = parse_abilities(abilities, len(names))
    total = count_rows(docs)
    if total == 0:
        raise PreselectError(f"{docs}: the pool is empty; pass a file with at least one document")
    ids, texts, skipped = [], [], 0
    for chunk in read_chunks(docs, text_field, whole_rows=False):
        for doc_id, text in zip(chunk.ids, chunk.texts):
            if text.strip():
                ids.append(doc_id)
                texts.append(text)
            else:
                skipped += 1
    if not texts:
        raise PreselectError(f"{docs}: every document's {text_field!r} is empty; nothing to score")
    target = AtomicFile(out)  # fail on an unwritable output before hours of scoring
    try:
        table = np.empty((len(texts), len(names)), dtype=np.float64)
        for column, name in enumerate(names):
            table[:, column] = _model_bpc(name, texts, max_chars, batch_size, device, dtype, progress)
        strength = predictive_strength(table, ability)
        with target.temp.open("w", encoding="utf-8") as handle:
            for row, (doc_id, text) in enumerate(zip(ids, texts)):
                record = {"id": doc_id, "text": text, "bpc": dict(zip(names, table[row].round(6).tolist())),
                          "strength": round(float(strength[row]), 6)}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        target.commit()
    finally:
        if not target.done:
            target.discard()
    values, counts = np.unique(strength.round(3), return_counts=True)
    return ScoreSummary(documents=len(texts), skipped_empty=skipped,
                        mean_bpc=dict(zip(names, table.mean(axis=0).round(4).tolist())),
                        strength_counts={f"{v:.3f}": int(c) for v, c in zip(values, counts)}, output=Path(out))


def _model_bpc(name: str, texts: list[str], max_chars: int, batch_size: int, device: str | None, dtype: str,
               progress: Progress) -> list[float]:
    from rlvr.models import load

    loaded = load(name, device=device, dtype=dtype)
    with progress(f"BPC under {name}", len(texts)) as advance:
        values = document_bpc(loaded.model, loaded.tokenizer, texts, max_chars=max_chars, batch_size=batch_size,
                              advance=advance)
    del loaded
    return values


def read_scores(path: str | Path) -> Iterator[dict]:
    """Rows of a scores file written by `score_pool`, each checked for `text` and `strength`."""
    source = Path(path)
    if not source.is_file():
        raise PreselectError(f"{source}: no such scores file; write one with `rlvr preselect score`")
    with source.open("r", encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise PreselectError(f"{source} line {number}: not JSON ({error.msg})") from None
            if not isinstance(row, dict) or not isinstance(row.get("text"), str) \
                    or not isinstance(row.get("strength"), (int, float)) or isinstance(row.get("strength"), bool):
                raise PreselectError(f"{source} line {number}: expected an object with a string 'text' and a numeric "
                                     "'strength' (a file written by `rlvr preselect score`)")
            yield row
