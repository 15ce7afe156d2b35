"""The n-gram loop detector on token ids."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.rewards import RewardError
from rlvr.rewards.repetition import is_degenerate, repeated_share


def test_loops_score_high_and_varied_text_low() -> None:
    rng = np.random.default_rng(3)
    varied = rng.integers(0, 50_000, 2000).tolist()
    loop = rng.integers(0, 50_000, 1000).tolist() + [11, 12, 13, 14, 15] * 200
    short = [1, 1, 1, 1]
    shares = repeated_share([varied, loop, short, []], np.array([2000, 2000, 4, 0]))
    assert shares[0] == pytest.approx(0.0)
    assert shares[1] > 0.9
    assert shares[2] == 0.0 and shares[3] == 0.0  # too short to judge
    assert is_degenerate([varied, loop], np.array([2000, 2000])).tolist() == [False, True]


def test_only_the_tail_counts() -> None:
    rng = np.random.default_rng(4)
    loop_then_recover = [9, 8] * 400 + rng.integers(0, 50_000, 600).tolist()
    assert not is_degenerate([loop_then_recover], np.array([1400]))[0]


@settings(max_examples=60, deadline=None)
@given(
    tokens=st.lists(st.integers(0, 40), min_size=0, max_size=120),
    ngram=st.integers(1, 5),
)
def test_share_matches_a_plain_count(tokens: list[int], ngram: int) -> None:
    window = 64
    tail = tokens[-window:]
    grams = [tuple(tail[i : i + ngram]) for i in range(len(tail) - ngram + 1)]
    expected = 1 - len(set(grams)) / len(grams) if len(tail) >= 2 * ngram else 0.0
    padded = np.zeros((1, 130), dtype=np.int64)
    padded[0, : len(tokens)] = tokens
    for source in ([tokens], padded):
        got = repeated_share(source, np.array([len(tokens)]), window=window, ngram=ngram)[0]
        assert got == pytest.approx(expected)


def test_bad_settings_and_tokens() -> None:
    with pytest.raises(RewardError, match="window >= 2"):
        repeated_share([[1, 2, 3]], np.array([3]), window=4, ngram=8)
    with pytest.raises(RewardError, match=">= 0"):
        repeated_share([[1, -2, 3] * 10], np.array([30]))
