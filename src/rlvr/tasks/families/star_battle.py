"""Star Battle (one star per row, column and region); every puzzle has a unique solution.

Stars are placed first, then regions are grown at random from them. While the solver
finds a rival placement, a cell where the rival has a star (and the gold has none)
moves to a neighbouring region, which the rival then overfills; if no cell can move,
the regions are regrown, and as a last resort a star of the gold is revealed. The
check is by the rules, which on a unique puzzle agrees with the gold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from rlvr.tasks.base import Problem, TaskError, register
from rlvr.tasks.families._csp import Model, refine_until_unique
from rlvr.tasks.families._grid import (
    REGION_LABELS,
    Grid,
    GridTask,
    answer_block,
    attempts,
    format_grid,
    grow_regions,
    move_to_neighbour_region,
    read_symbol_cell,
    region_text,
)

STAR, EMPTY = "*", "."


@dataclass(frozen=True)
class Config:
    size: int
    regrows: int
    empty_hint_percent: int = 0  # share of the answer's empty cells shown as known-empty


def _model(n: int, regions: list[list[int]] | None, givens: list[tuple[int, int, int]]) -> Model:
    model = Model([3] * (n * n))
    for r in range(n):
        model.count([r * n + c for c in range(n)], 1, 1)
    for c in range(n):
        model.count([r * n + c for r in range(n)], 1, 1)
    members: dict[int, list[int]] = {}
    for r in range(n if regions else 0):
        for c in range(n):
            members.setdefault(regions[r][c], []).append(r * n + c)
    for cells in members.values():
        model.count(cells, 1, 1)
    # any two touching cells (diagonals too) share a 2x2 window
    for r in range(n - 1):
        for c in range(n - 1):
            model.count([r * n + c, r * n + c + 1, (r + 1) * n + c, (r + 1) * n + c + 1], 0, 1)
    for r, c, v in givens:
        model.fix(r * n + c, v)
    return model


@register
class StarBattle(GridTask):
    """Star Battle with one star per row, column and region, stars never touching."""

    name = "star_battle"
    description = "Place stars on a Star Battle grid: one per row, column and region, no two touching."
    answer_format = "the grid, one row per line, '*' for a star and '.' for an empty cell, separated by spaces"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        # The size grows every other level, and fewer empty cells are shown at every other step.
        # (More regrowths would not do: a star is revealed so rarely that they change nothing.)
        return Config(size=(5, 5, 6, 6, 7, 7, 8, 8, 9, 9)[difficulty - 1], regrows=2,
                      empty_hint_percent=(30, 20, 20, 12, 12, 6, 6, 3, 3, 0)[difficulty - 1])

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict]:
        n = config.size
        if not 4 <= n <= 12:
            raise TaskError("star_battle size must be 4..12")
        for _ in attempts(self.name):
            found = _model(n, None, []).solve(limit=1, node_limit=5_000, rng=rng).solutions
            if found:
                break
        target = found[0]
        stars = [divmod(i, n) for i, v in enumerate(target) if v]
        pool = [(i // n, i % n, 1) for i, v in enumerate(target) if v]
        def reshape(other: list[int]) -> bool:
            # a cell the rival uses and the gold leaves empty moves to a neighbouring
            # region: the rival then overfills that region, the gold is untouched
            spots = [divmod(i, n) for i in range(n * n) if other[i] and not target[i]]
            return move_to_neighbour_region(regions, spots, rng)

        for attempt in range(config.regrows + 1):
            regions = grow_regions(n, n, [[cell] for cell in stars], rng)
            # after the regrows, reveal cells of the gold until the layout is unique
            allowed = pool if attempt == config.regrows else []
            result = refine_until_unique(lambda clues: _model(n, regions, clues).solve(limit=2, node_limit=5_000),
                                         target, [], allowed, lambda clue, other: other[clue[0] * n + clue[1]] != 1,
                                         rng, on_stuck=reshape)
            if result is not None:
                break
        givens, nodes = result
        board = [[REGION_LABELS[regions[r][c]] for c in range(n)] for r in range(n)]
        # Hints are drawn after uniqueness is proved without them, so they only make it easier.
        empties = [i for i in range(n * n) if not target[i]]
        hints = sorted(rng.sample(empties, len(empties) * config.empty_hint_percent // 100))
        given_note = ""
        if givens:
            shown = ", ".join(f"(row {r + 1}, column {c + 1})" for r, c, _ in givens)
            given_note = f" These cells are known to hold a star: {shown}."
        if hints:
            shown = ", ".join(f"(row {i // n + 1}, column {i % n + 1})" for i in hints)
            given_note += f" These cells are known to be empty: {shown}."
        prompt = (
            f"Solve this {n}x{n} Star Battle puzzle. The grid is divided into {n} regions, each marked by a letter. "
            "Place stars so that every row, every column and every region holds exactly one star, and no two stars "
            f"touch, not even diagonally.{given_note} Rows and columns are numbered from 1 at the top-left. "
            "The puzzle has exactly one solution.\n\n"
            f"{region_text(regions)}\n\n"
            + answer_block("the grid, one row per line, '*' for a star and '.' for an empty cell, separated by "
                           "single spaces.", "* .\n. .")
        )
        answer = format_grid([[STAR if target[r * n + c] else EMPTY for c in range(n)] for r in range(n)])
        metadata = {"size": n, "regions": board, "givens": [[r, c] for r, c, _ in givens],
                    "empties": [list(divmod(i, n)) for i in hints], "effort": n * n - len(givens) - len(hints) + nodes}
        return prompt, answer, metadata

    def shape(self, problem: Problem) -> tuple[int, int]:
        n = problem.metadata["size"]
        return n, n

    def read_cell(self, token: str, problem: Problem) -> int:
        return read_symbol_cell(token, {"*": 1, ".": 0})

    def symbols(self, problem: Problem) -> list[str]:
        return [STAR, EMPTY]

    def violation(self, problem: Problem, grid: Grid) -> str | None:
        n = problem.metadata["size"]
        regions = problem.metadata["regions"]
        for r, c in problem.metadata["givens"]:
            if not grid[r][c]:
                return f"cell (row {r + 1}, column {c + 1}) must hold a star"
        for r, c in problem.metadata.get("empties", []):  # absent in problems made before hints
            if grid[r][c]:
                return f"cell (row {r + 1}, column {c + 1}) must stay empty"
        for r in range(n):
            if sum(grid[r]) != 1:
                return f"row {r + 1} has {sum(grid[r])} stars"
        for c in range(n):
            count = sum(grid[r][c] for r in range(n))
            if count != 1:
                return f"column {c + 1} has {count} stars"
        per_region: dict[str, int] = {}
        for r in range(n):
            for c in range(n):
                per_region[regions[r][c]] = per_region.get(regions[r][c], 0) + grid[r][c]
                if grid[r][c] and any(grid[r + dr][c + dc] for dr, dc in ((0, 1), (1, -1), (1, 0), (1, 1))
                                      if 0 <= r + dr < n and 0 <= c + dc < n):
                    return f"the star at (row {r + 1}, column {c + 1}) touches another star"
        for label, count in sorted(per_region.items()):
            if count != 1:
                return f"region {label} has {count} stars"
        return None
