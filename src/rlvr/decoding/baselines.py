"""The baselines Predictive-Decoding is compared with: greedy, sampling, best-of-N, majority vote.

- greedy / sample: one response, temperature 0 / `temperature`.
- best-of-N: N samples; keep the one with the highest mean token log-prob under the policy
  (1/|y| sum_t log pi(y_t | x, y_<t)). No verifier and no reward: picking by correctness would
  use the gold answer, which a decoder cannot see.
- majority (self-consistency, Wang et al. 2023): N samples; each one's final answer, as its task
  reads it, is a vote; forms of one value pool on math tasks, unreadable answers do not vote, ties
  go to the more likely voters, then to the answer seen first (rlvr/decoding/vote.py has the rules
  and the time bound). If no sample votes, the best-of-N pick is returned.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rlvr.decoding.config import DecodingConfig
from rlvr.decoding.foresight import Rollout, end_ids, foresight
from rlvr.decoding.result import Decoded
from rlvr.decoding.vote import Same, pool, read_answers, winner

AnswerOf = Callable[[str], "str | None"]


def as_decoded(rollout: Rollout, model: Any, tokenizer: Any, generated: int) -> Decoded:
    """A whole-response rollout (no horizon) as a final response."""
    ids = rollout.step_ids + rollout.continuation_ids
    ended = bool(set(ids) & set(end_ids(model, tokenizer)))
    return Decoded(text=tokenizer.decode(ids, skip_special_tokens=True), tokens=len(ids), truncated=not ended,
                   generated=generated)


def full_samples(model: Any, tokenizer: Any, prompt_ids: list[int], count: int, temperature: float,
                 config: DecodingConfig, seed: int) -> list[Rollout]:
    """`count` whole responses in one batched call."""
    return foresight(model, tokenizer, prompt_ids, k=count, horizon_steps=None, max_new_tokens=config.max_tokens,
                     temperature=temperature, top_p=config.top_p, seed=seed)


def greedy(model: Any, tokenizer: Any, prompt_ids: list[int], config: DecodingConfig, seed: int = 0) -> Decoded:
    """The argmax token at every position."""
    (only,) = full_samples(model, tokenizer, prompt_ids, 1, 0.0, config, seed)
    return as_decoded(only, model, tokenizer, only.generated)


def sample(model: Any, tokenizer: Any, prompt_ids: list[int], config: DecodingConfig, seed: int = 0) -> Decoded:
    """One sample at `config.temperature`."""
    (only,) = full_samples(model, tokenizer, prompt_ids, 1, config.temperature, config, seed)
    return as_decoded(only, model, tokenizer, only.generated)


def pick_best(rollouts: list[Rollout]) -> Rollout:
    """The rollout with the highest mean token log-prob (first one on ties)."""
    return max(rollouts, key=lambda r: r.foresight_logprob)


def pick_majority(rollouts: list[Rollout], answers: list[str | None], same: Same | None = None) -> Rollout:
    """The first rollout of the most voted answer (see rlvr/decoding/vote.py); best-of-N if none voted."""
    index = winner(pool(answers, same), [r.foresight_logprob for r in rollouts])
    return pick_best(rollouts) if index is None else rollouts[index]


def best_of_n(model: Any, tokenizer: Any, prompt_ids: list[int], config: DecodingConfig, seed: int = 0) -> Decoded:
    """N samples, the most likely one (mean log-prob) kept."""
    rollouts = full_samples(model, tokenizer, prompt_ids, config.n, config.temperature, config, seed)
    return as_decoded(pick_best(rollouts), model, tokenizer, sum(r.generated for r in rollouts))


def majority(model: Any, tokenizer: Any, prompt_ids: list[int], config: DecodingConfig, answer_of: AnswerOf,
             seed: int = 0, same: Same | None = None) -> Decoded:
    """N samples, the most voted final answer kept (`same` pools equal forms, e.g. the verifier on math)."""
    rollouts = full_samples(model, tokenizer, prompt_ids, config.n, config.temperature, config, seed)
    answers = read_answers([r.step + r.continuation for r in rollouts], answer_of)
    return as_decoded(pick_majority(rollouts, answers, same), model, tokenizer, sum(r.generated for r in rollouts))
