"""Norinori: shade two cells per region so the shaded cells form separate dominoes.

Dominoes are placed first, then regions are grown from them. While the solver finds a
rival shading, a cell the rival shades (and the gold leaves empty) moves to a
neighbouring region, which breaks the rival without touching the gold; only when no
such move is left, or the `reshapes` budget is spent, is a shaded cell of the gold
revealed. So every puzzle has one solution, and more reshapes (higher difficulty) mean
fewer revealed cells; the check is by the rules all the same.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from rlvr.tasks.base import Problem, TaskError, register
from rlvr.tasks.families._binary import BinaryGridTask, fix_givens
from rlvr.tasks.families._csp import Model
from rlvr.tasks.families._grid import (
    REGION_LABELS,
    Grid,
    answer_block,
    format_grid,
    grow_regions,
    move_to_neighbour_region,
    neighbours4,
    region_text,
)

SHADED, EMPTY = "#", "."


@dataclass(frozen=True)
class Config:
    size: int
    reshapes: int  # region edits allowed to break rival shadings before a cell is revealed
    empty_hint_percent: int = 0  # share of the answer's empty cells shown as known-empty


def _pair_rule(cell: int, around: list[int]):
    """A shaded `cell` has exactly one shaded orthogonal neighbour."""

    def propagate(dom: list[int]) -> list[int] | None:
        ones = sum(1 for v in around if dom[v] == 2)
        free = [v for v in around if dom[v] == 3]
        if dom[cell] == 2:
            if ones > 1 or ones + len(free) < 1:
                return None
            if ones == 1 and free:
                for v in free:
                    dom[v] = 1
                return free
            if ones == 0 and len(free) == 1:
                dom[free[0]] = 2
                return free
        elif dom[cell] == 3 and (ones > 1 or ones + len(free) == 0):
            dom[cell] = 1
            return [cell]
        return []

    return propagate


def _model(n: int, regions: list[list[int]], givens: list[tuple[int, int, int]]) -> Model:
    model = Model([3] * (n * n))
    members: dict[int, list[int]] = {}
    for r in range(n):
        for c in range(n):
            members.setdefault(regions[r][c], []).append(r * n + c)
            around = [nr * n + nc for nr, nc in neighbours4(r, c, n, n)]
            model.add([r * n + c, *around], _pair_rule(r * n + c, around))
    for cells in members.values():
        model.count(cells, 2, 2)
    fix_givens(model, n, givens)
    return model


def _make_unique(n: int, target: list[int], regions: list[list[int]], reshapes: int,
                 rng: random.Random, max_rounds: int = 600) -> tuple[list[tuple[int, int, int]], int]:
    """Edit `regions` (and, failing that, reveal shaded cells) until `target` is the only shading.

    Returns (revealed cells, nodes of the final uniqueness proof). Every reveal rules out the
    rival at hand, so the loop ends; a search over its node budget also reveals a cell.
    """
    givens: list[tuple[int, int, int]] = []
    hidden = [i for i in range(n * n) if target[i]]
    for _ in range(max_rounds):
        outcome = _model(n, regions, givens).solve(limit=2, node_limit=5_000)
        others = [s for s in outcome.solutions if s != target]
        if outcome.complete and not others:
            return givens, outcome.nodes
        if others:
            other = others[0]
            # A cell the rival shades and the gold leaves empty joins a neighbouring region: the
            # rival then has a shaded cell too few in one region and one too many in the other.
            spots = [divmod(i, n) for i in range(n * n) if other[i] and not target[i]]
            if reshapes > 0 and move_to_neighbour_region(regions, spots, rng):
                reshapes -= 1
                continue
            separating = [i for i in hidden if not other[i]]
        else:
            separating = hidden
        i = separating.pop(rng.randrange(len(separating)))
        hidden.remove(i)
        givens.append((i // n, i % n, 1))
    raise RuntimeError("norinori: uniqueness not reached")  # unreachable: each reveal removes a rival


@register
class Norinori(BinaryGridTask):
    """Norinori: two shaded cells per region, every shaded cell part of exactly one domino."""

    name = "norinori"
    description = "Shade exactly two cells in every region of a Norinori grid so that the shaded cells form dominoes."
    answer_format = "the grid, one row per line, '#' for a shaded cell and '.' for an empty one, separated by spaces"
    cell_symbols = {SHADED: 1, EMPTY: 0}
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        # Even levels grow the grid; odd ones show fewer known-empty cells and allow more region
        # reshapes (so fewer revealed cells). Reshapes alone barely changed the revealed count.
        return Config(size=(4, 5, 5, 6, 6, 7, 7, 8, 8, 9)[difficulty - 1],
                      reshapes=(10, 10, 20, 20, 30, 30, 45, 45, 60, 60)[difficulty - 1],
                      empty_hint_percent=(30, 30, 20, 20, 12, 12, 6, 6, 0, 0)[difficulty - 1])

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict]:
        n = config.size
        if not 3 <= n <= 12:
            raise TaskError("norinori size must be 3..12")
        shaded: set[tuple[int, int]] = set()
        dominoes = []
        cells = [(r, c) for r in range(n) for c in range(n)]
        rng.shuffle(cells)
        for r, c in cells:
            for dr, dc in rng.sample(((0, 1), (1, 0)), 2):
                other = (r + dr, c + dc)
                if other[0] >= n or other[1] >= n:
                    continue
                pair = {(r, c), other}
                if pair & shaded:
                    continue
                # dominoes may touch diagonally but never along an edge
                if any(nb in shaded for cell in pair for nb in neighbours4(*cell, n, n)):
                    continue
                shaded |= pair
                dominoes.append(sorted(pair))
                break
        target = [1 if divmod(i, n) in shaded else 0 for i in range(n * n)]
        regions = grow_regions(n, n, dominoes, rng)
        givens, nodes = _make_unique(n, target, regions, config.reshapes, rng)
        # Hints are drawn after uniqueness is proved without them, so they only make it easier.
        empties = [i for i in range(n * n) if not target[i]]
        hints = sorted(rng.sample(empties, len(empties) * config.empty_hint_percent // 100))
        given_note = ""
        if givens:
            shown = ", ".join(f"(row {r + 1}, column {c + 1})" for r, c, _ in givens)
            given_note = f" These cells are known to be shaded: {shown}."
        if hints:
            shown = ", ".join(f"(row {i // n + 1}, column {i % n + 1})" for i in hints)
            given_note += f" These cells are known to be empty: {shown}."
        prompt = (
            f"Solve this {n}x{n} Norinori puzzle. The grid is divided into regions, each marked by a letter. Shade "
            "cells so that every region has exactly two shaded cells, and every shaded cell shares an edge with "
            "exactly one other shaded cell (so the shaded cells form dominoes, which may touch only at corners; "
            f"a domino may span two regions).{given_note} Rows and columns are numbered from 1 at the top-left. "
            "The puzzle has exactly one solution.\n\n"
            f"{region_text(regions)}\n\n"
            + answer_block("the grid, one row per line, '#' for a shaded cell and '.' for an empty cell, separated "
                           "by single spaces.", "# #\n. .")
        )
        answer = format_grid([[SHADED if target[r * n + c] else EMPTY for c in range(n)] for r in range(n)])
        metadata = {"size": n, "regions": [[REGION_LABELS[v] for v in row] for row in regions],
                    "givens": [[r, c] for r, c, _ in givens], "empties": [list(divmod(i, n)) for i in hints],
                    "effort": n * n - len(givens) - len(hints) + nodes}
        return prompt, answer, metadata

    def violation(self, problem: Problem, grid: Grid) -> str | None:
        n = problem.metadata["size"]
        regions = problem.metadata["regions"]
        for r, c in problem.metadata["givens"]:
            if not grid[r][c]:
                return f"cell (row {r + 1}, column {c + 1}) must be shaded"
        for r, c in problem.metadata.get("empties", []):  # absent in problems made before hints
            if grid[r][c]:
                return f"cell (row {r + 1}, column {c + 1}) must stay empty"
        per_region: dict[str, int] = {}
        for r in range(n):
            for c in range(n):
                per_region[regions[r][c]] = per_region.get(regions[r][c], 0) + grid[r][c]
                if grid[r][c]:
                    partners = sum(grid[nr][nc] for nr, nc in neighbours4(r, c, n, n))
                    if partners != 1:
                        return (f"the shaded cell at (row {r + 1}, column {c + 1}) has {partners} shaded neighbours, "
                                "it needs exactly 1")
        for label, count in sorted(per_region.items()):
            if count != 2:
                return f"region {label} has {count} shaded cells, it needs 2"
        return None
