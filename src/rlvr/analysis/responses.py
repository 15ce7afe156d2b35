"""Response-level metrics: length in tokens and whether a final answer could be found."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from rlvr.analysis.errors import AnalysisError
from rlvr.verify.verdict import Reason, Verdict

# Reasons that mean the response had no usable final answer: a format failure,
# as opposed to a wrong answer in the right format.
FORMAT_FAILURES = frozenset({Reason.NO_ANSWER, Reason.INVALID_FORMAT, Reason.HEDGED})


@dataclass(frozen=True)
class LengthStats:
    """Summary of response lengths in tokens; `truncated_rate` is the share cut off at the limit."""

    count: int
    mean: float
    median: float
    p90: float
    max: int
    truncated_rate: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def length_stats(lengths: Sequence[int], truncated: Sequence[bool] | None = None) -> LengthStats:
    """Mean, median, 90th percentile and max of token lengths, plus the truncated share."""
    values = np.asarray(list(lengths), dtype=np.int64)
    if values.ndim != 1 or values.size == 0:
        raise AnalysisError("length_stats needs a non-empty list of token counts")
    if values.min() < 0:
        raise AnalysisError("token counts must be >= 0")
    if truncated is not None and len(truncated) != values.size:
        raise AnalysisError(f"truncated needs one flag per response; got {len(truncated)} for {values.size}")
    cut = float(np.mean(np.asarray(truncated, dtype=bool))) if truncated is not None else 0.0
    return LengthStats(
        count=int(values.size),
        mean=float(values.mean()),
        median=float(np.median(values)),
        p90=float(np.percentile(values, 90)),
        max=int(values.max()),
        truncated_rate=cut,
    )


def has_final_answer(verdict: Verdict) -> bool:
    """True when the checker found a final answer (right or wrong) in the response."""
    return verdict.reason not in FORMAT_FAILURES


def format_rate(verdicts: Iterable[Verdict]) -> float:
    """Share of responses whose final answer could be extracted."""
    flags = [has_final_answer(v) for v in verdicts]
    if not flags:
        raise AnalysisError("format_rate of no responses is undefined")
    return float(np.mean(flags))


def accuracy(verdicts: Iterable[Verdict]) -> float:
    """Mean verdict score (1/0 for exact checkers, partial credit where a checker gives it)."""
    scores = [v.score for v in verdicts]
    if not scores:
        raise AnalysisError("accuracy of no responses is undefined")
    return float(np.mean(scores))
