"""Held-out evaluation of the policy during a run (before, every N steps, after)."""

from __future__ import annotations

from typing import Any

from rlvr.evaluate.runner import EvalResult, evaluate_problems, formatted, heldout_problems
from rlvr.evaluate.sampling import SamplingParams, TransformersSampler
from rlvr.tasks import Problem
from rlvr.train.config import TrainConfig


def accuracy_among_formatted(result: EvalResult) -> float | None:
    """Mean score of the responses whose final answer could be read (None when there are none).

    Accuracy = format rate x this: it separates learning the answer format from getting sums right.
    """
    scores = [record.score for record, ok in zip(result.records, formatted(result.records)) if ok]
    return sum(scores) / len(scores) if scores else None


def headline(result: EvalResult) -> dict[str, float]:
    """The numbers every held-out evaluation logs (the among-formatted figure only where defined)."""
    overall = result.overall
    figures = {"accuracy": overall.accuracy, "mean_tokens": overall.mean_tokens, "format_rate": overall.format_rate}
    among = accuracy_among_formatted(result)
    if among is not None:
        figures["formatted_accuracy"] = among
    return figures


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
        return headline(self.run(model))
