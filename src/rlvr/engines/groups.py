"""Recovering which responses answer the same prompt, from what each engine hands over.

TRL repeats each prompt `num_generations` times in a row; OpenRLHF puts the
`n_samples_per_prompt` samples of a prompt next to each other; verl tags every response
with its prompt's `uid`. Group-based rewards are wrong if groups are guessed wrong, so
anything that does not fit raises `RewardError` with what was expected.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from rlvr.rewards.base import RewardError


def prompt_key(prompt: Any) -> str:
    """A comparable key for a prompt given as text or as chat messages."""
    if isinstance(prompt, str):
        return prompt
    try:
        return json.dumps(prompt, sort_keys=True, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(prompt)


def consecutive_groups(prompts: Sequence[Any], group_size: int | None) -> np.ndarray:
    """Group ids for a batch laid out as runs of equal prompts.

    With `group_size` G, the batch must be a whole number of runs of exactly G equal
    prompts (TRL's layout). Without it, each maximal run of equal prompts is a group.
    """
    n = len(prompts)
    keys = [prompt_key(p) for p in prompts]
    if group_size is None:
        group = np.zeros(n, dtype=np.int64)
        for i in range(1, n):
            group[i] = group[i - 1] + (keys[i] != keys[i - 1])
        return group
    if isinstance(group_size, bool) or not isinstance(group_size, int) or group_size < 1:
        raise RewardError(f"group size (num_generations / n_samples_per_prompt) must be a positive integer, got {group_size!r}")
    if n % group_size:
        raise RewardError(
            f"batch of {n} responses is not a multiple of the group size {group_size}: each prompt must come "
            f"with exactly {group_size} responses in a row (check num_generations and the batch size)"
        )
    for start in range(0, n, group_size):
        run = keys[start : start + group_size]
        for offset, key in enumerate(run[1:], start=1):
            if key != run[0]:
                raise RewardError(
                    f"responses {start}..{start + group_size - 1} should share one prompt (group size {group_size}) "
                    f"but response {start + offset} has a different prompt; the engine did not lay out "
                    "the batch as consecutive groups, or the group size is wrong"
                )
    return np.arange(n, dtype=np.int64) // group_size


def uid_groups(uids: Sequence[Any]) -> np.ndarray:
    """Dense group ids (first-seen order) from per-response prompt ids such as verl's `uid`."""
    index: dict[Any, int] = {}
    group = np.empty(len(uids), dtype=np.int64)
    for i, uid in enumerate(uids):
        if uid is None:
            raise RewardError(f"response {i} has no uid; group-based rewards need the prompt id of every response")
        group[i] = index.setdefault(uid, len(index))
    return group
