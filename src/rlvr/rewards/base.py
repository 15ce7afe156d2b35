"""The reward protocol shared by every shaping method and every engine adapter.

A batch holds G responses for each of several prompts, flattened, with a `group`
index per response. A method maps it to one total reward per response plus named
components (so trainers can log them). Methods that need the whole group (group
penalties, LASER-D) read `group`; per-sample methods ignore it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np


class RewardError(ValueError):
    """Bad reward input or configuration (mismatched lengths, unknown method, ...)."""


@dataclass
class RolloutBatch:
    """Flattened responses of a batch of prompts.

    correct:       C(y) per response, 1.0/0.0 (or a checker's score).
    length:        response length in tokens (never characters).
    group:         which prompt each response belongs to (equal ids = same prompt).
    token_ids:     optional token ids per response (repetition detectors need them).
    target_length: optional per-response target from the prompt (L1-style methods).
    truncated:     optional flag: generation stopped at the length limit.
    prompt_ids:    optional stable key per group (LASER-D monitors by prompt).
    """

    correct: np.ndarray
    length: np.ndarray
    group: np.ndarray
    token_ids: Sequence[Sequence[int]] | None = None
    target_length: np.ndarray | None = None
    truncated: np.ndarray | None = None
    prompt_ids: Sequence[str] | None = None

    def __post_init__(self) -> None:
        self.correct = np.asarray(self.correct, dtype=np.float64)
        self.length = np.asarray(self.length, dtype=np.int64)
        self.group = np.asarray(self.group, dtype=np.int64)
        n = self.correct.shape[0]
        if self.correct.ndim != 1 or self.length.shape != (n,) or self.group.shape != (n,):
            raise RewardError(
                f"correct, length and group must be 1-D and equally long; got {self.correct.shape}, "
                f"{self.length.shape}, {self.group.shape}"
            )
        if n and self.length.min() < 0:
            raise RewardError("response lengths must be >= 0 tokens")
        if self.target_length is not None:
            self.target_length = np.asarray(self.target_length, dtype=np.float64)
            if self.target_length.shape != (n,):
                raise RewardError("target_length must have one entry per response")
        if self.truncated is not None:
            self.truncated = np.asarray(self.truncated, dtype=bool)
            if self.truncated.shape != (n,):
                raise RewardError("truncated must have one entry per response")
        if self.token_ids is not None and len(self.token_ids) != n:
            raise RewardError("token_ids must have one entry per response")

    def __len__(self) -> int:
        return int(self.correct.shape[0])

    @classmethod
    def from_groups(cls, correct: Sequence[Sequence[float]], length: Sequence[Sequence[int]], **kw: Any) -> "RolloutBatch":
        """Build from nested lists: one inner list per prompt."""
        if len(correct) != len(length):
            raise RewardError("correct and length need the same number of groups")
        group = [g for g, row in enumerate(correct) for _ in row]
        flat_c = [c for row in correct for c in row]
        flat_l = [n for row in length for n in row]
        return cls(correct=np.array(flat_c, dtype=np.float64), length=np.array(flat_l, dtype=np.int64), group=np.array(group), **kw)


@dataclass
class Scores:
    """Rewards for a batch: `total` per response, and each named component."""

    total: np.ndarray
    components: dict[str, np.ndarray] = field(default_factory=dict)


class RewardMethod(ABC):
    """A reward-shaping method: a dataclass `Config` plus `score`.

    Stateful methods (ThinkPrune's stage, LASER-D's adaptive targets) keep their
    state on the instance; `on_step` is called by adapters once per training step
    and `monitor` with a monitoring batch when the method asks for one.
    """

    name: ClassVar[str]
    Config: ClassVar[type]
    needs_group: ClassVar[bool] = False
    source: ClassVar[str] = ""
    formula: ClassVar[str] = ""

    def __init__(self, config: Any = None, **params: Any) -> None:
        if config is not None and params:
            raise RewardError("pass either a config or keyword parameters, not both")
        try:
            self.config = config if config is not None else self.Config(**params)
        except TypeError as err:
            raise RewardError(f"{self.name}: {err}") from None

    @abstractmethod
    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        """Rewards for every response in the batch."""

    def on_step(self, step: int) -> None:  # noqa: B027 - optional hook
        """Called once per training step (stateful schedules)."""

    def wants_monitoring(self, step: int) -> bool:
        """True when the method needs a monitoring batch at this step."""
        return False

    def monitor(self, batch: RolloutBatch, step: int) -> None:  # noqa: B027 - optional hook
        """Update internal state from a monitoring batch."""

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:  # noqa: B027
        """Restore what `state_dict` returned (checkpoint resume)."""
