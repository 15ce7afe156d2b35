"""Tests for the nonogram family.

The checks every grid family shares are in test_grid_contract.py.
"""

from __future__ import annotations

from dataclasses import asdict

from rlvr.tasks import get
from rlvr.verify.verdict import Reason
from rlvr.tasks.families.nonogram import _model, arrangements, runs

task = get("nonogram")


def tagged(answer: str) -> str:
    return f"<think>working</think>\n<answer>{answer}</answer>"


def test_puzzles_have_exactly_one_solution() -> None:
    for difficulty in (1, 5, 9):
        for problem in task.generate(3, seed=11, difficulty=difficulty):
            meta = problem.metadata
            givens = [(r, c, 1 if v == "#" else 0) for r, row in enumerate(meta["board"]) for c, v in enumerate(row)
                      if v != "?"]
            outcome = _model(meta["size"], [tuple(c) for c in meta["row_clues"]],
                             [tuple(c) for c in meta["col_clues"]], givens).solve(limit=2, node_limit=10**6)
            assert len(outcome.solutions) == 1 and outcome.complete
            assert outcome.solutions[0] == [1 if t == "#" else 0 for t in problem.answer.split()]


def test_line_arrangements() -> None:
    assert arrangements(5, (2, 1)) == ((1, 1, 0, 1, 0), (1, 1, 0, 0, 1), (0, 1, 1, 0, 1))
    assert all(runs(line) == [1, 1, 1] for line in arrangements(6, (1, 1, 1)))
    assert len(arrangements(6, (1, 1, 1))) == 4


def test_empty_grid_is_a_rule_violation() -> None:
    problem = task.problem(0, seed=2, difficulty=3)
    n = problem.metadata["size"]
    verdict = task.check(problem, tagged("\n".join(" ".join(["."] * n) for _ in range(n))))
    assert verdict.reason == Reason.RULE_VIOLATION


def test_knobs_move_one_way() -> None:
    configs = [asdict(task.config_for(d)) for d in range(1, 11)]
    for knob in configs[0]:
        values = [config[knob] for config in configs]
        assert values in (sorted(values), sorted(values, reverse=True)), f"{knob}: {values}"
