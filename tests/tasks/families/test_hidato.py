"""Tests for the hidato family."""

from __future__ import annotations

import random
import statistics
from dataclasses import asdict

from rlvr.tasks import get
from rlvr.verify.verdict import Reason
from rlvr.tasks.families._grid import neighbours8
from rlvr.tasks.families._path import count_paths, distances

task = get("hidato")


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
