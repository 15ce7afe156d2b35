"""Tests for the magic_square family (rule-checked: any valid completion scores).

The checks every grid family shares are in test_grid_contract.py.
"""

from __future__ import annotations

import random
from dataclasses import asdict

from rlvr.tasks import get
from rlvr.verify.verdict import Reason
from rlvr.tasks.base import Problem
from rlvr.tasks.families.magic_square import Config, magic_sum, random_magic

task = get("magic_square")


def tagged(answer: str) -> str:
    return f"<think>working</think>\n<answer>{answer}</answer>"


def test_random_squares_are_magic() -> None:
    rng = random.Random(3)
    for n in (3, 4, 5):
        for _ in range(5):
            square = random_magic(n, rng)
            assert sorted(v for row in square for v in row) == list(range(1, n * n + 1))
            assert all(sum(row) == magic_sum(n) for row in square)
            assert all(sum(square[r][c] for r in range(n)) == magic_sum(n) for c in range(n))
            assert sum(square[i][i] for i in range(n)) == magic_sum(n)
            assert sum(square[i][n - 1 - i] for i in range(n)) == magic_sum(n)


def test_a_different_valid_completion_is_accepted() -> None:
    prompt, answer, metadata = task.make(random.Random(4), Config(order=4, blanks=16))
    problem = Problem(id="x", task="magic_square", prompt=prompt, answer=answer, difficulty=5, metadata=metadata)
    square = [line.split() for line in answer.splitlines()]
    rotated = [list(row) for row in zip(*square[::-1])]
    assert rotated != square
    verdict = task.check(problem, tagged("\n".join(" ".join(row) for row in rotated)))
    assert verdict.correct and verdict.reason == Reason.VALID_SOLUTION


def test_repeated_number_is_a_rule_violation() -> None:
    problem = task.problem(0, seed=2, difficulty=4)
    n = problem.metadata["order"]
    verdict = task.check(problem, tagged("\n".join(" ".join(["1"] * n) for _ in range(n))))
    assert verdict.reason == Reason.RULE_VIOLATION


def test_knobs_move_one_way() -> None:
    configs = [asdict(task.config_for(d)) for d in range(1, 11)]
    for knob in configs[0]:
        values = [config[knob] for config in configs]
        assert values in (sorted(values), sorted(values, reverse=True)), f"{knob}: {values}"
