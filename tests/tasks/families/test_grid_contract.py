"""The contract every grid puzzle family shares: whitespace-tolerant grids, clean rejection
of malformed grids, corrupted grids that break a rule, and difficulty that grows."""

from __future__ import annotations

import random
import statistics

import pytest

from rlvr.tasks import get
from rlvr.verify.verdict import Reason

GRID_FAMILIES = [
    "arrow_maze",
    "binairo",
    "futoshiki",
    "hidato",
    "kakurasu",
    "kenken",
    "light_up",
    "magic_square",
    "minesweeper",
    "nonogram",
    "norinori",
    "nurikabe",
    "skyscrapers",
    "star_battle",
    "sudoku",
    "tents",
]


def tagged(answer: str) -> str:
    return f"<think>working</think>\n<answer>{answer}</answer>"


@pytest.mark.parametrize("name", GRID_FAMILIES)
def test_gold_scores_and_whitespace_is_tolerated(name: str) -> None:
    task = get(name)
    problem = task.problem(0, seed=3, difficulty=3)
    assert task.check(problem, tagged(problem.answer)).reason == Reason.VALID_SOLUTION
    spaced = "\n\n" + "\n".join("  " + "   ".join(line.split()) + "  " for line in problem.answer.splitlines()) + "\n"
    assert task.check(problem, tagged(spaced)).correct


@pytest.mark.parametrize("name", GRID_FAMILIES)
def test_malformed_answers_are_rejected_cleanly(name: str) -> None:
    task = get(name)
    problem = task.problem(1, seed=3, difficulty=4)
    rows = problem.answer.splitlines()
    assert task.check(problem, "no tags at all").reason == Reason.NO_ANSWER
    assert task.check(problem, tagged("\n".join(rows[:-1]))).reason == Reason.INVALID_FORMAT
    assert task.check(problem, tagged("\n".join(rows + [rows[0]]))).reason == Reason.INVALID_FORMAT
    short = [line.split()[:-1] for line in rows]
    assert task.check(problem, tagged("\n".join(" ".join(r) for r in short))).reason == Reason.INVALID_FORMAT
    bad_symbol = "\n".join(["Z " + " ".join(rows[0].split()[1:])] + rows[1:])
    assert task.check(problem, tagged(bad_symbol)).reason == Reason.INVALID_FORMAT
    assert task.check(problem, tagged("9" * 10_000)).reason == Reason.INVALID_FORMAT
    assert task.check(problem, tagged("__import__('os')")).reason == Reason.INVALID_FORMAT


@pytest.mark.parametrize("name", GRID_FAMILIES)
def test_corrupted_answer_breaks_a_rule(name: str) -> None:
    task = get(name)
    for index in range(4):
        problem = task.problem(index, seed=5, difficulty=2 + index)
        wrong = task.corrupt(problem, random.Random(index))
        verdict = task.check(problem, tagged(wrong))
        assert not verdict.correct and verdict.reason == Reason.RULE_VIOLATION, verdict


@pytest.mark.parametrize("name", GRID_FAMILIES)
def test_difficulty_grows(name: str) -> None:
    task = get(name)
    def mean_effort(difficulty: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in task.generate(4, seed=7, difficulty=difficulty))

    assert mean_effort(9) > mean_effort(2)
