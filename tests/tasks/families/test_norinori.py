"""Tests for the norinori family.

The checks every grid family shares are in test_grid_contract.py.
"""

from __future__ import annotations

from dataclasses import asdict

from rlvr.tasks import get
from rlvr.verify.verdict import Reason
from rlvr.tasks.families._grid import REGION_LABELS
from rlvr.tasks.families.norinori import _model

task = get("norinori")


def tagged(answer: str) -> str:
    return f"<think>working</think>\n<answer>{answer}</answer>"


def test_puzzles_have_exactly_one_solution() -> None:
    for difficulty in (1, 5, 9):
        for problem in task.generate(3, seed=11, difficulty=difficulty):
            meta = problem.metadata
            regions = [[REGION_LABELS.index(v) for v in row] for row in meta["regions"]]
            givens = [(r, c, 1) for r, c in meta["givens"]]
            outcome = _model(meta["size"], regions, givens).solve(limit=2, node_limit=10**6)
            assert len(outcome.solutions) == 1 and outcome.complete
            assert outcome.solutions[0] == [1 if t == "#" else 0 for t in problem.answer.split()]


def test_lone_shaded_cell_is_a_rule_violation() -> None:
    problem = task.problem(0, seed=2, difficulty=3)
    n = problem.metadata["size"]
    rows = [["."] * n for _ in range(n)]
    rows[0][0] = "#"
    verdict = task.check(problem, tagged("\n".join(" ".join(row) for row in rows)))
    assert verdict.reason == Reason.RULE_VIOLATION


def test_knobs_move_one_way() -> None:
    configs = [asdict(task.config_for(d)) for d in range(1, 11)]
    for knob in configs[0]:
        values = [config[knob] for config in configs]
        assert values in (sorted(values), sorted(values, reverse=True)), f"{knob}: {values}"
