"""Repetition penalty: degenerate n-gram loops on token ids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from rlvr.rewards.base import RewardError, RewardMethod, RolloutBatch, Scores
from rlvr.rewards.methods.common import require
from rlvr.rewards.registry import register
from rlvr.rewards.repetition import is_degenerate


@dataclass
class RepetitionConfig:
    """penalty for a response whose last `window` tokens repeat >= threshold of their n-grams."""

    penalty: float = 0.5
    window: int = 256
    ngram: int = 8
    threshold: float = 0.5

    def __post_init__(self) -> None:
        require(self.penalty >= 0, f"repetition: penalty must be >= 0; got {self.penalty}")
        require(self.ngram >= 1 and self.window >= 2 * self.ngram, "repetition: need ngram >= 1 and window >= 2 * ngram")
        require(0 < self.threshold <= 1, f"repetition: threshold must be in (0, 1]; got {self.threshold}")


@register
class Repetition(RewardMethod):
    """Repetition penalty: degenerate loops (n-gram repetition on token ids) cost `penalty`.

    The detector is the one LASER-DE uses to deny its exploration bonus (Liu et al., 2025).
    Carries no correctness. Needs `token_ids`.
    """

    name: ClassVar[str] = "repetition"
    Config: ClassVar[type] = RepetitionConfig
    includes_correctness: ClassVar[bool] = False
    length_term_on_incorrect: ClassVar[bool] = True
    source: ClassVar[str] = "n-gram loop detector, as used by LASER-DE (Liu et al., 2025)"
    formula: ClassVar[str] = "R = -p * 1[share of repeated n-grams in the last W tokens >= threshold]"

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        if batch.token_ids is None:
            raise RewardError("repetition needs RolloutBatch.token_ids")
        cfg = self.config
        looping = is_degenerate(batch.token_ids, batch.length, cfg.window, cfg.ngram, cfg.threshold)
        penalty = np.where(looping, -cfg.penalty, 0.0)
        return Scores(total=penalty, components={"repetition": penalty})
