"""Square grids of shaded (1) and empty (0) cells: kakurasu, nonogram, binairo, norinori."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import ClassVar

from rlvr.tasks.base import Problem
from rlvr.tasks.families._csp import Model, Outcome, prune_clues, refine_until_unique
from rlvr.tasks.families._grid import GridTask, read_symbol_cell


def line_tables_model(n: int, row_tables: Sequence[Sequence[tuple[int, ...]]],
                      col_tables: Sequence[Sequence[tuple[int, ...]]], givens: list[tuple[int, int, int]]) -> Model:
    """n*n 0/1 cells (r*n+c); row r must be one of row_tables[r], column c one of col_tables[c]."""
    model = Model([3] * (n * n))
    for r, table in enumerate(row_tables):
        model.line_table([r * n + c for c in range(n)], table)
    for c, table in enumerate(col_tables):
        model.line_table([r * n + c for r in range(n)], table)
    fix_givens(model, n, givens)
    return model


def fix_givens(model: Model, n: int, givens: list[tuple[int, int, int]]) -> None:
    """Pin each (row, column, value) given of an n-wide grid in `model`."""
    for r, c, v in givens:
        model.fix(r * n + c, v)


def random_shading(n: int, percent: int, rng: random.Random) -> list[int]:
    """A row-major n x n 0/1 grid with each cell shaded (1) with probability percent/100."""
    return [1 if rng.random() * 100 < percent else 0 for _ in range(n * n)]


def reveal_until_unique(n: int, target: list[int], solve: Callable[[list], Outcome], rng: random.Random,
                        given_percent: int = 0, prune: bool = False,
                        share_first: bool = True) -> tuple[list, int] | None:
    """Reveal (row, column, value) cells of `target` until `solve` finds it alone: (givens, nodes) or None.

    `given_percent` of the cells are revealed up front at random; the rest are added one at
    a time, each ruling out a rival grid the solver found. With `prune`, every revealed cell
    the others imply is hidden again (a minimal set), and then `given_percent` of the cells
    are revealed on top of it: without that, refinement makes up for cells shown up front by
    revealing fewer, and the share barely changes what the puzzle tells. `share_first=False`
    (with `prune`) refines from no cells at all: cheaper where the solver is fast without
    clues (kakurasu), dearer where it needs them to search quickly (binairo).
    """
    pool = [(i // n, i % n, v) for i, v in enumerate(target)]
    extra = len(pool) * given_percent // 100
    # Cells drawn up front are tried for removal again by the pruning, one solve each.
    start = [] if prune and not share_first else rng.sample(pool, extra)
    result = refine_until_unique(solve, target, start, pool,
                                 lambda clue, other: other[clue[0] * n + clue[1]] != clue[2], rng)
    if result is None or not prune:
        return result
    minimal, _ = prune_clues(solve, result[0], lambda clue: True, rng)
    shown = set(minimal)
    hidden = [clue for clue in pool if clue not in shown]
    givens = minimal + rng.sample(hidden, min(extra, len(hidden)))
    return givens, solve(givens).nodes


class BinaryGridTask(GridTask):
    """An n x n grid family (n in metadata['size']) whose cells are written with two symbols."""

    cell_symbols: ClassVar[dict[str, int]]  # symbol -> cell value, in the order symbols() lists them

    def shape(self, problem: Problem) -> tuple[int, int]:
        n = problem.metadata["size"]
        return n, n

    def read_cell(self, token: str, problem: Problem) -> int:
        return read_symbol_cell(token, self.cell_symbols)

    def symbols(self, problem: Problem) -> list[str]:
        return list(self.cell_symbols)

    def known_board(self, givens: Sequence[tuple[int, int, int]], n: int, blank: str = "?") -> list[list[str]]:
        """An n x n board showing each (row, column, value) given in this family's symbols, `blank` elsewhere."""
        symbol_of = {value: symbol for symbol, value in self.cell_symbols.items()}
        board = [[blank] * n for _ in range(n)]
        for r, c, v in givens:
            board[r][c] = symbol_of[v]
        return board
