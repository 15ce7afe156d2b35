"""ThinkPrune: a hard token limit lowered in stages during training."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from rlvr.rewards.base import RewardError, RewardMethod, RolloutBatch, Scores
from rlvr.rewards.methods.common import require, split
from rlvr.rewards.methods.truncation import over_limit
from rlvr.rewards.registry import register


@dataclass
class ThinkPruneConfig:
    """limits[k] applies from training step stage_steps[k] on (stage_steps starts at 0, increasing)."""

    limits: tuple[int, ...] = (4096, 3072, 2048)
    stage_steps: tuple[int, ...] = (0, 100, 200)

    def __post_init__(self) -> None:
        self.limits = tuple(int(limit) for limit in self.limits)
        self.stage_steps = tuple(int(step) for step in self.stage_steps)
        require(len(self.limits) > 0, "thinkprune: limits needs at least one token limit")
        require(
            len(self.limits) == len(self.stage_steps),
            f"thinkprune: one stage step per limit; got {len(self.limits)} limits and {len(self.stage_steps)} steps",
        )
        require(all(limit > 0 for limit in self.limits), f"thinkprune: limits must be > 0 tokens; got {self.limits}")
        require(self.stage_steps[0] == 0, "thinkprune: stage_steps must start at 0 (the first limit applies from the start)")
        require(
            all(a < b for a, b in zip(self.stage_steps, self.stage_steps[1:])),
            f"thinkprune: stage_steps must increase; got {self.stage_steps}",
        )


@register
class ThinkPrune(RewardMethod):
    """ThinkPrune (Hou et al., 2025, arXiv 2504.01296): iterative length pruning.

    R = C * 1[len <= L(step)], where L(step) is the limit of the current stage
    (e.g. 4k -> 3k -> 2k). The stage follows `on_step(step)`; `score(batch, step)`
    also advances it when given a later step. The step survives `state_dict`.
    """

    name: ClassVar[str] = "thinkprune"
    Config: ClassVar[type] = ThinkPruneConfig
    stateful: ClassVar[bool] = True
    source: ClassVar[str] = "Hou et al., 2025 (ThinkPrune, arXiv 2504.01296)"
    formula: ClassVar[str] = "R = C * 1[len <= L(step)], L lowered in stages (e.g. 4096 -> 3072 -> 2048)"

    def __init__(self, config: Any = None, **params: Any) -> None:
        super().__init__(config, **params)
        self.step = 0

    def limit_at(self, step: int) -> int:
        """The token limit in force at training step `step`."""
        stage = int(np.searchsorted(np.asarray(self.config.stage_steps), step, side="right")) - 1
        return self.config.limits[max(stage, 0)]

    @property
    def limit(self) -> int:
        """The token limit in force now."""
        return self.limit_at(self.step)

    def on_step(self, step: int) -> None:
        if step < 0:
            raise RewardError(f"thinkprune: training step must be >= 0; got {step}")
        self.step = int(step)

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        if step > self.step:
            self.on_step(step)
        total = np.where(over_limit(batch, self.limit), 0.0, batch.correct)
        return split(batch.correct, total)

    def state_dict(self) -> dict[str, Any]:
        return {"step": self.step}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if "step" not in state:
            raise RewardError("thinkprune: state must hold 'step' (from state_dict())")
        self.on_step(int(state["step"]))
