"""Predictive strength: how well a document's losses under several models rank the models by ability.

PreSelect (Shum et al. 2025, "Predictive Data Selection: The Data That Predicts Is the Data That
Teaches", Sec. 2.2) scores a document d by the agreement between two orders of N models: their
ability scores s_1..s_N (benchmark accuracy; higher is better) and their normalised losses
c_1(d)..c_N(d) on d (bits per character; lower is better):

    S(d) = sum_{i,j} 1[s_i > s_j] * 1[c_i(d) < c_j(d)] / Z

S = 1 when the lower loss always belongs to the abler model, 0 when always to the weaker one.
The paper takes Z = N(N-1)/2, the number of model pairs. rlvr takes Z = the number of pairs whose
abilities differ (the same when all abilities differ), so that S = 1 stays reachable when two
models tie in ability; tied pairs count in neither the numerator nor Z. Equal losses are not
concordant (strict `<`), as in the authors' scoring script.
"""

from __future__ import annotations

import math

import numpy as np

from rlvr.preselect.errors import PreselectError

MIN_MODELS = 3


def check_abilities(abilities: list[float] | np.ndarray, models: int | None = None) -> np.ndarray:
    """`abilities` as a float array, refused when there are fewer than 3, a NaN, or no two that differ."""
    values = np.asarray(abilities, dtype=np.float64)
    if values.ndim != 1:
        raise PreselectError("abilities must be a flat list of numbers, one per model")
    if models is not None and len(values) != models:
        raise PreselectError(f"{models} models but {len(values)} abilities; pass one ability score per model, in the same order")
    if len(values) < MIN_MODELS:
        raise PreselectError(f"PreSelect needs at least {MIN_MODELS} models with ability scores to rank; got {len(values)}")
    if not np.all(np.isfinite(values)):
        raise PreselectError(f"abilities must be finite numbers; got {values.tolist()}")
    if np.all(values == values[0]):
        raise PreselectError("all models have the same ability score, so there is no order to predict; "
                             "pass models of different ability")
    return values


def predictive_strength(losses: np.ndarray, abilities: list[float] | np.ndarray) -> np.ndarray:
    """S(d) for every row of `losses` (documents x models, lower = better), in [0, 1].

    Formula and source: module docstring (PreSelect, Sec. 2.2).
    """
    table = np.asarray(losses, dtype=np.float64)
    if table.ndim == 1:
        table = table[None, :]
    ability = check_abilities(abilities, table.shape[1])
    if not np.all(np.isfinite(table)):
        raise PreselectError("losses must be finite numbers")
    # abler[i, j] = 1 where model i is strictly abler than model j.
    abler = (ability[:, None] > ability[None, :]).astype(np.float64)
    pairs = abler.sum()
    # lower[d, i, j] = 1 where model i has the strictly lower loss on document d.
    lower = table[:, :, None] < table[:, None, :]
    return np.einsum("dij,ij->d", lower, abler) / pairs


def bits_per_character(total_nats: float, characters: int) -> float:
    """Normalised loss: the document's summed token cross-entropy (nats) in bits, per character."""
    if characters <= 0:
        raise PreselectError("bits per character needs a document with at least one character")
    return total_nats / (math.log(2) * characters)
