"""pass@k against the exact binomial formula, and its input errors."""

from __future__ import annotations

from math import comb

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rlvr.analysis import AnalysisError, ks_for, mean_pass_at_k, pass_at_k


@given(st.integers(1, 60).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n), st.integers(1, n))))
def test_matches_the_binomial_formula(args: tuple[int, int, int]) -> None:
    n, c, k = args
    exact = 1 - comb(n - c, k) / comb(n, k)
    assert pass_at_k(n, c, k) == pytest.approx(exact, abs=1e-12)


def test_edge_cases() -> None:
    assert pass_at_k(8, 0, 4) == 0.0
    assert pass_at_k(8, 8, 1) == 1.0
    assert pass_at_k(8, 5, 4) == 1.0  # fewer than k wrong samples: every draw of k holds a right one
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)


def test_large_n_does_not_overflow() -> None:
    assert 0.0 < pass_at_k(100_000, 1, 10) < 0.001


def test_mean_over_problems() -> None:
    assert mean_pass_at_k([4, 4], [4, 0], 2) == pytest.approx(0.5)


@pytest.mark.parametrize(("n", "c", "k", "message"), [
    (4, 1, 5, "at least 5 samples"),
    (4, 5, 1, "between 0 and n"),
    (0, 0, 1, ">= 1"),
    (4, 1, 0, ">= 1"),
    (4.0, 1, 1, "integers"),
])
def test_bad_input_says_what_to_fix(n, c, k, message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        pass_at_k(n, c, k)


def test_mean_needs_matching_lists() -> None:
    with pytest.raises(AnalysisError, match="one entry per problem"):
        mean_pass_at_k([4, 4], [1], 1)
    with pytest.raises(AnalysisError, match="no problems"):
        mean_pass_at_k([], [], 1)


def test_ks_for() -> None:
    assert ks_for(1) == [1]
    assert ks_for(8) == [1, 2, 4, 8]
    assert ks_for(6) == [1, 2, 4, 6]
