"""The row cache every engine adapter shares is bounded by bytes, not by a count of rows."""

from __future__ import annotations

import pytest

from rlvr.engines import row_checker, scoring
from rlvr.engines.sized_cache import SizedCache, shown
from rlvr.rewards.base import RewardError
from rlvr.tasks import get as get_task
from rlvr.tasks.rows import problem_to_json


def test_sized_cache_keeps_its_byte_bound_and_reuses_entries() -> None:
    cache: SizedCache[str] = SizedCache(max_bytes=100_000)
    for i in range(500):
        cache.get(f"key {i}", 5_000, lambda i=i: f"value {i}")
        assert cache.bytes <= cache.max_bytes
    assert 0 < len(cache) < 500
    built = []
    first = cache.get("again", 10, lambda: built.append(1) or "v")
    assert cache.get("again", 10, lambda: built.append(1) or "w") == first and built == [1]


def test_an_entry_too_large_for_its_share_is_built_but_not_kept() -> None:
    cache: SizedCache[str] = SizedCache(max_bytes=80_000)
    assert cache.get("huge", 50_000, lambda: "x") == "x"
    assert len(cache) == 0 and cache.bytes == 0


def test_a_failing_build_caches_nothing() -> None:
    cache: SizedCache[str] = SizedCache(max_bytes=80_000)
    with pytest.raises(ValueError):
        cache.get("k", 1, lambda: (_ for _ in ()).throw(ValueError("bad")))
    assert len(cache) == 0


def test_row_checkers_of_many_large_problems_stay_within_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    small: SizedCache = SizedCache(max_bytes=2**20)
    monkeypatch.setattr(scoring, "ROW_CACHE", small)
    family = get_task("arithmetic")
    problems = list(family.generate(200, seed=3, difficulty=3))
    for problem in problems:
        padded = problem_to_json(problem)[:-1] + ', "padding": "' + "p" * 20_000 + '"}'
        row_checker(problem_json=padded)
        row_checker(gold=str(problem.answer) + " " * 20_000)
        assert small.bytes <= small.max_bytes
    assert 0 < len(small) < 400
    again = row_checker(gold="42")
    assert row_checker(gold="42") is again, "a row seen again is reused"


def test_a_bad_gold_is_named_without_echoing_it() -> None:
    gold = "\\frac{" * 50_000
    with pytest.raises(RewardError) as error:
        row_checker(gold=gold).check("\\boxed{1}")
    assert len(str(error.value)) < 400 and "characters" in str(error.value)
    assert shown("x" * 1000).endswith("(1000 characters)")
