"""`Combined`: a weighted sum of reward methods that keeps every component for logging."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from rlvr.rewards.base import RewardError, RewardMethod, RolloutBatch, Scores
from rlvr.rewards.registry import get

Member = tuple[str | RewardMethod, float] | tuple[str | RewardMethod, float, Mapping[str, Any]]


class Combined(RewardMethod):
    """Total = sum of weight * member total.

    `members` holds `(name_or_method, weight)` pairs, or `(name, weight, params)` to
    configure a member by name. `Scores.components` has each member's unweighted total
    under its key (the method name; repeats get `_2`, `_3`, ...) and the member's own
    components as `"<key>/<component>"`; `self.weights` maps keys to weights, so
    `total == sum(weights[k] * components[k] for k in weights)`.

    Two members that both carry correctness would count it twice; that raises
    `RewardError` unless `allow_double_correctness=True`.
    """

    name: ClassVar[str] = "combined"
    Config: ClassVar[type] = dict
    source: ClassVar[str] = "rlvr"
    formula: ClassVar[str] = "R = sum_k w_k * R_k"

    def __init__(self, members: Sequence[Member], allow_double_correctness: bool = False) -> None:
        if isinstance(members, (str, RewardMethod)) or not len(members):
            raise RewardError("Combined needs a non-empty list of (name_or_method, weight) pairs")
        self.members: dict[str, RewardMethod] = {}
        self.weights: dict[str, float] = {}
        for entry in members:
            method, weight = self._member(entry)
            key = method.name
            suffix = 2
            while key in self.members:
                key = f"{method.name}_{suffix}"
                suffix += 1
            self.members[key] = method
            self.weights[key] = weight
        carriers = [key for key, method in self.members.items() if method.includes_correctness]
        if len(carriers) > 1 and not allow_double_correctness:
            raise RewardError(
                f"{' and '.join(carriers)} each already include correctness, so combining them counts it "
                f"{len(carriers)} times; keep one of them (a length method alone is a complete reward) "
                "or pass allow_double_correctness=True"
            )
        self.config = {key: getattr(method, "config", None) for key, method in self.members.items()}

    @staticmethod
    def _member(entry: Any) -> tuple[RewardMethod, float]:
        if not isinstance(entry, (tuple, list)) or len(entry) not in (2, 3):
            raise RewardError(f"each Combined member must be (name_or_method, weight[, params]); got {entry!r}")
        target, weight = entry[0], entry[1]
        params = dict(entry[2]) if len(entry) == 3 else {}
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not np.isfinite(weight):
            raise RewardError(f"weight of {target!r} must be a finite number; got {weight!r}")
        if isinstance(target, RewardMethod):
            if params:
                raise RewardError("params go with a method name; an instance is already configured")
            return target, float(weight)
        if isinstance(target, str):
            return get(target, **params), float(weight)
        raise RewardError(f"a Combined member must be a method name or a RewardMethod; got {target!r}")

    @property
    def includes_correctness(self) -> bool:  # type: ignore[override]
        return any(method.includes_correctness for method in self.members.values())

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        """Weighted total plus every member's total and components."""
        total = np.zeros(len(batch))
        components: dict[str, np.ndarray] = {}
        for key, method in self.members.items():
            scores = method.score(batch, step)
            total += self.weights[key] * scores.total
            components[key] = scores.total
            for part, values in scores.components.items():
                components[f"{key}/{part}"] = values
        return Scores(total=total, components=components)

    def on_step(self, step: int) -> None:
        for method in self.members.values():
            method.on_step(step)

    def wants_monitoring(self, step: int) -> bool:
        return any(method.wants_monitoring(step) for method in self.members.values())

    def monitor(self, batch: RolloutBatch, step: int) -> None:
        for method in self.members.values():
            if method.wants_monitoring(step):
                method.monitor(batch, step)

    def state_dict(self) -> dict[str, Any]:
        return {key: method.state_dict() for key, method in self.members.items()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        unknown = set(state) - set(self.members)
        if unknown:
            raise RewardError(f"state for unknown members {sorted(unknown)}; this Combined has {sorted(self.members)}")
        for key, method_state in state.items():
            self.members[key].load_state_dict(method_state)
