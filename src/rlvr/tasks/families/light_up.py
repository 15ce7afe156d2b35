"""Light Up (Akari): place bulbs so every white cell is lit and no bulb sees another.

Numbers on black cells are revealed one at a time, each chosen to rule out a rival
bulb placement the solver found, until exactly one placement remains (layouts where
the numbers cannot separate the rivals are regenerated from the same rng). The check
is by the rules, so it agrees with the gold on these unique puzzles.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from rlvr.tasks.base import Problem, TaskError, register
from rlvr.tasks.families._csp import Model, refine_until_unique
from rlvr.tasks.families._grid import Grid, GridFormatError, GridTask, answer_block, attempts, format_grid, neighbours4

BULB, EMPTY, BLACK = 1, 0, -1


@dataclass(frozen=True)
class Config:
    size: int
    black_percent: int


def segments(black: list[list[bool]]) -> list[list[tuple[int, int]]]:
    """Maximal horizontal and vertical runs of white cells (a bulb lights its runs)."""
    n_rows, n_cols = len(black), len(black[0])
    runs = []
    for r in range(n_rows):
        run: list[tuple[int, int]] = []
        for c in range(n_cols + 1):
            if c < n_cols and not black[r][c]:
                run.append((r, c))
            elif run:
                runs.append(run)
                run = []
    for c in range(n_cols):
        run = []
        for r in range(n_rows + 1):
            if r < n_rows and not black[r][c]:
                run.append((r, c))
            elif run:
                runs.append(run)
                run = []
    return runs


def _model(n: int, black: list[list[bool]], runs: list, numbers: list[tuple[int, int, int]]) -> Model:
    model = Model([1 if black[i // n][i % n] else 3 for i in range(n * n)])
    seen: dict[int, set[int]] = {}
    for run in runs:
        ids = [r * n + c for r, c in run]
        model.count(ids, 0, 1)
        for i in ids:
            seen.setdefault(i, set()).update(ids)
    for cells in {frozenset(cells) for cells in seen.values()}:
        model.count(sorted(cells), 1, len(cells))
    for r, c, k in numbers:
        model.count([nr * n + nc for nr, nc in neighbours4(r, c, n, n)], k, k)
    return model


@register
class LightUp(GridTask):
    """Akari with a unique solution: bulbs light their row and column up to a black cell."""

    name = "light_up"
    description = ("Place light bulbs on a Light Up (Akari) grid so every white cell is lit "
                   "and no two bulbs see each other.")
    answer_format = "the grid, one row per line: 'L' for a bulb, '.' for an empty white cell, '#' for a black cell"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        return Config(size=(5, 5, 6, 6, 7, 7, 7, 8, 8, 8)[difficulty - 1], black_percent=24 - difficulty)

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict]:
        n = config.size
        if not 3 <= n <= 15:
            raise TaskError("light_up size must be 3..15")
        for _ in attempts(self.name):
            black = [[rng.random() * 100 < config.black_percent for _ in range(n)] for _ in range(n)]
            runs = segments(black)
            lit_by: dict[tuple[int, int], list] = {}
            for run in runs:
                for cell in run:
                    lit_by.setdefault(cell, []).append(run)
            bulbs: set[tuple[int, int]] = set()
            lit: set[tuple[int, int]] = set()
            order = list(lit_by)
            rng.shuffle(order)
            for cell in order:
                if cell not in lit:
                    bulbs.add(cell)
                    for run in lit_by[cell]:
                        lit.update(run)
            target = [1 if (i // n, i % n) in bulbs else 0 for i in range(n * n)]
            # Clues are black cells whose number is shown; the number is read from the
            # current bulbs, which can change when a wall is added below.
            pool = [(r, c) for r in range(n) for c in range(n) if black[r][c]]

            def number(r: int, c: int, lamps: list[int]) -> int:
                return sum(lamps[nr * n + nc] for nr, nc in neighbours4(r, c, n, n))

            def breaks(clue: tuple[int, int], other: list[int]) -> bool:
                return number(*clue, other) != number(*clue, target)

            state = {"runs": runs}

            def add_black(other: list[int]) -> bool:
                # No number separates the rival: turn one of its bulb cells black, then
                # light any cell the wall left dark with a new gold bulb.
                spots = [i for i in range(n * n) if other[i] and not target[i]]
                if not spots:
                    return False
                r, c = divmod(rng.choice(spots), n)
                black[r][c] = True
                state["runs"] = segments(black)
                lit_now = {cell for run in state["runs"] if any(cell in bulbs for cell in run) for cell in run}
                dark = [(rr, cc) for rr in range(n) for cc in range(n) if not black[rr][cc] and (rr, cc) not in lit_now]
                rng.shuffle(dark)
                rows_of = {}
                for run in state["runs"]:
                    for cell in run:
                        rows_of.setdefault(cell, []).append(run)
                for cell in dark:
                    if cell not in lit_now:
                        bulbs.add(cell)
                        target[cell[0] * n + cell[1]] = 1
                        for run in rows_of[cell]:
                            lit_now.update(run)
                return True

            def model_for(clues: list) -> Model:
                numbers = [(r, c, number(r, c, target)) for r, c in clues]
                return _model(n, black, state["runs"], numbers)

            start = rng.sample(pool, len(pool) // 3)
            result = refine_until_unique(lambda clues: model_for(clues).solve(limit=2, node_limit=5_000),
                                         target, start, pool, breaks, rng, on_stuck=add_black)
            if result is not None:
                break
        runs = state["runs"]
        clue_cells, nodes = result
        numbers = [(r, c, number(r, c, target)) for r, c in clue_cells]
        numbered = {(r, c): k for r, c, k in numbers}
        board = [["." if not black[r][c] else str(numbered[(r, c)]) if (r, c) in numbered else "#"
                  for c in range(n)] for r in range(n)]
        answer = format_grid([["L" if (r, c) in bulbs else board[r][c] for c in range(n)] for r in range(n)])
        white = sum(not b for row in black for b in row)
        prompt = (
            f"Solve this {n}x{n} Light Up (Akari) puzzle. '.' is a white cell, '#' is a black cell and a digit is a "
            "black cell with a number. Place bulbs on white cells so that: every white cell is lit (a bulb lights its "
            "own cell and every cell in its row and column until a black cell or the edge); no bulb is lit by another "
            "bulb; and a numbered black cell has exactly that many bulbs in the up to 4 cells directly above, below, "
            "left and right of it. Unnumbered black cells may have any number of bulbs next to them. "
            "The puzzle has exactly one solution.\n\n"
            f"{format_grid(board)}\n\n"
            + answer_block("the grid, one row per line, cells separated by single spaces: 'L' for a bulb, '.' for "
                           "an empty white cell, and each black cell copied as it is ('#' or its digit).", "L .\n# 1")
        )
        metadata = {"size": n, "board": board, "effort": white + nodes}
        return prompt, answer, metadata

    def shape(self, problem: Problem) -> tuple[int, int]:
        n = problem.metadata["size"]
        return n, n

    def read_cell(self, token: str, problem: Problem) -> int:
        key = token.lower()
        if key == "l":
            return BULB
        if key == ".":
            return EMPTY
        if key == "#" or key in "01234" and len(key) == 1:
            return BLACK
        raise GridFormatError(f"cell {token!r} is not one of: L, ., # or a digit 0-4")

    def read_cell_at(self, token: str, row: int, column: int, problem: Problem) -> int:
        # A digit names one numbered black cell: written anywhere else, or as another
        # number, it is not a copy of the puzzle.
        shown = problem.metadata["board"][row][column]
        if token in "01234" and len(token) == 1 and token != shown:
            raise GridFormatError(f"cell (row {row + 1}, column {column + 1}) is {token!r}, but the puzzle "
                                  f"shows {shown!r} there")
        return self.read_cell(token, problem)

    def symbols(self, problem: Problem) -> list[str]:
        return ["L", "."]

    def violation(self, problem: Problem, grid: Grid) -> str | None:
        board = problem.metadata["board"]
        n = problem.metadata["size"]
        for r in range(n):
            for c in range(n):
                is_black = board[r][c] != "."
                if is_black != (grid[r][c] == BLACK):
                    kind = "black" if is_black else "white"
                    return f"cell (row {r + 1}, column {c + 1}) is {kind} in the puzzle"
        black = [[board[r][c] != "." for c in range(n)] for r in range(n)]
        lit = set()
        for run in segments(black):
            count = sum(grid[r][c] == BULB for r, c in run)
            if count > 1:
                r, c = run[0]
                return f"two bulbs see each other along the run starting at (row {r + 1}, column {c + 1})"
            if count:
                lit.update(run)
        for r in range(n):
            for c in range(n):
                if not black[r][c] and (r, c) not in lit:
                    return f"cell (row {r + 1}, column {c + 1}) is not lit"
                if board[r][c].isdigit():
                    around = sum(grid[nr][nc] == BULB for nr, nc in neighbours4(r, c, n, n))
                    if around != int(board[r][c]):
                        return f"the {board[r][c]} at (row {r + 1}, column {c + 1}) has {around} bulbs next to it"
        return None
