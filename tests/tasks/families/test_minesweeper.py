"""Tests for the minesweeper family.

The checks every grid family shares are in test_grid_contract.py.
"""

from __future__ import annotations

from dataclasses import asdict

from rlvr.tasks import get
from rlvr.verify.verdict import Reason
from rlvr.tasks.families.minesweeper import _model

task = get("minesweeper")


def tagged(answer: str) -> str:
    return f"<think>working</think>\n<answer>{answer}</answer>"


def test_puzzles_have_exactly_one_solution() -> None:
    for difficulty in (1, 4, 7):
        for problem in task.generate(3, seed=11, difficulty=difficulty):
            meta = problem.metadata
            revealed = [(r, c, int(v)) for r, row in enumerate(meta["board"]) for c, v in enumerate(row) if v != "?"]
            outcome = _model(meta["height"], meta["width"], meta["mines"], revealed).solve(limit=2, node_limit=10**6)
            assert len(outcome.solutions) == 1 and outcome.complete
            expected = [1 if tok == "*" else 0 for tok in problem.answer.split()]
            assert outcome.solutions[0] == expected


def test_mine_on_a_revealed_cell_is_a_rule_violation() -> None:
    problem = task.problem(0, seed=2, difficulty=3)
    board = problem.metadata["board"]
    rows = [line.split() for line in problem.answer.splitlines()]
    r, c = next((r, c) for r, row in enumerate(board) for c, v in enumerate(row) if v != "?")
    rows[r][c] = "*"
    verdict = task.check(problem, tagged("\n".join(" ".join(row) for row in rows)))
    assert verdict.reason == Reason.RULE_VIOLATION and "revealed" in verdict.detail


def test_knobs_move_one_way() -> None:
    configs = [asdict(task.config_for(d)) for d in range(1, 11)]
    for knob in configs[0]:
        values = [config[knob] for config in configs]
        assert values in (sorted(values), sorted(values, reverse=True)), f"{knob}: {values}"
