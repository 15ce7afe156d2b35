"""Latin-square pieces shared by futoshiki, skyscrapers and kenken."""

from __future__ import annotations

import random

from rlvr.tasks.families._csp import Model
from rlvr.tasks.families._grid import attempts


def latin_model(n: int) -> Model:
    """n*n variables with values 1..n, each row and column a permutation (cell r*n+c)."""
    model = Model([((1 << n) - 1) << 1] * (n * n))
    for r in range(n):
        model.all_different([r * n + c for c in range(n)], permutation=True)
    for c in range(n):
        model.all_different([r * n + c for r in range(n)], permutation=True)
    return model


def random_latin(n: int, rng: random.Random) -> list[int]:
    """A random n x n latin square over 1..n, row-major."""
    for _ in attempts("latin square"):
        found = latin_model(n).solve(limit=1, node_limit=10_000, rng=rng).solutions
        if found:
            return found[0]
    raise AssertionError("unreachable: attempts() raises when exhausted")
