"""B-STaR exploration/exploitation metrics on hand-computed cases."""

from __future__ import annotations

import pytest

from rlvr.analysis import AnalysisError, Sample, explore_exploit

SAMPLES = [
    # prompt A: three rewarded and correct, two of them the same text up to blanks; one wrong
    Sample("A", "answer  1", True, 1.0),
    Sample("A", "answer 1", True, 1.0),
    Sample("A", "another way: 1", True, 1.0),
    Sample("A", "answer 2", False, 0.0),
    # prompt B: the reward prefers the wrong response
    Sample("B", "wrong", False, 0.9),
    Sample("B", "right", True, 0.2),
]


def test_hand_computed() -> None:
    m = explore_exploit(SAMPLES)
    # A: selected distinct n_A = 2, correct n'_A = 2 -> bs = min(2/4, 1) * 2/2 = 0.5; B: n'_B = 0 -> 0
    assert m.prompts == 2 and m.k == 4
    assert m.pass_at_k_s == pytest.approx(0.5)
    assert m.distinct_correct == pytest.approx(1.0)
    assert m.reward_at_k_s == pytest.approx(0.5)  # top-1 by reward: A right, B wrong
    assert m.balance == pytest.approx(0.25)


def test_n_star_and_top_s() -> None:
    assert explore_exploit(SAMPLES, n_star=2).balance == pytest.approx(0.5)  # A: min(2/2, 1) * 1
    # top-2 by reward: A -> two correct (1.0); B -> one of two (0.5)
    assert explore_exploit(SAMPLES, top_s=2).reward_at_k_s == pytest.approx(0.75)


def test_threshold_selects_what_is_kept() -> None:
    # threshold 0.1 keeps B's correct response: pass 1 for B, balance min(1/4,1) * 1/2
    m = explore_exploit(SAMPLES, threshold=0.1)
    assert m.pass_at_k_s == pytest.approx(1.0)
    assert m.balance == pytest.approx((0.5 + 0.125) / 2)


def test_without_rewards_correctness_is_the_reward() -> None:
    m = explore_exploit([Sample("p", "a", True), Sample("p", "b", False)])
    assert (m.pass_at_k_s, m.distinct_correct, m.reward_at_k_s) == (1.0, 1.0, 1.0)
    assert m.balance == pytest.approx(0.25)  # min(1/4, 1) * 1/1


def test_collapse_to_one_answer_lowers_balance() -> None:
    diverse = [Sample("p", f"solution {i}", True, 1.0) for i in range(4)]
    collapsed = [Sample("p", "solution", True, 1.0) for _ in range(4)]
    assert explore_exploit(diverse).balance == pytest.approx(1.0)
    assert explore_exploit(collapsed).balance == pytest.approx(0.25)


def test_errors() -> None:
    with pytest.raises(AnalysisError):
        explore_exploit([])
    with pytest.raises(AnalysisError):
        explore_exploit(SAMPLES, top_s=0)
