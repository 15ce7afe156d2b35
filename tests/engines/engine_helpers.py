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


def verl_data(response_ids: Sequence[Sequence[int]], rows: Sequence[dict[str, Any]], uids: Sequence[str], pad_token_id: int,
              prompt_width: int = 4, prompt_ids: Sequence[int] = (5,), response_width: int | None = None) -> tuple[Any, int]:
    """(DataProto, response width) as verl's rollout hands a batch to the reward loop.

    Each row: `prompt_ids` left-padded to `prompt_width` (the reward loop reads only the
    response and the mask), then the response right-padded to `response_width` (default:
    the longest), with the row's data_source / reward_model / extra_info and its uid.
    """
    import torch
    from verl import DataProto

    width = response_width or max(len(x) for x in response_ids)
    n = len(response_ids)
    prompts = torch.full((n, prompt_width), pad_token_id)
    prompts[:, prompt_width - len(prompt_ids):] = torch.tensor(list(prompt_ids))
    responses = torch.full((n, width), pad_token_id)
    mask = torch.zeros((n, prompt_width + width), dtype=torch.long)
    mask[:, prompt_width - len(prompt_ids) : prompt_width] = 1
    for i, ids in enumerate(response_ids):
        responses[i, : len(ids)] = torch.tensor(list(ids))
        mask[i, prompt_width : prompt_width + len(ids)] = 1
    data = DataProto.from_dict(
        tensors={"prompts": prompts, "responses": responses, "attention_mask": mask, "input_ids": torch.cat([prompts, responses], 1)},
        non_tensors={
            "data_source": np.array([r["data_source"] for r in rows], dtype=object),
            "reward_model": np.array([r["reward_model"] for r in rows], dtype=object),
            "extra_info": np.array([dict(r["extra_info"]) for r in rows], dtype=object),
            "uid": np.array(list(uids), dtype=object),
        },
    )
    return data, width
