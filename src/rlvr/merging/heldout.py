"""Held-out accuracy of an in-memory model, as `rlvr eval` measures it (greedy, rlvr.evaluate)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rlvr.evaluate.runner import HELDOUT_SEED, evaluate_problems, heldout_problems
from rlvr.evaluate.sampling import ProgressHook, SamplingParams, TransformersSampler
from rlvr.tasks import Problem


@dataclass
class HeldoutSet:
    """Which problems and how to sample them: `n` per task at `difficulty`, greedy, `max_tokens`."""

    tasks: Sequence[str] = ("arithmetic",)
    n: int = 64
    difficulty: int = 1
    max_tokens: int = 64
    seed: int = HELDOUT_SEED
    batch_size: int = 32
    system_prompt: str | None = None  # None: the model's own
    problems: list[Problem] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.problems = heldout_problems(list(self.tasks), self.n, [self.difficulty], self.seed)

    def scorer(self, tokenizer: Any, progress: ProgressHook | None = None) -> Callable[[Any], float]:
        """A function model -> held-out accuracy (one greedy sample each, under `system_prompt`)."""
        params = SamplingParams(max_tokens=self.max_tokens, temperature=0.0, seed=self.seed)

        def score(model: Any) -> float:
            sampler = TransformersSampler(model, tokenizer, batch_size=self.batch_size)
            return evaluate_problems(sampler, self.problems, 1, params, system_prompt=self.system_prompt,
                                     progress=progress).overall.accuracy

        return score

    def describe(self) -> dict[str, Any]:
        """The settings, for the JSON record."""
        return {"tasks": list(self.tasks), "n": self.n, "difficulty": self.difficulty,
                "max_tokens": self.max_tokens, "seed": self.seed, "sampling": "greedy", "problems": len(self.problems),
                "system_prompt": self.system_prompt}
