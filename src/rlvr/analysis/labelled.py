"""The labelled behaviour snippets shipped with rlvr, and precision/recall of any labeller on them.

`data/behaviours.jsonl`: one object per line, {"id", "split", "text", "labels"}, where
`labels` lists the behaviours (names in `rlvr.analysis.behaviours.BEHAVIOURS`) the snippet
shows and `split` is "dev" (used while writing the rules) or "heldout" (only for reporting).
Look-alikes ("let me check the weather", "first, the sun is a star") carry no label.

Precision = TP / (TP + FP), recall = TP / (TP + FN), per behaviour (undefined -> NaN).
Agreement between two labellers: percent agreement and Cohen's kappa,
kappa = (p_o - p_e) / (1 - p_e) (Cohen 1960), per behaviour over the same snippets.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources

from rlvr.analysis.behaviours import BEHAVIOURS
from rlvr.analysis.errors import AnalysisError

SPLITS = ("dev", "heldout")


@dataclass(frozen=True)
class Snippet:
    """One labelled snippet: `labels` holds the behaviours it shows (empty for look-alikes)."""

    id: str
    split: str
    text: str
    labels: frozenset[str]


def load_snippets(split: str | None = None) -> list[Snippet]:
    """The shipped snippets, all or one split ("dev" or "heldout")."""
    if split is not None and split not in SPLITS:
        raise AnalysisError(f"split must be one of {', '.join(SPLITS)}; got {split!r}")
    text = resources.files("rlvr.analysis").joinpath("data/behaviours.jsonl").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    snippets = [Snippet(r["id"], r["split"], r["text"], frozenset(r["labels"])) for r in rows]
    return [s for s in snippets if split is None or s.split == split]


@dataclass(frozen=True)
class Score:
    """Precision and recall of one behaviour, with the counts behind them."""

    precision: float
    recall: float
    support: int  # snippets labelled with the behaviour
    tp: int
    fp: int
    fn: int


def score(snippets: Sequence[Snippet], predict: Callable[[str], dict[str, bool]]) -> dict[str, Score]:
    """Precision and recall of `predict` (text -> {behaviour: bool}) per behaviour."""
    predictions = [predict(s.text) for s in snippets]
    out = {}
    for name in BEHAVIOURS:
        tp = sum(1 for s, p in zip(snippets, predictions, strict=True) if p[name] and name in s.labels)
        fp = sum(1 for s, p in zip(snippets, predictions, strict=True) if p[name] and name not in s.labels)
        fn = sum(1 for s, p in zip(snippets, predictions, strict=True) if not p[name] and name in s.labels)
        out[name] = Score(tp / (tp + fp) if tp + fp else math.nan, tp / (tp + fn) if tp + fn else math.nan, tp + fn, tp, fp, fn)
    return out


def cohen_kappa(a: Sequence[bool], b: Sequence[bool]) -> tuple[float, float]:
    """(percent agreement, Cohen's kappa) of two binary labellings; kappa is NaN when p_e = 1."""
    if len(a) != len(b) or not a:
        raise AnalysisError(f"agreement needs two equally long, non-empty labellings; got {len(a)} and {len(b)}")
    n = len(a)
    p_o = sum(1 for x, y in zip(a, b, strict=True) if bool(x) == bool(y)) / n
    pa, pb = sum(map(bool, a)) / n, sum(map(bool, b)) / n
    p_e = pa * pb + (1 - pa) * (1 - pb)
    return p_o, (p_o - p_e) / (1 - p_e) if p_e < 1 else math.nan
