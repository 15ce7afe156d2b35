"""Length z-score penalties over a group's correct responses: normalised penalty and efficiency reward."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from rlvr.rewards.base import RewardMethod, RolloutBatch, Scores
from rlvr.rewards.groups import Groups
from rlvr.rewards.methods.common import require, split
from rlvr.rewards.registry import register


def correct_length_zscore(batch: RolloutBatch, ddof: int) -> np.ndarray:
    """Each response's length z-score among its group's correct responses (0 where std is 0)."""
    groups = Groups.of(batch.group)
    length = batch.length.astype(np.float64)
    mean, std, _ = groups.masked_mean_std(length, batch.passed, ddof=ddof)
    spread = std[groups.index]
    return np.where(spread > 0, (length - mean[groups.index]) / np.where(spread > 0, spread, 1.0), 0.0)


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * values))  # overflow-free logistic


@dataclass
class NormalizedLengthConfig:
    """weight: the largest share w of the reward a long correct answer can lose."""

    weight: float = 0.4

    def __post_init__(self) -> None:
        require(0 <= self.weight <= 1, f"normalized_length: weight must be in [0, 1]; got {self.weight}")


@register
class NormalizedLength(RewardMethod):
    """Normalised length penalty (LASER paper's unified view, Liu et al., 2025, Sec. 3).

    Correct responses: C * (1 - w * sigmoid(z_i)), z_i the length z-score among the
    group's correct responses (sample std; z = 0 when they all have one length or there
    is a single one). Incorrect responses keep C.
    """

    name: ClassVar[str] = "normalized_length"
    Config: ClassVar[type] = NormalizedLengthConfig
    needs_group: ClassVar[bool] = True
    source: ClassVar[str] = "Liu et al., 2025 (LASER, arXiv 2505.15612), normalised length penalty"
    formula: ClassVar[str] = "correct: C * (1 - w * sigmoid(z)), z = length z-score among the group's correct responses"

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        if not len(batch):
            return split(batch.correct, batch.correct)
        z = correct_length_zscore(batch, ddof=1)
        total = np.where(batch.passed, batch.correct * (1.0 - self.config.weight * _sigmoid(z)), batch.correct)
        return split(batch.correct, total)


@dataclass
class EfficiencyConfig:
    """alpha: trade-off between accuracy and length (the paper sweeps 0.05..0.4)."""

    alpha: float = 0.2

    def __post_init__(self) -> None:
        require(0 <= self.alpha <= 1, f"efficiency: alpha must be in [0, 1]; got {self.alpha}")


@register
class Efficiency(RewardMethod):
    """Efficiency reward (Arora & Zanette, 2025, Training Language Models to Reason Efficiently).

    Correct responses: 1 - alpha * sigmoid((len - mean_correct) / std_correct), with mean
    and (population) std over the group's correct responses; incorrect responses get 0.
    With graded scores the bracket multiplies C.
    """

    name: ClassVar[str] = "efficiency"
    Config: ClassVar[type] = EfficiencyConfig
    needs_group: ClassVar[bool] = True
    source: ClassVar[str] = "Arora & Zanette, 2025 (arXiv 2502.04463)"
    formula: ClassVar[str] = "correct: C * (1 - alpha * sigmoid((len - mean_correct)/std_correct)); incorrect: C"

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        if not len(batch):
            return split(batch.correct, batch.correct)
        z = correct_length_zscore(batch, ddof=0)
        total = np.where(batch.passed, batch.correct * (1.0 - self.config.alpha * _sigmoid(z)), batch.correct)
        return split(batch.correct, total)
