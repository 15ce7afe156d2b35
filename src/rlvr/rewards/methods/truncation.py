"""Truncation: over-long responses count as incorrect."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from rlvr.rewards.base import RewardMethod, RolloutBatch, Scores
from rlvr.rewards.methods.common import require, split
from rlvr.rewards.registry import register


@dataclass
class TruncationConfig:
    """max_length: responses longer than this many tokens (or flagged truncated) score 0."""

    max_length: int = 8192

    def __post_init__(self) -> None:
        require(self.max_length > 0, f"truncation: max_length must be > 0 tokens; got {self.max_length}")


def over_limit(batch: RolloutBatch, limit: float) -> np.ndarray:
    """Responses longer than `limit` tokens, or cut off by the generator."""
    over = batch.length > limit
    if batch.truncated is not None:
        over = over | batch.truncated
    return over


@register
class Truncation(RewardMethod):
    """Truncation (a hard length budget, as in the LASER paper's unified view, Liu et al., 2025).

    R = C * 1[len <= L_max]: a response over the budget counts as incorrect.
    """

    name: ClassVar[str] = "truncation"
    Config: ClassVar[type] = TruncationConfig
    source: ClassVar[str] = "Liu et al., 2025 (LASER, arXiv 2505.15612), truncation baseline"
    formula: ClassVar[str] = "R = C * 1[len <= L_max]"

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        total = np.where(over_limit(batch, self.config.max_length), 0.0, batch.correct)
        return split(batch.correct, total)
