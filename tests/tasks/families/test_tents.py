"""Tests for the tents family.

The checks every grid family shares are in test_grid_contract.py.
"""

from __future__ import annotations

from dataclasses import asdict

from rlvr.tasks import get
from rlvr.verify.verdict import Reason
from rlvr.tasks.families.tents import _model, pairing_exists

task = get("tents")


def tagged(answer: str) -> str:
    return f"<think>working</think>\n<answer>{answer}</answer>"


def test_puzzles_have_exactly_one_solution() -> None:
    for difficulty in (1, 5, 9):
        for problem in task.generate(3, seed=11, difficulty=difficulty):
            meta = problem.metadata
            trees = [(r, c) for r, row in enumerate(meta["board"]) for c, v in enumerate(row) if v == "T"]
            givens = [(r, c, 1) for r, row in enumerate(meta["board"]) for c, v in enumerate(row) if v == "A"]
            outcome = _model(meta["size"], trees, meta["row_counts"], meta["col_counts"], givens).solve(
                limit=2, node_limit=10**6)
            assert len(outcome.solutions) == 1 and outcome.complete
            assert outcome.solutions[0] == [1 if t == "A" else 0 for t in problem.answer.split()]


def test_pairing_needs_one_tree_per_tent() -> None:
    assert pairing_exists([(0, 1), (2, 1)], [(1, 1), (0, 0)])
    assert not pairing_exists([(0, 0), (0, 2)], [(0, 1), (5, 5)])


def test_moving_a_tree_is_a_rule_violation() -> None:
    problem = task.problem(0, seed=2, difficulty=3)
    text = problem.answer.replace("T", ".", 1)
    verdict = task.check(problem, tagged(text))
    assert verdict.reason == Reason.RULE_VIOLATION and "tree" in verdict.detail


def test_knobs_move_one_way() -> None:
    configs = [asdict(task.config_for(d)) for d in range(1, 11)]
    for knob in configs[0]:
        values = [config[knob] for config in configs]
        assert values in (sorted(values), sorted(values, reverse=True)), f"{knob}: {values}"
