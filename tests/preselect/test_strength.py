"""Predictive strength on losses whose answer is known, against a brute-force reference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rlvr.preselect import PreselectError, bits_per_character, predictive_strength


def _reference(losses: list[float], abilities: list[float]) -> float:
    """The paper's double sum, written out; Z = pairs whose abilities differ."""
    hits = pairs = 0
    for i in range(len(abilities)):
        for j in range(len(abilities)):
            if abilities[i] > abilities[j]:
                pairs += 1
                hits += losses[i] < losses[j]
    return hits / pairs


def test_perfect_reversed_and_partial_orders() -> None:
    abilities = [0.1, 0.2, 0.3]
    losses = np.array([[3.0, 2.0, 1.0],   # abler model, lower loss: S = 1
                       [1.0, 2.0, 3.0],   # the reverse: S = 0
                       [3.0, 1.0, 2.0]])  # m2 beats m1, m3 beats m1, m3 loses to m2: 2 of 3
    assert predictive_strength(losses, abilities).tolist() == pytest.approx([1.0, 0.0, 2 / 3])


def test_order_of_models_does_not_matter() -> None:
    losses = np.array([[3.0, 1.0, 2.0, 0.5]])
    abilities = np.array([0.1, 0.3, 0.2, 0.9])
    perm = [2, 0, 3, 1]
    assert predictive_strength(losses, abilities)[0] == pytest.approx(predictive_strength(losses[:, perm], abilities[perm])[0])


def test_tied_abilities_leave_their_pair_out() -> None:
    # m1 and m2 tie; m3 is ablest and has the lowest loss: both counted pairs agree.
    assert predictive_strength(np.array([[5.0, 4.0, 3.0]]), [1.0, 1.0, 2.0])[0] == 1.0


def test_equal_losses_are_not_concordant() -> None:
    assert predictive_strength(np.array([[1.0, 1.0, 1.0]]), [1.0, 2.0, 3.0])[0] == 0.0


def test_matches_the_double_sum_on_random_tables() -> None:
    rng = np.random.default_rng(0)
    for _ in range(50):
        n = int(rng.integers(3, 8))
        abilities = rng.integers(0, 4, size=n).astype(float)
        if np.all(abilities == abilities[0]):
            abilities[0] += 1
        losses = rng.integers(0, 5, size=(7, n)).astype(float)  # many ties on purpose
        got = predictive_strength(losses, abilities)
        want = [_reference(row.tolist(), abilities.tolist()) for row in losses]
        assert got.tolist() == pytest.approx(want)


def test_scaling_losses_changes_nothing() -> None:
    rng = np.random.default_rng(1)
    losses, abilities = rng.random((20, 5)), rng.random(5)
    assert predictive_strength(losses * 3.7, abilities).tolist() == pytest.approx(predictive_strength(losses, abilities).tolist())


@pytest.mark.parametrize(("abilities", "losses", "message"), [
    ([0.1, 0.2], [[1.0, 2.0]], "at least 3 models"),
    ([0.1, 0.2, 0.3], [[1.0, 2.0, 3.0, 4.0]], "4 models but 3 abilities"),
    ([0.5, 0.5, 0.5], [[1.0, 2.0, 3.0]], "same ability"),
    ([0.1, float("nan"), 0.3], [[1.0, 2.0, 3.0]], "finite"),
    ([0.1, 0.2, 0.3], [[1.0, float("inf"), 3.0]], "finite"),
])
def test_bad_input_is_refused(abilities: list[float], losses: list[list[float]], message: str) -> None:
    with pytest.raises(PreselectError, match=message):
        predictive_strength(np.array(losses), abilities)


def test_bits_per_character() -> None:
    assert bits_per_character(10 * math.log(2), 10) == pytest.approx(1.0)
    assert bits_per_character(3.0, 4) == pytest.approx(3.0 / math.log(2) / 4)
    with pytest.raises(PreselectError):
        bits_per_character(1.0, 0)
