"""The LASER-D target, judged for one seed and across seeds.

Target (issue: `rlvr train`): LASER-D's held-out mean response tokens at most 0.70x plain GRPO's,
at held-out accuracy no more than 2 points lower. One seed of a 20 + 20-minute CPU comparison is a
noisy verdict: greedy accuracy on the 100 held-out sums swings by ~3 points (up to 10) between
evaluations in both halves, and plain GRPO's own length drifts anywhere from 20 to 64 tokens. So
the recipe is judged across seeds, the way RL results are reported: the pooled tokens ratio
(LASER-D's mean tokens over GRPO's, over all seeds) and the mean per-seed accuracy difference, each
with a one-sided 95% Student-t bound over seeds (paired: a seed's two halves share a start, a seed
and a problem stream). The recipe meets the target when the point estimates do, and meets it with
confidence when the bounds do too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

TOKENS_RATIO_MAX = 0.70
ACCURACY_DROP_MAX = 2.0  # points
# One-sided 95% quantiles of Student's t by degrees of freedom (1-30); beyond 30 the df-30 value,
# which errs wide. Tabulated so the benchmark needs no scipy.
T95 = (6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761,
       1.753, 1.746, 1.740, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701,
       1.699, 1.697)


def verdict(grpo: tuple[float, float], laser: tuple[float, float]) -> tuple[float, float, bool]:
    """(tokens ratio, accuracy difference in points, target met) from (accuracy, tokens) of each half."""
    pair = SeedPair(*grpo, *laser)
    return pair.ratio, pair.diff_points, pair.met


def within_target(ratio: float, diff_points: float) -> bool:
    """The target's two bounds on a tokens ratio and an accuracy difference in points."""
    # Rounded before comparing: (0.96 - 0.98) * 100 is -2.0000000000000018, and that is 2 points.
    return round(ratio, 9) <= TOKENS_RATIO_MAX and round(diff_points, 9) >= -ACCURACY_DROP_MAX


@dataclass(frozen=True)
class SeedPair:
    """Held-out figures of one seed's two halves."""

    grpo_accuracy: float
    grpo_tokens: float
    laser_accuracy: float
    laser_tokens: float

    @property
    def ratio(self) -> float:
        """LASER-D's tokens over GRPO's."""
        return self.laser_tokens / self.grpo_tokens if self.grpo_tokens else math.inf

    @property
    def diff_points(self) -> float:
        """LASER-D's accuracy minus GRPO's, in points."""
        return (self.laser_accuracy - self.grpo_accuracy) * 100

    @property
    def met(self) -> bool:
        return within_target(self.ratio, self.diff_points)


@dataclass(frozen=True)
class AcrossSeeds:
    """The target judged over several seeds."""

    seeds: int
    seeds_met: int
    mean_ratio: float
    pooled_ratio: float
    mean_diff: float
    diff_standard_error: float | None  # None for one seed: no spread to measure
    pooled_ratio_upper: float | None  # one-sided 95% t bounds; None for one seed
    mean_diff_lower: float | None

    @property
    def met(self) -> bool:
        """The point estimates are within the target."""
        return within_target(self.pooled_ratio, self.mean_diff)

    @property
    def met_confidently(self) -> bool:
        """The one-sided 95% bounds are within the target too."""
        if self.pooled_ratio_upper is None or self.mean_diff_lower is None:
            return False
        return self.met and within_target(self.pooled_ratio_upper, self.mean_diff_lower)

    @property
    def bounds_text(self) -> str:
        """The two bounds as `<= 0.62 / >= -1.6`, or `-` for one seed."""
        if self.pooled_ratio_upper is None or self.mean_diff_lower is None:
            return "-"
        ratio = "unbounded" if math.isinf(self.pooled_ratio_upper) else f"<= {self.pooled_ratio_upper:.2f}"
        return f"{ratio} / >= {self.mean_diff_lower:+.1f}"

    @property
    def label(self) -> str:
        if self.met_confidently:
            return "met (95% bounds within)"
        return "met (point estimates only)" if self.met else "not met"


def pooled_ratio(pairs: Sequence[SeedPair]) -> float:
    """LASER-D's mean tokens over GRPO's, across the seeds."""
    grpo = sum(p.grpo_tokens for p in pairs)
    return sum(p.laser_tokens for p in pairs) / grpo if grpo else float("inf")


def mean_diff(pairs: Sequence[SeedPair]) -> float:
    """Mean per-seed accuracy difference in points."""
    return sum(p.diff_points for p in pairs) / len(pairs)


def t95(degrees_of_freedom: int) -> float:
    """One-sided 95% quantile of Student's t."""
    if degrees_of_freedom < 1:
        raise ValueError("a t bound needs at least two seeds")
    return T95[min(degrees_of_freedom, len(T95)) - 1]


def _mean_and_standard_error(values: Sequence[float]) -> tuple[float, float]:
    """Mean of `values` (at least two) and its standard error."""
    n = len(values)
    mean = sum(values) / n
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1) / n)


def _mean_upper(values: Sequence[float]) -> float:
    """One-sided 95% upper bound of the mean of `values` (at least two)."""
    mean, standard_error = _mean_and_standard_error(values)
    return mean + t95(len(values) - 1) * standard_error


def pooled_ratio_upper(pairs: Sequence[SeedPair]) -> float:
    """One-sided 95% upper bound of the pooled tokens ratio (Fieller's construction).

    The pooled ratio is at most r exactly when the mean over seeds of laser_tokens - r * grpo_tokens
    is at most 0, a mean of per-seed values that the t bound covers; the bound is the smallest r at
    which that mean's upper bound reaches 0 (infinite when no r does, i.e. GRPO's tokens are too
    noisy to bound the ratio).
    """
    def upper(r: float) -> float:
        return _mean_upper([p.laser_tokens - r * p.grpo_tokens for p in pairs])

    low, high = pooled_ratio(pairs), 1.0
    while upper(high) > 0:
        # upper() is convex in r, and positive at the pooled ratio: the first root lies above it.
        high *= 2
        if high > 1e6:
            return math.inf
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if upper(mid) > 0 else (low, mid)
    return high


def across_seeds(pairs: Sequence[SeedPair]) -> AcrossSeeds:
    """Judge the target over seeds: point estimates, and one-sided 95% t bounds from two seeds on."""
    if not pairs:
        raise ValueError("no seeds to judge")
    n = len(pairs)
    diff = mean_diff(pairs)
    standard_error = ratio_upper = diff_lower = None
    if n > 1:
        _, standard_error = _mean_and_standard_error([p.diff_points for p in pairs])
        diff_lower = diff - t95(n - 1) * standard_error
        ratio_upper = pooled_ratio_upper(pairs)
    return AcrossSeeds(
        seeds=n,
        seeds_met=sum(p.met for p in pairs),
        mean_ratio=sum(p.ratio for p in pairs) / n,
        pooled_ratio=pooled_ratio(pairs),
        mean_diff=diff,
        diff_standard_error=standard_error,
        pooled_ratio_upper=ratio_upper,
        mean_diff_lower=diff_lower,
    )
