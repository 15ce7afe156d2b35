"""Binairo (Takuzu): fill a grid with 0s and 1s under three rules; the solution is unique.

Givens are added one at a time, each chosen to rule out a rival grid the solver
found, until the gold is the only solution. The check is by the rules (givens kept,
balanced lines, no three in a row, no two equal rows or columns).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

from rlvr.tasks.base import Problem, TaskError, register
from rlvr.tasks.families._binary import BinaryGridTask, fix_givens, reveal_until_unique
from rlvr.tasks.families._csp import Model
from rlvr.tasks.families._grid import Grid, answer_block, attempts, format_grid


@dataclass(frozen=True)
class Config:
    size: int
    extra_givens_percent: int


def _distinct_lines(n: int, solution: list[int]) -> bool:
    rows = {tuple(solution[r * n:(r + 1) * n]) for r in range(n)}
    cols = {tuple(solution[c::n]) for c in range(n)}
    return len(rows) == n and len(cols) == n


@lru_cache(maxsize=None)
def _valid_lines(n: int) -> tuple[tuple[int, ...], ...]:
    """Every 0/1 line of length n with n/2 ones and no three equal digits in a row."""
    return tuple(line for line in product((0, 1), repeat=n)
                 if sum(line) == n // 2 and all(not (line[k] == line[k + 1] == line[k + 2]) for k in range(n - 2)))


def _model(n: int, givens: list[tuple[int, int, int]]) -> Model:
    model = Model([3] * (n * n))
    rows = [[r * n + c for c in range(n)] for r in range(n)]
    cols = [[r * n + c for r in range(n)] for c in range(n)]
    # Each line is a table of the balanced lines with no three in a row: exact
    # per-line reasoning, and few of them (34 for a 10-cell line).
    for line in rows + cols:
        model.line_table(line, _valid_lines(n))
    model.accept_if(lambda solution: _distinct_lines(n, solution))
    fix_givens(model, n, givens)
    return model


@register
class Binairo(BinaryGridTask):
    """Takuzu with a unique solution on an even-sized square grid."""

    name = "binairo"
    description = ("Fill a Binairo (Takuzu) grid with 0s and 1s: balanced lines, no three equal in a row, "
                   "no repeated lines.")
    answer_format = "the completed grid, one row per line, 0s and 1s separated by single spaces"
    cell_symbols = {"0": 0, "1": 1}
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        # Each level is harder than the last in one knob (and easier in none): the share of
        # extra givens falls wherever the size stays, and it shows a different number of cells.
        size = (4, 6, 6, 6, 8, 8, 8, 8, 10, 10)[difficulty - 1]
        extra = (25, 20, 15, 10, 10, 6, 4, 2, 2, 0)[difficulty - 1]
        return Config(size=size, extra_givens_percent=extra)

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict]:
        n = config.size
        if n % 2 or not 4 <= n <= 14:
            raise TaskError("binairo size must be even, 4..14")
        for _ in attempts(self.name):
            found = _model(n, []).solve(limit=1, node_limit=2_000, rng=rng).solutions
            if not found:
                continue
            target = found[0]
            result = reveal_until_unique(
                n, target, lambda clues: _model(n, clues).solve(limit=2, node_limit=400, rng=rng), rng,
                config.extra_givens_percent, prune=True)
            if result is not None:
                break
        givens, nodes = result
        board = self.known_board(givens, n, blank=".")
        blanks = n * n - len(givens)
        prompt = (
            f"Solve this {n}x{n} Binairo (Takuzu) puzzle. Fill every '.' with 0 or 1 so that: each row and each "
            f"column has as many 0s as 1s ({n // 2} of each); no row or column has three equal digits next to each "
            "other; and no two rows are the same and no two columns are the same. Given digits stay as they are. "
            "The puzzle has exactly one solution.\n\n"
            f"{format_grid(board)}\n\n"
            + answer_block("the completed grid, one row per line, digits separated by single spaces.", "0 1\n1 0")
        )
        answer = format_grid([target[r * n:(r + 1) * n] for r in range(n)])
        return prompt, answer, {"size": n, "board": board, "blanks": blanks, "effort": blanks + nodes}

    def violation(self, problem: Problem, grid: Grid) -> str | None:
        n = problem.metadata["size"]
        for r, row in enumerate(problem.metadata["board"]):
            for c, cell in enumerate(row):
                if cell != "." and grid[r][c] != int(cell):
                    return f"cell (row {r + 1}, column {c + 1}) must keep its given {cell}"
        lines = [("row", i + 1, list(row)) for i, row in enumerate(grid)]
        lines += [("column", c + 1, [grid[r][c] for r in range(n)]) for c in range(n)]
        for kind, number, line in lines:
            if sum(line) != n // 2:
                return f"{kind} {number} does not have as many 0s as 1s"
            for k in range(n - 2):
                if line[k] == line[k + 1] == line[k + 2]:
                    return f"{kind} {number} has three {line[k]}s in a row"
        for kind in ("row", "column"):
            seen = {}
            for k, number, line in lines:
                if k == kind:
                    key = tuple(line)
                    if key in seen:
                        return f"{kind}s {seen[key]} and {number} are the same"
                    seen[key] = number
        return None
