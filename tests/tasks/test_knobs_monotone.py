"""Knobs move one way as difficulty rises (numbers never fall back; option lists only grow)."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass

import pytest

from rlvr.tasks import get

OWN = ["arithmetic", "dyck_completion", "dyck_error", "alphabet_sort", "sort_trace_error", "cipher",
       "sequence_induction", "boolean_expression", "sat", "math500", "gsm8k", "aime24", "amc23"]
# Knobs that make a puzzle harder as they fall.
FALLING = {("alphabet_sort", "first_letters")}


@pytest.mark.parametrize("name", OWN)
def test_knobs_are_monotone(name: str) -> None:
    task = get(name)
    configs = [task.config_for(d) for d in range(1, 11)]
    assert all(is_dataclass(c) for c in configs)
    for knob in asdict(configs[0]):
        values = [getattr(c, knob) for c in configs]
        if isinstance(values[0], bool | int | float) and not isinstance(values[0], str):
            ordered = values[::-1] if (name, knob) in FALLING else values
            assert ordered == sorted(ordered), f"{name}.{knob} is not monotone: {values}"
        elif name == "sequence_induction" and knob == "rules":
            continue  # the rule mix changes kind; its size is covered by shown/ask/scale and effort
        else:
            comma_lists = any("," in str(v) for v in values)
            sets = [set(str(v).split(",")) if comma_lists else set(str(v)) for v in values]
            assert all(a <= b for a, b in zip(sets, sets[1:])), f"{name}.{knob} options shrink: {values}"
