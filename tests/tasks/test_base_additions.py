from __future__ import annotations

import random

import pytest

from rlvr.tasks import get
from rlvr.tasks.base import TaskError, mangle_answer


def test_mangle_changes_integers_by_a_nonzero_offset() -> None:
    rng = random.Random(0)
    for gold in ("0", "42", "-7", "123456789"):
        for _ in range(50):
            changed = mangle_answer(gold, rng)
            assert changed != gold and int(changed) != int(gold)


def test_mangle_keeps_shape_of_text() -> None:
    rng = random.Random(1)
    for gold in ("abc def", "A1 B2", "x=1, y=0"):
        for _ in range(50):
            changed = mangle_answer(gold, rng)
            assert changed != gold and len(changed) == len(gold)
    assert mangle_answer("+-", rng) != "+-"


def test_default_corrupt_is_wrong_for_a_unique_answer_family() -> None:
    task = get("arithmetic")
    problem = task.problem(0, difficulty=3)
    rng = random.Random(2)
    from rlvr.tasks.base import Task

    wrong = Task.corrupt(task, problem, rng)
    assert not task.check(problem, f"<answer>{wrong}</answer>").correct


def test_extract_answer_matches_the_regex_pairing() -> None:
    from rlvr.tasks.base import _ANSWER_TAG, extract_answer

    cases = [
        "<answer>a</answer>",
        "<answer>a</answer> then <ANSWER> b </Answer>",
        "<answer>x <answer>y</answer>",
        "<answer>a</answer></answer>",
        "<answer>a</answer> <answer>b",
        "no tags",
        "</answer><answer>",
        "<think><answer>1</answer></think><answer>2</answer>",
    ]
    for text in cases:
        tail = text.split("</think>")[-1]
        found = _ANSWER_TAG.findall(tail)
        assert extract_answer(text) == (found[-1].strip() if found else None), text


def test_extract_answer_is_linear_on_unclosed_tags() -> None:
    from rlvr.tasks.base import extract_answer

    assert extract_answer("<answer>" * 25_000) is None  # quadratic before: tens of seconds
    assert extract_answer("<answer>7</answer>" + "<answer>" * 20_000) == "7"


def first_ids_per_prompt(problems) -> list[str]:
    """Ids of the first problem with each prompt, in order."""
    first: dict[str, str] = {}
    for problem in problems:
        first.setdefault(problem.prompt, problem.id)
    return list(first.values())


def test_distinct_skips_repeated_prompts_and_keeps_stream_order() -> None:
    task = get("arithmetic")
    stream = list(task.generate(64, seed=10000, difficulty=1))
    assert len({p.prompt for p in stream}) < 64  # single-digit sums repeat within 64 draws
    picked = task.distinct(64, seed=10000, difficulty=1)
    assert len(picked) == 64 and len({p.prompt for p in picked}) == 64
    indices = [p.metadata["index"] for p in picked]
    assert indices == sorted(indices)
    first_seen = first_ids_per_prompt(stream)
    assert [p.id for p in picked[: len(first_seen)]] == first_seen


def test_distinct_returns_the_whole_space_when_it_is_smaller_than_n() -> None:
    task = get("arithmetic")
    everything = task.distinct(500, seed=3, difficulty=1)
    sums = {p.metadata["expression"] for p in everything}
    assert sums == {f"{a} + {b}" for a in range(10) for b in range(10)}
    assert task.distinct(30, seed=3, difficulty=1) == everything[:30]


def test_distinct_stops_after_max_draws() -> None:
    task = get("arithmetic")
    first_five = task.generate(5, seed=0, difficulty=1)
    assert [p.id for p in task.distinct(50, seed=0, difficulty=1, max_draws=5)] == first_ids_per_prompt(first_five)
    assert task.distinct(0, seed=0, difficulty=1) == []
    with pytest.raises(TaskError, match="n must be"):
        task.distinct(-1)
    with pytest.raises(TaskError, match="max_draws"):
        task.distinct(3, max_draws=-1)
