"""Predictive-Decoding and the baselines: the re-weighting formula, commit rule, recycling, token accounting."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from rlvr.decoding import DecodingError, Rollout
from rlvr.decoding.baselines import best_of_n, greedy, pick_best, pick_majority
from rlvr.decoding.config import DecodingConfig
from rlvr.decoding.predictive import choose, predictive, recycle, step_weights
from rlvr.decoding.sampler import DecodingSampler


def fake(step: list[int], score: float, cont: list[int] | None = None) -> Rollout:
    cont = cont or []
    logprobs = tuple([score] * (len(step) + len(cont)))
    return Rollout(step="s", step_ids=step, continuation="c", continuation_ids=cont, step_logprob=score * len(step),
                   foresight_logprob=score, finished=False, token_logprobs=logprobs, generated=len(logprobs))


def test_weights_are_exp_score_over_tau_pooled_per_step() -> None:
    rollouts = [fake([1], -1.0), fake([2], -2.0), fake([1], -3.0)]
    weights = step_weights(rollouts, tau=0.5)
    raw = {(1,): math.exp(-1 / 0.5) + math.exp(-3 / 0.5), (2,): math.exp(-2 / 0.5)}
    total = sum(raw.values())
    assert weights == pytest.approx({k: v / total for k, v in raw.items()})
    # A lower tau sharpens towards the best-scored step.
    assert step_weights(rollouts, tau=0.05)[(1,)] > weights[(1,)]


def test_commit_samples_by_weight_or_takes_the_argmax() -> None:
    weights = {(1,): 0.8, (2,): 0.2}
    assert choose(weights, "argmax", random.Random(0)) == (1,)
    rng = random.Random(0)
    counts = Counter(choose(weights, "sample", rng) for _ in range(4000))
    assert 0.75 < counts[(1,)] / 4000 < 0.85 and counts[(2,)] > 0


def test_recycling_keeps_agreeing_rollouts_cut_one_step_later(tiny) -> None:
    _, tokenizer = tiny
    nl = tokenizer.convert_tokens_to_ids("Ċ")
    a, b = tokenizer.convert_tokens_to_ids("a"), tokenizer.convert_tokens_to_ids("b")
    closes = {nl}.__contains__
    agree = fake([a, nl], -1.0, [b, nl, a])
    kept = recycle([agree, fake([b, nl], -0.5, [a]), fake([a, nl], -2.0)], (a, nl), tokenizer, closes)
    assert len(kept) == 1  # the other step, and the agreeing rollout with no foresight left, are dropped
    assert kept[0].step_ids == [b, nl] and kept[0].continuation_ids == [a]
    assert kept[0].generated == 0  # its tokens were counted when they were sampled


def test_majority_and_best_of_n_picks() -> None:
    rollouts = [fake([1], -0.1), fake([2], -2.0), fake([3], -1.5), fake([4], -0.2)]
    assert pick_best(rollouts).step_ids == [1]
    assert pick_majority(rollouts, ["7", "5", "5", None]).step_ids == [2]
    # A tie goes to the answer whose voters are the more likely.
    assert pick_majority(rollouts, ["7", "5", None, None]).step_ids == [1]
    assert pick_majority(rollouts, [None] * 4).step_ids == [1]


def test_predictive_response_and_token_accounting(tiny, prefix, monkeypatch: pytest.MonkeyPatch) -> None:
    import rlvr.decoding.predictive as module

    model, tokenizer = tiny
    asked: list[int] = []
    real = module.foresight

    def counting(*args, **kwargs):
        asked.append(kwargs["k"])
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "foresight", counting)
    config = DecodingConfig(strategy="predictive", k=4, horizon=1, tau=0.1, temperature=1.0, max_tokens=20)
    out = predictive(model, tokenizer, prefix, config, seed=3)
    assert 1 <= out.tokens <= 20
    assert out.generated >= out.tokens  # every committed token was sampled in some rollout
    assert len(asked) >= 2 and all(1 <= k <= 4 for k in asked)
    assert any(k < 4 for k in asked[1:])  # recycled rollouts replaced fresh ones at least once
    again = predictive(model, tokenizer, prefix, config, seed=3)
    assert again == out  # seeded end to end


def test_baselines_count_every_sample(tiny, prefix) -> None:
    model, tokenizer = tiny
    config = DecodingConfig(strategy="best-of-n", n=4, temperature=1.0, max_tokens=12)
    best = best_of_n(model, tokenizer, prefix, config, seed=1)
    alone = greedy(model, tokenizer, prefix, DecodingConfig(max_tokens=12))
    assert best.tokens <= 12 and alone.tokens <= 12
    assert best.generated > best.tokens  # four samples paid for, one returned
    assert alone.generated == alone.tokens


def test_sampler_returns_n_per_prompt_and_records_cost(tiny) -> None:
    model, tokenizer = tiny
    sampler = DecodingSampler(model, tokenizer, DecodingConfig(strategy="predictive", k=2, horizon=1))

    class Params:
        max_tokens, temperature, top_p, seed = 10, 1.0, 1.0, 0

    prompts = [[{"role": "user", "content": "1+1"}], [{"role": "user", "content": "2+2"}]]
    out = sampler.sample(prompts, 2, Params())
    assert [len(x) for x in out] == [2, 2]
    assert sampler.generated == [sum(d.generated for d in x) for x in out]
    with pytest.raises(DecodingError, match="majority"):
        DecodingSampler(model, tokenizer, DecodingConfig(strategy="majority")).sample(prompts[:1], 1, Params())


@pytest.mark.parametrize("kwargs, option", [
    ({"strategy": "beam"}, "--decoding"),
    ({"k": 0}, "--foresight-k"),
    ({"n": 0}, "--decoding-n"),
    ({"tau": 0.0}, "--tau"),
    ({"tau": -1.0}, "--tau"),
    ({"horizon": -1}, "--horizon"),
    ({"strategy": "predictive", "temperature": 0.0}, "--temperature"),
    ({"select": "best"}, "select"),
])
def test_bad_settings_name_the_option(kwargs: dict, option: str) -> None:
    with pytest.raises(DecodingError, match=option):
        DecodingConfig(**kwargs)
