from __future__ import annotations

import pytest

from rlvr.tasks import TaskError, get
from rlvr.tasks.answers import last_boxed, tagged_or_boxed
from rlvr.tasks.math_data import clean_number, read_jsonl
from rlvr.verify.verdict import Reason

SIZES = {"math500": 500, "gsm8k": 1319, "aime24": 30, "amc23": 40}


@pytest.mark.parametrize("name, size", SIZES.items())
def test_pools_partition_the_dataset(name: str, size: int) -> None:
    task = get(name)
    pools = task.pools()
    assert len(pools) == 10 and all(pools)
    keys = [r.key for pool in pools for r in pool]
    assert len(keys) == len(set(keys)) == size
    assert len(task.all_problems()) == size


def test_math500_difficulty_follows_level() -> None:
    task = get("math500")
    for difficulty in range(1, 11):
        levels = {p.metadata["level"] for p in task.generate(20, difficulty=difficulty)}
        assert levels == {(difficulty + 1) // 2}


def test_gsm8k_steps_grow_with_difficulty() -> None:
    task = get("gsm8k")
    mean = lambda d: sum(p.metadata["effort"] for p in task.generate(40, difficulty=d)) / 40  # noqa: E731
    assert mean(9) > mean(2)


@pytest.mark.parametrize("name", ["aime24", "amc23"])
def test_contest_position_grows_with_difficulty(name: str) -> None:
    task = get(name)
    first = {p.metadata["contest_problem"] for p in task.generate(3, difficulty=1)}
    last = {p.metadata["contest_problem"] for p in task.generate(3, difficulty=10)}
    assert max(first) < min(last)


def test_stream_walks_the_pool_then_cycles_with_unique_ids() -> None:
    task = get("aime24")  # three problems per difficulty
    problems = list(task.generate(9, difficulty=4, seed=2))
    first_epoch = [p.metadata["source_id"] for p in problems[:3]]
    assert len(set(first_epoch)) == 3
    for epoch in range(3):
        assert sorted(p.metadata["source_id"] for p in problems[3 * epoch: 3 * epoch + 3]) == sorted(first_epoch)
    assert [p.metadata["epoch"] for p in problems] == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert len({p.id for p in problems}) == 9
    other_seed = [p.metadata["source_id"] for p in task.generate(30, difficulty=5, seed=3)]
    assert other_seed != [p.metadata["source_id"] for p in task.generate(30, difficulty=5, seed=2)]


def test_pool_knob_can_be_pinned_and_is_validated() -> None:
    assert {p.metadata["level"] for p in get("math500", pool=10).generate(5, difficulty=1)} == {5}
    with pytest.raises(TaskError):
        get("math500", pool=11).problem(0)
    with pytest.raises(TaskError):
        get("gsm8k").problem(-1)


def test_boxed_and_tagged_answers_both_check() -> None:
    task = get("math500")
    problem = next(p for p in task.all_problems() if p.answer == "\\frac{14}{3}")
    for response in (
        "So the answer is $\\boxed{\\frac{14}{3}}$.",
        "<answer>\\frac{14}{3}</answer>",
        "<answer>$\\frac{14}{3}$</answer>",
        "<answer>\\boxed{\\frac{14}{3}}</answer>",
        "<think>\\boxed{1}</think> final: \\boxed{14/3}",
    ):
        assert task.check(problem, response).correct, response
    assert not task.check(problem, "\\boxed{\\frac{13}{3}}").correct
    assert task.check(problem, "<think>\\boxed{\\frac{14}{3}}</think> I give up").reason == Reason.NO_ANSWER


def test_gsm8k_gold_is_a_clean_number() -> None:
    golds = [p.answer for p in get("gsm8k").all_problems()]
    assert all(g.lstrip("-").replace(".", "", 1).isdigit() for g in golds)
    assert clean_number("27.0") == "27" and clean_number("1,000") == "1000" and clean_number("\\pi") == "\\pi"


def test_bundled_files_read() -> None:
    assert len(read_jsonl("amc23-test.jsonl")) == 40
    with pytest.raises(TaskError):
        read_jsonl("missing.jsonl")


def test_answer_extraction_helpers() -> None:
    assert last_boxed("a \\boxed{1} b \\boxed{\\frac{1}{2}} c") == "\\frac{1}{2}"
    assert last_boxed("\\boxed{unclosed") is None
    assert last_boxed("\\boxed{ok} then \\boxed{unclosed") == "ok"
    assert tagged_or_boxed("<answer> $7$ </answer>") == "7"
    assert tagged_or_boxed("\\boxed{3} and <answer>4</answer>") == "4"
    assert tagged_or_boxed(None) is None  # type: ignore[arg-type]
    assert tagged_or_boxed("nothing here") is None


def test_many_unclosed_boxes_are_handled_in_linear_time() -> None:
    # Each open box used to rescan to the end: quadratic. This input would take minutes that way.
    text = "\\boxed{" * 20_000 + "x" * 50_000
    assert last_boxed(text) is None
    assert last_boxed("\\boxed{1} " + text) == "1"
    assert last_boxed("\\boxed{a{b}c} \\boxed{d") == "a{b}c"


@pytest.mark.parametrize("name", SIZES)
def test_every_gold_verifies_tagged_and_boxed(name: str) -> None:
    task = get(name)
    for problem in task.all_problems():
        assert task.check(problem, f"<answer>{problem.answer}</answer>").correct, problem.id
        assert task.check(problem, f"So the answer is \\boxed{{{problem.answer}}}.").correct, problem.id
