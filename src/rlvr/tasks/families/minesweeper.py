"""Minesweeper deduction: find every mine from the revealed numbers and the mine count.

Cells are revealed one at a time, each chosen to rule out a competing mine layout the
solver found, until the layout is the only one consistent with the numbers. The check
is by the rules (revealed cells are safe, every number matches, the mine total
matches); with a unique layout that is the same as the gold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from rlvr.tasks.base import Problem, TaskError, register
from rlvr.tasks.families._csp import Model, refine_until_unique
from rlvr.tasks.families._grid import (
    Grid,
    GridFormatError,
    GridTask,
    answer_block,
    attempts,
    format_grid,
    neighbours8,
    read_symbol_cell,
)

MINE, SAFE = "*", "."


@dataclass(frozen=True)
class Config:
    height: int
    width: int
    mines: int


def _model(height: int, width: int, mines: int, revealed: list[tuple[int, int, int]]) -> Model:
    model = Model([3] * (height * width))
    model.count(range(height * width), mines, mines)
    for r, c, number in revealed:
        model.fix(r * width + c, 0)
        around = [nr * width + nc for nr, nc in neighbours8(r, c, height, width)]
        model.count(around, number, number)
    return model


@register
class Minesweeper(GridTask):
    """A minesweeper board with some numbers revealed; exactly one mine layout fits."""

    name = "minesweeper"
    description = "Deduce where every mine is on a minesweeper board from the revealed numbers and the mine count."
    answer_format = "the whole board, one row per line, '*' for a mine and '.' for a safe cell, separated by spaces"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        side = 4 + (difficulty + 1) // 2  # 5..9
        width = side + (1 if difficulty >= 8 else 0)
        # One more mine where the board keeps its size, so no two levels are the same.
        mines = (3, 4, 6, 7, 9, 10, 13, 16, 21, 22)[difficulty - 1]
        return Config(height=side, width=width, mines=mines)

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict]:
        h, w, m = config.height, config.width, config.mines
        if not (2 <= h <= 20 and 2 <= w <= 20 and 1 <= m < h * w):
            raise TaskError("minesweeper needs 2..20 rows and columns and 1 <= mines < cells")
        for _ in attempts(self.name):
            mine_cells = set(rng.sample(range(h * w), m))
            target = [1 if i in mine_cells else 0 for i in range(h * w)]
            numbers = {}
            for i in range(h * w):
                if not target[i]:
                    r, c = divmod(i, w)
                    numbers[(r, c)] = sum(target[nr * w + nc] for nr, nc in neighbours8(r, c, h, w))
            pool = [(r, c, k) for (r, c), k in numbers.items()]

            def breaks(clue: tuple[int, int, int], other: list[int]) -> bool:
                r, c, k = clue
                if other[r * w + c]:
                    return True
                return sum(other[nr * w + nc] for nr, nc in neighbours8(r, c, h, w)) != k

            # A random quarter of the safe cells start revealed, which saves most of the
            # refinement rounds; the rest are revealed only where a rival layout needs it.
            start = rng.sample(pool, len(pool) // 4)
            result = refine_until_unique(
                lambda clues: _model(h, w, m, clues).solve(limit=2, node_limit=5_000),
                target, start, pool, breaks, rng)
            if result is not None:
                break
        revealed, nodes = result
        board = [["?"] * w for _ in range(h)]
        for r, c, k in revealed:
            board[r][c] = str(k)
        answer = format_grid([[MINE if target[r * w + c] else SAFE for c in range(w)] for r in range(h)])
        hidden = h * w - len(revealed)
        prompt = (
            f"This is a {h}x{w} minesweeper board with exactly {m} mines. A number is a revealed safe cell "
            "and tells how many mines are in the (up to 8) cells around it, diagonals included. "
            "A '?' is a hidden cell that may or may not hold a mine. Exactly one placement of the mines "
            "fits all the numbers and the mine count; find it.\n\n"
            f"{format_grid(board)}\n\n"
            + answer_block("the whole board, one row per line, '*' for a mine and '.' for a safe cell "
                           "(revealed cells included; a revealed cell may also be written as its number), "
                           "cells separated by single spaces.", "* .\n. .")
        )
        metadata = {"height": h, "width": w, "mines": m, "board": board,
                    "hidden": hidden, "effort": hidden + nodes}
        return prompt, answer, metadata

    def shape(self, problem: Problem) -> tuple[int, int]:
        return problem.metadata["height"], problem.metadata["width"]

    def read_cell(self, token: str, problem: Problem) -> int:
        return read_symbol_cell(token, {"*": 1, ".": 0})

    def read_cell_at(self, token: str, row: int, column: int, problem: Problem) -> int:
        # A revealed cell copied as its number is unambiguous, so it reads as safe; a number
        # anywhere else (or a different number) is not a cell of this board.
        shown = problem.metadata["board"][row][column]
        if token == shown and shown != "?":
            return 0
        if token not in ("*", "."):
            allowed = f"'*', '.' or its number {shown}" if shown != "?" else "'*' or '.'"
            raise GridFormatError(f"cell (row {row + 1}, column {column + 1}) is {token!r}; it must be {allowed}")
        return self.read_cell(token, problem)

    def symbols(self, problem: Problem) -> list[str]:
        return [MINE, SAFE]

    def violation(self, problem: Problem, grid: Grid) -> str | None:
        meta = problem.metadata
        h, w = meta["height"], meta["width"]
        for r, row in enumerate(meta["board"]):
            for c, cell in enumerate(row):
                if cell == "?":
                    continue
                if grid[r][c]:
                    return f"cell (row {r + 1}, column {c + 1}) is revealed, so it cannot be a mine"
                around = sum(grid[nr][nc] for nr, nc in neighbours8(r, c, h, w))
                if around != int(cell):
                    return f"the {cell} at (row {r + 1}, column {c + 1}) has {around} mines around it"
        total = sum(map(sum, grid))
        if total != meta["mines"]:
            return f"the board has {total} mines, the puzzle has {meta['mines']}"
        return None
