"""Clip ratio, Monte-Carlo entropy from sampled log-probs, length histogram."""

from __future__ import annotations

import math

import pytest

from rlvr.analysis import AnalysisError, clip_ratio, length_histogram, sample_entropy


def test_clip_ratio_from_flags_or_limit() -> None:
    assert clip_ratio([10, 20, 30], truncated=[False, True, False]) == pytest.approx(1 / 3)
    assert clip_ratio([10, 64, 64, 3], max_length=64) == pytest.approx(0.5)
    with pytest.raises(AnalysisError):
        clip_ratio([10])
    with pytest.raises(AnalysisError):
        clip_ratio([10], truncated=[True, False])


def test_entropy_is_mean_negative_logprob_per_token() -> None:
    # a uniform choice among 4 tokens at every step has entropy ln 4 exactly
    assert sample_entropy([[math.log(0.25)] * 3, [math.log(0.25)]]) == pytest.approx(math.log(4))
    assert sample_entropy([[0.0, -1.0], [-2.0]]) == pytest.approx(1.0)


@pytest.mark.parametrize("bad", [[[0.5]], [[float("nan")]], [[]], []])
def test_entropy_rejects_bad_logprobs(bad: list[list[float]]) -> None:
    with pytest.raises(AnalysisError):
        sample_entropy(bad)


def test_length_histogram_counts_everything() -> None:
    buckets = length_histogram([1, 2, 3, 10, 10], bins=3)
    assert sum(c for _, _, c in buckets) == 5
    assert buckets[0][0] == 1 and buckets[-1][1] > 10
