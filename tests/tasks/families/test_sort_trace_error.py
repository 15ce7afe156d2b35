from __future__ import annotations

import re

from rlvr.tasks import get
from rlvr.tasks.families.sort_trace_error import apply_step
from rlvr.verify.verdict import Reason

TASK = get("sort_trace_error")


def trace_lines(prompt: str) -> list[list[int]]:
    return [list(map(int, m.split())) for m in re.findall(r"^(?:Start|Step \d+): ([\d ]+)$", prompt, re.M)]


def test_exactly_one_wrong_step_and_it_is_the_answer() -> None:
    for difficulty in (1, 3, 5, 8, 10):
        for problem in TASK.generate(25, difficulty=difficulty):
            lines = trace_lines(problem.prompt)
            algorithm = problem.metadata["algorithm"]
            assert len(lines) == problem.metadata["steps"] + 1
            wrong_steps = [k for k in range(1, len(lines)) if lines[k] != apply_step(algorithm, k, lines[k - 1])]
            assert wrong_steps == [int(problem.answer)]


def test_all_algorithms_appear_at_high_difficulty() -> None:
    seen = {p.metadata["algorithm"] for p in TASK.generate(60, difficulty=8)}
    assert seen == {"insertion", "selection", "bubble"}


def test_checks() -> None:
    problem = TASK.problem(2, difficulty=6)
    assert TASK.check(problem, f"<answer>Step {problem.answer}</answer>").correct
    other = int(problem.answer) % problem.metadata["steps"] + 1
    if other != int(problem.answer):
        assert TASK.check(problem, f"<answer>{other}</answer>").reason == Reason.NOT_EQUAL
    for junk in ("the third", "2,3", "-1"):
        assert TASK.check(problem, f"<answer>{junk}</answer>").reason == Reason.INVALID_FORMAT


def test_difficulty_grows() -> None:
    effort = lambda d: sum(p.metadata["effort"] for p in TASK.generate(40, difficulty=d)) / 40  # noqa: E731
    assert effort(9) > effort(2)
