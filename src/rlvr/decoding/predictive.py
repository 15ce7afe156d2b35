"""Predictive-Decoding: model predictive control over reasoning steps (Ma et al. 2024).

"Non-myopic Generation of Language Models for Reasoning and Planning" (arXiv 2410.17195).
At each step t, with the committed steps a_<t as the prefix:

1. Foresight: K rollouts tau_k = (a_t^k, a_t+1^k, ..., a_t+H^k), the candidate step a_t^k and
   H further steps, sampled from the policy (`foresight`, one batched call).
2. Re-weighting: each rollout gets w_k = exp(R(tau_k) / tau) with R the mean token log-prob of
   the rollout under the policy; identical candidate steps pool their weights
   (p(a) = sum_{k: a_t^k = a} w_k / sum_k w_k).
3. Commit: a_t is sampled from p (the paper's importance re-sampling, and the authors' default
   `do_sample=True`), or its argmax with `select='argmax'`.
4. Recycling: the rollouts whose candidate is the committed step already hold a sample of the
   next step and its foresight; they are re-cut one step later and reused as candidates of the
   next round, so only K minus their number are sampled anew.

Stops at the end-of-turn token or after `max_tokens` committed tokens. Every sampled token
counts in `Decoded.generated`, including rollout tokens that were never committed.
"""

from __future__ import annotations

import math
import random
from typing import Any

from rlvr.decoding.config import DecodingConfig
from rlvr.decoding.foresight import Rollout, closes_step, end_ids, foresight, make_rollout
from rlvr.decoding.result import Decoded


def step_weights(rollouts: list[Rollout], tau: float) -> dict[tuple[int, ...], float]:
    """Normalised weight of each distinct candidate step: sum over its rollouts of exp(R / tau)."""
    top = max(r.foresight_logprob for r in rollouts)  # subtracted for stability; cancels on normalising
    pooled: dict[tuple[int, ...], float] = {}
    for r in rollouts:
        key = tuple(r.step_ids)
        pooled[key] = pooled.get(key, 0.0) + math.exp((r.foresight_logprob - top) / tau)
    total = sum(pooled.values())
    return {key: value / total for key, value in pooled.items()}


def choose(weights: dict[tuple[int, ...], float], select: str, rng: random.Random) -> tuple[int, ...]:
    """The committed step: sampled from the weights, or their argmax (first one on ties)."""
    steps = list(weights)
    if select == "argmax":
        return max(steps, key=lambda s: weights[s])
    return rng.choices(steps, weights=[weights[s] for s in steps], k=1)[0]


def recycle(rollouts: list[Rollout], committed: tuple[int, ...], tokenizer: Any, closes: Any) -> list[Rollout]:
    """The agreeing rollouts re-cut one step later (those with foresight left), for the next round."""
    kept = []
    for r in rollouts:
        if tuple(r.step_ids) != committed or not r.continuation_ids:
            continue
        rest_lp = list(r.token_logprobs[len(r.step_ids):])
        kept.append(make_rollout(r.continuation_ids, rest_lp, r.finished, 0, tokenizer, closes))
    return kept


def predictive(model: Any, tokenizer: Any, prompt_ids: list[int], config: DecodingConfig, seed: int = 0) -> Decoded:
    """One response by Predictive-Decoding (see the module docstring for the formula)."""
    rng = random.Random(seed)
    closes = closes_step(tokenizer)
    ends = set(end_ids(model, tokenizer))
    committed: list[int] = []
    pool: list[Rollout] = []
    generated = 0
    round_index = 0
    while len(committed) < config.max_tokens:
        budget = config.max_tokens - len(committed)
        # A recycled rollout may run past the budget; it is cut when committed.
        need = config.k - len(pool)
        if need > 0:
            fresh = foresight(model, tokenizer, prompt_ids + committed, k=need, horizon_steps=config.horizon,
                              max_new_tokens=budget, temperature=config.temperature, top_p=config.top_p,
                              seed=seed * 100_003 + round_index)
            generated += sum(r.generated for r in fresh)
            pool = pool + fresh
        round_index += 1
        candidates = [r for r in pool if r.step_ids]
        if not candidates:
            break
        step = choose(step_weights(candidates, config.tau), config.select, rng)
        committed.extend(step[:budget])
        if ends & set(step[:budget]):
            break
        pool = recycle(candidates, step, tokenizer, closes)
    ended = bool(ends & set(committed))
    return Decoded(text=tokenizer.decode(committed, skip_special_tokens=True), tokens=len(committed),
                   truncated=not ended, generated=generated)
