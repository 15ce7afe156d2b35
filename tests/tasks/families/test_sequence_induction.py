from __future__ import annotations

import pytest

from rlvr.tasks import get
from rlvr.tasks.families.sequence_induction import consistent_predictions, fit_order2, fit_polynomial
from rlvr.verify.verdict import Reason

TASK = get("sequence_induction")


def test_gold_continues_the_generating_rule_and_is_accepted() -> None:
    for difficulty in range(1, 11):
        for problem in TASK.generate(15, difficulty=difficulty):
            shown = problem.metadata["shown"]
            gold = [int(t) for t in problem.answer.split(",")]
            predictions = consistent_predictions(shown, len(gold))
            assert predictions[problem.metadata["rule"]] == gold
            assert sorted(map(list, {tuple(p) for p in predictions.values()})) == problem.metadata["accepted"]


def test_most_generated_sequences_are_identifiable() -> None:
    problems = [p for d in range(1, 11) for p in TASK.generate(20, difficulty=d)]
    ambiguous = sum(len(p.metadata["accepted"]) > 1 for p in problems)
    assert ambiguous <= len(problems) // 20


def test_another_fitting_rule_is_accepted() -> None:
    # 1, 2, 4, 8, 16 fits a*r^n (next 32) but also x'' = a x' + b x with a=2, b=0, and
    # 1, 1, 2, 3, 5, 8 fits Fibonacci; build a problem whose shown terms fit two rules differently.
    shown = [0, 1, 3, 7, 15]  # affine x' = 2x + 1 -> 31; order-2 x'' = 3x' - 2x -> 31 too
    assert fit_order2(shown, 1) == [31]
    shown = [1, 2, 4, 8, 16]
    predictions = consistent_predictions(shown, 1)
    assert predictions["geometric"] == [32]
    # A quartic-looking start that a cubic does not fit, but that interleaving does:
    shown = [1, 10, 2, 20, 3, 30]
    assert consistent_predictions(shown, 2)["interleaved"] == [4, 40]
    problem = TASK.problem(0, difficulty=1)
    meta = {**problem.metadata, "shown": [2, 4, 8], "accepted": [[16], [14]]}
    twin = type(problem)(id="t", task=problem.task, prompt="", answer="16", difficulty=1, metadata=meta)
    verdict = TASK.check(twin, "<answer>14</answer>")
    assert verdict.correct and verdict.reason == Reason.VALID_SOLUTION
    assert TASK.check(twin, "<answer>16</answer>").reason == Reason.EQUAL_TUPLE


def test_polynomial_fit_extends_the_difference_table() -> None:
    squares = [n * n for n in range(1, 7)]
    assert fit_polynomial(squares, 2, 2) == [49, 64]
    assert fit_polynomial(squares, 1, 1) is None
    cubes = [n**3 for n in range(6)]
    assert fit_polynomial(cubes, 3, 1) == [216]


@pytest.mark.parametrize("junk, reason", [("seven", Reason.INVALID_FORMAT), ("1.5", Reason.INVALID_FORMAT),
                                          ("1, 2, 3, 4, 5, 6", Reason.INVALID_FORMAT)])
def test_malformed_answers(junk: str, reason: str) -> None:
    assert TASK.check(TASK.problem(0, difficulty=3), f"<answer>{junk}</answer>").reason == reason


def test_wrong_terms_are_not_equal() -> None:
    problem = TASK.problem(0, difficulty=7)
    gold = [int(t) for t in problem.answer.split(",")]
    gold[0] += 1
    assert TASK.check(problem, "<answer>" + ", ".join(map(str, gold)) + "</answer>").reason == Reason.NOT_EQUAL


def test_difficulty_grows() -> None:
    effort = lambda d: sum(p.metadata["effort"] for p in TASK.generate(40, difficulty=d)) / 40  # noqa: E731
    assert effort(9) > effort(2)
