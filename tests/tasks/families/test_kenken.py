"""Tests for the kenken family.

The checks every grid family shares are in test_grid_contract.py.
"""

from __future__ import annotations

from dataclasses import asdict

from rlvr.tasks import get
from rlvr.verify.verdict import Reason
from rlvr.tasks.families.kenken import _model, cage_value

task = get("kenken")


def tagged(answer: str) -> str:
    return f"<think>working</think>\n<answer>{answer}</answer>"


def test_puzzles_have_exactly_one_solution() -> None:
    for difficulty in (1, 5, 9):
        for problem in task.generate(3, seed=11, difficulty=difficulty):
            meta = problem.metadata
            outcome = _model(meta["size"], meta["cages"], [tuple(g) for g in meta["givens"]]).solve(
                limit=2, node_limit=10**6)
            assert len(outcome.solutions) == 1 and outcome.complete
            assert outcome.solutions[0] == [int(t) for t in problem.answer.split()]


def test_cage_arithmetic() -> None:
    assert cage_value("-", [2, 5]) == 3
    assert cage_value("/", [6, 2]) == 3
    assert cage_value("/", [5, 2]) is None
    assert cage_value("*", [2, 3, 4]) == 24


def test_latin_square_missing_a_cage_is_a_rule_violation() -> None:
    problem = task.problem(0, seed=2, difficulty=5)
    rows = problem.answer.splitlines()
    verdict = task.check(problem, tagged("\n".join(rows[1:] + rows[:1])))
    assert verdict.reason == Reason.RULE_VIOLATION


def test_knobs_move_one_way() -> None:
    configs = [asdict(task.config_for(d)) for d in range(1, 11)]
    for knob in configs[0]:
        values = [config[knob] for config in configs]
        assert values in (sorted(values), sorted(values, reverse=True)), f"{knob}: {values}"
