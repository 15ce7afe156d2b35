"""Kakurasu: shade cells so weighted row and column sums match the clues; unique solution.

A shaded cell in column j (1-based) adds j to its row's sum; in row i it adds i to its
column's sum. When the sums alone allow several shadings, cells are revealed (as
shaded or unshaded) one at a time, each ruling out a rival the solver found. The check
is by the rules, which on a unique puzzle agrees with the gold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

from rlvr.tasks.base import Problem, TaskError, register
from rlvr.tasks.families._binary import (
    BinaryGridTask,
    line_tables_model,
    random_shading,
    reveal_until_unique,
)
from rlvr.tasks.families._csp import Model
from rlvr.tasks.families._grid import Grid, answer_block, attempts, format_grid


@dataclass(frozen=True)
class Config:
    size: int
    shaded_percent: int
    given_percent: int = 0  # cells shown up front, beyond those uniqueness needs


@lru_cache(maxsize=None)
def _lines_with_sum(n: int, total: int) -> tuple[tuple[int, ...], ...]:
    """Every 0/1 line of length n whose weighted sum (weights 1..n) is `total`."""
    return tuple(line for line in product((0, 1), repeat=n)
                 if sum((i + 1) * v for i, v in enumerate(line)) == total)


def _model(n: int, row_sums: list[int], col_sums: list[int], givens: list[tuple[int, int, int]]) -> Model:
    # Each line is a table of the shadings with its sum: exact per-line reasoning, and
    # cheap because few of the 2^n shadings share a sum.
    return line_tables_model(n, [_lines_with_sum(n, total) for total in row_sums],
                             [_lines_with_sum(n, total) for total in col_sums], givens)


@register
class Kakurasu(BinaryGridTask):
    """Kakurasu on an n x n grid with weighted row/column sums (and givens where needed)."""

    name = "kakurasu"
    description = ("Shade cells of a Kakurasu grid so each row and column's weighted sum of shaded cells "
                   "matches its clue.")
    answer_format = "the grid, one row per line, 1 for a shaded cell and 0 for an empty one, separated by spaces"
    cell_symbols = {"0": 0, "1": 1}
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        # The size grows every other level; in between, fewer cells are shown up front.
        return Config(size=(4, 4, 5, 5, 6, 6, 7, 7, 8, 8)[difficulty - 1], shaded_percent=50,
                      given_percent=(30, 20, 20, 14, 14, 9, 9, 5, 5, 0)[difficulty - 1])

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict]:
        n = config.size
        if not 2 <= n <= 12:
            raise TaskError("kakurasu size must be 2..12")
        for _ in attempts(self.name):
            target = random_shading(n, config.shaded_percent, rng)
            row_sums = [sum((c + 1) * target[r * n + c] for c in range(n)) for r in range(n)]
            col_sums = [sum((r + 1) * target[r * n + c] for r in range(n)) for c in range(n)]
            result = reveal_until_unique(
                n, target, lambda clues: _model(n, row_sums, col_sums, clues).solve(limit=2, node_limit=5_000), rng,
                config.given_percent, prune=True, share_first=False)
            if result is not None:
                break
        givens, nodes = result
        board = self.known_board(givens, n)
        header = "      " + " ".join(str(c + 1) for c in range(n)) + "   <- column weights"
        lines = [f"  {r + 1:>2} | " + " ".join(board[r]) + f" | row sum {row_sums[r]}" for r in range(n)]
        footer = "column sums: " + " ".join(str(s) for s in col_sums)
        given_note = (" Some cells are already decided: 1 is shaded and 0 is empty; keep them." if givens else "")
        prompt = (
            f"Solve this {n}x{n} Kakurasu puzzle. Shade some cells. A shaded cell in column j (columns numbered 1 to "
            f"{n} from the left) adds j to its row's sum; a shaded cell in row i (rows numbered 1 to {n} from the top) "
            "adds i to its column's sum. Every row sum and column sum must equal its clue. '?' is an undecided cell."
            f"{given_note} The puzzle has exactly one solution.\n\n"
            + header + "\n" + "\n".join(lines) + "\n" + footer + " (from column 1 to column "
            f"{n})\n\n"
            + answer_block("the grid, one row per line, 1 for a shaded cell and 0 for an empty cell, separated by "
                           "single spaces.", "1 0\n0 1")
        )
        answer = format_grid([target[r * n:(r + 1) * n] for r in range(n)])
        metadata = {"size": n, "row_sums": row_sums, "col_sums": col_sums, "board": board,
                    "effort": n * n - len(givens) + nodes}
        return prompt, answer, metadata

    def violation(self, problem: Problem, grid: Grid) -> str | None:
        meta = problem.metadata
        n = meta["size"]
        for r, row in enumerate(meta["board"]):
            for c, cell in enumerate(row):
                if cell != "?" and grid[r][c] != int(cell):
                    return f"cell (row {r + 1}, column {c + 1}) must stay {cell}"
        for r in range(n):
            total = sum((c + 1) * grid[r][c] for c in range(n))
            if total != meta["row_sums"][r]:
                return f"row {r + 1} sums to {total}, its clue is {meta['row_sums'][r]}"
        for c in range(n):
            total = sum((r + 1) * grid[r][c] for r in range(n))
            if total != meta["col_sums"][c]:
                return f"column {c + 1} sums to {total}, its clue is {meta['col_sums'][c]}"
        return None
