"""Cosine length-scaling reward."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from rlvr.rewards.base import RewardMethod, RolloutBatch, Scores
from rlvr.rewards.methods.common import require, split
from rlvr.rewards.methods.truncation import over_limit
from rlvr.rewards.registry import register


@dataclass
class CosineConfig:
    """Reward at length 0 and at max_length for correct and wrong answers, and at the limit.

    margin: a response counts as over the limit once len + margin >= max_length (the
    authors' code uses 16 tokens "to ensure there are no off-by-one mistakes"); 0 makes
    exactly max_length tokens the first length over it.
    """

    max_length: int = 8192
    correct_at_0: float = 2.0
    correct_at_max: float = 1.0
    wrong_at_0: float = -10.0
    wrong_at_max: float = 0.0
    exceed_penalty: float = -10.0
    margin: int = 16

    def __post_init__(self) -> None:
        require(self.max_length > 0, f"cosine: max_length must be > 0 tokens; got {self.max_length}")
        require(
            0 <= self.margin < self.max_length,
            f"cosine: margin must be >= 0 and below max_length ({self.max_length}); got {self.margin}",
        )


def cosine_between(start: float, end: float, length: np.ndarray, max_length: float) -> np.ndarray:
    """start at length 0, end at max_length, along half a cosine."""
    progress = np.clip(length / max_length, 0.0, 1.0)
    return end + 0.5 * (start - end) * (1.0 + np.cos(np.pi * progress))


@register
class Cosine(RewardMethod):
    """Cosine reward (Yeo et al., 2025, Demystifying Long Chain-of-Thought Reasoning in LLMs).

    R = r_L + (r_0 - r_L) * (1 + cos(pi * len / L_max)) / 2 with (r_0, r_L) =
    (correct_at_0, correct_at_max) for correct answers (shorter is better) and
    (wrong_at_0, wrong_at_max) for wrong ones (longer is better: keep thinking);
    responses with len + margin >= L_max (or flagged truncated) get exceed_penalty.
    """

    name: ClassVar[str] = "cosine"
    Config: ClassVar[type] = CosineConfig
    length_term_on_incorrect: ClassVar[bool] = True
    source: ClassVar[str] = "Yeo et al., 2025 (arXiv 2502.03373)"
    formula: ClassVar[str] = (
        "R = r_L + (r_0 - r_L)(1 + cos(pi len/L_max))/2, (r_0, r_L) per correct/wrong; len + margin >= L_max: r_exceed"
    )

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        cfg = self.config
        length = batch.length.astype(np.float64)
        right = cosine_between(cfg.correct_at_0, cfg.correct_at_max, length, cfg.max_length)
        wrong = cosine_between(cfg.wrong_at_0, cfg.wrong_at_max, length, cfg.max_length)
        total = np.where(batch.passed, right, wrong)
        # over_limit counts len > limit; len + margin >= L_max is len > L_max - margin - 1
        total = np.where(over_limit(batch, cfg.max_length - cfg.margin - 1), cfg.exceed_penalty, total)
        return split(batch.correct, total)
