"""Genius's foresight re-sampling: build a response step by step and collect preference pairs.

Genius (Xu et al. 2025, "Genius: A Generalizable and Purely Unsupervised Self-Training Framework
For Advanced Reasoning", section 2.2) at each step k of a response, for each of M beams:

1. sample N candidate next steps a_k and roll each out to the end of the response (foresight,
   `rlvr.decoding.foresight`); the candidate's score f_k is the foresight's mean token log-prob,
   over the rollout after the step as in the authors' code (`sampling.score: continuation`), or
   over step + rollout (`step_and_continuation`, the score Predictive-Decoding uses);
2. normalise the M*N scores, F_k(i) = exp(f_i / tau) / sum_j exp(f_j / tau)      (eq. 2),
   and keep M steps drawn from Categorical(F_k) without replacement               (eq. 3),
   each new beam's value Q_k := f_k of its step                                   (eq. 4);
3. keep the candidate with the highest f as the chosen response T_w and a rejected one T_l
   (drawn uniformly from the others as the authors' code does, the lowest f, or re-sampled from
   F_k without the winner as eq. 5 does), with advantages
   A = f_k - Q_{k-1}, the score minus the value of the beam it grew from          (eq. 6).
   Only rollouts that ended (EOS inside the length limit) enter pairs by default: a rollout cut by
   the limit is not a response, and its mean log-prob is not comparable with a finished one's.

Nothing here looks at the answer: no verifier is used (the point of Genius).
Where rlvr differs from the authors' code is listed in docs/selfimprove.md.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

REJECTED_RULES = ("random", "worst", "resample")
SCORE_RULES = ("continuation", "step_and_continuation")
PAIRS_FROM = ("finished", "all")


class GeniusError(ValueError):
    """Bad foresight re-sampling settings; the message names the key."""


@dataclass(frozen=True)
class ResampleSettings:
    """Foresight re-sampling knobs (recipe section `sampling`)."""

    beams: int = 2              # M: paths kept at each step
    candidates: int = 4         # N: candidate steps per beam
    tau: float = 0.1            # softmax temperature over foresight scores (the authors' code uses 0.1)
    temperature: float = 0.7    # sampling temperature of the rollouts
    top_p: float = 1.0
    max_steps: int = 3          # steps re-sampled before the last foresight is kept as the ending
    max_new_tokens: int = 64    # response length limit (prefix + rollout)
    rejected: str = "random"    # random: uniform over the others (authors' code); worst: lowest score;
                                # resample: drawn from F_k without the winner (eq. 5)
    score: str = "continuation" # mean log-prob of the rollout after the step (authors' code) or of step + rollout
    pairs_from: str = "finished"  # finished: only rollouts that ended inside the limit enter pairs; all: any

    def __post_init__(self) -> None:
        checks = [
            (self.beams >= 1, f"sampling.beams must be >= 1; got {self.beams}"),
            (self.candidates >= 1, f"sampling.candidates must be >= 1; got {self.candidates}"),
            (self.beams * self.candidates >= 2,
             "sampling.beams x sampling.candidates must be >= 2 (a preference pair needs two candidates)"),
            (self.tau > 0 and math.isfinite(self.tau), f"sampling.tau must be > 0; got {self.tau}"),
            (self.temperature > 0, f"sampling.temperature must be > 0 (candidates must differ); got {self.temperature}"),
            (0 < self.top_p <= 1, f"sampling.top_p must be in (0, 1]; got {self.top_p}"),
            (self.max_steps >= 1, f"sampling.max_steps must be >= 1; got {self.max_steps}"),
            (self.max_new_tokens >= 1, f"sampling.max_new_tokens must be >= 1; got {self.max_new_tokens}"),
            (self.rejected in REJECTED_RULES,
             f"sampling.rejected must be one of {', '.join(REJECTED_RULES)}; got {self.rejected!r}"),
            (self.score in SCORE_RULES,
             f"sampling.score must be one of {', '.join(SCORE_RULES)}; got {self.score!r}"),
            (self.pairs_from in PAIRS_FROM,
             f"sampling.pairs_from must be one of {', '.join(PAIRS_FROM)}; got {self.pairs_from!r}"),
        ]
        for ok, message in checks:
            if not ok:
                raise GeniusError(message)


@dataclass(frozen=True)
class PreferencePair:
    """(x, T_w, A_w, T_l, A_l) as token ids; the shared beam prefix sits in the prompt when there is one."""

    prompt_ids: list[int]
    chosen_ids: list[int]
    rejected_ids: list[int]
    chosen_advantage: float
    rejected_advantage: float
    chosen_score: float
    rejected_score: float
    step: int


@dataclass(frozen=True)
class _Candidate:
    beam: int
    rollout: Any
    score: float
    advantage: float

    @property
    def ids(self) -> list[int]:
        return list(self.rollout.step_ids) + list(self.rollout.continuation_ids)

    @property
    def finished(self) -> bool:
        return bool(getattr(self.rollout, "finished", True))


@dataclass
class _Beam:
    ids: list[int] = field(default_factory=list)   # committed steps
    value: float = 0.0                             # Q of the last committed step (0 before the first)
    tail: list[int] = field(default_factory=list)  # that step's foresight: the ending if we stop here
    done: bool = False


@dataclass
class GeniusTrace:
    """One prompt's re-sampled response, its preference pairs and what it cost."""

    response_ids: list[int]
    pairs: list[PreferencePair]
    generated_tokens: int     # every token the rollouts generated (the compute the SFT baseline is matched on)
    steps: int


ForesightFn = Callable[..., Sequence[Any]]


def softmax(scores: Sequence[float], tau: float) -> list[float]:
    """exp(s / tau) / sum exp(s / tau), computed stably (Genius eq. 2)."""
    top = max(scores)
    weights = [math.exp((s - top) / tau) for s in scores]
    total = sum(weights)
    return [w / total for w in weights]


def draw_without_replacement(probs: Sequence[float], n: int, rng: random.Random) -> list[int]:
    """n distinct indices, each drawn from `probs` renormalised over the ones not yet drawn."""
    left = list(range(len(probs)))
    picked: list[int] = []
    for _ in range(min(n, len(left))):
        weights = [probs[i] for i in left]
        total = sum(weights)
        if total <= 0:   # every remaining weight underflowed: fall back to uniform
            weights, total = [1.0] * len(left), float(len(left))
        point, acc = rng.random() * total, 0.0
        chosen = left[-1]
        for index, weight in zip(left, weights, strict=True):
            acc += weight
            if point < acc:
                chosen = index
                break
        picked.append(chosen)
        left.remove(chosen)
    return picked


def foresight_score(rollout: Any, rule: str) -> float:
    """A candidate's score f: the mean token log-prob of its rollout after the step (`continuation`,
    the authors' `normalize_logprob` of the foresight generation) or of step + rollout.

    A step that ended the response has no rollout after it; it keeps its step's mean (for an empty
    foresight the authors' `normalize_logprob` would give 0 / 1e-8 = 0, the best possible score).
    Rollouts without per-token log-probs (scripted ones) use `foresight_logprob` as given.
    """
    tokens = tuple(getattr(rollout, "token_logprobs", ()) or ())
    if rule == "step_and_continuation" or not tokens:
        return float(rollout.foresight_logprob)
    rest = tokens[len(rollout.step_ids):]
    if not rest:
        return float(rollout.foresight_logprob)
    return float(sum(rest) / len(rest))


def make_pair(candidates: Sequence[_Candidate], beams: Sequence[_Beam], prompt_ids: list[int], step: int,
              rule: str, tau: float, rng: random.Random, finished_only: bool = False) -> PreferencePair | None:
    """Best candidate vs a uniformly drawn other (or the worst, or a re-sampled one); None when no two
    eligible candidates differ. With `finished_only` only rollouts that ended are eligible."""
    eligible = [i for i in range(len(candidates)) if candidates[i].finished or not finished_only]
    if len(eligible) < 2:
        return None
    best = max(eligible, key=lambda i: candidates[i].score)
    others = [i for i in eligible if candidates[i].ids != candidates[best].ids]
    if not others:
        return None
    if rule == "random":
        worst = others[rng.randrange(len(others))]
    elif rule == "worst":
        worst = min(others, key=lambda i: candidates[i].score)
    else:
        probs = softmax([candidates[i].score for i in others], tau)
        worst = others[draw_without_replacement(probs, 1, rng)[0]]
    w, l = candidates[best], candidates[worst]
    if w.beam == l.beam:
        # Same path so far: the prefix is context, the pair differs from this step on.
        prompt, chosen, rejected = prompt_ids + beams[w.beam].ids, w.ids, l.ids
    else:
        prompt, chosen, rejected = list(prompt_ids), beams[w.beam].ids + w.ids, beams[l.beam].ids + l.ids
    return PreferencePair(prompt_ids=list(prompt), chosen_ids=list(chosen), rejected_ids=list(rejected),
                          chosen_advantage=w.advantage, rejected_advantage=l.advantage,
                          chosen_score=w.score, rejected_score=l.score, step=step)


def resample(model: Any, tokenizer: Any, prompt_ids: list[int], settings: ResampleSettings, *,
             rng: random.Random, foresight_fn: ForesightFn | None = None) -> GeniusTrace:
    """Foresight re-sampling of one response from `prompt_ids` (the rendered chat prompt)."""
    if foresight_fn is None:
        from rlvr.decoding.foresight import foresight as foresight_fn
    if not prompt_ids:
        raise GeniusError("the prompt is empty: foresight re-sampling needs the rendered prompt's tokens")
    beams = [_Beam()]
    pairs: list[PreferencePair] = []
    generated = 0
    steps = 0
    for step in range(settings.max_steps):
        live = [beam for beam in beams if not beam.done]
        if not live:
            break
        candidates: list[_Candidate] = []
        for index, beam in enumerate(live):
            # The first step starts from one prefix; sample all M*N candidates there (the authors
            # start from M copies of the empty path, which is the same distribution).
            k = settings.candidates * (settings.beams if step == 0 else 1)
            rollouts = foresight_fn(model, tokenizer, prompt_ids + beam.ids, k=k, horizon_steps=None,
                                    max_new_tokens=settings.max_new_tokens - len(beam.ids),
                                    temperature=settings.temperature, top_p=settings.top_p,
                                    seed=rng.randrange(2**31))
            for rollout in rollouts:
                generated += int(getattr(rollout, "generated", 0) or len(rollout.step_ids) + len(rollout.continuation_ids))
                score = foresight_score(rollout, settings.score)
                candidates.append(_Candidate(beam=index, rollout=rollout, score=score, advantage=score - beam.value))
        steps += 1
        pair = make_pair(candidates, live, prompt_ids, step, settings.rejected, settings.tau, rng,
                         finished_only=settings.pairs_from == "finished")
        if pair is not None:
            pairs.append(pair)
        # Finished beams keep their places; the live ones are re-drawn from this step's candidates.
        finished = [beam for beam in beams if beam.done]
        picked = draw_without_replacement(softmax([c.score for c in candidates], settings.tau),
                                          settings.beams - len(finished), rng)
        beams = finished + [_grow(live[candidates[i].beam], candidates[i], settings.max_new_tokens) for i in picked]
    # The last foresight of each beam is its ending; keep one beam, drawn by its value (as the authors do).
    final = beams[draw_without_replacement(softmax([b.value for b in beams], settings.tau), 1, rng)[0]]
    return GeniusTrace(response_ids=final.ids + final.tail, pairs=pairs, generated_tokens=generated, steps=steps)


def _grow(beam: _Beam, candidate: _Candidate, max_new_tokens: int) -> _Beam:
    rollout = candidate.rollout
    ids = beam.ids + list(rollout.step_ids)
    # The step ended the response (EOS inside it), or the length budget is spent: nothing left to re-sample.
    done = (rollout.finished and not rollout.continuation_ids) or len(ids) >= max_new_tokens or not rollout.step_ids
    return _Beam(ids=ids, value=candidate.score, tail=list(rollout.continuation_ids), done=done)
