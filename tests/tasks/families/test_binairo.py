"""Tests for the binairo (takuzu) family.

The checks every grid family shares are in test_grid_contract.py.
"""

from __future__ import annotations

from dataclasses import asdict

from rlvr.tasks import get
from rlvr.verify.verdict import Reason
from rlvr.tasks.families.binairo import _model

task = get("binairo")


def tagged(answer: str) -> str:
    return f"<think>working</think>\n<answer>{answer}</answer>"


def test_puzzles_have_exactly_one_solution() -> None:
    for difficulty in (1, 3, 5):
        for problem in task.generate(3, seed=11, difficulty=difficulty):
            n = problem.metadata["size"]
            givens = [(r, c, int(v)) for r, row in enumerate(problem.metadata["board"])
                      for c, v in enumerate(row) if v != "."]
            outcome = _model(n, givens).solve(limit=2, node_limit=10**6)
            assert len(outcome.solutions) == 1 and outcome.complete
            assert outcome.solutions[0] == [int(t) for t in problem.answer.split()]


def test_three_in_a_row_and_repeated_lines_are_rule_violations() -> None:
    problem = task.problem(0, seed=2, difficulty=1)
    n = problem.metadata["size"]
    verdict = task.check(problem, tagged("\n".join(" ".join(["0"] * n) for _ in range(n))))
    assert verdict.reason == Reason.RULE_VIOLATION


def test_knobs_move_one_way() -> None:
    configs = [asdict(task.config_for(d)) for d in range(1, 11)]
    for knob in configs[0]:
        values = [config[knob] for config in configs]
        assert values in (sorted(values), sorted(values, reverse=True)), f"{knob}: {values}"
