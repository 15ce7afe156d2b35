"""Tests for the magic_square family (rule-checked: any valid completion scores)."""

from __future__ import annotations

import random
import statistics
from dataclasses import asdict

from rlvr.tasks import get
from rlvr.verify.verdict import Reason
from rlvr.tasks.base import Problem
from rlvr.tasks.families.magic_square import Config, magic_sum, random_magic

task = get("magic_square")


def tagged(answer: str) -> str:
    return f"<think>working</think>\n<answer>{answer}</answer>"


def test_gold_scores_and_whitespace_is_tolerated() -> None:
    problem = task.problem(0, seed=3, difficulty=3)
    assert task.check(problem, tagged(problem.answer)).reason == Reason.VALID_SOLUTION
    spaced = "\n\n" + "\n".join("  " + "   ".join(line.split()) + "  " for line in problem.answer.splitlines()) + "\n"
    assert task.check(problem, tagged(spaced)).correct


def test_malformed_answers_are_rejected_cleanly() -> None:
    problem = task.problem(1, seed=3, difficulty=4)
    rows = problem.answer.splitlines()
    assert task.check(problem, "no tags at all").reason == Reason.NO_ANSWER
    assert task.check(problem, tagged("\n".join(rows[:-1]))).reason == Reason.INVALID_FORMAT
    assert task.check(problem, tagged("\n".join(rows + [rows[0]]))).reason == Reason.INVALID_FORMAT
    short = [line.split()[:-1] for line in rows]
    assert task.check(problem, tagged("\n".join(" ".join(r) for r in short))).reason == Reason.INVALID_FORMAT
    bad_symbol = "\n".join(["Z " + " ".join(rows[0].split()[1:])] + rows[1:])
    assert task.check(problem, tagged(bad_symbol)).reason == Reason.INVALID_FORMAT
    assert task.check(problem, tagged("9" * 10_000)).reason == Reason.INVALID_FORMAT
    assert task.check(problem, tagged("__import__('os')")).reason == Reason.INVALID_FORMAT


def test_corrupted_answer_breaks_a_rule() -> None:
    for index in range(4):
        problem = task.problem(index, seed=5, difficulty=2 + index)
        wrong = task.corrupt(problem, random.Random(index))
        verdict = task.check(problem, tagged(wrong))
        assert not verdict.correct and verdict.reason == Reason.RULE_VIOLATION, verdict


def test_difficulty_grows() -> None:
    def mean_effort(difficulty: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in task.generate(4, seed=7, difficulty=difficulty))

    assert mean_effort(9) > mean_effort(2)


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
