"""Test helpers: a sampler that answers sums right or wrong as a test scripts it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rlvr.evaluate.sampling import Completion, SamplingParams

SUM = re.compile(r"What is (-?\d+) ([+-]) (-?\d+)\?")


def solve(prompt: str) -> int:
    """The answer of an arithmetic prompt `What is a + b?` (two operands: difficulties 1-2)."""
    match = SUM.search(prompt)
    assert match, prompt
    a, op, b = int(match.group(1)), match.group(2), int(match.group(3))
    return a + b if op == "+" else a - b


class ScriptedSampler:
    """Answers right in the first `right(T)` of every K samples, wrong (and varied) in the rest.

    `right` maps the temperature to how many of K are right, so tests decide which temperature
    B-STaR should find best. Each call is recorded as (number of prompts, n, temperature).
    """

    def __init__(self, right, distinct: bool = True) -> None:
        self.right = right
        self.distinct = distinct
        self.calls: list[tuple[int, int, float]] = []

    def sample(self, prompts: Sequence[list[dict[str, str]]], n: int, params: SamplingParams, progress=None):
        self.calls.append((len(prompts), n, params.temperature))
        good = self.right(params.temperature, n)
        out = []
        for messages in prompts:
            answer = solve(messages[-1]["content"])
            group = []
            for j in range(n):
                if j < good:
                    # distinct wordings of a right answer, or the same one repeated
                    text = f"Step {j if self.distinct else 0}: so \\boxed{{{answer}}}"
                else:
                    text = f"I think \\boxed{{{answer + 1 + j}}}"
                group.append(Completion(text=text, tokens=len(text.split()), truncated=False))
            out.append(group)
        return out
