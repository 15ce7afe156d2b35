from __future__ import annotations

from rlvr.tasks import get
from rlvr.tasks.families._brackets import PAIRS, first_error
from rlvr.verify.verdict import Reason

TASK = get("dyck_error")


def brute_first_error(text: str) -> int:
    """Independent scan: the shortest prefix that no continuation can repair."""
    for end in range(1, len(text) + 1):
        stack: list[str] = []
        broken = False
        for ch in text[:end]:
            if ch in PAIRS:
                stack.append(ch)
            elif not stack or PAIRS[stack.pop()] != ch:
                broken = True
                break
        if broken:
            return end
    raise AssertionError("no error")


def test_every_sequence_has_exactly_the_stated_first_error() -> None:
    for difficulty in (1, 4, 7, 10):
        for problem in TASK.generate(30, difficulty=difficulty):
            sequence = problem.metadata["sequence"]
            assert first_error(sequence) == int(problem.answer) == brute_first_error(sequence)


def test_wrong_and_malformed_positions() -> None:
    problem = TASK.problem(0, difficulty=5)
    gold = int(problem.answer)
    assert TASK.check(problem, f"<answer>{gold + 1}</answer>").reason == Reason.NOT_EQUAL
    for junk in ("position seven", "-3", "3.5", "1 2"):
        assert TASK.check(problem, f"<answer>{junk}</answer>").reason == Reason.INVALID_FORMAT
    assert TASK.check(problem, f"<answer> {gold}. </answer>").correct


def test_difficulty_grows() -> None:
    effort = lambda d: sum(p.metadata["effort"] for p in TASK.generate(40, difficulty=d)) / 40  # noqa: E731
    assert effort(9) > effort(2)
