"""Kimi k1.5 group length penalty."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from rlvr.rewards.base import RewardMethod, RolloutBatch, Scores
from rlvr.rewards.groups import Groups
from rlvr.rewards.methods.common import require, split
from rlvr.rewards.registry import register


@dataclass
class GroupPenaltyConfig:
    """weight: scale w of the length term (0.4 as in the LASER code)."""

    weight: float = 0.4

    def __post_init__(self) -> None:
        require(self.weight >= 0, f"group_penalty: weight must be >= 0; got {self.weight}")


@register
class GroupPenalty(RewardMethod):
    """Group-based length penalty (Kimi Team, 2025, Kimi k1.5, arXiv 2501.12599).

    lambda_i = 0.5 - (len_i - min_len) / (max_len - min_len) over the prompt's group
    (0 when every length is equal). Correct: C + w * lambda_i; incorrect:
    C + w * min(0, lambda_i), so wrong answers are never rewarded for being short.
    """

    name: ClassVar[str] = "group_penalty"
    Config: ClassVar[type] = GroupPenaltyConfig
    needs_group: ClassVar[bool] = True
    length_term_on_incorrect: ClassVar[bool] = True
    source: ClassVar[str] = "Kimi Team, 2025 (Kimi k1.5, arXiv 2501.12599)"
    formula: ClassVar[str] = (
        "lambda = 0.5 - (len - min_len)/(max_len - min_len) over the group; "
        "correct: C + w*lambda; incorrect: C + w*min(0, lambda)"
    )

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        if not len(batch):
            return split(batch.correct, batch.correct)
        groups = Groups.of(batch.group)
        length = batch.length.astype(np.float64)
        low = groups.min(length)[groups.index]
        high = groups.max(length)[groups.index]
        spread = high - low
        lam = np.where(spread > 0, 0.5 - (length - low) / np.where(spread > 0, spread, 1.0), 0.0)
        term = np.where(batch.passed, lam, np.minimum(lam, 0.0))
        return split(batch.correct, batch.correct + self.config.weight * term)
