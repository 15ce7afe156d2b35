"""Helpers shared by the method modules: config checks and the two-part score split."""

from __future__ import annotations

import numpy as np

from rlvr.rewards.base import RewardError, Scores


def require(condition: bool, message: str) -> None:
    """Raise RewardError(message) unless `condition` holds (config validation)."""
    if not condition:
        raise RewardError(message)


def split(correct_part: np.ndarray, total: np.ndarray) -> Scores:
    """Scores whose components are the correctness part and the rest (`length`)."""
    total = np.asarray(total, dtype=np.float64)
    correct_part = np.asarray(correct_part, dtype=np.float64)
    return Scores(total=total, components={"correct": correct_part, "length": total - correct_part})


def targets_from(batch_targets: np.ndarray | None, fallback: float | None, name: str, count: int) -> np.ndarray:
    """Per-response target lengths: the batch's, else the configured fallback."""
    if batch_targets is not None:
        if not np.isfinite(batch_targets).all() or (batch_targets < 0).any():
            raise RewardError(f"{name}: target_length must be finite and >= 0 tokens")
        return batch_targets
    if fallback is None:
        raise RewardError(
            f"{name} needs a target length per prompt: set RolloutBatch.target_length "
            "(from the prompt, e.g. 'Think for N tokens') or the method's target_length parameter"
        )
    return np.full(count, float(fallback))
