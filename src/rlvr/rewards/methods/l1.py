"""L1: length-controlled policy optimisation with a target length from the prompt."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from rlvr.rewards.base import RewardMethod, RolloutBatch, Scores
from rlvr.rewards.methods.common import require, split, targets_from
from rlvr.rewards.registry import register

_SOURCE = "Aggarwal & Welleck, 2025 (L1, arXiv 2503.04697)"


@dataclass
class L1ExactConfig:
    """alpha: reward lost per token of distance from the target; target_length: used when the batch has none."""

    alpha: float = 0.0003
    target_length: float | None = None

    def __post_init__(self) -> None:
        require(self.alpha >= 0, f"l1_exact: alpha must be >= 0; got {self.alpha}")
        require(self.target_length is None or self.target_length >= 0, "l1_exact: target_length must be >= 0 tokens")


@register
class L1Exact(RewardMethod):
    """L1-Exact (Aggarwal & Welleck, 2025): hit the prompt's target length exactly.

    R = C - alpha * |n_target - len|, for correct and incorrect responses alike.
    """

    name: ClassVar[str] = "l1_exact"
    Config: ClassVar[type] = L1ExactConfig
    length_term_on_incorrect: ClassVar[bool] = True
    source: ClassVar[str] = _SOURCE
    formula: ClassVar[str] = "R = C - alpha * |n_target - len|"

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        target = targets_from(batch.target_length, self.config.target_length, self.name, len(batch))
        return split(batch.correct, batch.correct - self.config.alpha * np.abs(target - batch.length))


@dataclass
class L1MaxConfig:
    """alpha: slope per token; delta: reward at exactly the target; target_length: used when the batch has none.

    The default slope 0.00015 is what the authors' code applies: it computes
    (clip(alpha * (n_target - len), -1, 1) + 1) / 2 with alpha = 0.0003, i.e. the paper's
    formula with half the paper's slope. alpha=0.0003 gives the formula as printed.
    """

    alpha: float = 0.00015
    delta: float = 0.5
    target_length: float | None = None

    def __post_init__(self) -> None:
        require(self.alpha >= 0, f"l1_max: alpha must be >= 0; got {self.alpha}")
        require(0 <= self.delta <= 1, f"l1_max: delta must be in [0, 1]; got {self.delta}")
        require(self.target_length is None or self.target_length >= 0, "l1_max: target_length must be >= 0 tokens")


@register
class L1Max(RewardMethod):
    """L1-Max (Aggarwal & Welleck, 2025): stay under the prompt's target length.

    R = C * clip(alpha * (n_target - len) + delta, 0, 1): correct answers lose reward
    smoothly as they pass the budget; incorrect answers stay at C. The default alpha is
    the released code's effective slope (half the paper's 0.0003; see `L1MaxConfig`).
    """

    name: ClassVar[str] = "l1_max"
    Config: ClassVar[type] = L1MaxConfig
    source: ClassVar[str] = _SOURCE
    formula: ClassVar[str] = "R = C * clip(alpha * (n_target - len) + delta, 0, 1)"

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        target = targets_from(batch.target_length, self.config.target_length, self.name, len(batch))
        scale = np.clip(self.config.alpha * (target - batch.length) + self.config.delta, 0.0, 1.0)
        return split(batch.correct, batch.correct * scale)
