"""LASER-DE: LASER-D plus an exploration bonus for long wrong answers that are not loops."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from rlvr.rewards.base import RewardError, RolloutBatch, Scores
from rlvr.rewards.methods.common import require
from rlvr.rewards.methods.laser_d import LaserD, LaserDConfig
from rlvr.rewards.registry import register
from rlvr.rewards.repetition import is_degenerate


@dataclass
class LaserDEConfig(LaserDConfig):
    """LASER-D parameters plus rlvr's loop detector, which denies the exploration bonus to degenerate loops."""

    repetition_window: int = 256
    repetition_ngram: int = 8
    repetition_threshold: float = 0.5
    method: ClassVar[str] = "laser_de"

    def __post_init__(self) -> None:
        super().__post_init__()
        require(
            self.repetition_ngram >= 1 and self.repetition_window >= 2 * self.repetition_ngram,
            "laser_de: need repetition_ngram >= 1 and repetition_window >= 2 * repetition_ngram",
        )
        require(0 < self.repetition_threshold <= 1, "laser_de: repetition_threshold must be in (0, 1]")


@register
class LaserDE(LaserD):
    """LASER-DE (Liu et al., 2025): LASER-D plus exploration of long wrong answers.

    As LASER-D, and an incorrect response longer than its bucket's target also gets
    +alpha, so the policy keeps exploring on prompts it gets wrong, unless rlvr's loop
    detector calls it degenerate: at least `repetition_threshold` of the
    `repetition_ngram`-grams in its last `repetition_window` token ids already occurred
    in that window (`rlvr.rewards.repetition`). That detector is rlvr's own, not the
    released code's check, which scans back for any 4-gram seen three times (any 8-gram
    twice) and so, as written, flags most reasoning prose; as it runs there, on tensor
    elements that compare by identity, it flags nothing. Needs `RolloutBatch.token_ids`.
    """

    name: ClassVar[str] = "laser_de"
    Config: ClassVar[type] = LaserDEConfig
    length_term_on_incorrect: ClassVar[bool] = True
    formula: ClassVar[str] = (
        "LASER-D, plus alpha * 1[wrong and len > L_T[bucket] and not repetitive]"
    )

    def _scores(self, batch: RolloutBatch) -> Scores:
        correctness, term, target = self._step_scores(batch)
        candidates = ~batch.passed & (batch.length > target)
        explore = np.zeros(len(batch))
        if candidates.any():
            if batch.token_ids is None:
                raise RewardError("laser_de needs RolloutBatch.token_ids to tell exploration from degenerate repetition")
            rows = np.flatnonzero(candidates)
            token_ids = batch.token_ids
            subset = token_ids[rows] if isinstance(token_ids, np.ndarray) else [token_ids[row] for row in rows]
            cfg = self.config
            looping = is_degenerate(
                subset, batch.length[rows], cfg.repetition_window, cfg.repetition_ngram, cfg.repetition_threshold
            )
            explore[rows[~looping]] = cfg.alpha
        components = {"correct": correctness, "length": term, "explore": explore}
        return Scores(total=correctness + term + explore, components=components)
