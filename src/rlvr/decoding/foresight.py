"""Foresight: sample k rollouts from a prefix and cut each into its next step and what follows.

Both Predictive-Decoding (Ma et al. 2024, "Non-myopic Generation of Language Models for
Reasoning and Planning") and Genius score a candidate next step by the policy's mean token
log-probability over the step and a few steps after it (its foresight):

    score(step) = (1 / |y|) * sum_{t in y} log pi(y_t | prefix, y_<t),   y = step + continuation

One batched `generate` call samples the k rollouts; a per-row stopping rule ends a rollout as
soon as it has closed `1 + horizon_steps` steps, so no rollout runs to `max_new_tokens` for
nothing. Log-probabilities are those of the policy itself (raw logits, temperature 1), not of
the tempered sampling distribution, as in both papers' code. Steps are cut at token
boundaries: a step is the tokens up to the last of the first run of tokens that contain a
newline (see `steps.py` for the same rule on text). torch is imported lazily.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from rlvr.decoding.errors import DecodingError
from rlvr.decoding.steps import ends_step


@dataclass(frozen=True)
class Rollout:
    """One sampled candidate step and its foresight."""

    step: str                # the candidate next step (text, ends with "\n" unless finished)
    step_ids: list[int]
    continuation: str        # the rest of the rollout after the step (foresight), may be ""
    continuation_ids: list[int]
    step_logprob: float      # sum of token log-probs of the step under the policy
    foresight_logprob: float # mean token log-prob over step+continuation (the Genius/PD score)
    finished: bool           # hit EOS / end within the rollout
    # Per-token log-probs of step_ids + continuation_ids, so a rollout can be re-cut one step
    # later (Predictive-Decoding's recycling) without another forward pass.
    token_logprobs: tuple[float, ...] = field(default=(), repr=False)
    # Tokens this rollout cost to generate: the kept ones plus any the stopping rule dropped.
    generated: int = 0


class _TokenText:
    """Cached 'does this token contain a newline' per token id."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self.cache: dict[int, bool] = {}

    def closes(self, token: int) -> bool:
        if token not in self.cache:
            self.cache[token] = ends_step(self.tokenizer.decode([token]))
        return self.cache[token]


def closes_step(tokenizer: Any) -> Any:
    """A cached test 'does this token id close a step' for `tokenizer`."""
    return _TokenText(tokenizer).closes


def step_length(ids: list[int], closes: Any) -> int:
    """How many of `ids` form the first step: up to the end of the first run of newline tokens."""
    index = 0
    while index < len(ids) and not closes(ids[index]):
        index += 1
    while index < len(ids) and closes(ids[index]):
        index += 1
    return index


def end_ids(model: Any, tokenizer: Any) -> list[int]:
    """Every token id that ends a response: the tokenizer's EOS and the generation config's."""
    ends = {tokenizer.eos_token_id}
    configured = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    if isinstance(configured, int):
        ends.add(configured)
    elif configured:
        ends.update(configured)
    return sorted(e for e in ends if e is not None)


def make_rollout(ids: list[int], logprobs: list[float], finished: bool, generated: int, tokenizer: Any,
                 closes: Any) -> Rollout:
    """Cut one sampled token sequence into step and continuation and score it."""
    cut = step_length(ids, closes)
    step_ids, rest = ids[:cut], ids[cut:]
    mean = sum(logprobs) / len(logprobs) if logprobs else 0.0
    return Rollout(
        step=tokenizer.decode(step_ids, skip_special_tokens=True), step_ids=list(step_ids),
        continuation=tokenizer.decode(rest, skip_special_tokens=True), continuation_ids=list(rest),
        step_logprob=float(sum(logprobs[:cut])), foresight_logprob=float(mean), finished=finished,
        token_logprobs=tuple(logprobs), generated=generated,
    )


def validate(k: int, horizon_steps: int | None, max_new_tokens: int, temperature: float, top_p: float) -> None:
    """One-line errors for bad foresight arguments."""
    if not isinstance(k, int) or k < 1:
        raise DecodingError(f"k (foresight rollouts) must be an integer >= 1, got {k!r}")
    if horizon_steps is not None and (not isinstance(horizon_steps, int) or horizon_steps < 0):
        raise DecodingError(f"horizon_steps must be an integer >= 0 or None, got {horizon_steps!r}")
    if not isinstance(max_new_tokens, int) or max_new_tokens < 1:
        raise DecodingError(f"max_new_tokens must be an integer >= 1, got {max_new_tokens!r}")
    if not math.isfinite(temperature) or temperature < 0:
        raise DecodingError(f"temperature must be >= 0 (0 = greedy), got {temperature!r}")
    if not 0 < top_p <= 1:
        raise DecodingError(f"top_p must be in (0, 1], got {top_p!r}")


def foresight(model: Any, tokenizer: Any, prefix_ids: list[int], *, k: int, horizon_steps: int | None,
              max_new_tokens: int, temperature: float, top_p: float = 1.0,
              seed: int | None = None) -> list[Rollout]:
    """Sample k rollouts from prefix_ids (one batched generate call), each cut into its first
    step and a continuation of at most horizon_steps further steps (None = to the end)."""
    import torch

    validate(k, horizon_steps, max_new_tokens, temperature, top_p)
    if not prefix_ids:
        raise DecodingError("prefix_ids is empty: foresight needs at least the rendered prompt")
    closes = closes_step(tokenizer)
    ends = end_ids(model, tokenizer)
    stop = _HorizonStop(len(prefix_ids), k, horizon_steps, closes)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else ends[0]
    options: dict[str, Any] = {"max_new_tokens": max_new_tokens, "pad_token_id": pad, "eos_token_id": ends,
                               "return_dict_in_generate": True, "output_logits": True}
    if temperature > 0:
        options.update(do_sample=True, temperature=temperature, top_p=top_p, top_k=0)
    else:
        options.update(do_sample=False, temperature=None, top_p=None, top_k=None)
    if horizon_steps is not None:
        from transformers import StoppingCriteriaList

        options["stopping_criteria"] = StoppingCriteriaList([stop])
    if seed is not None:
        torch.manual_seed(seed)
    inputs = torch.tensor([prefix_ids] * k, dtype=torch.long, device=model.device)
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            out = model.generate(input_ids=inputs, attention_mask=torch.ones_like(inputs), **options)
            tokens = out.sequences[:, len(prefix_ids):]
            # Policy log-probs of the sampled tokens, one generation step at a time (the
            # full (k, T, vocab) tensor would be large for long rollouts).
            logprobs = torch.stack([
                torch.log_softmax(step_logits.float(), dim=-1).gather(1, tokens[:, t:t + 1]).squeeze(1)
                for t, step_logits in enumerate(out.logits)
            ], dim=1) if out.logits else torch.zeros((k, 0))
    finally:
        if was_training:
            model.train()
    rows, scores = tokens.tolist(), logprobs.tolist()
    rollouts = []
    end_set = set(ends)
    for row_index, (row, row_lp) in enumerate(zip(rows, scores, strict=True)):
        eos = next((i + 1 for i, token in enumerate(row) if token in end_set), None)
        stopped = stop.stopped_at[row_index]
        generated = eos if eos is not None else (stopped + 1 if stopped is not None else len(row))
        keep = min(x for x in (eos, stopped, len(row)) if x is not None)
        rollouts.append(make_rollout(row[:keep], row_lp[:keep], eos is not None and eos <= keep, generated,
                                     tokenizer, closes))
    return rollouts


class _HorizonStop:
    """Per-row stopping rule: a row stops once it has closed `1 + horizon` steps.

    A step closes when a token without a newline follows a run of newline tokens, so that
    token (the first of the next step) is generated but not kept: `stopped_at` is the kept
    length. Returning a per-row mask lets `generate` pad finished rows while others go on.
    """

    def __init__(self, prompt_length: int, k: int, horizon: int | None, closes: Any) -> None:
        self.prompt_length = prompt_length
        self.horizon = horizon
        self.closes = closes
        self.closed = [0] * k
        self.in_run = [False] * k
        self.stopped_at: list[int | None] = [None] * k

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        import torch

        generated = input_ids.shape[1] - self.prompt_length
        last = input_ids[:, -1].tolist()
        for row, token in enumerate(last):
            if self.stopped_at[row] is not None or self.horizon is None:
                continue
            newline = self.closes(token)
            if self.in_run[row] and not newline:
                self.closed[row] += 1
                if self.closed[row] > self.horizon:
                    self.stopped_at[row] = generated - 1
            self.in_run[row] = newline
        return torch.tensor([s is not None for s in self.stopped_at], dtype=torch.bool, device=input_ids.device)
