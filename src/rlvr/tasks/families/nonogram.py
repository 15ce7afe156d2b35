"""Nonogram: shade cells so each row and column shows its runs of shaded cells; unique.

A random picture is drawn and its run clues computed. If the clues allow another
picture, cells of the gold are revealed one at a time, each ruling out a rival the
solver found (each line is a table of its possible arrangements, so propagation is
the classic line solver). The check is by the rules, which on a unique puzzle agrees
with the gold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from rlvr.tasks.base import Problem, TaskError, register
from rlvr.tasks.families._binary import (
    BinaryGridTask,
    line_tables_model,
    random_shading,
    reveal_until_unique,
)
from rlvr.tasks.families._csp import Model
from rlvr.tasks.families._grid import Grid, answer_block, attempts, format_grid

FILLED, EMPTY = "#", "."


@dataclass(frozen=True)
class Config:
    size: int
    filled_percent: int


def runs(line: list[int] | tuple[int, ...]) -> list[int]:
    """Lengths of the runs of 1s in a line, in order ([] for an empty line)."""
    out, current = [], 0
    for v in line:
        if v:
            current += 1
        elif current:
            out.append(current)
            current = 0
    if current:
        out.append(current)
    return out


@lru_cache(maxsize=8192)
def arrangements(length: int, clue: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """Every 0/1 line of `length` whose runs are `clue`."""
    if not clue:
        return ((0,) * length,)
    first, rest = clue[0], clue[1:]
    tail_need = sum(rest) + len(rest)
    out = []
    for start in range(length - tail_need - first + 1):
        head = (0,) * start + (1,) * first
        if rest:
            for tail in arrangements(length - len(head) - 1, rest):
                out.append(head + (0,) + tail)
        else:
            out.append(head + (0,) * (length - len(head)))
    return tuple(out)


def _model(n: int, row_clues: list[tuple[int, ...]], col_clues: list[tuple[int, ...]],
           givens: list[tuple[int, int, int]]) -> Model:
    return line_tables_model(n, [arrangements(n, clue) for clue in row_clues],
                             [arrangements(n, clue) for clue in col_clues], givens)


@register
class Nonogram(BinaryGridTask):
    """Square nonogram with run clues (and revealed cells where the clues alone are ambiguous)."""

    name = "nonogram"
    description = "Shade a nonogram grid so that every row and column shows exactly its runs of shaded cells."
    answer_format = "the grid, one row per line, '#' for a shaded cell and '.' for an empty one, separated by spaces"
    cell_symbols = {FILLED: 1, EMPTY: 0}
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        return Config(size=(4, 5, 5, 6, 7, 7, 8, 8, 9, 10)[difficulty - 1],
                      filled_percent=(65, 62, 60, 60, 58, 56, 56, 55, 55, 54)[difficulty - 1])

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict]:
        n = config.size
        if not 2 <= n <= 15:
            raise TaskError("nonogram size must be 2..15")
        for _ in attempts(self.name):
            target = random_shading(n, config.filled_percent, rng)
            row_clues = [tuple(runs(target[r * n:(r + 1) * n])) for r in range(n)]
            col_clues = [tuple(runs(target[c::n])) for c in range(n)]
            result = reveal_until_unique(
                n, target, lambda clues: _model(n, row_clues, col_clues, clues).solve(limit=2, node_limit=3_000), rng)
            if result is not None:
                break
        givens, nodes = result
        board = self.known_board(givens, n)

        def clue_text(clue: tuple[int, ...]) -> str:
            return " ".join(map(str, clue)) if clue else "0"

        rows_text = "\n".join(f"row {r + 1}: {clue_text(clue)}" for r, clue in enumerate(row_clues))
        cols_text = "\n".join(f"column {c + 1}: {clue_text(clue)}" for c, clue in enumerate(col_clues))
        given_note = ""
        if givens:
            given_note = ("\n\nSome cells are already known ('#' shaded, '.' empty, '?' unknown):\n"
                          + format_grid(board))
        prompt = (
            f"Solve this {n}x{n} nonogram. Shade cells so that each row's and each column's clue lists the lengths "
            "of its runs of consecutive shaded cells, in order (left to right for rows, top to bottom for columns), "
            "with at least one empty cell between runs; a clue of 0 means the line is empty. Rows are numbered "
            "from the top and columns from the left, starting at 1. The puzzle has exactly one solution.\n\n"
            f"Row clues:\n{rows_text}\n\nColumn clues:\n{cols_text}{given_note}\n\n"
            + answer_block("the grid, one row per line, '#' for a shaded cell and '.' for an empty cell, separated "
                           "by single spaces.", "# .\n# #")
        )
        answer = format_grid([[FILLED if target[r * n + c] else EMPTY for c in range(n)] for r in range(n)])
        metadata = {"size": n, "row_clues": [list(c) for c in row_clues], "col_clues": [list(c) for c in col_clues],
                    "board": board, "effort": n * n - len(givens) + nodes}
        return prompt, answer, metadata

    def violation(self, problem: Problem, grid: Grid) -> str | None:
        meta = problem.metadata
        n = meta["size"]
        for r, row in enumerate(meta["board"]):
            for c, cell in enumerate(row):
                if cell != "?" and grid[r][c] != (cell == FILLED):
                    return f"cell (row {r + 1}, column {c + 1}) must stay '{cell}'"
        for r in range(n):
            if runs(grid[r]) != meta["row_clues"][r]:
                return f"row {r + 1} shows runs {runs(grid[r]) or [0]}, its clue is {meta['row_clues'][r] or [0]}"
        for c in range(n):
            column = [grid[r][c] for r in range(n)]
            if runs(column) != meta["col_clues"][c]:
                return f"column {c + 1} shows runs {runs(column) or [0]}, its clue is {meta['col_clues'][c] or [0]}"
        return None
