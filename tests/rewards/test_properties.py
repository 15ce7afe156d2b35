"""Properties every method should keep, checked on random batches with hypothesis."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr import rewards
from rlvr.rewards import RolloutBatch

PLAIN_METHODS = [name for name in rewards.names() if name not in ("format", "repetition")]


@st.composite
def batches(draw: st.DrawFn, max_groups: int = 5, max_size: int = 6) -> RolloutBatch:
    sizes = draw(st.lists(st.integers(1, max_size), min_size=1, max_size=max_groups))
    total = sum(sizes)
    correct = draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=total, max_size=total))
    length = draw(st.lists(st.integers(0, 20_000), min_size=total, max_size=total))
    group = np.repeat(np.arange(len(sizes)), sizes)
    tokens = [list(range(n % 700)) for n in length]  # never repetitive
    return RolloutBatch(
        correct=correct, length=length, group=group, token_ids=tokens, target_length=np.full(total, 4000.0)
    )


@pytest.mark.parametrize("name", PLAIN_METHODS)
@settings(max_examples=40, deadline=None)
@given(b=batches())
def test_components_add_up_and_stay_finite(name: str, b: RolloutBatch) -> None:
    scores = rewards.get(name).score(b)
    assert scores.total.shape == (len(b),)
    assert np.isfinite(scores.total).all()
    assert sum(scores.components.values()) == pytest.approx(scores.total)


@pytest.mark.parametrize("name", [n for n in PLAIN_METHODS if not rewards.method_class(n).length_term_on_incorrect])
@settings(max_examples=40, deadline=None)
@given(b=batches())
def test_gated_methods_leave_incorrect_responses_unshaped(name: str, b: RolloutBatch) -> None:
    """Methods that gate on correctness give a wrong answer the same reward at any length."""
    scores = rewards.get(name).score(b)
    wrong = ~b.passed
    assert np.unique(np.round(scores.total[wrong], 12)).size <= 1


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("truncation", {}),
        ("laser", {}),
        ("l1_max", {}),
        ("dapo_overlong", {}),
        ("cosine", {}),
        ("thinkprune", {}),
        ("laser_d", {}),
    ],
)
@settings(max_examples=40, deadline=None)
@given(lengths=st.lists(st.integers(0, 30_000), min_size=2, max_size=40))
def test_correct_reward_never_grows_with_length(name: str, params: dict, lengths: list[int]) -> None:
    """For per-sample methods a longer correct answer never earns more."""
    ordered = sorted(lengths)
    b = RolloutBatch(
        correct=np.ones(len(ordered)), length=ordered, group=np.arange(len(ordered)),
        target_length=np.full(len(ordered), 3000.0),
    )
    total = rewards.get(name, **params).score(b).total
    assert (np.diff(total) <= 1e-12).all()


@settings(max_examples=60, deadline=None)
@given(
    length=st.integers(0, 20_000),
    size=st.integers(1, 8),
    correct=st.lists(st.sampled_from([0.0, 1.0]), min_size=8, max_size=8),
)
def test_group_penalty_has_no_length_term_when_lengths_are_equal(length: int, size: int, correct: list[float]) -> None:
    b = RolloutBatch(correct=correct[:size], length=[length] * size, group=[3] * size)
    scores = rewards.get("group_penalty").score(b)
    assert scores.components["length"] == pytest.approx(np.zeros(size))


@settings(max_examples=40, deadline=None)
@given(b=batches())
def test_group_methods_ignore_how_groups_are_numbered_and_ordered(b: RolloutBatch) -> None:
    order = np.random.default_rng(len(b)).permutation(len(b))
    shuffled = RolloutBatch(
        correct=b.correct[order], length=b.length[order], group=b.group[order] * 7 + 100,
        token_ids=[b.token_ids[i] for i in order], target_length=b.target_length[order],
    )
    for name in ("group_penalty", "normalized_length", "efficiency", "laser_d"):
        method = rewards.get(name)
        assert method.score(shuffled).total == pytest.approx(method.score(b).total[order])


@settings(max_examples=40, deadline=None)
@given(b=batches(), weights=st.lists(st.floats(-3, 3, allow_nan=False), min_size=3, max_size=3))
def test_combined_total_is_the_weighted_sum_of_its_members(b: RolloutBatch, weights: list[float]) -> None:
    combined = rewards.Combined([("laser_d", weights[0]), ("dapo_overlong", weights[1]), ("repetition", weights[2])],
                                allow_double_correctness=True)
    scores = combined.score(b)
    weighted = sum(combined.weights[key] * scores.components[key] for key in combined.weights)
    assert scores.total == pytest.approx(weighted)
    assert scores.components["laser_d"] == pytest.approx(rewards.get("laser_d").score(b).total)
