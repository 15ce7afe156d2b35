"""Held-out figures that separate the answer format from the answers: accuracy among formatted responses."""

from __future__ import annotations

from rlvr.evaluate.runner import SampleRecord, summarise
from rlvr.evaluate.sampling import SamplingParams
from rlvr.train.heldout import accuracy_among_formatted, headline
from rlvr.verify.verdict import Reason


def record(i: int, correct: bool, reason: Reason) -> SampleRecord:
    return SampleRecord(problem_id=f"p{i}", task="arithmetic", difficulty=1, response="...", tokens=5, truncated=False,
                        correct=correct, score=float(correct), reason=reason, extracted=None, answer="3")


def test_accuracy_among_formatted_counts_only_readable_answers() -> None:
    records = [record(0, True, Reason.EQUAL_NUMERIC), record(1, False, Reason.NOT_EQUAL),
               record(2, False, Reason.INVALID_FORMAT), record(3, False, Reason.NO_ANSWER)]
    result = summarise(records, 1, SamplingParams())
    # Two answers could be read, one of them right; the two unreadable ones do not count against it.
    assert accuracy_among_formatted(result) == 0.5
    figures = headline(result)
    assert figures["accuracy"] == 0.25 and figures["format_rate"] == 0.5
    # accuracy = format rate x accuracy among formatted answers
    assert figures["accuracy"] == figures["format_rate"] * figures["formatted_accuracy"]


def test_no_formatted_answer_leaves_the_figure_undefined() -> None:
    result = summarise([record(0, False, Reason.NO_ANSWER), record(1, False, Reason.NO_ANSWER)], 1, SamplingParams())
    assert accuracy_among_formatted(result) is None
    assert "formatted_accuracy" not in headline(result)  # metrics.jsonl has no NaN, the plot no false zero
