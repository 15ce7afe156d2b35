from __future__ import annotations

import json

import pytest

from rlvr.tasks import Curriculum, TaskError, get


def feed(curriculum: Curriculum, task: str, results: list[bool]) -> None:
    for correct in results:
        curriculum.update(task, correct)


def test_raises_after_a_window_of_successes() -> None:
    curriculum = Curriculum(window=10, start=3)
    feed(curriculum, "sat", [True] * 9)
    assert curriculum.difficulty("sat") == 3  # window not full yet
    curriculum.update("sat", True)
    assert curriculum.difficulty("sat") == 4
    assert curriculum.success_rate("sat") is None  # window cleared after the move


def test_lowers_after_failures_and_holds_in_between() -> None:
    curriculum = Curriculum(window=10, start=5)
    feed(curriculum, "cipher", [False] * 10)
    assert curriculum.difficulty("cipher") == 4
    feed(curriculum, "cipher", [True, False] * 5)  # 0.5: stay
    assert curriculum.difficulty("cipher") == 4
    assert curriculum.success_rate("cipher") == pytest.approx(0.5)


def test_bounded_and_per_family() -> None:
    curriculum = Curriculum(window=4, start=9, max_difficulty=10, min_difficulty=2)
    feed(curriculum, "a", [True] * 40)
    feed(curriculum, "b", [False] * 400)
    assert curriculum.difficulty("a") == 10
    assert curriculum.difficulty("b") == 2
    assert curriculum.levels() == {"a": 10, "b": 2}


def test_accepts_task_objects() -> None:
    curriculum = Curriculum([get("sat")], window=2, start=1)
    curriculum.update(get("sat"), True)
    curriculum.update("sat", True)
    assert curriculum.difficulty(get("sat")) == 2


def test_state_round_trip_through_json() -> None:
    curriculum = Curriculum(window=5, start=2, raise_above=0.6, lower_below=0.2)
    feed(curriculum, "sat", [True] * 5 + [True, False, True])
    state = json.loads(json.dumps(curriculum.state_dict()))
    restored = Curriculum()
    restored.load_state_dict(state)
    assert restored.levels() == curriculum.levels()
    assert restored.success_rate("sat") == curriculum.success_rate("sat")
    assert restored.window == 5 and restored.raise_above == 0.6
    feed(curriculum, "sat", [True, True])
    feed(restored, "sat", [True, True])
    assert restored.difficulty("sat") == curriculum.difficulty("sat") == 4


@pytest.mark.parametrize(
    "kwargs",
    [{"window": 0}, {"start": 11}, {"raise_above": 0.2, "lower_below": 0.5}, {"min_difficulty": 6, "max_difficulty": 3}],
)
def test_bad_settings_are_task_errors(kwargs: dict) -> None:
    with pytest.raises(TaskError):
        Curriculum(**kwargs)


def test_bad_state_is_a_task_error() -> None:
    with pytest.raises(TaskError):
        Curriculum().load_state_dict({"levels": {}})
    state = Curriculum().state_dict()
    state["levels"] = {"sat": 42}
    with pytest.raises(TaskError):
        Curriculum().load_state_dict(state)


def test_accepts_problems() -> None:
    curriculum = Curriculum(window=1, start=2)
    problem = get("cipher").problem(0, difficulty=2)
    curriculum.update(problem, True)
    assert curriculum.difficulty("cipher") == 3
