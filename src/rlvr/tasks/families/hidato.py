"""Hidato: number the grid 1..N so consecutive numbers touch (diagonals count); unique.

A random Hamiltonian path is drawn, then numbers from it are given one at a time,
each chosen to rule out a rival numbering the solver found, until the path is the
only one. The check is by the rules, which on a unique puzzle agrees with the gold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from rlvr.tasks.base import Problem, TaskError, register
from rlvr.tasks.families._grid import Grid, answer_block, attempts, format_grid, neighbours8
from rlvr.tasks.families._path import (
    NumberedPathTask,
    distances,
    givens_grid,
    path_violation,
    random_path,
    unique_path_clues,
)


@dataclass(frozen=True)
class Config:
    height: int
    width: int
    given_percent: int


@register
class Hidato(NumberedPathTask):
    """Hidato on a rectangle; 1 and N are always given."""

    name = "hidato"
    description = "Fill a Hidato grid with 1..N so that each number touches the next, diagonals included."
    answer_format = "the completed grid, one row per line, numbers separated by single spaces"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        height = (3, 4, 4, 5, 5, 6, 6, 7, 7, 8)[difficulty - 1]
        width = (4, 4, 5, 5, 6, 6, 7, 7, 8, 8)[difficulty - 1]
        return Config(height=height, width=width, given_percent=max(10, 30 - 2 * difficulty))

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict]:
        h, w = config.height, config.width
        if not (2 <= h <= 10 and 2 <= w <= 10):
            raise TaskError("hidato needs 2..10 rows and columns")
        size = h * w
        succ = [[nr * w + nc for nr, nc in neighbours8(i // w, i % w, h, w)] for i in range(size)]
        dist = distances(succ)
        for _ in attempts(self.name):
            path = random_path(succ, rng)
            if path is None:
                continue
            found = unique_path_clues(succ, dist, path, config.given_percent, rng)
            if found is not None:
                break
        target, clues, nodes = found
        givens = givens_grid(clues, h, w)
        shown = format_grid([[str(v) if v else "_" for v in row] for row in givens])
        prompt = (
            f"Solve this {h}x{w} Hidato puzzle. Fill every '_' so that the grid holds each number from 1 to {size} "
            "exactly once and each number k (below the largest) has k+1 in one of the up to 8 cells around it "
            "(horizontally, vertically or diagonally), so the numbers trace one path from 1 to "
            f"{size}. Given numbers stay as they are. The puzzle has exactly one solution.\n\n"
            f"{shown}\n\n"
            + answer_block("the completed grid, one row per line, numbers separated by single spaces.", "1 2\n4 3")
        )
        answer = format_grid([[target[r * w + c] for c in range(w)] for r in range(h)])
        blanks = size - len(clues)
        return prompt, answer, {"height": h, "width": w, "givens": givens, "effort": blanks + nodes}

    def violation(self, problem: Problem, grid: Grid) -> str | None:
        h, w = problem.metadata["height"], problem.metadata["width"]
        return path_violation(grid, lambda r, c: set(neighbours8(r, c, h, w)), problem.metadata["givens"])
