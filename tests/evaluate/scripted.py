"""A sampler that returns canned responses and records the prompts it was given."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rlvr.evaluate.sampling import Completion, SamplingParams


class RecordingSampler:
    """For prompt i, `script(i, j)` is sample j; `prompts` keeps every chat prompt received."""

    def __init__(self, script: Callable[[int, int], Completion]) -> None:
        self.script = script
        self.prompts: list = []

    def sample(self, prompts: Sequence, n: int, params: SamplingParams, progress=None) -> list[list[Completion]]:
        self.prompts.extend(prompts)
        out = [[self.script(i, j) for j in range(n)] for i in range(len(prompts))]
        if progress:
            progress(len(prompts) * n)
        return out
