import random
import statistics

import pytest

from rlvr.tasks import get
from rlvr.tasks.families.knights_knaves import consistent, holds
from rlvr.verify.verdict import Reason

TASK = get("knights_knaves")


def tagged(text: str) -> str:
    return f"<answer>{text}</answer>"


@pytest.mark.parametrize("difficulty", [1, 5, 10])
def test_exactly_one_assignment_is_consistent(difficulty: int) -> None:
    for p in TASK.generate(15, seed=3, difficulty=difficulty):
        names, statements = p.metadata["names"], p.metadata["statements"]
        fits = [m for m in range(1 << len(names)) if consistent(statements, m)]
        assert len(fits) == 1
        gold = ", ".join(f"{n}: {'knight' if fits[0] >> i & 1 else 'knave'}" for i, n in enumerate(names))
        assert gold == p.answer


def test_statement_semantics() -> None:
    # bit i set = person i is a knight
    assert holds(["is", 0, True], 0b01) and not holds(["is", 0, True], 0b10)
    assert holds(["and", ["is", 0, True], ["is", 1, False]], 0b01)
    assert holds(["or", ["is", 0, False], ["is", 1, False]], 0b01)
    assert holds(["same", 0, 1], 0b11) and holds(["differ", 0, 1], 0b10)
    assert holds(["count", 2], 0b101) and not holds(["count", 1], 0b101)
    # "I am a knave" can be said by nobody
    assert not consistent([["is", 0, False]], 0b0) and not consistent([["is", 0, False]], 0b1)


def test_answer_order_and_case_do_not_matter() -> None:
    p = TASK.problem(0, difficulty=4)
    parts = p.answer.split(", ")[::-1]
    assert TASK.check(p, tagged("; ".join(part.upper() for part in parts))).correct
    assert TASK.check(p, tagged("\n".join(part.replace(":", " is a") for part in parts))).correct
    assert TASK.check(p, tagged(", ".join(parts[:-1]) + " and " + parts[-1])).correct


def test_wrong_assignment_is_a_rule_violation() -> None:
    p = TASK.problem(1, difficulty=6)
    verdict = TASK.check(p, tagged(TASK.corrupt(p, random.Random(0))))
    assert verdict.reason == Reason.RULE_VIOLATION


@pytest.mark.parametrize("junk", ["everyone lies", "Nobody: knight", "Alice: maybe"])
def test_malformed(junk: str) -> None:
    assert TASK.check(TASK.problem(2, difficulty=3), tagged(junk)).reason == Reason.INVALID_FORMAT


def test_missing_person_is_invalid() -> None:
    p = TASK.problem(2, difficulty=5)
    assert TASK.check(p, tagged(p.answer.rsplit(", ", 1)[0])).reason == Reason.INVALID_FORMAT


def test_difficulty_grows() -> None:
    def effort(d: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in TASK.generate(30, seed=2, difficulty=d))
    assert effort(9) > effort(2)
