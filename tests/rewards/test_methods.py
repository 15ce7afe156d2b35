"""Each method against values worked out by hand from its formula."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rlvr import rewards
from rlvr.rewards import RolloutBatch


def batch(correct, length, group=None, **kw) -> RolloutBatch:
    group = [0] * len(correct) if group is None else group
    return RolloutBatch(correct=correct, length=length, group=group, **kw)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def test_correct_is_the_verifier_score() -> None:
    scores = rewards.get("correct").score(batch([1, 0, 0.5], [10, 20, 30]))
    assert scores.total.tolist() == [1.0, 0.0, 0.5]


def test_truncation_zeroes_over_long_and_cut_off_responses() -> None:
    b = batch([1, 1, 1, 0], [100, 101, 50, 500], truncated=[False, False, True, False])
    scores = rewards.get("truncation", max_length=100).score(b)
    assert scores.total.tolist() == [1.0, 0.0, 0.0, 0.0]
    assert scores.components["length"].tolist() == [0.0, -1.0, -1.0, 0.0]


def test_group_penalty_kimi() -> None:
    # group 0: lengths 100..500, min 100, max 500 -> lambda = 0.5 - (len-100)/400
    b = batch([1, 1, 0, 0, 1, 1], [100, 300, 200, 500, 7, 7], group=[0, 0, 0, 0, 1, 1])
    scores = rewards.get("group_penalty").score(b)
    expected = [
        1 + 0.4 * 0.5,  # correct, lambda 0.5
        1 + 0.4 * 0.0,  # correct, lambda 0
        0 + 0.4 * 0.0,  # wrong, lambda 0.25 -> min(0, .) = 0
        0 + 0.4 * -0.5,  # wrong, lambda -0.5
        1.0,  # equal lengths: no length term
        1.0,
    ]
    assert scores.total == pytest.approx(expected)


def test_normalized_length_uses_sample_std_of_correct_responses() -> None:
    b = batch([1, 1, 1, 0], [100, 200, 300, 50])
    scores = rewards.get("normalized_length", weight=0.4).score(b)
    std = 100.0  # sample std of 100, 200, 300
    expected = [1 - 0.4 * sigmoid(-100 / std), 1 - 0.4 * 0.5, 1 - 0.4 * sigmoid(100 / std), 0.0]
    assert scores.total == pytest.approx(expected)


def test_efficiency_uses_population_std_of_correct_responses() -> None:
    b = batch([1, 1, 0, 1], [100, 300, 10_000, 5], group=[0, 0, 0, 1])
    scores = rewards.get("efficiency", alpha=0.2).score(b)
    # group 0 correct lengths 100, 300: mean 200, population std 100; group 1 single correct -> z 0
    expected = [1 - 0.2 * sigmoid(-1.0), 1 - 0.2 * sigmoid(1.0), 0.0, 1 - 0.2 * 0.5]
    assert scores.total == pytest.approx(expected)


def test_l1_exact_and_max() -> None:
    b = batch([1, 0, 1], [1000, 1000, 3000], target_length=[2000, 2000, 1000])
    exact = rewards.get("l1_exact", alpha=0.001).score(b)
    assert exact.total == pytest.approx([1 - 1.0, 0 - 1.0, 1 - 2.0])
    top = rewards.get("l1_max", alpha=0.0003, delta=0.5).score(b)
    assert top.total == pytest.approx([min(1.0, 0.0003 * 1000 + 0.5), 0.0, max(0.0, 0.0003 * -2000 + 0.5)])


def test_l1_falls_back_to_configured_target_and_explains_when_missing() -> None:
    b = batch([1], [1500])
    assert rewards.get("l1_exact", alpha=0.001, target_length=1000).score(b).total == pytest.approx([0.5])
    with pytest.raises(rewards.RewardError, match="target length"):
        rewards.get("l1_max").score(b)


def test_thinkprune_stages() -> None:
    method = rewards.get("thinkprune", limits=[4096, 3072, 2048], stage_steps=[0, 10, 20])
    b = batch([1, 1, 1, 0], [2048, 3000, 4000, 100])
    assert method.limit == 4096
    assert method.score(b).total.tolist() == [1, 1, 1, 0]
    method.on_step(10)
    assert method.limit == 3072
    assert method.score(b).total.tolist() == [1, 1, 0, 0]
    assert method.score(b, step=25).total.tolist() == [1, 0, 0, 0]  # a later step advances the stage
    restored = rewards.get("thinkprune", limits=[4096, 3072, 2048], stage_steps=[0, 10, 20])
    restored.load_state_dict(method.state_dict())
    assert restored.limit == 2048


def test_cosine_endpoints_and_exceed_penalty() -> None:
    method = rewards.get("cosine", max_length=1000)
    b = batch([1, 1, 1, 0, 0, 0, 1], [0, 500, 1000, 0, 500, 1000, 1001])
    expected = [2.0, 1.5, -10.0, -10.0, -5.0, -10.0, -10.0]  # at 1000 tokens: over the limit
    assert method.score(b).total == pytest.approx(expected)
    near = batch([1, 0], [983, 983])  # 983 + 16 < 1000: still on the curve, near its end
    assert method.score(near).total == pytest.approx(
        [1.0 + 0.5 * (1 + math.cos(math.pi * 0.983)), -10.0 * 0.5 * (1 + math.cos(math.pi * 0.983))]
    )


def test_dapo_overlong_ramp() -> None:
    method = rewards.get("dapo_overlong", max_length=1000, cache_length=200)
    b = batch([1, 1, 1, 0, 1], [800, 900, 1000, 1100, 10])
    assert method.score(b).total == pytest.approx([1.0, 0.5, 0.0, -1.0, 1.0])


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("reward", [1.5, 1.0, -0.5, -0.5]),
        ("penalty", [1.0, 0.5, -0.5, -0.5]),
        ("hybrid", [1.5, 0.5, -0.5, -0.5]),
    ],
)
def test_laser_variants(variant: str, expected: list[float]) -> None:
    b = batch([1, 1, 0, 0], [1000, 1001, 10, 5000])
    scores = rewards.get("laser", target_length=1000, variant=variant).score(b)
    assert scores.total == pytest.approx(expected)
    assert scores.components["correct"] == pytest.approx([1.0, 1.0, -0.5, -0.5])


def test_laser_d_uses_each_bucket_target() -> None:
    method = rewards.get("laser_d")
    method.load_state_dict({"targets": {"easy": 1000, "medium": 2000, "hard": 3000}, "last_monitor_step": 20})
    # group 0: 3/3 correct (easy), group 1: 1/2 (medium), group 2: 1/4 (hard)
    b = batch(
        [1, 1, 1, 1, 0, 1, 0, 0, 0],
        [1000, 1500, 900, 1800, 100, 2900, 3100, 100, 100],
        group=[0, 0, 0, 1, 1, 2, 2, 2, 2],
    )
    assert method.targets_for(b).tolist() == [1000] * 3 + [2000] * 2 + [3000] * 4
    expected = [1.5, 1.0, 1.5, 1.5, -0.5, 1.5, -0.5, -0.5, -0.5]
    assert method.score(b).total == pytest.approx(expected)


def test_laser_de_explores_long_wrong_answers_unless_they_loop() -> None:
    method = rewards.get("laser_de", target_initial=100, monitor_first=False)
    rng = np.random.default_rng(0)
    varied = rng.integers(0, 30_000, 400).tolist()
    looping = rng.integers(0, 30_000, 100).tolist() + [7, 8, 9] * 100
    b = batch([1, 0, 0, 0], [50, 400, 400, 80], token_ids=[varied[:50], varied, looping, varied[:80]])
    scores = method.score(b)
    assert scores.total == pytest.approx([1.5, 0.0, -0.5, -0.5])
    assert scores.components["explore"].tolist() == [0.0, 0.5, 0.0, 0.0]


def test_laser_de_needs_token_ids_only_when_it_must_check_repetition() -> None:
    method = rewards.get("laser_de", target_initial=100, monitor_first=False)
    assert method.score(batch([1, 0], [500, 50])).total == pytest.approx([1.0, -0.5])
    with pytest.raises(rewards.RewardError, match="token_ids"):
        method.score(batch([1, 0], [500, 500]))


def test_format_checks_answer_and_think_tags() -> None:
    texts = [
        "<think>try 2+2</think> so \\boxed{4}",
        "<think>try</think> <answer>4</answer>",
        "no tags, answer 4",
        "<think></think> \\boxed{4}",
        "<think>a</think><think>b</think> \\boxed{4}",
    ]
    b = batch([1, 1, 1, 1, 1], [5] * 5, texts=texts)
    default = rewards.get("format").score(b)
    assert default.total == pytest.approx([0, 0, -0.1, 0, 0])  # think check off by default
    strict = rewards.get("format", answer_penalty=1.0, think_penalty=0.5, answer_format="boxed").score(b)
    assert strict.components["answer"] == pytest.approx([0, -1, -1, 0, 0])
    assert strict.components["think"] == pytest.approx([0, 0, -0.5, -0.5, -0.5])
    open_in_prompt = rewards.get("format", think_penalty=1.0, think_open_in_prompt=True)
    opened = batch([1, 1], [5, 5], texts=["plan it</think> \\boxed{1}", "<think>x</think> \\boxed{1}"])
    assert open_in_prompt.score(opened).components["think"] == pytest.approx([0, -1])


def test_repetition_penalty_on_token_ids_lists_and_padded_arrays() -> None:
    rng = np.random.default_rng(1)
    varied = rng.integers(0, 30_000, 600)
    looping = np.concatenate([rng.integers(0, 30_000, 300), np.tile([5, 6, 7, 8], 75)])
    method = rewards.get("repetition", penalty=0.5)
    lists = batch([1, 0], [600, 600], token_ids=[varied.tolist(), looping.tolist()])
    assert method.score(lists).total == pytest.approx([0.0, -0.5])
    padded = np.zeros((2, 700), dtype=np.int64)
    padded[0, :600], padded[1, :600] = varied, looping
    assert method.score(batch([1, 0], [600, 600], token_ids=padded)).total == pytest.approx([0.0, -0.5])


def test_format_check_stays_linear_on_spammed_tags() -> None:
    spam = "<answer>" * 200_000 + "x"
    b = batch([1], [5], texts=[spam])
    assert rewards.get("format").score(b).total.tolist() == [-0.1]
