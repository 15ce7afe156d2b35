"""SimpleRL-Zoo reflection words: whole words, any case, linear time."""

from __future__ import annotations

import time

import pytest

from rlvr.analysis import AnalysisError, REFLECTION_WORDS, reflection_count, reflection_counts, reflection_rates


def test_counts_each_word_whole_and_case_insensitive() -> None:
    text = "Wait, WAIT. Let me recheck. However, alternatively we could TRY  AGAIN or retry, then rethink."
    counts = reflection_counts(text)
    assert counts == {"recheck": 1, "rethink": 1, "try again": 1, "wait": 2, "alternatively": 1, "retry": 1, "however": 1}


@pytest.mark.parametrize("text", ["awaiting the bus", "the waiter", "rechecked", "retrying", "whosoever", "tryagain"])
def test_words_inside_other_words_do_not_count(text: str) -> None:
    assert reflection_count(text) == 0


def test_rates_per_step() -> None:
    rates = reflection_rates(["wait, no", "fine", "however wait"])
    assert rates.count == 3
    assert rates.rate == pytest.approx(2 / 3)
    assert rates.per_response == pytest.approx(1.0)
    assert rates.words["wait"] == pytest.approx(2 / 3)
    assert set(rates.words) == set(REFLECTION_WORDS)


def test_bad_input() -> None:
    with pytest.raises(AnalysisError):
        reflection_rates([])
    with pytest.raises(AnalysisError):
        reflection_counts(None)  # type: ignore[arg-type]


def test_adversarial_long_text_is_fast() -> None:
    # a backtracking pattern would take minutes on these; generous bound for a shared CI box
    for text in ("try " * 50_000, " " * 200_000, "wai" * 70_000, "try  " + " " * 200_000 + "x"):
        start = time.process_time()
        reflection_count(text)
        assert time.process_time() - start < 5.0
