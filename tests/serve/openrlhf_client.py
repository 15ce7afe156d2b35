"""OpenRLHF's own rollout-and-reward code (`SingleTurnAgentExecutor.execute`) driven without a GPU.

OpenRLHF (0.11) scores each sample as it finishes generating: `execute` decodes prompt +
response tokens into a `query` and posts `{"query": [query], "prompts": [prompt],
"labels": [label]}` to `--reward.remote_url`; a rollout actor runs the
`n_samples_per_prompt` executes of one prompt at once (`asyncio.gather` in
`RolloutRayActor.generate_responses`). Here the vLLM engine is a stand-in that returns
scripted responses, and the tokenizer is a real byte-level one, so the request that reaches
the server is exactly the one OpenRLHF sends.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class _Params:
    # What `execute` reads from vLLM's SamplingParams.
    max_tokens: int | None = 512
    logprobs: int | None = None


@dataclass
class _Completion:
    token_ids: list[int]
    finish_reason: str = "stop"
    logprobs: Any = None


@dataclass
class _RequestOutput:
    outputs: list[_Completion]


@dataclass
class ScriptedEngine:
    """Stands in for OpenRLHF's vLLM rollout actor: each prompt's responses, in order, as token ids."""

    tokenizer: Any
    scripts: dict[tuple[int, ...], deque[list[int]]] = field(default_factory=lambda: defaultdict(deque))

    def add(self, prompt: str, response: str) -> None:
        prompt_ids = tuple(self.tokenizer(text=prompt, add_special_tokens=False)["input_ids"])
        self.scripts[prompt_ids].append(self.tokenizer(response, add_special_tokens=False)["input_ids"])

    async def generate(self, prompt_token_ids: list[int], sampling_params: Any, multi_modal_data: Any = None) -> _RequestOutput:
        await asyncio.sleep(0)
        return _RequestOutput([_Completion(self.scripts[tuple(prompt_token_ids)].popleft())])


async def generate_responses(executor: Any, engine: ScriptedEngine, tokenizer: Any, prompt: str, label: Any, n: int) -> list[dict[str, Any]]:
    """What `RolloutRayActor.generate_responses` does: the prompt's n executes at once."""
    return list(await asyncio.gather(*(
        executor.execute(prompt=prompt, label=label, sampling_params=_Params(), max_length=4096,
                         hf_tokenizer=tokenizer, llm_engine=engine)
        for _ in range(n)
    )))


def rollout(url: str | list[str], tokenizer: Any, groups: Sequence[tuple[str, Any, Sequence[str]]]) -> list[list[dict[str, Any]]]:
    """Roll out every (prompt, label, responses) group at once through OpenRLHF's executor.

    Returns OpenRLHF's per-sample outputs (`reward`, `scores`, `extra_logs`, ...), group by
    group; the order within a group is the order the scripted responses were handed out.
    """
    from openrlhf.utils.agent import SingleTurnAgentExecutor

    engine = ScriptedEngine(tokenizer)
    for prompt, _label, responses in groups:
        for response in responses:
            engine.add(prompt, response)

    async def run() -> list[list[dict[str, Any]]]:
        executor = SingleTurnAgentExecutor(url)
        return list(await asyncio.gather(*(
            generate_responses(executor, engine, tokenizer, prompt, label, len(responses))
            for prompt, label, responses in groups
        )))

    return asyncio.run(run())
