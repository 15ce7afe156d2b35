"""Tests for the futoshiki family.

The checks every grid family shares are in test_grid_contract.py.
"""

from __future__ import annotations

from dataclasses import asdict

from rlvr.tasks import get
from rlvr.verify.verdict import Reason
from rlvr.tasks.families.futoshiki import _model

task = get("futoshiki")


def tagged(answer: str) -> str:
    return f"<think>working</think>\n<answer>{answer}</answer>"


def test_puzzles_have_exactly_one_solution() -> None:
    for difficulty in (1, 5, 8):
        for problem in task.generate(3, seed=11, difficulty=difficulty):
            meta = problem.metadata
            clues = [("given", r, c, int(v)) for r, row in enumerate(meta["board"]) for c, v in enumerate(row)
                     if v != "_"]
            clues += [("less", a, b) for a, b in meta["less"]]
            outcome = _model(meta["size"], clues).solve(limit=2, node_limit=10**6)
            assert len(outcome.solutions) == 1 and outcome.complete
            assert outcome.solutions[0] == [int(t) for t in problem.answer.split()]


def test_broken_inequality_is_a_rule_violation() -> None:
    problem = next(p for p in task.generate(10, seed=2, difficulty=5) if p.metadata["less"])
    n = problem.metadata["size"]
    # a cyclic shift of the columns keeps rows and columns latin but breaks some sign or given
    rows = [line.split() for line in problem.answer.splitlines()]
    shifted = [row[1:] + row[:1] for row in rows]
    verdict = task.check(problem, tagged("\n".join(" ".join(row) for row in shifted)))
    assert verdict.reason == Reason.RULE_VIOLATION and n == len(rows)


def test_knobs_move_one_way() -> None:
    configs = [asdict(task.config_for(d)) for d in range(1, 11)]
    for knob in configs[0]:
        values = [config[knob] for config in configs]
        assert values in (sorted(values), sorted(values, reverse=True)), f"{knob}: {values}"
