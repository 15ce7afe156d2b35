"""Plain correctness."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rlvr.rewards.base import RewardMethod, RolloutBatch, Scores
from rlvr.rewards.registry import register


@dataclass
class CorrectConfig:
    """No parameters: the reward is the verifier's score."""


@register
class Correct(RewardMethod):
    """Plain correctness, R = C: the verifier's (or task's) score, no length term."""

    name: ClassVar[str] = "correct"
    Config: ClassVar[type] = CorrectConfig
    source: ClassVar[str] = "outcome reward (DeepSeek-R1, Guo et al., 2025)"
    formula: ClassVar[str] = "R = C"

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        return Scores(total=batch.correct.copy(), components={"correct": batch.correct.copy()})
