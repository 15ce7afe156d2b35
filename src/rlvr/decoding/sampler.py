"""Run a decoding strategy over chat prompts, shaped like `rlvr.evaluate`'s samplers.

`DecodingSampler.sample(prompts, n, params, progress)` returns `n` `Decoded` responses per
prompt (they have the `text`, `tokens` and `truncated` of an evaluate `Completion`), so
`rlvr eval` checks and summarises them unchanged; `generated` records what each one cost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from rlvr.decoding.baselines import best_of_n, greedy, majority, sample
from rlvr.decoding.config import DecodingConfig
from rlvr.decoding.errors import DecodingError
from rlvr.decoding.predictive import predictive
from rlvr.decoding.result import Decoded
from rlvr.decoding.vote import Same, verifier_same, vote_of

Messages = list[dict[str, str]]


def task_answer(problem: Any) -> Callable[[str], str | None]:
    """The vote of a response to `problem`: its answer as the task reads it, None if unreadable (vote.vote_of)."""
    from rlvr.tasks import get

    task = get(problem.task)

    def answer_of(text: str) -> str | None:
        return vote_of(task.check(problem, text))

    return answer_of


def task_same(problem: Any) -> Same | None:
    """How votes on `problem` pool: rlvr's verifier on math tasks, exact strings elsewhere (None)."""
    from rlvr.tasks import get

    return verifier_same() if get(problem.task).category == "math" else None


def decode(model: Any, tokenizer: Any, prompt_ids: list[int], config: DecodingConfig, seed: int = 0,
           answer_of: Callable[[str], str | None] | None = None, same: Same | None = None) -> Decoded:
    """One response to a tokenised prompt by `config.strategy` (`answer_of`, `same`: majority's votes)."""
    if config.strategy == "majority":
        if answer_of is None:
            raise DecodingError("--decoding majority needs each problem's task to extract answers")
        return majority(model, tokenizer, prompt_ids, config, answer_of, seed, same)
    strategy = {"greedy": greedy, "sample": sample, "best-of-n": best_of_n, "predictive": predictive}[config.strategy]
    return strategy(model, tokenizer, prompt_ids, config, seed)


class DecodingSampler:
    """A sampler for `rlvr.evaluate` that decodes every prompt with one strategy.

    `problems`, aligned with the prompts, are needed only by majority voting (to extract
    answers). `generated` lists, per prompt, the tokens spent on its responses.
    """

    def __init__(self, model: Any, tokenizer: Any, config: DecodingConfig, problems: Sequence[Any] | None = None) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.config = config
        self.problems = list(problems) if problems is not None else None
        self.generated: list[int] = []

    def prompt_ids(self, prompt: Messages) -> list[int]:
        """The chat prompt rendered for the assistant turn, as token ids."""
        text = self.tokenizer.apply_chat_template(prompt, tokenize=False, add_generation_prompt=True)
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def sample(self, prompts: Sequence[Messages], n: int, params: Any,
               progress: Callable[[int], None] | None = None) -> list[list[Decoded]]:
        """`n` responses per prompt; `params` (max_tokens, temperature, top_p, seed) override the config's."""
        if n < 1:
            raise DecodingError(f"n (responses per prompt) must be >= 1, got {n}")
        if self.problems is not None and len(self.problems) != len(prompts):
            raise DecodingError(f"{len(self.problems)} problems for {len(prompts)} prompts")
        config = replace(self.config, max_tokens=params.max_tokens, top_p=params.top_p, seed=params.seed,
                         temperature=params.temperature if self.config.strategy != "greedy" else 0.0)
        results = []
        for index, prompt in enumerate(prompts):
            ids = self.prompt_ids(prompt)
            voting = self.problems is not None and config.strategy == "majority"
            answer_of = task_answer(self.problems[index]) if voting else None
            same = task_same(self.problems[index]) if voting else None
            outs = [decode(self.model, self.tokenizer, ids, config, seed=config.seed + 7919 * index + j,
                           answer_of=answer_of, same=same) for j in range(n)]
            self.generated.append(sum(o.generated for o in outs))
            results.append(outs)
            if progress is not None:
                progress(n)
        return results
