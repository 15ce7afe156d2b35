"""Batches built the slow, obvious way, to compare the adapters against the core."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from rlvr import rewards
from rlvr.rewards.base import RewardMethod, RolloutBatch, Scores
from rlvr.tasks import Problem
from rlvr.tasks import get as get_task


def problems(task: str = "arithmetic", count: int = 3, difficulty: int = 1) -> list[Problem]:
    family = get_task(task)
    return [family.problem(i, difficulty=difficulty) for i in range(count)]


def responses_for(problem: Problem, group_size: int, seed: int = 0) -> list[str]:
    """A mix of right, wrong and answerless responses of varied lengths."""
    rng = np.random.default_rng(seed)
    out = []
    for j in range(group_size):
        padding = "reasoning " * int(rng.integers(0, 12))
        kind = j % 3
        if kind == 0:
            out.append(f"{padding}<answer>{problem.answer}</answer>")
        elif kind == 1:
            out.append(f"{padding}<answer>{problem.answer}1</answer>")
        else:
            out.append(padding + "I am not sure.")
    return out


def core_scores(method: RewardMethod, problem_list: Sequence[Problem], responses: Sequence[Sequence[str]], lengths: Sequence[Sequence[int]], step: int = 0, **fields: Any) -> Scores:
    """What the core computes: each task's own check, then `method.score` on the groups."""
    correct = [[get_task(p.task).check(p, r).score for r in group] for p, group in zip(problem_list, responses)]
    batch = RolloutBatch.from_groups(correct, lengths, texts=[r for group in responses for r in group], **fields)
    return method.score(batch, step)


def fresh(name: str, **params: Any) -> RewardMethod:
    return rewards.get(name, **params)
