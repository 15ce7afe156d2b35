"""Latin-square pieces shared by sudoku, futoshiki, skyscrapers and kenken."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from rlvr.tasks.base import Problem
from rlvr.tasks.families._csp import Model
from rlvr.tasks.families._grid import Grid, GridTask, attempts, latin_violation, read_int_cell


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


def board_givens(board: Sequence[Sequence[str]]) -> list[tuple[int, int, int]]:
    """(row, column, value) of every given in a board drawn with '_' for blanks."""
    return [(r, c, int(cell)) for r, row in enumerate(board) for c, cell in enumerate(row) if cell != "_"]


def latin_givens_violation(grid: Grid, n: int, givens: Iterable[Sequence[int]]) -> str | None:
    """The first changed given (row, column, value), else the first row or column that is no permutation."""
    for r, c, value in givens:
        if grid[r][c] != value:
            return f"cell (row {r + 1}, column {c + 1}) must keep its given {value}"
    return latin_violation(grid, n)


def given_clues(target: list[int], n: int) -> list[tuple[str, int, int, int]]:
    """Every cell of a row-major n x n square as a ("given", row, column, value) clue."""
    return [("given", i // n, i % n, v) for i, v in enumerate(target)]


def given_board(clues: Iterable[tuple], n: int) -> list[list[str]]:
    """An n x n board showing the values of the "given" clues, '_' elsewhere."""
    board = [["_"] * n for _ in range(n)]
    for clue in clues:
        if clue[0] == "given":
            board[clue[1]][clue[2]] = str(clue[3])
    return board


class LatinGridTask(GridTask):
    """A grid family whose answer is an n x n latin square over 1..n (n in metadata['size'])."""

    def shape(self, problem: Problem) -> tuple[int, int]:
        n = problem.metadata["size"]
        return n, n

    def read_cell(self, token: str, problem: Problem) -> int:
        return read_int_cell(token, 1, problem.metadata["size"])

    def symbols(self, problem: Problem) -> list[str]:
        return [str(v) for v in range(1, problem.metadata["size"] + 1)]
