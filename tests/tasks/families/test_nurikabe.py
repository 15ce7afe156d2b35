"""Tests for the nurikabe family.

The checks every grid family shares are in test_grid_contract.py.
"""

from __future__ import annotations

from dataclasses import asdict

from rlvr.tasks import get
from rlvr.verify.verdict import Reason
from rlvr.tasks.families.nurikabe import count_solutions

task = get("nurikabe")


def tagged(answer: str) -> str:
    return f"<think>working</think>\n<answer>{answer}</answer>"


def test_puzzles_have_exactly_one_solution() -> None:
    for difficulty in (1, 5, 8):
        for problem in task.generate(3, seed=11, difficulty=difficulty):
            meta = problem.metadata
            n = meta["size"]
            clues = [(r * n + c, size) for r, c, size in meta["clues"]]
            sea = [r * n + c for r, c in meta["sea_givens"]]
            outcome = count_solutions(n, clues, sea, limit=2, node_limit=10**6)
            assert len(outcome.solutions) == 1 and outcome.complete
            assert outcome.solutions[0] == [1 if t == "#" else 0 for t in problem.answer.split()]


def test_solver_finds_several_solutions_when_clues_allow_them() -> None:
    # a lone 1 in the corner of a 2x2 grid... leaves a 3-cell sea: one solution; a 2 has two shapes
    assert len(count_solutions(2, [(0, 2)], [], limit=3).solutions) == 2


def test_all_sea_is_a_rule_violation() -> None:
    problem = task.problem(0, seed=2, difficulty=3)
    n = problem.metadata["size"]
    verdict = task.check(problem, tagged("\n".join(" ".join(["#"] * n) for _ in range(n))))
    assert verdict.reason == Reason.RULE_VIOLATION


def test_knobs_move_one_way() -> None:
    configs = [asdict(task.config_for(d)) for d in range(1, 11)]
    for knob in configs[0]:
        values = [config[knob] for config in configs]
        assert values in (sorted(values), sorted(values, reverse=True)), f"{knob}: {values}"
