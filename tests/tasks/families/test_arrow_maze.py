"""Tests for the arrow_maze family.

The checks every grid family shares are in test_grid_contract.py.
"""

from __future__ import annotations

from dataclasses import asdict

from rlvr.tasks import get
from rlvr.verify.verdict import Reason
from rlvr.tasks.families._path import count_paths, distances
from rlvr.tasks.families.arrow_maze import ray

task = get("arrow_maze")


def tagged(answer: str) -> str:
    return f"<think>working</think>\n<answer>{answer}</answer>"


def test_puzzles_have_exactly_one_solution() -> None:
    for difficulty in (1, 5, 9):
        for problem in task.generate(3, seed=11, difficulty=difficulty):
            meta = problem.metadata
            h, w, arrows = meta["height"], meta["width"], meta["arrows"]
            succ = [[] if arrows[i // w][i % w] == "." else
                    [r * w + c for r, c in ray(i // w, i % w, arrows[i // w][i % w], h, w)] for i in range(h * w)]
            givens = {v: r * w + c for r, row in enumerate(meta["givens"]) for c, v in enumerate(row) if v}
            outcome = count_paths(succ, distances(succ), givens, limit=2, node_limit=10**6)
            assert len(outcome.solutions) == 1 and outcome.complete
            assert outcome.solutions[0] == [int(t) for t in problem.answer.split()]


def test_rays_stop_at_the_edge() -> None:
    assert ray(0, 0, "SE", 3, 3) == [(1, 1), (2, 2)]
    assert ray(1, 1, "N", 3, 3) == [(0, 1)]
    assert ray(0, 2, "E", 3, 3) == []


def test_swapping_two_numbers_is_a_rule_violation() -> None:
    problem = task.problem(0, seed=2, difficulty=4)
    givens = problem.metadata["givens"]
    rows = [line.split() for line in problem.answer.splitlines()]
    free = [(r, c) for r in range(len(rows)) for c in range(len(rows[0])) if not givens[r][c]]
    (r1, c1), (r2, c2) = free[0], free[1]
    rows[r1][c1], rows[r2][c2] = rows[r2][c2], rows[r1][c1]
    verdict = task.check(problem, tagged("\n".join(" ".join(row) for row in rows)))
    assert verdict.reason == Reason.RULE_VIOLATION


def test_knobs_move_one_way() -> None:
    configs = [asdict(task.config_for(d)) for d in range(1, 11)]
    for knob in configs[0]:
        values = [config[knob] for config in configs]
        assert values in (sorted(values), sorted(values, reverse=True)), f"{knob}: {values}"
