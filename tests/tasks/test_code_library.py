"""The curated `algorithms` functions: each standalone snippet behaves as the package's function,
on the inputs its generator draws, within the line budget, with outputs that read back as literals."""

from __future__ import annotations

import random

import pytest

from rlvr.tasks.code import library
from rlvr.tasks.code.bounded import BudgetExceeded, run_bounded
from rlvr.tasks.code.codeio import MAX_LINES
from rlvr.tasks.code.literals import literal_text, same_value


@pytest.mark.parametrize("entry", library.ENTRIES, ids=lambda e: e.key)
def test_snippet_matches_the_package_function(entry: library.Entry) -> None:
    original = library.function_of(entry)
    standalone = library.compile_snippet(entry)
    assert "algorithms" not in library.snippet(entry).split('"""')[0]  # no import of the package itself
    for size in (3, 8, 14):
        for seed in range(4):
            args = entry.generate(random.Random(f"{entry.key}-{size}-{seed}"), size)
            expected, lines = run_bounded(original, args, MAX_LINES)
            got, _ = run_bounded(standalone, args, MAX_LINES)
            assert same_value(got, expected), (entry.key, args)
            assert 0 < lines <= MAX_LINES
            literal_text(expected)  # raises when the output does not read back as the same value
            literal_text(tuple(args))


def test_entries_cover_three_tiers_and_are_unique() -> None:
    keys = [e.key for e in library.ENTRIES]
    assert len(keys) == len(set(keys)) >= 60
    assert {e.tier for e in library.ENTRIES} == {1, 2, 3}
    assert library.entries(1) and set(library.entries(1)) < set(library.entries(3))


def test_the_line_budget_stops_a_runaway_call() -> None:
    def forever() -> None:
        while True:
            pass

    with pytest.raises(BudgetExceeded):
        run_bounded(forever, (), max_lines=1000)


def test_arguments_are_copied_before_the_call() -> None:
    entry = next(e for e in library.ENTRIES if e.function == "bubble_sort")
    args = ([3, 1, 2],)
    result, _ = run_bounded(library.function_of(entry), args)
    assert result == [1, 2, 3] and args == ([3, 1, 2],)  # the prompt shows the input as it was


def test_effort_does_not_count_other_objects_finalizers() -> None:
    # A garbage collection in the middle of a call runs other objects' __del__ under the trace;
    # counted, it made one item's effort differ between runs (513 vs 522 lines in the full suite).
    import gc

    class Noisy:
        def __del__(self) -> None:
            for _ in range(50):
                pass

    def f(n: int) -> list:
        return [[i] for i in range(n)]  # allocates containers: a collection may start here

    _, baseline = run_bounded(f, (200,))
    threshold = gc.get_threshold()
    try:
        gc.set_threshold(1)  # collect at nearly every allocation
        for _ in range(20):
            a, b = Noisy(), Noisy()
            a.other, b.other = b, a  # a cycle: only the cyclic collector frees it
        del a, b
        _, counted = run_bounded(f, (200,))
    finally:
        gc.set_threshold(*threshold)
        gc.collect()
    assert counted == baseline
