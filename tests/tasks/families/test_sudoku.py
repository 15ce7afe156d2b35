"""Tests for the sudoku family.

The checks every grid family shares are in test_grid_contract.py.
"""

from __future__ import annotations

from dataclasses import asdict

from rlvr.tasks import get
from rlvr.verify.verdict import Reason
from rlvr.tasks.families.sudoku import _SOLVERS

task = get("sudoku")


def tagged(answer: str) -> str:
    return f"<think>working</think>\n<answer>{answer}</answer>"


def test_puzzles_have_exactly_one_solution() -> None:
    for difficulty in (1, 3, 5, 8):
        for problem in task.generate(3, seed=11, difficulty=difficulty):
            n = problem.metadata["size"]
            flat = [v for row in problem.metadata["givens"] for v in row]
            count, _, solution = _SOLVERS[n].count(flat, limit=2)
            assert count == 1
            assert " ".join(map(str, solution)) == " ".join(problem.answer.split())


def test_solver_sees_several_solutions_of_an_open_grid() -> None:
    assert _SOLVERS[4].count([0] * 16, limit=2)[0] == 2


def test_changing_a_given_is_a_rule_violation() -> None:
    problem = task.problem(0, seed=1, difficulty=5)
    givens = problem.metadata["givens"]
    r, c = next((r, c) for r in range(9) for c in range(9) if givens[r][c])
    rows = [line.split() for line in problem.answer.splitlines()]
    other = next(c2 for c2 in range(9) if c2 != c)
    rows[r][c], rows[r][other] = rows[r][other], rows[r][c]
    verdict = task.check(problem, tagged("\n".join(" ".join(row) for row in rows)))
    assert verdict.reason == Reason.RULE_VIOLATION and "given" in verdict.detail or "column" in verdict.detail


def test_rows_written_without_spaces_are_read() -> None:
    problem = task.problem(2, seed=1, difficulty=5)
    compact = "\n".join(line.replace(" ", "") for line in problem.answer.splitlines())
    assert task.check(problem, tagged(compact)).correct


def test_knobs_move_one_way() -> None:
    configs = [asdict(task.config_for(d)) for d in range(1, 11)]
    for knob in configs[0]:
        values = [config[knob] for config in configs]
        assert values in (sorted(values), sorted(values, reverse=True)), f"{knob}: {values}"
