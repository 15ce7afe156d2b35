"""Length distribution, clip ratio and policy entropy of a step's samples.

- clip ratio: share of responses cut off at the generation limit (`truncated`, or
  length >= `max_length` when the limit is known), as SimpleRL-Zoo's `response_length/clip_ratio`
  (length == max response length).
- entropy: the policy's per-token entropy on its own samples, estimated from the per-token
  log-probabilities of the sampled tokens: H_hat = -(1/T) * sum_t log pi(y_t | y_<t), over all
  T sampled tokens of the step. Since y_t ~ pi(.|y_<t), E[-log pi(y_t|y_<t)] is the entropy of
  the next-token distribution at that state, so H_hat is an unbiased Monte-Carlo estimate of the
  mean per-token entropy over visited states (in nats). It needs only the sampled tokens'
  log-probs (what engines return), not full distributions; it is noisier than the exact
  sum over the vocabulary that verl/TRL compute from logits, and equal to it in expectation.
  Sampling temperature/top-p change pi: pass the log-probs of the distribution actually sampled.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rlvr.analysis.errors import AnalysisError


def clip_ratio(lengths: Sequence[int], max_length: int | None = None, truncated: Sequence[bool] | None = None) -> float:
    """Share of responses that hit the length limit (explicit `truncated` flags win)."""
    if not lengths:
        raise AnalysisError("clip ratio of no responses is undefined")
    if truncated is not None:
        if len(truncated) != len(lengths):
            raise AnalysisError(f"truncated needs one flag per response; got {len(truncated)} for {len(lengths)}")
        return sum(map(bool, truncated)) / len(lengths)
    if max_length is None:
        raise AnalysisError("clip ratio needs truncated flags or max_length")
    return sum(1 for n in lengths if n >= max_length) / len(lengths)


def sample_entropy(logprobs: Sequence[Sequence[float]]) -> float:
    """Monte-Carlo per-token entropy (nats) from the sampled tokens' log-probs, one list per response."""
    total, tokens = 0.0, 0
    for row in logprobs:
        for value in row:
            v = float(value)
            if not math.isfinite(v) or v > 1e-6:
                raise AnalysisError(f"log-probabilities must be finite and <= 0; got {value!r}")
            total -= v
            tokens += 1
    if not tokens:
        raise AnalysisError("entropy needs at least one token log-probability")
    return total / tokens


def length_histogram(lengths: Sequence[int], bins: int = 10) -> list[tuple[int, int, int]]:
    """(low, high, count) buckets of equal width over [min, max] (high exclusive, last inclusive)."""
    if not lengths or bins < 1:
        raise AnalysisError("length histogram needs lengths and bins >= 1")
    low, high = min(lengths), max(lengths)
    width = max(1, math.ceil((high - low + 1) / bins))
    counts = [0] * bins
    for n in lengths:
        counts[min((n - low) // width, bins - 1)] += 1
    return [(low + i * width, low + (i + 1) * width, c) for i, c in enumerate(counts)]
