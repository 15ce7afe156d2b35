"""Length z-score penalties over a group's correct responses: normalised penalty and efficiency reward."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from rlvr.rewards.base import RewardMethod, RolloutBatch, Scores
from rlvr.rewards.groups import Groups
from rlvr.rewards.methods.common import require, split
from rlvr.rewards.registry import register


SINGLE_CORRECT = ("released", "neutral")


def correct_length_zscore(batch: RolloutBatch, ddof: int, counted: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each response's length z-score among its group's counted responses (0 where std is 0), and their number.

    `counted` defaults to the correct responses.
    """
    groups = Groups.of(batch.group)
    length = batch.length.astype(np.float64)
    mask = batch.passed if counted is None else counted
    mean, std, count = groups.masked_mean_std(length, mask, ddof=ddof)
    spread = std[groups.index]
    z = np.where(spread > 0, (length - mean[groups.index]) / np.where(spread > 0, spread, 1.0), 0.0)
    return z, count[groups.index]


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * values))  # overflow-free logistic


@dataclass
class NormalizedLengthConfig:
    """weight: the largest share w of the reward a long correct answer can lose.

    single_correct: how a group's only correct response is normalised. "released" (the
    LASER code): against mean 0 and std 1, so z is its length and it loses ~w; "neutral":
    z = 0, so it loses w/2.
    """

    weight: float = 0.4
    single_correct: str = "released"

    def __post_init__(self) -> None:
        require(0 <= self.weight <= 1, f"normalized_length: weight must be in [0, 1]; got {self.weight}")
        require(
            self.single_correct in SINGLE_CORRECT,
            f"normalized_length: single_correct must be 'released' or 'neutral'; got {self.single_correct!r}",
        )


@register
class NormalizedLength(RewardMethod):
    """Normalised length penalty (LASER paper's unified view, Liu et al., 2025, Sec. 3).

    Correct responses: C * (1 - w * sigmoid(z_i)), z_i the length z-score among the
    group's correct responses (sample std; z = 0 when they all have one length). A lone
    correct response is normalised as the LASER code does, against mean 0 and std 1 (z =
    its length, so it loses ~w), or with `single_correct="neutral"` gets z = 0. Under
    GRPO's per-group std scaling the choice changes nothing for binary correctness (one
    positive score among zeros gives the same advantages at any value). Incorrect
    responses keep C.
    """

    name: ClassVar[str] = "normalized_length"
    Config: ClassVar[type] = NormalizedLengthConfig
    needs_group: ClassVar[bool] = True
    source: ClassVar[str] = "Liu et al., 2025 (LASER, arXiv 2505.15612), normalised length penalty"
    formula: ClassVar[str] = "correct: C * (1 - w * sigmoid(z)), z = length z-score among the group's correct responses"

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        if not len(batch):
            return split(batch.correct, batch.correct)
        z, count = correct_length_zscore(batch, ddof=1)
        if self.config.single_correct == "released":
            z = np.where(count == 1, batch.length.astype(np.float64), z)
        total = np.where(batch.passed, batch.correct * (1.0 - self.config.weight * _sigmoid(z)), batch.correct)
        return split(batch.correct, total)


@dataclass
class EfficiencyConfig:
    """alpha: trade-off between accuracy and length (the paper sweeps 0.05..0.4).

    zero_truncated: a response flagged `truncated` (no end-of-sequence token) scores 0 and
    is left out of the group's length statistics, as the authors' reward server does by
    default (its `--check_eos`).
    """

    alpha: float = 0.2
    zero_truncated: bool = True

    def __post_init__(self) -> None:
        require(0 <= self.alpha <= 1, f"efficiency: alpha must be in [0, 1]; got {self.alpha}")


@register
class Efficiency(RewardMethod):
    """Efficiency reward (Arora & Zanette, 2025, Training Language Models to Reason Efficiently).

    Correct responses: 1 - alpha * sigmoid((len - mean_correct) / std_correct), with mean
    and (population) std over the group's correct responses; incorrect responses get 0.
    With graded scores the bracket multiplies C. Truncated responses (no EOS) score 0 and
    do not count in the statistics (`zero_truncated`, the reference's default).
    """

    name: ClassVar[str] = "efficiency"
    Config: ClassVar[type] = EfficiencyConfig
    needs_group: ClassVar[bool] = True
    source: ClassVar[str] = "Arora & Zanette, 2025 (arXiv 2502.04463)"
    formula: ClassVar[str] = (
        "correct: C * (1 - alpha * sigmoid((len - mean_correct)/std_correct)); incorrect: C; truncated: 0"
    )

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        if not len(batch):
            return split(batch.correct, batch.correct)
        correct, passed = batch.correct, batch.passed
        if self.config.zero_truncated and batch.truncated is not None:
            correct = np.where(batch.truncated, 0.0, correct)
            passed = passed & ~batch.truncated
        z, _ = correct_length_zscore(batch, ddof=0, counted=passed)
        total = np.where(passed, correct * (1.0 - self.config.alpha * _sigmoid(z)), correct)
        return split(correct, total)
