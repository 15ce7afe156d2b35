"""Nurikabe: shade the sea around numbered islands; every puzzle has a unique solution.

Islands are grown at random until no 2x2 block of sea is left, each gets its size as
a number. Uniqueness is proved by placing islands: every number has a list of the
polyominoes it could be, the search picks one per number (fewest options first) and
prunes 2x2 sea blocks no island can reach and sea that can no longer connect. When
another solution exists, sea cells of the gold are revealed, each chosen to rule out
the rival. The check is by the rules, which on a unique puzzle agrees with the gold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from rlvr.tasks.base import Problem, TaskError, register
from rlvr.tasks.families._csp import NodeLimitReached, Outcome, refine_until_unique
from rlvr.tasks.families._grid import (
    Grid,
    GridFormatError,
    GridTask,
    answer_block,
    attempts,
    connected,
    format_grid,
    neighbours4,
)

SEA, LAND = "#", "."


@dataclass(frozen=True)
class Config:
    size: int
    max_island: int


class _Board:
    """Bitmask geometry of an n x n grid."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.full = (1 << (n * n)) - 1
        self.nb = [sum(1 << (rr * n + cc) for rr, cc in neighbours4(i // n, i % n, n, n)) for i in range(n * n)]
        self.windows = [sum(1 << ((r + dr) * n + c + dc) for dr in (0, 1) for dc in (0, 1))
                        for r in range(n - 1) for c in range(n - 1)]

    def spread(self, mask: int) -> int:
        out = mask
        m = mask
        while m:
            low = m & -m
            out |= self.nb[low.bit_length() - 1]
            m ^= low
        return out

    def component(self, seed: int, within: int) -> int:
        seen = seed
        frontier = seed
        while frontier:
            grown = self.spread(frontier) & within & ~seen
            seen |= grown
            frontier = grown
        return seen

    def shapes(self, start: int, size: int, forbidden: int) -> list[int]:
        """Every connected set of `size` cells containing `start` and avoiding `forbidden`."""
        level = {1 << start}
        for _ in range(size - 1):
            nxt = set()
            for shape in level:
                frontier = self.spread(shape) & ~shape & ~forbidden
                while frontier:
                    low = frontier & -frontier
                    nxt.add(shape | low)
                    frontier ^= low
            level = nxt
        return list(level)


def count_solutions(n: int, clues: list[tuple[int, int]], sea_givens: list[int], limit: int = 2,
                    node_limit: int = 20_000) -> Outcome:
    """Nurikabe solutions (1 = sea per cell) up to `limit`; clues are (cell, island size)."""
    board = _Board(n)
    outcome = Outcome()
    clue_cells = 0
    for cell, _ in clues:
        clue_cells |= 1 << cell
    sea_mask = sum(1 << cell for cell in sea_givens)
    options = []
    for cell, size in clues:
        others = clue_cells & ~(1 << cell)
        forbidden = board.spread(others) | sea_mask
        options.append([(shape, board.spread(shape)) for shape in board.shapes(cell, size, forbidden)])

    def search(open_clues: list[int], blocked: int, land: int) -> bool:
        if not open_clues:
            sea = board.full & ~land
            if any(w & sea == w for w in board.windows):
                return False
            if sea and board.component(sea & -sea, sea) != sea:
                return False
            outcome.solutions.append([(sea >> i) & 1 for i in range(n * n)])
            return len(outcome.solutions) >= limit
        best, best_list, reach = -1, None, land
        for k in open_clues:
            fits = [(shape, halo) for shape, halo in options[k] if not shape & blocked]
            if not fits:
                return False
            for shape, _ in fits:
                reach |= shape
            if best_list is None or len(fits) < len(best_list):
                best, best_list = k, fits
        # every 2x2 block needs a land cell some island can still reach
        if any(w & reach == 0 for w in board.windows):
            return False
        surely_sea = board.full & ~reach
        if surely_sea:
            maybe_sea = board.full & ~land
            if board.component(surely_sea & -surely_sea, maybe_sea) & surely_sea != surely_sea:
                return False
        rest = [k for k in open_clues if k != best]
        for shape, halo in best_list:
            outcome.nodes += 1
            if outcome.nodes > node_limit:
                raise NodeLimitReached
            if search(rest, blocked | halo, land | shape):
                return True
        return False

    try:
        search(list(range(len(clues))), 0, 0)
    except NodeLimitReached:
        outcome.complete = False
    return outcome


def _grow(n: int, max_island: int, rng: random.Random) -> list[int] | None:
    """Island id per cell (-1 = sea) with connected sea and no 2x2 sea, or None."""
    board = _Board(n)
    owner = [-1] * (n * n)
    sizes: list[int] = []
    for _ in range(4 * n * n):
        sea = sum(1 << i for i in range(n * n) if owner[i] < 0)
        full_windows = [w for w in board.windows if w & sea == w]
        if not full_windows:
            return owner
        window = rng.choice(full_windows)
        cells = [i for i in range(n * n) if window >> i & 1]
        rng.shuffle(cells)
        # growing an existing island is tried before starting a new one, which would
        # otherwise fill the grid with 1-cell islands
        cells.sort(key=lambda cell: not board.nb[cell] & ~sea)
        for cell in cells:
            near = {owner[j] for j in range(n * n) if board.nb[cell] >> j & 1 and owner[j] >= 0}
            if len(near) > 1:
                continue
            if near:
                island = near.pop()
                if sizes[island] >= max_island:
                    continue
            else:
                island = len(sizes)
            rest = sea & ~(1 << cell)
            if rest and board.component(rest & -rest, rest) != rest:
                continue
            if island == len(sizes):
                sizes.append(0)
            owner[cell] = island
            sizes[island] += 1
            break
    return None


@register
class Nurikabe(GridTask):
    """Nurikabe on an n x n grid with islands of size up to `max_island`."""

    name = "nurikabe"
    description = "Shade a Nurikabe grid: numbered islands of that size, one connected sea, no 2x2 sea block."
    answer_format = "the grid, one row per line, '#' for sea (shaded) and '.' for island cells, separated by spaces"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        # The size and the largest island take turns to grow. Islands stop growing once the sea
        # has no 2x2 pool left, which rarely lets them pass 6 cells: a larger cap would change nothing.
        return Config(size=(3, 4, 4, 5, 5, 6, 6, 7, 7, 8)[difficulty - 1],
                      max_island=(2, 2, 3, 3, 4, 4, 5, 5, 6, 6)[difficulty - 1])

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict]:
        n, top = config.size, config.max_island
        if not 3 <= n <= 10 or not 1 <= top <= 9:
            raise TaskError("nurikabe size must be 3..10 and max_island 1..9")
        for _ in attempts(self.name):
            owner = _grow(n, top, rng)
            if owner is None:
                continue
            islands: dict[int, list[int]] = {}
            for cell, island in enumerate(owner):
                if island >= 0:
                    islands.setdefault(island, []).append(cell)
            clues = [(rng.choice(cells), len(cells)) for _, cells in sorted(islands.items())]
            target = [1 if owner[i] < 0 else 0 for i in range(n * n)]
            pool = [i for i in range(n * n) if target[i]]
            result = refine_until_unique(lambda sea: count_solutions(n, clues, sea, limit=2, node_limit=5_000),
                                         target, [], pool, lambda cell, other: other[cell] == 0, rng)
            if result is not None:
                break
        sea_givens, nodes = result
        board = [[LAND] * n for _ in range(n)]
        for cell, size in clues:
            board[cell // n][cell % n] = str(size)
        shown = [["?" if v == LAND else v for v in row] for row in board]
        for cell in sea_givens:
            shown[cell // n][cell % n] = SEA
        given_note = " A '#' in the puzzle is a cell already known to be sea." if sea_givens else ""
        prompt = (
            f"Solve this {n}x{n} Nurikabe puzzle. Every cell is either sea (shaded) or island. Each number is an "
            "island cell, and its island (the island cells connected to it through shared edges) has exactly that "
            "many cells; every island holds exactly one number. All sea cells form one connected area (through "
            "shared edges), and no 2x2 block is entirely sea. '?' is an undecided cell."
            f"{given_note} The puzzle has exactly one solution.\n\n"
            f"{format_grid(shown)}\n\n"
            + answer_block("the grid, one row per line, cells separated by single spaces: '#' for sea and '.' for "
                           "island cells (a numbered cell may be written as its number or '.').", "2 .\n# #")
        )
        answer = format_grid([[SEA if target[r * n + c] else board[r][c] for c in range(n)] for r in range(n)])
        metadata = {"size": n, "clues": [[cell // n, cell % n, size] for cell, size in clues],
                    "sea_givens": [[cell // n, cell % n] for cell in sea_givens], "effort": n * n + nodes}
        return prompt, answer, metadata

    def shape(self, problem: Problem) -> tuple[int, int]:
        n = problem.metadata["size"]
        return n, n

    def read_cell(self, token: str, problem: Problem) -> int:
        if token == SEA:
            return 1
        if token == LAND:
            return 0
        raise GridFormatError(f"cell {token!r} is not '#' or '.'")

    def read_cell_at(self, token: str, row: int, column: int, problem: Problem) -> int:
        # A number is allowed only where the puzzle shows it, and only as that number:
        # written anywhere else it would claim a clue the puzzle does not have.
        if token not in (SEA, LAND):
            clue = next((size for r, c, size in problem.metadata["clues"] if (r, c) == (row, column)), None)
            if clue is None or token != str(clue):
                shown = f"'#', '.' or its number {clue}" if clue is not None else "'#' or '.'"
                raise GridFormatError(f"cell (row {row + 1}, column {column + 1}) is {token!r}; it must be {shown}")
            return 0
        return self.read_cell(token, problem)

    def symbols(self, problem: Problem) -> list[str]:
        return [SEA, LAND]

    def violation(self, problem: Problem, grid: Grid) -> str | None:
        n = problem.metadata["size"]
        for r, c in problem.metadata["sea_givens"]:
            if not grid[r][c]:
                return f"cell (row {r + 1}, column {c + 1}) is given as sea"
        number_at = {(r, c): size for r, c, size in problem.metadata["clues"]}
        for (r, c) in number_at:
            if grid[r][c]:
                return f"the numbered cell (row {r + 1}, column {c + 1}) must be island"
        sea = {(r, c) for r in range(n) for c in range(n) if grid[r][c]}
        for r in range(n - 1):
            for c in range(n - 1):
                if {(r, c), (r + 1, c), (r, c + 1), (r + 1, c + 1)} <= sea:
                    return f"the 2x2 block at (row {r + 1}, column {c + 1}) is all sea"
        if not connected(sea):
            return "the sea is not one connected area"
        seen: set[tuple[int, int]] = set()
        for start in ((r, c) for r in range(n) for c in range(n) if not grid[r][c]):
            if start in seen:
                continue
            island = {start}
            stack = [start]
            while stack:
                cell = stack.pop()
                for nb in neighbours4(*cell, n, n):
                    if not grid[nb[0]][nb[1]] and nb not in island:
                        island.add(nb)
                        stack.append(nb)
            seen |= island
            numbers = [number_at[cell] for cell in island if cell in number_at]
            where = f"the island containing (row {start[0] + 1}, column {start[1] + 1})"
            if len(numbers) != 1:
                return f"{where} holds {len(numbers)} numbers, it needs exactly 1"
            if len(island) != numbers[0]:
                return f"{where} has {len(island)} cells, its number is {numbers[0]}"
        return None
