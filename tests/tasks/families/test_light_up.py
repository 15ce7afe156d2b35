"""Tests for the light_up (Akari) family."""

from __future__ import annotations

import random
import statistics
from dataclasses import asdict

from rlvr.tasks import get
from rlvr.verify.verdict import Reason
from rlvr.tasks.families.light_up import _model, segments

task = get("light_up")


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


def test_puzzles_have_exactly_one_solution() -> None:
    for difficulty in (1, 4, 7):
        for problem in task.generate(3, seed=11, difficulty=difficulty):
            board = problem.metadata["board"]
            n = problem.metadata["size"]
            black = [[v != "." for v in row] for row in board]
            numbers = [(r, c, int(v)) for r, row in enumerate(board) for c, v in enumerate(row) if v.isdigit()]
            outcome = _model(n, black, segments(black), numbers).solve(limit=2, node_limit=10**6)
            assert len(outcome.solutions) == 1 and outcome.complete
            expected = [1 if tok == "L" else 0 for tok in problem.answer.split()]
            assert outcome.solutions[0] == expected


def test_two_bulbs_in_sight_is_a_rule_violation() -> None:
    problem = task.problem(0, seed=2, difficulty=6)
    rows = [line.split() for line in problem.answer.splitlines()]
    n = len(rows)
    # an empty white cell directly beside a bulb in the same row is in its sight
    r, c = next((r, c) for r in range(n) for c in range(n - 1)
                if {rows[r][c], rows[r][c + 1]} == {"L", "."})
    rows[r][c] = rows[r][c + 1] = "L"
    verdict = task.check(problem, tagged("\n".join(" ".join(row) for row in rows)))
    assert verdict.reason == Reason.RULE_VIOLATION and "see each other" in verdict.detail


def test_knobs_move_one_way() -> None:
    configs = [asdict(task.config_for(d)) for d in range(1, 11)]
    for knob in configs[0]:
        values = [config[knob] for config in configs]
        assert values in (sorted(values), sorted(values, reverse=True)), f"{knob}: {values}"
