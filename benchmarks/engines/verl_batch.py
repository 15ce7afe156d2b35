"""A verl `DataProto` laid out as verl's rollout hands it to the reward loop, for the engine benchmarks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

PROMPT_WIDTH = 4  # a stand-in prompt: the reward loop reads only the response tokens and the mask


def verl_batch(response_ids: Sequence[Sequence[int]], rows: Sequence[dict[str, Any]], uids: Sequence[str], pad_token_id: int) -> Any:
    """(DataProto, response width): right-padded responses after a left-padded one-token prompt, with each row's non-tensors."""
    from verl import DataProto

    width = max(len(x) for x in response_ids)
    n = len(response_ids)
    prompts = torch.full((n, PROMPT_WIDTH), pad_token_id)
    prompts[:, -1] = 5
    responses = torch.full((n, width), pad_token_id)
    mask = torch.zeros((n, PROMPT_WIDTH + width), dtype=torch.long)
    mask[:, PROMPT_WIDTH - 1] = 1
    for i, x in enumerate(response_ids):
        responses[i, : len(x)] = torch.tensor(x)
        mask[i, PROMPT_WIDTH : PROMPT_WIDTH + len(x)] = 1
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
