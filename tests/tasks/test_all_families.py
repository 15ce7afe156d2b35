"""The contract every registered family must meet, at every difficulty.

One parametrised test per family and property; problems are generated once per
(family, seed, difficulty) and shared between the tests.
"""

from __future__ import annotations

import json
import random
from functools import lru_cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.tasks import MAX_DIFFICULTY, MIN_DIFFICULTY, Problem, TaskError, get, names
from rlvr.tasks.rows import problem_from_json, problem_to_json
from rlvr.verify.verdict import Reason, Verdict

FAMILIES = names()
DIFFICULTIES = range(MIN_DIFFICULTY, MAX_DIFFICULTY + 1)
SEEDS = (0, 1)
CATEGORIES = {"grid", "arithmetic", "logic", "strings", "planning", "math", "code"}
REASONING = "Let me work through this step by step.\nI checked every constraint twice.\n"
GARBAGE = [
    "",
    "   ",
    "\x00\x01\x02",
    "None",
    "nan",
    "-1e999999",
    "9" * 5000,
    "[[[[[[[[[[",
    "}{)(][",
    "__import__('os').system('echo hi')",
    "1/0",
    "\\boxed{",
    "<answer>",
    "A" * 20000,
    "é漢字🙂",
    "1 2 3\n4 5 6\n7 8 9",
    '{"a": [1, 2, {"b": null}]}',
    "x" * 3 + "=" * 3 + "," * 3,
]


def items_per_run(difficulty: int) -> int:
    """Fewer items where generation is slow (high difficulty)."""
    return 3 if difficulty <= 4 else 2 if difficulty <= 7 else 1


@lru_cache(maxsize=None)
def stream(name: str, seed: int, difficulty: int) -> tuple[Problem, ...]:
    return tuple(get(name).generate(items_per_run(difficulty), seed=seed, difficulty=difficulty))


def every_problem(name: str):
    for difficulty in DIFFICULTIES:
        for seed in SEEDS:
            yield from stream(name, seed, difficulty)


def tagged(answer: str) -> str:
    return f"{REASONING}<answer>{answer}</answer>"


def test_families_are_registered() -> None:
    assert len(FAMILIES) == len(set(FAMILIES)) and FAMILIES


@pytest.mark.parametrize("name", FAMILIES)
def test_identity(name: str) -> None:
    task = get(name)
    assert task.name == name
    assert task.category in CATEGORIES, f"{name}: category {task.category!r}"
    assert task.description and task.answer_format


@pytest.mark.parametrize("name", FAMILIES)
def test_gold_scores_one(name: str) -> None:
    task = get(name)
    for problem in every_problem(name):
        verdict = task.check(problem, tagged(problem.answer))
        assert isinstance(verdict, Verdict)
        assert verdict.correct and verdict.score == 1.0, f"{problem.id}: gold rejected: {verdict}"


@pytest.mark.parametrize("name", FAMILIES)
def test_corrupted_scores_zero(name: str) -> None:
    task = get(name)
    rng = random.Random(1234)
    for problem in every_problem(name):
        wrong = task.corrupt(problem, rng)
        assert isinstance(wrong, str)
        verdict = task.check(problem, tagged(wrong))
        assert not verdict.correct and verdict.score == 0.0, f"{problem.id}: corrupt answer {wrong!r} accepted"


@pytest.mark.parametrize("name", FAMILIES)
def test_deterministic_and_streamable(name: str) -> None:
    task = get(name)
    for difficulty in DIFFICULTIES:
        first = stream(name, 0, difficulty)
        last = len(first) - 1
        # Regenerating only the last item keeps this cheap for slow families.
        assert task.problem(last, seed=0, difficulty=difficulty) == first[last], "item depends on earlier items"
        if difficulty in (1, 5):
            again = tuple(task.generate(len(first), seed=0, difficulty=difficulty))
            assert again == first, f"{name} d{difficulty}: same seed gave different problems"
    later = next(task.generate(1, seed=1, difficulty=3, start=1))
    assert later == stream(name, 1, 3)[1]


@pytest.mark.parametrize("name", FAMILIES)
def test_ids_unique_and_seeds_differ(name: str) -> None:
    problems = list(every_problem(name))
    ids = [p.id for p in problems]
    assert len(ids) == len(set(ids))
    assert all(p.task == name for p in problems)
    assert all(p.id.startswith(name) for p in problems)


@pytest.mark.parametrize("name", FAMILIES)
def test_prompt_states_answer_format(name: str) -> None:
    for problem in every_problem(name):
        assert "<answer>" in problem.prompt or "\\boxed{}" in problem.prompt, problem.id
        assert problem.answer.strip(), f"{problem.id}: empty answer"


@pytest.mark.parametrize("name", FAMILIES)
def test_metadata_round_trips(name: str) -> None:
    task = get(name)
    for problem in every_problem(name):
        json.dumps(problem.metadata)  # raises if not serialisable
        assert "knobs" in problem.metadata
        back = problem_from_json(problem_to_json(problem))
        assert back == problem
        assert task.check(back, tagged(back.answer)).correct


@pytest.mark.parametrize("name", FAMILIES)
def test_effort_is_recorded_and_grows(name: str) -> None:
    def mean_effort(levels: range) -> float:
        efforts = [p.metadata["effort"] for d in levels for seed in SEEDS for p in stream(name, seed, d)]
        assert all(isinstance(e, int | float) for e in efforts), f"{name}: metadata['effort'] must be a number"
        return sum(efforts) / len(efforts)

    assert mean_effort(range(8, 11)) > mean_effort(range(1, 4)), f"{name}: effort does not grow with difficulty"


@pytest.mark.parametrize("name", FAMILIES)
def test_missing_tag_is_no_answer(name: str) -> None:
    task = get(name)
    for difficulty in (1, 5, 10):
        problem = stream(name, 0, difficulty)[0]
        for response in ("I am not sure how to do this.", "", REASONING, f"<think>{tagged(problem.answer)}</think> no idea"):
            verdict = task.check(problem, response)
            assert not verdict.correct
            assert verdict.reason == Reason.NO_ANSWER, f"{problem.id}: {response!r} -> {verdict.reason}"


@pytest.mark.parametrize("name", FAMILIES)
def test_garbage_never_raises(name: str) -> None:
    task = get(name)
    for difficulty in (1, 5, 10):
        problem = stream(name, 0, difficulty)[0]
        for junk in GARBAGE:
            verdict = task.check(problem, tagged(junk))
            assert isinstance(verdict, Verdict) and isinstance(verdict.reason, str)
            assert verdict.score in (0.0, 1.0)
        assert isinstance(task.check(problem, None), Verdict)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", FAMILIES)
@settings(max_examples=25, deadline=None)
@given(junk=st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Z")), max_size=200))
def test_fuzzed_answers_never_raise(name: str, junk: str) -> None:
    task = get(name)
    problem = stream(name, 0, 3)[0]
    verdict = task.check(problem, tagged(junk))
    assert isinstance(verdict, Verdict) and verdict.score in (0.0, 1.0)


@pytest.mark.parametrize("name", FAMILIES)
def test_bad_difficulty_is_a_task_error(name: str) -> None:
    task = get(name)
    for bad in (0, 11, -3, "5", 2.5):
        with pytest.raises(TaskError):
            task.problem(0, difficulty=bad)  # type: ignore[arg-type]
