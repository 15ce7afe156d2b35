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
    """Repetition penalty: degenerate loops on token ids cost `penalty`.

    rlvr's own loop detector (`rlvr.rewards.repetition`): a response is degenerate when at
    least `threshold` of the `ngram`-grams in its last `window` token ids already occurred
    in that window; a loop of period p over W tokens repeats about 1 - p/W of them, varied
    reasoning few. rlvr's `laser_de` uses the same detector; it is not the check of the
    LASER authors' code (see docs/rewards.md). Carries no correctness. Needs `token_ids`.
    """

    name: ClassVar[str] = "repetition"
    Config: ClassVar[type] = RepetitionConfig
    includes_correctness: ClassVar[bool] = False
    length_term_on_incorrect: ClassVar[bool] = True
    source: ClassVar[str] = "rlvr's n-gram loop detector on the response tail (also gates rlvr's laser_de)"
    formula: ClassVar[str] = "R = -p * 1[share of repeated n-grams in the last W tokens >= threshold]"

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        if batch.token_ids is None:
            raise RewardError("repetition needs RolloutBatch.token_ids")
        cfg = self.config
        looping = is_degenerate(batch.token_ids, batch.length, cfg.window, cfg.ngram, cfg.threshold)
        penalty = np.where(looping, -cfg.penalty, 0.0)
        return Scores(total=penalty, components={"repetition": penalty})
