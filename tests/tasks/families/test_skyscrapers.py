"""Tests for the skyscrapers family.

The checks every grid family shares are in test_grid_contract.py.
"""

from __future__ import annotations

from dataclasses import asdict

from rlvr.tasks import get
from rlvr.verify.verdict import Reason
from rlvr.tasks.families.skyscrapers import _model, visible

task = get("skyscrapers")


def tagged(answer: str) -> str:
    return f"<think>working</think>\n<answer>{answer}</answer>"


def test_puzzles_have_exactly_one_solution() -> None:
    for difficulty in (1, 4, 7):
        for problem in task.generate(3, seed=11, difficulty=difficulty):
            meta = problem.metadata
            clues = [("given", r, c, int(v)) for r, row in enumerate(meta["board"]) for c, v in enumerate(row)
                     if v != "_"]
            clues += [("seen", side, k, v) for side, k, v in meta["clues"]]
            outcome = _model(meta["size"], clues).solve(limit=2, node_limit=10**6)
            assert len(outcome.solutions) == 1 and outcome.complete
            assert outcome.solutions[0] == [int(t) for t in problem.answer.split()]


def test_visibility_count() -> None:
    assert visible([1, 2, 3, 4]) == 4
    assert visible([4, 1, 2, 3]) == 1
    assert visible([2, 1, 4, 3]) == 2


def test_latin_square_with_wrong_views_is_a_rule_violation() -> None:
    problem = task.problem(0, seed=2, difficulty=3)
    rows = problem.answer.splitlines()
    verdict = task.check(problem, tagged("\n".join(rows[1:] + rows[:1])))
    assert verdict.reason == Reason.RULE_VIOLATION


def test_knobs_move_one_way() -> None:
    configs = [asdict(task.config_for(d)) for d in range(1, 11)]
    for knob in configs[0]:
        values = [config[knob] for config in configs]
        assert values in (sorted(values), sorted(values, reverse=True)), f"{knob}: {values}"
