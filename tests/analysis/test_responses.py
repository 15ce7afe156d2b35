"""Length statistics and format rate."""

from __future__ import annotations

import pytest

from rlvr.analysis import AnalysisError, accuracy, format_rate, has_final_answer, length_stats
from rlvr.verify.verdict import Reason, Verdict


def test_length_stats() -> None:
    stats = length_stats([10, 20, 30, 40], [False, False, True, True])
    assert stats.mean == 25.0
    assert stats.median == 25.0
    assert stats.max == 40
    assert stats.truncated_rate == 0.5
    assert stats.count == 4


def test_length_stats_errors() -> None:
    with pytest.raises(AnalysisError, match="non-empty"):
        length_stats([])
    with pytest.raises(AnalysisError, match=">= 0"):
        length_stats([3, -1])
    with pytest.raises(AnalysisError, match="one flag per response"):
        length_stats([3, 4], [True])


def test_format_rate_counts_wrong_but_well_formed_answers() -> None:
    verdicts = [
        Verdict(True, Reason.EQUAL_NUMERIC, extracted="4"),
        Verdict(False, Reason.NOT_EQUAL, extracted="5"),
        Verdict(False, Reason.NO_ANSWER),
        Verdict(False, Reason.INVALID_FORMAT, extracted="four"),
    ]
    assert [has_final_answer(v) for v in verdicts] == [True, True, False, False]
    assert format_rate(verdicts) == 0.5
    assert accuracy(verdicts) == 0.25


def test_empty_rates_are_errors() -> None:
    with pytest.raises(AnalysisError):
        format_rate([])
    with pytest.raises(AnalysisError):
        accuracy([])
