"""LASER: a length-based step reward with a fixed target length."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from rlvr.rewards.base import RewardMethod, RolloutBatch, Scores
from rlvr.rewards.methods.common import require, split
from rlvr.rewards.registry import register

LASER_SOURCE = "Liu et al., 2025 (LASER, arXiv 2505.15612)"
VARIANTS = ("reward", "penalty", "hybrid")


def laser_correctness(batch: RolloutBatch, correct_reward: float, wrong_reward: float) -> np.ndarray:
    """C mapped to the LASER scale: correct_reward for C = 1, wrong_reward for C = 0 (linear between)."""
    return wrong_reward + (correct_reward - wrong_reward) * batch.correct


def step_term(passed: np.ndarray, length: np.ndarray, target: np.ndarray | float, alpha: float, variant: str) -> np.ndarray:
    """The step function on correct responses: +alpha within the target, -alpha beyond it, per variant."""
    within = length <= target
    if variant == "reward":
        term = np.where(within, alpha, 0.0)
    elif variant == "penalty":
        term = np.where(within, 0.0, -alpha)
    else:
        term = np.where(within, alpha, -alpha)
    return np.where(passed, term, 0.0)


def check_laser_params(name: str, alpha: float, correct_reward: float, wrong_reward: float, variant: str) -> None:
    """Shared validation of the LASER family's parameters."""
    require(alpha >= 0, f"{name}: alpha must be >= 0; got {alpha}")
    require(correct_reward > wrong_reward, f"{name}: correct_reward must exceed wrong_reward")
    require(variant in VARIANTS, f"{name}: variant must be one of {', '.join(VARIANTS)}; got {variant!r}")


@dataclass
class LaserConfig:
    """target_length L_T in tokens; alpha the step size; correct/wrong rewards; variant reward|penalty|hybrid."""

    target_length: int = 4096
    alpha: float = 0.5
    correct_reward: float = 1.0
    wrong_reward: float = -0.5
    variant: str = "reward"

    def __post_init__(self) -> None:
        require(self.target_length > 0, f"laser: target_length must be > 0 tokens; got {self.target_length}")
        check_laser_params("laser", self.alpha, self.correct_reward, self.wrong_reward, self.variant)


@register
class Laser(RewardMethod):
    """LASER (Liu et al., 2025): length-based step reward.

    C' = +1 for correct, -0.5 for wrong (configurable). Variant `reward` (default):
    a correct response with len <= L_T gets +alpha; `penalty`: a correct response with
    len > L_T gets -alpha; `hybrid`: both. Wrong responses get no length term.
    """

    name: ClassVar[str] = "laser"
    Config: ClassVar[type] = LaserConfig
    source: ClassVar[str] = LASER_SOURCE
    formula: ClassVar[str] = "R = C' + alpha * 1[correct and len <= L_T]   (C' = +1 / -0.5; penalty/hybrid variants)"

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        cfg = self.config
        correctness = laser_correctness(batch, cfg.correct_reward, cfg.wrong_reward)
        term = step_term(batch.passed, batch.length, cfg.target_length, cfg.alpha, cfg.variant)
        return split(correctness, correctness + term)
