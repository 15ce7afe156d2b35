"""Majority voting on what a policy writes: huge, deep, 1 MB and equal-valued answers, ties, a hanging checker."""

from __future__ import annotations

import threading
import time

import pytest

from rlvr.decoding import Rollout
from rlvr.decoding.baselines import pick_majority
from rlvr.decoding.sampler import task_answer, task_same
from rlvr.decoding.vote import MAX_POOL_CHARS, pool, read_answers, verifier_same, vote_of, winner
from rlvr.tasks import get
from rlvr.tasks.base import Problem
from rlvr.verify import Verdict


def fake(i: int, score: float) -> Rollout:
    return Rollout(step=f"s{i}", step_ids=[i], continuation="", continuation_ids=[], step_logprob=score,
                   foresight_logprob=score, finished=True, token_logprobs=(score,), generated=1)


def boxed(answer: str) -> str:
    return f"So the answer is \\boxed{{{answer}}}."


@pytest.fixture(scope="module")
def math_problem() -> Problem:
    return get("gsm8k").distinct(1, seed=3, difficulty=2)[0]


@pytest.fixture(scope="module")
def sum_problem() -> Problem:
    return get("arithmetic").distinct(1, seed=3, difficulty=2)[0]


def test_forms_of_one_value_pool_into_one_vote_on_math_tasks(math_problem: Problem) -> None:
    answer_of, same = task_answer(math_problem), task_same(math_problem)
    assert same is not None
    texts = [boxed("3"), boxed("0.5"), boxed("1/2"), boxed("\\frac{1}{2}"), boxed(".50"), boxed("3")]
    answers = read_answers(texts, answer_of)
    assert len(set(answers)) == 5  # five distinct strings...
    groups = pool(answers, same)
    assert groups == [0, 1, 1, 1, 1, 0]  # ...two values
    # Without pooling "3" (two votes) would beat each form of 1/2 (one vote each); pooled, 1/2 wins 4-2.
    rollouts = [fake(i, -1.0) for i in range(6)]
    assert pick_majority(rollouts, answers).step_ids == [0]
    assert pick_majority(rollouts, answers, same).step_ids == [1]


def test_verifier_pooling_keeps_different_values_apart() -> None:
    same = verifier_same()
    assert pool(["2", "3", "2.0", "-2", "20"], same) == [0, 1, 0, 2, 3]


def test_non_math_tasks_vote_on_exact_answers(sum_problem: Problem) -> None:
    # Arithmetic answers are integers the task already normalises ("+07" -> "7"); no verifier is needed.
    assert task_same(sum_problem) is None
    answer_of = task_answer(sum_problem)
    assert read_answers([boxed("7"), boxed("+07"), boxed("7.0")], answer_of) == ["7", "7", None]


def test_huge_deep_and_megabyte_answers_do_not_vote_and_do_not_stall(math_problem: Problem, sum_problem: Problem) -> None:
    huge = boxed("9" * 100_000)
    deep = boxed("\\frac{" * 500 + "1" + "}{2}" * 500)
    mega = "x" * 1_000_000 + boxed("y" * 1_000_000)
    chatter = "a" * 1_000_000
    started = time.process_time()
    for problem in (math_problem, sum_problem):
        answers = read_answers([huge, deep, mega, chatter, boxed("12")], task_answer(problem))
        assert answers[:4] == [None, None, None, None]
        assert answers[4] == "12"
        rollouts = [fake(i, -5.0 + i) for i in range(5)]
        # The only readable answer wins although the unreadable samples are the more likely ones.
        assert pick_majority(rollouts, answers, task_same(problem)).step_ids == [4]
    assert time.process_time() - started < 30  # generous: a linear-time read is well under a second


def test_long_but_readable_answers_pool_by_exact_string_only(math_problem: Problem) -> None:
    calls: list[tuple[str, str]] = []

    def same(a: str, b: str) -> bool:
        calls.append((a, b))
        return True  # would merge everything it is asked about

    big, other = "1" * 1000, "1" * 999 + "2"
    answers = read_answers([boxed(big), boxed(other), boxed(big)], task_answer(math_problem))
    assert answers == [big, other, big]
    assert pool(answers, same) == [0, 1, 0]
    assert calls == []  # both are longer than MAX_POOL_CHARS: the verifier is never asked
    assert len(big) > MAX_POOL_CHARS


def test_no_extractable_answer_anywhere_falls_back_to_the_most_likely_sample(sum_problem: Problem) -> None:
    texts = ["The answer is 11", "I think 11", "", "\\boxed{}"]
    answers = read_answers(texts, task_answer(sum_problem))
    assert answers == [None] * 4
    rollouts = [fake(0, -2.0), fake(1, -0.5), fake(2, -1.0), fake(3, -3.0)]
    assert pick_majority(rollouts, answers).step_ids == [1]


def test_tie_rule_more_likely_voters_then_first_seen() -> None:
    # 2 votes each for "4" and "5": "5"'s voters have the higher summed mean log-prob.
    assert winner(pool(["4", "5", "4", "5"]), [-1.0, -0.5, -1.0, -0.5]) == 1
    # An exact tie in count and mass goes to the answer seen first.
    assert winner(pool(["4", "5", "5", "4"]), [-1.0, -1.0, -1.0, -1.0]) == 0
    assert winner(pool(["5", "4", "4", "5"]), [-1.0, -1.0, -1.0, -1.0]) == 0
    # More votes beat likelier voters.
    assert winner(pool(["4", "5", "5"]), [-0.1, -3.0, -3.0]) == 1
    assert winner(pool([None, None]), [-1.0, -1.0]) is None


def test_a_checker_that_hangs_on_one_sample_costs_that_vote_only() -> None:
    release = threading.Event()

    def answer_of(text: str) -> str | None:
        if text == "hang":
            release.wait(60)  # a checker without a deadline, stuck on one sample
        if text == "boom":
            raise RuntimeError("checker crashed")
        return text

    try:
        started = time.monotonic()
        answers = read_answers(["3", "hang", "5", "boom", "5"], answer_of, timeout=0.5)
        assert time.monotonic() - started < 20  # 0.5 s for the stuck read; generous slack for a loaded box
        assert answers == ["3", None, "5", None, "5"]
    finally:
        release.set()


def test_a_comparison_that_hangs_is_unequal_and_the_pool_keeps_its_budget() -> None:
    release = threading.Event()

    def same(a: str, b: str) -> bool:
        release.wait(60)
        return True

    try:
        started = time.monotonic()
        groups = pool(["1", "2", "3", "4"], same, budget_s=1.0, compare_timeout=0.3)
        # 0.3 s per comparison; after the 1 s budget no more comparisons are made.
        assert time.monotonic() - started < 20
        assert groups == [0, 1, 2, 3]
    finally:
        release.set()


def test_unreadable_verdicts_do_not_vote() -> None:
    assert vote_of(Verdict(False, "not-equal", extracted="1/2", normalized="1/2")) == "1/2"
    assert vote_of(Verdict(False, "not-equal", extracted="abc")) == "abc"
    for reason in ("no-answer", "invalid-format", "hacking", "timeout"):
        assert vote_of(Verdict(False, reason, extracted="7", normalized="7")) is None
    assert vote_of(Verdict(False, "not-equal", extracted="  ")) is None
    assert vote_of(None) is None
