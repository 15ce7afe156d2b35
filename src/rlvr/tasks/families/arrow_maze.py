"""Arrow maze (signpost): number the grid 1..N along the arrows; unique solution.

Every cell but the last shows an arrow (one of 8 directions); the next number lies
somewhere along that arrow's line, at any distance. A random path is drawn over those
lines, then numbers from it are given one at a time, each ruling out a rival
numbering the solver found. The check is by the rules (givens kept, each number used
once, each next number on its predecessor's arrow), so any valid numbering scores 1.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from rlvr.tasks.base import Problem, TaskError, register
from rlvr.tasks.families._grid import Grid, answer_block, attempts, format_grid
from rlvr.tasks.families._path import (
    NumberedPathTask,
    distances,
    givens_grid,
    path_violation,
    random_path,
    unique_path_clues,
)

DIRECTIONS = {(-1, 0): "N", (-1, 1): "NE", (0, 1): "E", (1, 1): "SE",
              (1, 0): "S", (1, -1): "SW", (0, -1): "W", (-1, -1): "NW"}
STEP = {name: delta for delta, name in DIRECTIONS.items()}


@dataclass(frozen=True)
class Config:
    height: int
    width: int
    given_percent: int


def ray(r: int, c: int, direction: str, height: int, width: int) -> list[tuple[int, int]]:
    """The cells along an arrow from (r, c), nearest first."""
    dr, dc = STEP[direction]
    out = []
    r, c = r + dr, c + dc
    while 0 <= r < height and 0 <= c < width:
        out.append((r, c))
        r, c = r + dr, c + dc
    return out


def _direction(a: tuple[int, int], b: tuple[int, int]) -> str:
    dr, dc = b[0] - a[0], b[1] - a[1]
    return DIRECTIONS[((dr > 0) - (dr < 0), (dc > 0) - (dc < 0))]


@register
class ArrowMaze(NumberedPathTask):
    """Signpost-style arrow maze on a rectangle; 1 and N are always given."""

    name = "arrow_maze"
    description = "Number an arrow grid 1..N so that each number's arrow points (at any distance) to the next number."
    answer_format = "the grid of numbers, one row per line, numbers separated by single spaces"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        height = (3, 3, 4, 4, 4, 5, 5, 6, 6, 7)[difficulty - 1]
        width = (3, 4, 4, 5, 5, 5, 6, 6, 7, 7)[difficulty - 1]
        return Config(height=height, width=width, given_percent=max(5, 25 - 2 * difficulty))

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict]:
        h, w = config.height, config.width
        if not (2 <= h <= 10 and 2 <= w <= 10):
            raise TaskError("arrow_maze needs 2..10 rows and columns")
        size = h * w
        lines = [[nr * w + nc for name in STEP for nr, nc in ray(i // w, i % w, name, h, w)] for i in range(size)]
        for _ in attempts(self.name):
            path = random_path(lines, rng)
            if path is None:
                continue
            cells = [divmod(i, w) for i in path]
            arrows = [["."] * w for _ in range(h)]
            for a, b in zip(cells, cells[1:]):
                arrows[a[0]][a[1]] = _direction(a, b)
            succ = [[] if arrows[i // w][i % w] == "." else
                    [nr * w + nc for nr, nc in ray(i // w, i % w, arrows[i // w][i % w], h, w)] for i in range(size)]
            dist = distances(succ)
            found = unique_path_clues(succ, dist, path, config.given_percent, rng)
            if found is not None:
                break
        target, clues, nodes = found
        givens = givens_grid(clues, h, w)
        shown = format_grid([[f"{arrows[r][c]}" + (f"={givens[r][c]}" if givens[r][c] else "")
                              if arrows[r][c] != "." else f"END={givens[r][c]}" for c in range(w)]
                             for r in range(h)])
        prompt = (
            f"Solve this {h}x{w} arrow maze. Each cell shows an arrow: N (up), S (down), E (right), W (left), or a "
            "diagonal NE, NW, SE, SW; 'END' marks the last cell. Number the cells from 1 to "
            f"{size}, each number used once, so that for every number k below {size} the cell holding k+1 lies "
            "somewhere along the arrow of the cell holding k (in that direction, at any distance). A cell written "
            "like 'E=5' already holds the number 5. The puzzle has exactly one solution.\n\n"
            f"{shown}\n\n"
            + answer_block("the grid of numbers only (no arrows), one row per line, numbers separated by single "
                           "spaces.", "1 2\n4 3")
        )
        answer = format_grid([[target[r * w + c] for c in range(w)] for r in range(h)])
        metadata = {"height": h, "width": w, "arrows": arrows, "givens": givens,
                    "effort": size - len(clues) + nodes}
        return prompt, answer, metadata

    def violation(self, problem: Problem, grid: Grid) -> str | None:
        meta = problem.metadata
        h, w, arrows = meta["height"], meta["width"], meta["arrows"]

        def follows(r: int, c: int) -> set[tuple[int, int]]:
            return set() if arrows[r][c] == "." else set(ray(r, c, arrows[r][c], h, w))

        return path_violation(grid, follows, meta["givens"])
