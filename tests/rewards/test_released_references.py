"""Shaping methods against plain per-response rewrites of the authors' released reward code.

Each reference below is written from reading the released code (not copied): one Python loop per
response, the way the authors' reward functions run, with their constants. rlvr's vectorised methods
must give the same values with their defaults.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr import rewards
from rlvr.rewards import RolloutBatch


def sigmoid(x: float) -> float:
    return 0.5 * (1.0 + math.tanh(0.5 * x))


def efficiency_reference(correct, length, group, eos, alpha=0.2):
    """Arora & Zanette's reward server: no EOS scores 0 and is not counted; population std + 1e-7."""
    lengths = defaultdict(list)
    for c, n, g, e in zip(correct, length, group, eos):
        if e and c > 0:
            lengths[g].append(n)
    out = []
    for c, n, g, e in zip(correct, length, group, eos):
        if not e or c <= 0:
            out.append(0.0)
            continue
        pool = lengths[g]
        relative = (n - statistics.fmean(pool)) / (statistics.pstdev(pool) + 1e-7)
        out.append(c * (1 - alpha * sigmoid(relative)))
    return out


def cosine_reference(correct, length, max_len, margin=16):
    """Yeo et al.'s cosine reward with their constants (correct 2 -> 1, wrong -10 -> 0, exceed -10)."""
    out = []
    for c, n in zip(correct, length):
        if n + margin >= max_len:
            out.append(-10.0)
            continue
        start, end = (2.0, 1.0) if c == 1 else (-10.0, 0.0)
        out.append(end + 0.5 * (start - end) * (1.0 + math.cos(math.pi * n / max_len)))
    return out


def l1_max_reference(correct, length, budget, alpha=0.0003):
    """L1-Max as the released code computes it: (clip(-alpha * (len - budget), -1, 1) + 1) / 2, times correctness."""
    out = []
    for c, n, b in zip(correct, length, budget):
        score = max(-1.0, min(1.0, -alpha * (n - b)))
        out.append(max(0.0, (score + 1) / 2) * (1 if c == 1 else 0))
    return out


def l1_exact_reference(correct, length, budget, alpha=0.0003):
    return [(1 if c == 1 else 0) - alpha * abs(n - b) for c, n, b in zip(correct, length, budget)]


def normalized_reference(correct, length, group, weight=0.4, epsilon=1e-6):
    """The LASER code's normalised length penalty: z over the group's correct lengths (sample std),
    a lone correct response normalised against mean 0 and std 1."""
    lengths = defaultdict(list)
    for c, n, g in zip(correct, length, group):
        if c == 1:
            lengths[g].append(n)
    out = []
    for c, n, g in zip(correct, length, group):
        if c != 1:
            out.append(float(c))
            continue
        pool = lengths[g]
        mean, std = (0.0, 1.0) if len(pool) == 1 else (statistics.fmean(pool), statistics.stdev(pool))
        out.append(1.0 * (1 - weight * sigmoid((n - mean) / (std + epsilon))))
    return out


@st.composite
def groups(draw: st.DrawFn, max_len: int = 5000):
    sizes = draw(st.lists(st.integers(1, 8), min_size=1, max_size=6))
    total = sum(sizes)
    correct = draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=total, max_size=total))
    length = draw(st.lists(st.integers(1, max_len), min_size=total, max_size=total))
    group = [g for g, size in enumerate(sizes) for _ in range(size)]
    return correct, length, group


@settings(max_examples=200, deadline=None)
@given(drawn=groups(), data=st.data())
def test_efficiency_matches_the_reference_server(drawn, data) -> None:
    correct, length, group = drawn
    truncated = data.draw(st.lists(st.booleans(), min_size=len(correct), max_size=len(correct)))
    batch = RolloutBatch(correct=correct, length=length, group=group, truncated=truncated)
    ours = rewards.get("efficiency").score(batch).total
    expected = efficiency_reference(correct, length, group, [not t for t in truncated])
    np.testing.assert_allclose(ours, expected, rtol=1e-6, atol=1e-6)


def test_efficiency_scores_truncated_responses_zero_and_leaves_them_out() -> None:
    # Group: correct 100, 300 and a truncated correct 5000. Without it the mean is 200, std 100.
    batch = RolloutBatch(correct=[1, 1, 1], length=[100, 300, 5000], group=[0, 0, 0], truncated=[False, False, True])
    scores = rewards.get("efficiency", alpha=0.2).score(batch)
    assert scores.total == pytest.approx([1 - 0.2 * sigmoid(-1.0), 1 - 0.2 * sigmoid(1.0), 0.0])
    assert scores.components["correct"].tolist() == [1.0, 1.0, 0.0]
    kept = rewards.get("efficiency", alpha=0.2, zero_truncated=False).score(batch).total
    assert kept[2] > 0.0 and kept[0] != pytest.approx(scores.total[0])


@settings(max_examples=200, deadline=None)
@given(drawn=groups(max_len=1100))
def test_cosine_matches_the_reference_with_its_16_token_margin(drawn) -> None:
    correct, length, group = drawn
    batch = RolloutBatch(correct=correct, length=length, group=group)
    ours = rewards.get("cosine", max_length=1000).score(batch).total
    np.testing.assert_allclose(ours, cosine_reference(correct, length, 1000), rtol=1e-9, atol=1e-9)


def test_cosine_margin_boundary() -> None:
    batch = RolloutBatch(correct=[1, 1, 1, 0], length=[983, 984, 999, 983], group=[0, 1, 2, 3])
    total = rewards.get("cosine", max_length=1000).score(batch).total
    assert total[1] == total[2] == -10.0 and total[0] > 1.0 and total[3] > -1.0
    exact = rewards.get("cosine", max_length=1000, margin=0).score(batch).total
    assert exact[2] > 1.0 and exact[1] > 1.0
    with pytest.raises(rewards.RewardError, match="margin"):
        rewards.get("cosine", max_length=100, margin=100)


@settings(max_examples=200, deadline=None)
@given(drawn=groups(max_len=9000), data=st.data())
def test_l1_matches_the_released_code(drawn, data) -> None:
    correct, length, group = drawn
    budget = data.draw(st.lists(st.integers(100, 8000), min_size=len(correct), max_size=len(correct)))
    batch = RolloutBatch(correct=correct, length=length, group=group, target_length=budget)
    np.testing.assert_allclose(rewards.get("l1_max").score(batch).total, l1_max_reference(correct, length, budget), atol=1e-12)
    np.testing.assert_allclose(rewards.get("l1_exact").score(batch).total, l1_exact_reference(correct, length, budget), atol=1e-12)


def test_l1_max_paper_slope_is_one_parameter_away() -> None:
    batch = RolloutBatch(correct=[1], length=[2000], group=[0], target_length=[1000])
    assert rewards.get("l1_max").score(batch).total == pytest.approx([0.5 - 0.00015 * 1000])
    assert rewards.get("l1_max", alpha=0.0003).score(batch).total == pytest.approx([0.5 - 0.0003 * 1000])


@settings(max_examples=200, deadline=None)
@given(drawn=groups())
def test_normalized_length_matches_the_laser_code(drawn) -> None:
    correct, length, group = drawn
    batch = RolloutBatch(correct=correct, length=length, group=group)
    ours = rewards.get("normalized_length").score(batch).total
    np.testing.assert_allclose(ours, normalized_reference(correct, length, group), rtol=1e-6, atol=1e-6)


def test_normalized_length_single_correct_modes() -> None:
    batch = RolloutBatch(correct=[1, 0, 0], length=[300, 100, 900], group=[0, 0, 0])
    released = rewards.get("normalized_length", weight=0.4).score(batch).total
    neutral = rewards.get("normalized_length", weight=0.4, single_correct="neutral").score(batch).total
    assert released[0] == pytest.approx(1 - 0.4 * sigmoid(300.0)) and neutral[0] == pytest.approx(0.8)
    with pytest.raises(rewards.RewardError, match="single_correct"):
        rewards.get("normalized_length", single_correct="maybe")


def kimi_term_reference(correct, length, group, coef=0.4, epsilon=1e-6):
    """The length term of the LASER code's Kimi penalty (groups of two or more responses)."""
    lengths = defaultdict(list)
    for n, g in zip(length, group):
        lengths[g].append(n)
    out = []
    for c, n, g in zip(correct, length, group):
        low, high = min(lengths[g]), max(lengths[g])
        term = 0.0 if high == low else 0.5 - (n - low) / (high - low + epsilon)
        out.append(coef * (term if c == 1 else min(0.0, term)))
    return out


@settings(max_examples=200, deadline=None)
@given(drawn=groups())
def test_group_penalty_length_term_matches_the_laser_code(drawn) -> None:
    correct, length, group = drawn
    sizes = defaultdict(int)
    for g in group:
        sizes[g] += 1
    keep = [i for i, g in enumerate(group) if sizes[g] > 1]  # a lone response: see below
    correct, length, group = ([values[i] for i in keep] for values in (correct, length, group))
    if not keep:
        return
    batch = RolloutBatch(correct=correct, length=length, group=group)
    ours = rewards.get("group_penalty").score(batch).components["length"]
    np.testing.assert_allclose(ours, kimi_term_reference(correct, length, group), rtol=1e-5, atol=1e-5)


def test_group_penalty_gives_a_lone_response_no_length_term() -> None:
    """The LASER code normalises a one-response group against min 0, max 1 (a term of 0.5 - len); rlvr gives 0."""
    batch = RolloutBatch(correct=[1.0], length=[300], group=[0])
    assert rewards.get("group_penalty").score(batch).components["length"].tolist() == [0.0]
