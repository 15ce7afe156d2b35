"""Tests for the hidato family.

The checks every grid family shares are in test_grid_contract.py.
"""

from __future__ import annotations

from dataclasses import asdict

from rlvr.tasks import get
from rlvr.verify.verdict import Reason
from rlvr.tasks.families._grid import neighbours8
from rlvr.tasks.families._path import count_paths, distances

task = get("hidato")


def tagged(answer: str) -> str:
    return f"<think>working</think>\n<answer>{answer}</answer>"


def test_puzzles_have_exactly_one_solution() -> None:
    for difficulty in (1, 5, 8):
        for problem in task.generate(3, seed=11, difficulty=difficulty):
            meta = problem.metadata
            h, w = meta["height"], meta["width"]
            succ = [[r * w + c for r, c in neighbours8(i // w, i % w, h, w)] for i in range(h * w)]
            givens = {v: r * w + c for r, row in enumerate(meta["givens"]) for c, v in enumerate(row) if v}
            outcome = count_paths(succ, distances(succ), givens, limit=2, node_limit=10**6)
            assert len(outcome.solutions) == 1 and outcome.complete
            assert outcome.solutions[0] == [int(t) for t in problem.answer.split()]


def test_reversed_path_breaks_the_givens() -> None:
    problem = task.problem(0, seed=2, difficulty=3)
    size = problem.metadata["height"] * problem.metadata["width"]
    rows = [[str(size + 1 - int(t)) for t in line.split()] for line in problem.answer.splitlines()]
    verdict = task.check(problem, tagged("\n".join(" ".join(row) for row in rows)))
    assert verdict.reason == Reason.RULE_VIOLATION and "given" in verdict.detail


def test_knobs_move_one_way() -> None:
    configs = [asdict(task.config_for(d)) for d in range(1, 11)]
    for knob in configs[0]:
        values = [config[knob] for config in configs]
        assert values in (sorted(values), sorted(values, reverse=True)), f"{knob}: {values}"
