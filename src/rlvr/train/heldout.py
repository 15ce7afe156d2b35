"""Held-out evaluation of the policy during a run (before, every N steps, after)."""

from __future__ import annotations

from typing import Any

from rlvr.evaluate.runner import EvalResult, evaluate_problems, heldout_problems
from rlvr.evaluate.sampling import SamplingParams, TransformersSampler
from rlvr.tasks import Problem
from rlvr.train.config import TrainConfig


def recipe_heldout_problems(config: TrainConfig, n: int | None = None) -> list[Problem]:
    """The recipe's held-out set: `n` (default `eval.problems`) distinct problems per task at its
    held-out difficulty and seed; both engines evaluate on it."""
    count = config.eval.problems if n is None else n
    if count <= 0:
        return []
    return heldout_problems(config.task_names, count, [config.eval_difficulty], config.eval.seed)


class Heldout:
    """The recipe's held-out problems and how to sample them; `run(model)` evaluates a policy."""

    def __init__(self, config: TrainConfig, tokenizer: Any) -> None:
        self.config = config
        self.tokenizer = tokenizer
        self.problems: list[Problem] = recipe_heldout_problems(config)
        self.params = SamplingParams(max_tokens=config.eval_max_tokens, temperature=config.eval.temperature,
                                     seed=config.eval.seed)

    @property
    def enabled(self) -> bool:
        return bool(self.problems)

    def run(self, model: Any) -> EvalResult:
        """Sample and check every held-out problem with `model`."""
        sampler = TransformersSampler(model, self.tokenizer, batch_size=self.config.eval.batch_size)
        return evaluate_problems(sampler, self.problems, self.config.eval.samples, self.params,
                                 system_prompt=self.config.system_prompt, model_name=self.config.model)

    def metrics(self, model: Any) -> dict[str, float]:
        """The headline numbers of `run` (what the report plots)."""
        overall = self.run(model).overall
        return {"accuracy": overall.accuracy, "mean_tokens": overall.mean_tokens, "format_rate": overall.format_rate}
