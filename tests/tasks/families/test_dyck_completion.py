from __future__ import annotations

from rlvr.tasks import get
from rlvr.tasks.families._brackets import CLOSERS, OPENERS, PAIRS, open_stack
from rlvr.verify.verdict import Reason

TASK = get("dyck_completion")


def test_shortest_completion_is_unique() -> None:
    # Brute force over every closer string of the gold's length: exactly one balances the prefix.
    from itertools import product

    for problem in TASK.generate(20, difficulty=2):
        prefix = problem.metadata["prefix"]
        size = len(problem.answer.split())
        kinds = CLOSERS[: problem.metadata["knobs"]["types"]]
        fits = [c for c in product(kinds, repeat=size) if open_stack(prefix + "".join(c)) == []]
        assert fits == [tuple(problem.answer.split())]


def test_generated_prefixes_are_open_and_mismatch_free() -> None:
    for difficulty in (1, 5, 10):
        for problem in TASK.generate(20, difficulty=difficulty):
            stack = open_stack(problem.metadata["prefix"])
            assert stack and len(stack) == len(problem.answer.split())
            assert problem.answer.replace(" ", "") == "".join(PAIRS[o] for o in reversed(stack))


def test_rule_violations() -> None:
    problem = next(p for p in TASK.generate(50, difficulty=6) if len(set(p.answer.split())) > 1)
    closers = problem.answer.split()
    swapped = " ".join(reversed(closers))
    assert TASK.check(problem, f"<answer>{swapped}</answer>").reason == Reason.RULE_VIOLATION
    short = " ".join(closers[:-1])
    assert TASK.check(problem, f"<answer>{short}</answer>").reason == Reason.RULE_VIOLATION
    # Balanced but longer than needed: open and close an extra pair.
    longer = f"{problem.answer} {OPENERS[0]} {PAIRS[OPENERS[0]]}"
    verdict = TASK.check(problem, f"<answer>{longer}</answer>")
    assert verdict.reason == Reason.RULE_VIOLATION and "suffice" in verdict.detail


def test_spacing_is_tolerated_and_junk_is_invalid() -> None:
    problem = TASK.problem(0, difficulty=4)
    assert TASK.check(problem, f"<answer>{problem.answer.replace(' ', '')}</answer>").correct
    for junk in ("close them all", "1 2 3", ""):
        verdict = TASK.check(problem, f"<answer>{junk}</answer>")
        assert not verdict.correct and verdict.reason == Reason.INVALID_FORMAT


def test_difficulty_grows() -> None:
    effort = lambda d: sum(p.metadata["effort"] for p in TASK.generate(40, difficulty=d)) / 40  # noqa: E731
    assert effort(9) > effort(2)
