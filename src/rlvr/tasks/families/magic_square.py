"""Magic-square completion: fill the blanks so every line sums to the magic constant.

Rule-checked: any completion that uses 1..n^2 once each, keeps the givens and makes
every row, column and both diagonals sum to n(n^2+1)/2 scores 1, so a puzzle with
several completions never punishes a correct one.

Squares come from a small pool per order, found once by the constraint solver with
fixed seeds, then varied with the transformations that keep a square magic (the 8
rotations/reflections, the complement x -> n^2+1-x, and mirrored row+column swaps).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from rlvr.tasks.base import Problem, TaskError, register
from rlvr.tasks.families._csp import Model, span
from rlvr.tasks.families._grid import Grid, GridTask, answer_block, format_grid, givens_violation, read_int_cell

POOL_SIZE = {3: 1, 4: 12, 5: 4}


@dataclass(frozen=True)
class Config:
    order: int
    blanks: int


def magic_sum(n: int) -> int:
    return n * (n * n + 1) // 2


def _lines(n: int) -> list[list[int]]:
    rows = [[r * n + c for c in range(n)] for r in range(n)]
    cols = [[r * n + c for r in range(n)] for c in range(n)]
    return rows + cols + [[i * n + i for i in range(n)], [i * n + n - 1 - i for i in range(n)]]


@lru_cache(maxsize=None)
def _base_squares(n: int) -> tuple[tuple[int, ...], ...]:
    cells = n * n
    model = Model([span(1, cells)] * cells)
    model.all_different(range(cells), permutation=True)
    for line in _lines(n):
        model.linear(line, [1] * n, magic_sum(n), magic_sum(n))
    squares = []
    seed = 0
    while len(squares) < POOL_SIZE[n]:
        found = model.solve(limit=1, node_limit=20_000, rng=random.Random(seed)).solutions
        seed += 1
        if found and tuple(found[0]) not in squares:
            squares.append(tuple(found[0]))
    return tuple(squares)


def random_magic(n: int, rng: random.Random) -> list[list[int]]:
    """A random magic square of order n (3..5) over 1..n^2."""
    flat = rng.choice(_base_squares(n))
    square = [list(flat[r * n:(r + 1) * n]) for r in range(n)]
    for _ in range(rng.randrange(4)):
        square = [list(row) for row in zip(*square[::-1])]
    if rng.random() < 0.5:
        square = [row[::-1] for row in square]
    if rng.random() < 0.5:
        square = [[n * n + 1 - v for v in row] for row in square]
    # swapping rows i and n-1-i's partners together with the same columns keeps both diagonals
    for i in range(n // 2):
        j = rng.randrange(i, n // 2)
        if rng.random() < 0.5:
            order = list(range(n))
            order[i], order[j] = order[j], order[i]
            order[n - 1 - i], order[n - 1 - j] = order[n - 1 - j], order[n - 1 - i]
            square = [[square[order[r]][order[c]] for c in range(n)] for r in range(n)]
    return square


@register
class MagicSquare(GridTask):
    """Complete a partly blanked magic square of order 3..5; any valid completion scores."""

    name = "magic_square"
    description = "Complete a magic square: use 1..n^2 once each so every row, column and diagonal has the same sum."
    answer_format = "the completed square, one row per line, numbers separated by single spaces"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        order = (3, 3, 3, 4, 4, 4, 4, 5, 5, 5)[difficulty - 1]
        return Config(order=order, blanks=(3, 4, 5, 6, 7, 8, 9, 10, 12, 14)[difficulty - 1])

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict]:
        n = config.order
        if n not in POOL_SIZE or not 1 <= config.blanks <= n * n:
            raise TaskError("magic_square order must be 3..5 and blanks 1..order^2")
        square = random_magic(n, rng)
        hidden = set(rng.sample(range(n * n), config.blanks))
        givens = [[0 if r * n + c in hidden else square[r][c] for c in range(n)] for r in range(n)]
        missing = sorted(square[i // n][i % n] for i in hidden)
        shown = format_grid([[v if v else "_" for v in row] for row in givens])
        prompt = (
            f"Complete this {n}x{n} magic square. Fill every '_' so that the square holds each whole number from 1 to "
            f"{n * n} exactly once and every row, every column and both main diagonals sum to {magic_sum(n)}. "
            f"The missing numbers are: {', '.join(map(str, missing))}. Given numbers stay as they are.\n\n"
            f"{shown}\n\n"
            + answer_block("the completed square, one row per line, numbers separated by single spaces.", "1 2\n3 4")
        )
        return prompt, format_grid(square), {"order": n, "givens": givens, "effort": config.blanks}

    def shape(self, problem: Problem) -> tuple[int, int]:
        n = problem.metadata["order"]
        return n, n

    def read_cell(self, token: str, problem: Problem) -> int:
        n = problem.metadata["order"]
        return read_int_cell(token, 1, n * n)

    def symbols(self, problem: Problem) -> list[str]:
        n = problem.metadata["order"]
        return [str(v) for v in range(1, n * n + 1)]

    def violation(self, problem: Problem, grid: Grid) -> str | None:
        n = problem.metadata["order"]
        broken = givens_violation(grid, problem.metadata["givens"])
        if broken:
            return broken
        flat = [v for row in grid for v in row]
        if sorted(flat) != list(range(1, n * n + 1)):
            return f"the square must use each number from 1 to {n * n} exactly once"
        names = [f"row {r + 1}" for r in range(n)] + [f"column {c + 1}" for c in range(n)]
        names += ["the main diagonal", "the anti-diagonal"]
        for name, line in zip(names, _lines(n)):
            total = sum(flat[i] for i in line)
            if total != magic_sum(n):
                return f"{name} sums to {total}, not {magic_sum(n)}"
        return None
