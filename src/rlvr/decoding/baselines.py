"""The baselines Predictive-Decoding is compared with: greedy, sampling, best-of-N, majority vote.

- greedy / sample: one response, temperature 0 / `temperature`.
- best-of-N: N samples; keep the one with the highest mean token log-prob under the policy
  (1/|y| sum_t log pi(y_t | x, y_<t)). No verifier and no reward: picking by correctness would
  use the gold answer, which a decoder cannot see.
- majority (self-consistency, Wang et al. 2023): N samples; each one's final answer is extracted
  and normalised by the problem's own task (`Task.check(...).normalized`, only the answer form is
  used, never the verdict); the most frequent answer wins, ties going to the answer whose
  samples have the higher summed mean log-prob; the first sample with that answer is returned.
  Samples with no extractable answer do not vote; if none has one, the best-of-N pick is returned.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rlvr.decoding.config import DecodingConfig
from rlvr.decoding.foresight import Rollout, end_ids, foresight
from rlvr.decoding.result import Decoded

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


def pick_majority(rollouts: list[Rollout], answers: list[str | None]) -> Rollout:
    """The first rollout whose answer is the most frequent one (see the module docstring)."""
    votes: dict[str, tuple[int, float]] = {}
    for rollout, answer in zip(rollouts, answers, strict=True):
        if answer is not None:
            count, mass = votes.get(answer, (0, 0.0))
            votes[answer] = (count + 1, mass + rollout.foresight_logprob)
    if not votes:
        return pick_best(rollouts)
    winner = max(votes, key=lambda a: votes[a])
    return next(r for r, a in zip(rollouts, answers, strict=True) if a == winner)


def best_of_n(model: Any, tokenizer: Any, prompt_ids: list[int], config: DecodingConfig, seed: int = 0) -> Decoded:
    """N samples, the most likely one (mean log-prob) kept."""
    rollouts = full_samples(model, tokenizer, prompt_ids, config.n, config.temperature, config, seed)
    return as_decoded(pick_best(rollouts), model, tokenizer, sum(r.generated for r in rollouts))


def majority(model: Any, tokenizer: Any, prompt_ids: list[int], config: DecodingConfig, answer_of: AnswerOf,
             seed: int = 0) -> Decoded:
    """N samples, the most frequent final answer kept."""
    rollouts = full_samples(model, tokenizer, prompt_ids, config.n, config.temperature, config, seed)
    answers = [answer_of(r.step + r.continuation) for r in rollouts]
    return as_decoded(pick_majority(rollouts, answers), model, tokenizer, sum(r.generated for r in rollouts))
