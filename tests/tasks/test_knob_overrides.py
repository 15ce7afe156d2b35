"""Pinned knobs (`tasks.get(name, knob=value)`) get a one-line TaskError when the generator cannot use them."""

from __future__ import annotations

from dataclasses import fields, is_dataclass

import pytest

from rlvr import tasks
from rlvr.tasks.base import TaskError


def _numeric_knobs() -> list[tuple[str, str, object]]:
    found = []
    for name in tasks.names():
        config = tasks.get(name).config_for(5)
        if is_dataclass(config):
            for field in fields(config):
                value = getattr(config, field.name)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    found.append((name, field.name, value))
    return found


@pytest.mark.parametrize(("family", "knob", "value"), _numeric_knobs()[::7])
def test_a_negative_or_mistyped_knob_is_refused_before_generation(family: str, knob: str, value: object) -> None:
    with pytest.raises(TaskError, match=knob):
        next(tasks.get(family, **{knob: -1}).generate(1, seed=0, difficulty=5))
    with pytest.raises(TaskError, match=knob):
        next(tasks.get(family, **{knob: "3"}).generate(1, seed=0, difficulty=5))


def test_a_pinned_knob_the_generator_cannot_honour_is_a_task_error() -> None:
    # an empty sudoku box size cannot be generated; whatever the generator raises becomes one line
    family = next(name for name, knob, _ in _numeric_knobs() if name == "sudoku" and knob == "size")
    with pytest.raises(TaskError, match="sudoku cannot generate with size=0|size"):
        next(tasks.get(family, size=0).generate(1, seed=0, difficulty=5))
