"""Sudoku, 4x4 to 9x9: every puzzle has exactly one solution (proved by a bitmask solver).

Generation fills a random grid, then blanks cells in random order, keeping a blank only
when no other solution appears; deep targets get several such passes (see `generate`). The check is by the rules (rows, columns and boxes hold
each digit once, givens kept); with a unique solution that is the same as the gold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from rlvr.tasks.base import Problem, TaskError, register
from rlvr.tasks.families._csp import NodeLimitReached
from rlvr.tasks.families._grid import (
    Grid,
    answer_block,
    format_grid,
    givens_violation,
    latin_violation,
)
from rlvr.tasks.families._latin import LatinGridTask

BOXES = {4: (2, 2), 6: (2, 3), 9: (3, 3)}


class SudokuSolver:
    """Counts solutions of an n x n sudoku with row/column/box bitmasks and MRV search."""

    def __init__(self, size: int) -> None:
        box_h, box_w = BOXES[size]
        self.size = size
        self.full = ((1 << size) - 1) << 1
        self.row_of = [i // size for i in range(size * size)]
        self.col_of = [i % size for i in range(size * size)]
        self.box_of = [(i // size) // box_h * (size // box_w) + (i % size) // box_w for i in range(size * size)]

    def count(self, cells: list[int], limit: int = 2, node_limit: int = 200_000, rng: random.Random | None = None,
              forbid: tuple[int, int] | None = None) -> tuple[int, int, list[int] | None]:
        """(solutions up to `limit`, nodes, first solution); `forbid` bars one (cell, value).

        Raises NodeLimitReached when the node budget runs out.
        """
        n = self.size
        rows = [0] * n
        cols = [0] * n
        boxes = [0] * n
        grid = list(cells)
        row_of, col_of, box_of = self.row_of, self.col_of, self.box_of
        empties = []
        for i, v in enumerate(grid):
            if v:
                bit = 1 << v
                r, c, b = row_of[i], col_of[i], box_of[i]
                if (rows[r] | cols[c] | boxes[b]) & bit:
                    return 0, 0, None
                rows[r] |= bit
                cols[c] |= bit
                boxes[b] |= bit
            else:
                empties.append(i)
        full = self.full
        forbid_cell, forbid_bit = (forbid[0], 1 << forbid[1]) if forbid else (-1, 0)
        found = [0, 0, None]  # solutions, nodes, first solution

        def search(remaining: list[int]) -> bool:
            if not remaining:
                found[0] += 1
                if found[2] is None:
                    found[2] = list(grid)
                return found[0] >= limit
            best_pos = -1
            best_mask = 0
            best_count = 99
            for pos, i in enumerate(remaining):
                mask = full & ~(rows[row_of[i]] | cols[col_of[i]] | boxes[box_of[i]])
                if i == forbid_cell:
                    mask &= ~forbid_bit
                count = mask.bit_count()
                if count < best_count:
                    if count == 0:
                        return False
                    best_pos, best_mask, best_count = pos, mask, count
                    if count == 1:
                        break
            i = remaining[best_pos]
            rest = remaining[:best_pos] + remaining[best_pos + 1:]
            r, c, b = row_of[i], col_of[i], box_of[i]
            bits = []
            mask = best_mask
            while mask:
                low = mask & -mask
                bits.append(low)
                mask ^= low
            if rng is not None:
                rng.shuffle(bits)
            for bit in bits:
                found[1] += 1
                if found[1] > node_limit:
                    raise NodeLimitReached
                rows[r] |= bit
                cols[c] |= bit
                boxes[b] |= bit
                grid[i] = bit.bit_length() - 1
                stop = search(rest)
                rows[r] ^= bit
                cols[c] ^= bit
                boxes[b] ^= bit
                grid[i] = 0
                if stop:
                    return True
            return False

        search(empties)
        return found[0], found[1], found[2]


_SOLVERS = {size: SudokuSolver(size) for size in BOXES}


@dataclass(frozen=True)
class Config:
    size: int
    blanks: int


# A single removal pass stops at a minimal puzzle, which on 9x9 has 54-59 blanks (median 57);
# more blanks need other removal orders, so deep targets get up to this many passes.
PASSES = 12


def generate(rng: random.Random, size: int, blanks: int) -> tuple[list[int], list[int], int]:
    """(puzzle with 0 for blanks, solution, nodes of the uniqueness proof).

    Passes with fresh removal orders run until one reaches `blanks` (at most `PASSES`);
    the puzzle with the most blanks wins, so `blanks` is a target, not a promise.
    """
    solver = _SOLVERS[size]
    _, _, solution = solver.count([0] * (size * size), limit=1, rng=rng)
    best: list[int] | None = None
    for _ in range(PASSES):
        puzzle = _remove(solver, solution, blanks, rng)
        if best is None or puzzle.count(0) > best.count(0):
            best = puzzle
        if best.count(0) >= blanks:
            break
    count, nodes, _ = solver.count(best, limit=2)
    assert count == 1
    return best, solution, nodes


def _remove(solver: SudokuSolver, solution: list[int], blanks: int, rng: random.Random) -> list[int]:
    """One pass: blank cells of `solution` in random order while the solution stays unique."""
    size = solver.size
    puzzle = list(solution)
    order = list(range(size * size))
    rng.shuffle(order)
    # Up to 3 blanks can never allow a second solution (that needs a 4-cell swap),
    # so the first few go without a proof; after that each blank is proved.
    taken = 0
    for i in order:
        if taken >= blanks:
            break
        value = puzzle[i]
        puzzle[i] = 0
        if taken >= 3:
            try:
                other, _, _ = solver.count(puzzle, limit=1, node_limit=20_000, forbid=(i, value))
            except NodeLimitReached:
                other = 1
            if other:
                puzzle[i] = value
                continue
        taken += 1
    return puzzle


@register
class Sudoku(LatinGridTask):
    """Classic sudoku with a unique solution; 4x4 (2x2 boxes), 6x6 (2x3) or 9x9 (3x3)."""

    name = "sudoku"
    description = "Fill a sudoku grid (4x4, 6x6 or 9x9) so every row, column and box holds each digit once."
    answer_format = "the completed grid, one row per line, digits separated by single spaces"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        # 58 blanks (23 givens) is as deep as a few removal passes reliably reach; see `generate`.
        table = {1: (4, 6), 2: (4, 9), 3: (6, 16), 4: (6, 21), 5: (9, 42),
                 6: (9, 46), 7: (9, 49), 8: (9, 52), 9: (9, 55), 10: (9, 58)}
        size, blanks = table[difficulty]
        return Config(size=size, blanks=blanks)

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict]:
        if config.size not in BOXES:
            raise TaskError(f"sudoku size must be one of {sorted(BOXES)}, got {config.size}")
        n = config.size
        puzzle, solution, nodes = generate(rng, n, min(config.blanks, n * n))
        givens = [puzzle[r * n:(r + 1) * n] for r in range(n)]
        answer = format_grid([solution[r * n:(r + 1) * n] for r in range(n)])
        box_h, box_w = BOXES[n]
        shown = format_grid([[v if v else "." for v in row] for row in givens])
        prompt = (
            f"Solve this {n}x{n} sudoku. Fill every '.' with a digit from 1 to {n} so that each row, "
            f"each column and each {box_h}x{box_w} box (boxes are {box_h} rows tall and {box_w} columns wide, "
            f"starting at the top-left corner) contains every digit from 1 to {n} exactly once. "
            "The given digits stay as they are. The puzzle has exactly one solution.\n\n"
            f"{shown}\n\n"
            + answer_block("the completed grid, one row per line, digits separated by single spaces.", "1 2\n2 1")
        )
        blanks = sum(1 for v in puzzle if v == 0)
        return prompt, answer, {"size": n, "givens": givens, "blanks": blanks, "effort": nodes}

    def violation(self, problem: Problem, grid: Grid) -> str | None:
        n = problem.metadata["size"]
        broken = givens_violation(grid, problem.metadata["givens"]) or latin_violation(grid, n)
        if broken:
            return broken
        box_h, box_w = BOXES[n]
        for top in range(0, n, box_h):
            for left in range(0, n, box_w):
                box = {grid[r][c] for r in range(top, top + box_h) for c in range(left, left + box_w)}
                if len(box) != n:
                    return f"the box with top-left cell (row {top + 1}, column {left + 1}) repeats a digit"
        return None
