import random
import statistics

import pytest

from rlvr.tasks import Problem, get
from rlvr.tasks.families.digit_restoration import count_solutions
from rlvr.verify.verdict import Reason

TASK = get("digit_restoration")


def tagged(text: str) -> str:
    return f"<answer>{text}</answer>"


@pytest.mark.parametrize("difficulty", [1, 5, 10])
def test_restoration_is_unique(difficulty: int) -> None:
    for p in TASK.generate(15, seed=4, difficulty=difficulty):
        count, _ = count_solutions(p.metadata["operation"], p.metadata["patterns"], limit=5)
        assert count == 1, p.metadata
        assert "?" in "".join(p.metadata["patterns"])


def test_counter_sees_several_solutions() -> None:
    assert count_solutions("+", ["1?", "10", "2?"], limit=20)[0] == 10


def manual(patterns: list[str], op: str = "+") -> Problem:
    return Problem(id="t", task="digit_restoration", prompt="", answer="", difficulty=1,
                   metadata={"operation": op, "patterns": patterns})


def test_rules() -> None:
    p = manual(["4?", "1?", "6?"])
    assert TASK.check(p, tagged("45 + 17 = 62")).correct
    assert TASK.check(p, tagged("45 + 18 = 63")).correct  # rule-checked: any true fill that fits
    assert TASK.check(p, tagged("45 + 17 = 63")).reason == Reason.RULE_VIOLATION
    assert TASK.check(p, tagged("55 + 7 = 62")).reason == Reason.RULE_VIOLATION
    assert TASK.check(p, tagged("45 - 17 = 28")).reason == Reason.RULE_VIOLATION
    times = manual(["1?", "3", "?9"], "*")
    assert TASK.check(times, tagged("13 x 3 = 39")).correct
    assert TASK.check(times, tagged("13 × 3 = 39")).correct


@pytest.mark.parametrize("junk", ["45+17", "forty five", "45 + 17 = 62 = 62", "4? + 17 = 62", "9" * 5000])
def test_malformed(junk: str) -> None:
    assert TASK.check(manual(["4?", "1?", "6?"]), tagged(junk)).reason == Reason.INVALID_FORMAT


def test_corrupt_rejected() -> None:
    for p in TASK.generate(10, difficulty=7):
        assert TASK.check(p, tagged(TASK.corrupt(p, random.Random(1)))).reason == Reason.RULE_VIOLATION


def test_difficulty_grows() -> None:
    def effort(d: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in TASK.generate(30, seed=2, difficulty=d))
    assert effort(9) > effort(2)


@pytest.mark.parametrize("junk", ["1+1=2" + " " * 4000 + "x", "1" + " " * 4000 + "+" + " " * 10 + "x"])
def test_pathological_whitespace_is_rejected(junk: str) -> None:
    assert TASK.check(manual(["4?", "1?", "6?"]), tagged(junk)).reason == Reason.INVALID_FORMAT
