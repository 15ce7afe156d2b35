"""LightRandom: the cheap-to-seed generator behind light families (arithmetic) and mixtures."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from rlvr.tasks.base import LightRandom, item_rng


def test_same_digest_or_seed_gives_the_same_stream() -> None:
    digest = bytes(range(32))
    a, b = LightRandom.from_digest(digest), LightRandom.from_digest(digest)
    assert [a.randint(0, 10**9) for _ in range(200)] == [b.randint(0, 10**9) for _ in range(200)]
    assert [LightRandom(7).random() for _ in range(3)] == [LightRandom(7).random()] * 3
    assert LightRandom(7).random() != LightRandom(8).random()
    assert LightRandom("abc").getrandbits(64) == LightRandom(b"abc").getrandbits(64)


def test_seed_rejects_unhashable_kinds() -> None:
    with pytest.raises(TypeError, match="int, str or bytes"):
        LightRandom(1.5)


def test_bounded_draws_are_uniform() -> None:
    rng = LightRandom(2024)
    n, draws = 7, 70_000
    counts = Counter(rng._randbelow(n) for _ in range(draws))
    assert set(counts) == set(range(n))
    expected = draws / n
    chi_square = sum((c - expected) ** 2 / expected for c in counts.values())
    assert chi_square < 30  # 6 degrees of freedom: p < 1e-4 for a fair generator


def test_every_random_api_stays_in_range() -> None:
    rng = LightRandom(3)
    for _ in range(2_000):
        assert 5 <= rng.randint(5, 9) <= 9
        assert 0.0 <= rng.random() < 1.0
        assert rng.getrandbits(13) < 2**13
        assert rng.randrange(2**100) < 2**100
    items = list(range(50))
    rng.shuffle(items)
    assert sorted(items) == list(range(50)) and items != list(range(50))
    assert len(set(rng.sample(range(1000), 100))) == 100
    assert rng.choice("xyz") in "xyz"
    assert rng.getrandbits(0) == 0
    with pytest.raises(ValueError):
        rng.getrandbits(-1)


def test_wide_draws_use_every_bit() -> None:
    rng = LightRandom(11)
    values = [rng.getrandbits(300) for _ in range(64)]
    assert max(v.bit_length() for v in values) >= 295


def test_pool_stays_bounded_over_a_long_stream() -> None:
    rng = LightRandom(5)
    for _ in range(200_000):
        rng._randbelow(90)
    assert rng._pool.bit_length() <= 512


def test_state_round_trip() -> None:
    rng = LightRandom(9)
    rng.random()
    state = rng.getstate()
    first = [rng.randint(0, 99) for _ in range(20)]
    rng.setstate(state)
    assert [rng.randint(0, 99) for _ in range(20)] == first


def test_item_rng_light_and_twister_streams() -> None:
    light = item_rng("arithmetic", 0, 1, 5, light=True)
    assert isinstance(light, LightRandom)
    assert type(item_rng("arithmetic", 0, 1, 5)) is random.Random
    assert item_rng("arithmetic", 0, 1, 5, light=True).random() == light.random()
    assert len({item_rng("arithmetic", 0, 1, i, light=True).random() for i in range(1000)}) == 1000
