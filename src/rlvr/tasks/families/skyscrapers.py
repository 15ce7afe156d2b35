"""Skyscrapers: a latin square of building heights seen from the edges; unique solution.

Edge clues (how many buildings are visible from that side) are added one at a time,
each chosen to rule out a rival square the solver found; given heights are used only
when the edge clues cannot separate the rivals. The check is by the rules, which on a
unique puzzle agrees with the gold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from itertools import permutations

from rlvr.tasks.base import Problem, TaskError, register
from rlvr.tasks.families._csp import Model, prune_clues, refine_until_unique
from rlvr.tasks.families._grid import (
    Grid,
    answer_block,
    attempts,
    format_grid,
)
from rlvr.tasks.families._latin import (
    LatinGridTask,
    board_givens,
    given_board,
    given_clues,
    latin_givens_violation,
    latin_model,
    random_latin,
)

SIDES = ("top", "bottom", "left", "right")


@dataclass(frozen=True)
class Config:
    size: int
    extra_clues: int  # clues shown beyond a minimal set (one where every clue is needed)


def visible(heights: list[int] | tuple[int, ...]) -> int:
    """How many buildings are seen looking along the line from its first cell."""
    count, tallest = 0, 0
    for h in heights:
        if h > tallest:
            count, tallest = count + 1, h
    return count


@lru_cache(maxsize=None)
def _lines(n: int, seen: int) -> tuple[tuple[int, ...], ...]:
    """Every permutation of 1..n that shows `seen` buildings from its start."""
    return tuple(p for p in permutations(range(1, n + 1)) if visible(p) == seen)


def line_cells(n: int, side: str, k: int) -> list[int]:
    """The cells of line k as seen from `side` (nearest first)."""
    if side == "top":
        return [r * n + k for r in range(n)]
    if side == "bottom":
        return [r * n + k for r in reversed(range(n))]
    if side == "left":
        return [k * n + c for c in range(n)]
    return [k * n + c for c in reversed(range(n))]


def _model(n: int, clues: list[tuple]) -> Model:
    model = latin_model(n)
    for clue in clues:
        if clue[0] == "given":
            model.fix(clue[1] * n + clue[2], clue[3])
        else:
            _, side, k, seen = clue
            model.table(line_cells(n, side, k), _lines(n, seen))
    return model


@register
class Skyscrapers(LatinGridTask):
    """Skyscrapers on an n x n grid (4..7) with visibility clues around the edge."""

    name = "skyscrapers"
    description = "Place buildings of heights 1..n in a Skyscrapers grid so the edge clues count the visible buildings."
    answer_format = "the completed grid of heights, one row per line, numbers separated by single spaces"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        # Every level is harder than the last in one knob and easier in none: fewer clues beyond a
        # minimal set while the size stays. (Digits shown up front would not do: refinement then
        # adds fewer edge clues, and the puzzle tells as much as before.)
        size = (4, 4, 4, 5, 5, 5, 6, 6, 6, 6)[difficulty - 1]
        return Config(size=size, extra_clues=(16, 12, 8, 8, 6, 4, 4, 2, 1, 0)[difficulty - 1])

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict]:
        n = config.size
        if not 3 <= n <= 7:
            raise TaskError("skyscrapers size must be 3..7")
        for _ in attempts(self.name):
            target = random_latin(n, rng)
            edges = [("seen", side, k, visible([target[i] for i in line_cells(n, side, k)]))
                     for side in SIDES for k in range(n)]
            givens = given_clues(target, n)
            start: list[tuple] = []

            def breaks(clue: tuple, other: list[int]) -> bool:
                if clue[0] == "given":
                    return other[clue[1] * n + clue[2]] != clue[3]
                return visible([other[i] for i in line_cells(n, clue[1], clue[2])]) != clue[3]

            def solve(clues: list) -> object:
                return _model(n, clues).solve(limit=2, node_limit=3_000)

            # edge clues first; givens only if the edges cannot pin the square down
            result = refine_until_unique(solve, target, start, edges, breaks, rng)
            if result is None:
                result = refine_until_unique(solve, target, start + edges, givens, breaks, rng)
            if result is not None:
                break
        found = result[0]
        # A minimal set first (digits go before edge clues: a digit is part of the answer), then
        # `extra_clues` of the removed ones back, so levels differ by what the puzzle really tells.
        minimal, _ = prune_clues(solve, found, lambda clue: clue[0] == "given", rng)
        minimal, _ = prune_clues(solve, minimal, lambda clue: clue[0] == "seen", rng)
        # Extras are edge clues not in the minimal set (digits only once every edge is shown).
        spare = [clue for clue in edges if clue not in minimal]
        rng.shuffle(spare)
        spare_digits = [clue for clue in givens if clue not in minimal]
        rng.shuffle(spare_digits)
        clues = minimal + (spare + spare_digits)[:config.extra_clues]
        nodes = solve(clues).nodes
        seen = {(clue[1], clue[2]): clue[3] for clue in clues if clue[0] == "seen"}
        board = given_board(clues, n)

        def edge(side: str, k: int) -> str:
            return str(seen.get((side, k), "."))

        lines = ["  " + " ".join(edge("top", k) for k in range(n))]
        lines += [edge("left", r) + " " + " ".join(board[r]) + " " + edge("right", r) for r in range(n)]
        lines += ["  " + " ".join(edge("bottom", k) for k in range(n))]
        prompt = (
            f"Solve this {n}x{n} Skyscrapers puzzle. Put a building of height 1 to {n} in every cell so that each row "
            f"and each column holds every height from 1 to {n} exactly once. A number outside the grid says how many "
            "buildings are visible looking into that row or column from that side (a building hides every shorter "
            "one behind it). The first and last lines are the clues seen from the top and bottom; the first and "
            "last number of each middle line are the clues from the left and right. '.' means no clue and '_' is "
            "an empty cell; given heights stay as they are. The puzzle has exactly one solution.\n\n"
            + "\n".join(lines) + "\n\n"
            + answer_block("the completed grid without the clues, one row per line, heights separated by single "
                           "spaces.", "1 2\n2 1")
        )
        answer = format_grid([target[r * n:(r + 1) * n] for r in range(n)])
        metadata = {"size": n, "board": board,
                    "clues": [[side, k, v] for (side, k), v in sorted(seen.items())],
                    "effort": sum(row.count("_") for row in board) + 4 * n - len(seen) + nodes}
        return prompt, answer, metadata

    def violation(self, problem: Problem, grid: Grid) -> str | None:
        n = problem.metadata["size"]
        broken = latin_givens_violation(grid, n, board_givens(problem.metadata["board"]))
        if broken:
            return broken
        flat = [v for row in grid for v in row]
        for side, k, seen in problem.metadata["clues"]:
            count = visible([flat[i] for i in line_cells(n, side, k)])
            if count != seen:
                line = f"column {k + 1}" if side in ("top", "bottom") else f"row {k + 1}"
                return f"{count} buildings are visible in {line} from the {side}, the clue says {seen}"
        return None
