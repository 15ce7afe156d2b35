"""Rewards: correctness, format and length-based shaping."""

from rlvr.rewards.base import RewardError, RewardMethod, RolloutBatch, Scores

__all__ = ["RewardError", "RewardMethod", "RolloutBatch", "Scores"]
