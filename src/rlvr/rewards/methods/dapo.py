"""DAPO soft overlong punishment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from rlvr.rewards.base import RewardMethod, RolloutBatch, Scores
from rlvr.rewards.methods.common import require, split
from rlvr.rewards.registry import register


@dataclass
class DapoOverlongConfig:
    """max_length: the generation limit L_max; cache_length: the last L_cache tokens where the penalty ramps."""

    max_length: int = 20480
    cache_length: int = 4096

    def __post_init__(self) -> None:
        require(self.cache_length > 0, f"dapo_overlong: cache_length must be > 0; got {self.cache_length}")
        require(
            self.max_length > self.cache_length,
            f"dapo_overlong: max_length ({self.max_length}) must exceed cache_length ({self.cache_length})",
        )


@register
class DapoOverlong(RewardMethod):
    """DAPO overlong reward shaping (Yu et al., 2025, arXiv 2503.14476).

    R = C + P(len), P = 0 for len <= L_max - L_cache, (L_max - L_cache - len) / L_cache
    inside the last L_cache tokens, -1 at and after L_max. Applies to every response.
    """

    name: ClassVar[str] = "dapo_overlong"
    Config: ClassVar[type] = DapoOverlongConfig
    length_term_on_incorrect: ClassVar[bool] = True
    source: ClassVar[str] = "Yu et al., 2025 (DAPO, arXiv 2503.14476)"
    formula: ClassVar[str] = "R = C + clip((L_max - L_cache - len) / L_cache, -1, 0)"

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        cfg = self.config
        free = cfg.max_length - cfg.cache_length
        penalty = np.clip((free - batch.length.astype(np.float64)) / cfg.cache_length, -1.0, 0.0)
        return split(batch.correct, batch.correct + penalty)
