from __future__ import annotations

import random

from rlvr.tasks import get
from rlvr.tasks.base import mangle_answer


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
