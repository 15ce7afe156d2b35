"""Arbitrary text inside the answer tag never raises and never scores for the string/logic families."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rlvr.tasks import get
from rlvr.verify.verdict import Reason, Verdict

FAMILIES = ["arithmetic", "dyck_completion", "dyck_error", "alphabet_sort", "sort_trace_error", "cipher",
            "sequence_induction", "boolean_expression", "sat"]
CORRECT = {Reason.EQUAL_STRING, Reason.EQUAL_NUMERIC, Reason.EQUAL_TUPLE, Reason.VALID_SOLUTION}
INCORRECT = {Reason.NOT_EQUAL, Reason.INVALID_FORMAT, Reason.RULE_VIOLATION, Reason.NO_ANSWER}
ALPHABET = st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Z"))


@pytest.mark.parametrize("name", FAMILIES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.text(alphabet=ALPHABET, max_size=300))
def test_arbitrary_answers_are_handled(name: str, junk: str) -> None:
    task = get(name)
    problem = task.problem(0, difficulty=6)
    verdict = task.check(problem, f"<answer>{junk}</answer>")
    assert isinstance(verdict, Verdict)
    if verdict.correct:
        assert verdict.reason in CORRECT
    else:
        assert verdict.reason in INCORRECT and verdict.score == 0.0


@pytest.mark.parametrize("name", FAMILIES)
def test_huge_answers_are_rejected_quickly(name: str) -> None:
    task = get(name)
    problem = task.problem(0, difficulty=6)
    for huge in ("9" * 200_000, "x1=1, " * 40_000, "( " * 100_000):
        verdict = task.check(problem, f"<answer>{huge}</answer>")
        assert not verdict.correct
