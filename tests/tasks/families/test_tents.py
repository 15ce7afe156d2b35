"""Tests for the tents family."""

from __future__ import annotations

import random
import statistics
from dataclasses import asdict

from rlvr.tasks import get
from rlvr.verify.verdict import Reason
from rlvr.tasks.families.tents import _model, pairing_exists

task = get("tents")


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
    for difficulty in (1, 5, 9):
        for problem in task.generate(3, seed=11, difficulty=difficulty):
            meta = problem.metadata
            trees = [(r, c) for r, row in enumerate(meta["board"]) for c, v in enumerate(row) if v == "T"]
            givens = [(r, c, 1) for r, row in enumerate(meta["board"]) for c, v in enumerate(row) if v == "A"]
            outcome = _model(meta["size"], trees, meta["row_counts"], meta["col_counts"], givens).solve(
                limit=2, node_limit=10**6)
            assert len(outcome.solutions) == 1 and outcome.complete
            assert outcome.solutions[0] == [1 if t == "A" else 0 for t in problem.answer.split()]


def test_pairing_needs_one_tree_per_tent() -> None:
    assert pairing_exists([(0, 1), (2, 1)], [(1, 1), (0, 0)])
    assert not pairing_exists([(0, 0), (0, 2)], [(0, 1), (5, 5)])


def test_moving_a_tree_is_a_rule_violation() -> None:
    problem = task.problem(0, seed=2, difficulty=3)
    text = problem.answer.replace("T", ".", 1)
    verdict = task.check(problem, tagged(text))
    assert verdict.reason == Reason.RULE_VIOLATION and "tree" in verdict.detail


def test_knobs_move_one_way() -> None:
    configs = [asdict(task.config_for(d)) for d in range(1, 11)]
    for knob in configs[0]:
        values = [config[knob] for config in configs]
        assert values in (sorted(values), sorted(values, reverse=True)), f"{knob}: {values}"
