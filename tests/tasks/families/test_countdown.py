import itertools
import random
import statistics
from fractions import Fraction

import pytest

from rlvr.tasks import Problem, TaskError, get
from rlvr.verify.verdict import Reason

TASK = get("countdown")


def tagged(text: str) -> str:
    return f"<think>working</think><answer>{text}</answer>"


def problem(numbers: list[int], target: int, use_all: bool) -> Problem:
    return Problem(id="t", task="countdown", prompt="", answer="", difficulty=1,
                   metadata={"numbers": numbers, "target": target, "use_all": use_all})


def all_solutions(numbers: list[int], target: int) -> set[str]:
    """Independent brute force: every operand order, operator choice and bracket shape for 4 numbers."""
    found = set()
    ops = "+-*/"
    shapes = ["(({a} {x} {b}) {y} {c}) {z} {d}", "({a} {x} ({b} {y} {c})) {z} {d}", "({a} {x} {b}) {y} ({c} {z} {d})",
              "{a} {x} (({b} {y} {c}) {z} {d})", "{a} {x} ({b} {y} ({c} {z} {d}))"]
    for a, b, c, d in set(itertools.permutations(numbers)):
        for x, y, z in itertools.product(ops, repeat=3):
            for shape in shapes:
                text = shape.format(a=a, b=b, c=c, d=d, x=x, y=y, z=z)
                if _value(text) == target:
                    found.add(text)
    return found


def _value(text: str) -> Fraction | None:
    from rlvr.tasks.families._expr import ExprError, evaluate
    try:
        return evaluate(text)[0]
    except ExprError:
        return None


def test_every_alternative_solution_of_a_game_of_24_is_accepted() -> None:
    p = TASK.problem(3, seed=1, difficulty=1)
    solutions = all_solutions(p.metadata["numbers"], 24)
    assert len(solutions) > 1
    for text in sorted(solutions)[:40]:
        verdict = TASK.check(p, tagged(text))
        assert verdict.correct and verdict.reason == Reason.VALID_SOLUTION, (text, verdict)


def test_hand_made_rules() -> None:
    p = problem([4, 6, 1, 1], 24, use_all=True)
    assert TASK.check(p, tagged("4 * 6 * 1 * 1")).correct
    assert TASK.check(p, tagged("(4 × 6) ÷ (1 * 1) = 24")).correct
    assert TASK.check(p, tagged("4*6")).reason == Reason.RULE_VIOLATION  # not every number used
    assert TASK.check(p, tagged("4*6*1*1*1")).reason == Reason.RULE_VIOLATION  # 1 used three times
    assert TASK.check(p, tagged("24")).reason == Reason.RULE_VIOLATION
    assert TASK.check(p, tagged("4+6+1+1")).reason == Reason.RULE_VIOLATION  # 12, not 24
    free = problem([25, 3, 7, 2], 75, use_all=False)
    assert TASK.check(free, tagged("25*3")).correct
    assert TASK.check(free, tagged("(25 - 7 - 3) * (2 + 3)")).reason == Reason.RULE_VIOLATION


def test_fractions_are_exact() -> None:
    p = problem([1, 3, 4, 6], 24, use_all=True)
    assert TASK.check(p, tagged("6 / (1 - 3 / 4)")).correct


@pytest.mark.parametrize("junk", ["¹", "٤*٦*1*1", "4 ** 6", "__import__('os')", "(4*6", "-4*6*1*1", "4*6*1*1 = 25",
                                  "4/(1-1)*6*1", "1" * 50, "(" * 5000, "4 6 1 1", ""])
def test_malformed_answers_are_rejected_cleanly(junk: str) -> None:
    verdict = TASK.check(problem([4, 6, 1, 1], 24, use_all=True), tagged(junk))
    assert not verdict.correct
    assert verdict.reason in (Reason.INVALID_FORMAT, Reason.RULE_VIOLATION)


def test_corrupt_is_rejected() -> None:
    for p in TASK.generate(20, seed=3, difficulty=6):
        assert not TASK.check(p, tagged(TASK.corrupt(p, random.Random(0)))).correct


def test_difficulty_grows() -> None:
    def effort(d: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in TASK.generate(30, seed=2, difficulty=d))
    assert effort(9) > effort(2)
    assert max(p.metadata["target"] for p in TASK.generate(30, difficulty=9)) > 100


@pytest.mark.parametrize("knobs", [{"count": 12}, {"min_target": 50, "max_target": 10}, {"use_all": True, "count": 7}])
def test_impossible_knobs_are_a_task_error(knobs: dict) -> None:
    with pytest.raises(TaskError):
        get("countdown", **knobs).problem(0, difficulty=5)


def test_unreachable_target_range_is_a_task_error() -> None:
    with pytest.raises(TaskError, match="widen"):
        get("countdown", min_target=10**6, max_target=10**7, large_count=0).problem(0, difficulty=4)


def test_unsolvable_game_of_24_settings_are_a_task_error() -> None:
    with pytest.raises(TaskError, match="raise max_small"):
        get("countdown", max_small=1).problem(0, difficulty=1)
