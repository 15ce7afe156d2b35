"""KenKen: a latin square split into cages, each with a target and an operation.

Cages are grown at random; a layout that allows another square is regrown a few
times, and as a last resort digits of the gold are given, each chosen to rule out a
rival the solver found. So every puzzle has one solution; the check is by the rules.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from math import prod

from rlvr.tasks.base import Problem, TaskError, register
from rlvr.tasks.families._csp import Model, refine_until_unique
from rlvr.tasks.families._grid import (
    REGION_LABELS,
    Grid,
    answer_block,
    format_grid,
    neighbours4,
)
from rlvr.tasks.families._latin import LatinGridTask, latin_givens_violation, latin_model, random_latin


@dataclass(frozen=True)
class Config:
    size: int
    max_cage: int
    regrows: int
    single_percent: int = 10  # chance that a cage is one cell (a given in all but name)


def cage_value(op: str, values: list[int]) -> int | None:
    """The cage result of `values` under `op` (None when '-' or '/' does not apply)."""
    if op == "+":
        return sum(values)
    if op == "*":
        return prod(values)
    if op == "=":
        return values[0] if len(values) == 1 else None
    if len(values) != 2:
        return None
    big, small = max(values), min(values)
    if op == "-":
        return big - small
    return big // small if big % small == 0 else None


@lru_cache(maxsize=4096)
def _cage_tuples(n: int, op: str, target: int, lines: tuple[tuple[int, ...], ...], size: int) -> tuple:
    """Value tuples for a cage that give `target` and repeat no value within a row or column."""
    out = []
    for values in product(range(1, n + 1), repeat=size):
        if cage_value(op, list(values)) != target:
            continue
        if all(len({values[i] for i in line}) == len(line) for line in lines):
            out.append(values)
    return tuple(out)


def _shared_lines(cells: list[tuple[int, int]]) -> tuple[tuple[int, ...], ...]:
    groups: dict[tuple[str, int], list[int]] = {}
    for i, (r, c) in enumerate(cells):
        groups.setdefault(("r", r), []).append(i)
        groups.setdefault(("c", c), []).append(i)
    return tuple(tuple(g) for g in groups.values() if len(g) > 1)


def _model(n: int, cages: list[dict], givens: list[tuple[int, int, int]]) -> Model:
    model = latin_model(n)
    for cage in cages:
        cells = [tuple(cell) for cell in cage["cells"]]
        tuples = _cage_tuples(n, cage["op"], cage["target"], _shared_lines(cells), len(cells))
        model.table([r * n + c for r, c in cells], tuples)
    for r, c, v in givens:
        model.fix(r * n + c, v)
    return model


def _grow_cages(n: int, max_cage: int, target: list[int], rng: random.Random,
                single_percent: int = 10) -> list[dict]:
    owner = [[-1] * n for _ in range(n)]
    cages: list[dict] = []
    order = [(r, c) for r in range(n) for c in range(n)]
    rng.shuffle(order)
    for start in order:
        if owner[start[0]][start[1]] >= 0:
            continue
        size = 1 if max_cage == 1 or rng.random() * 100 < single_percent else rng.randint(2, max_cage)
        cells = [start]
        owner[start[0]][start[1]] = len(cages)
        while len(cells) < size:
            frontier = [nb for cell in cells for nb in neighbours4(*cell, n, n) if owner[nb[0]][nb[1]] < 0]
            if not frontier:
                break
            nb = rng.choice(frontier)
            owner[nb[0]][nb[1]] = len(cages)
            cells.append(nb)
        values = [target[r * n + c] for r, c in cells]
        if len(cells) == 1:
            op = "="
        else:
            ops = ["+", "*"] + (["-", "/"] if len(cells) == 2 else [])
            ops = [o for o in ops if cage_value(o, values) is not None]
            op = rng.choice(ops)
        cages.append({"cells": [list(cell) for cell in sorted(cells)], "op": op, "target": cage_value(op, values)})
    return cages


@register
class KenKen(LatinGridTask):
    """KenKen on an n x n grid (3..7) with +, -, *, / and single-cell cages."""

    name = "kenken"
    description = "Fill a KenKen grid with 1..n so rows and columns are permutations and every cage hits its target."
    answer_format = "the completed grid, one row per line, numbers separated by single spaces"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        size = (3, 4, 4, 5, 5, 6, 6, 6, 7, 7)[difficulty - 1]
        # Fewer one-cell cages at every level; size and cage length grow in steps.
        return Config(size=size, max_cage=(2, 2, 3, 3, 3, 3, 3, 3, 4, 4)[difficulty - 1], regrows=6,
                      single_percent=(20, 17, 14, 12, 10, 8, 6, 4, 2, 0)[difficulty - 1])

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict]:
        n = config.size
        if not 3 <= n <= 9 or not 1 <= config.max_cage <= 5:
            raise TaskError("kenken size must be 3..9 and max_cage 1..5")
        target = random_latin(n, rng)
        pool = [(i // n, i % n, v) for i, v in enumerate(target)]
        for attempt in range(config.regrows + 1):
            cages = _grow_cages(n, config.max_cage, target, rng, config.single_percent)
            allowed = pool if attempt == config.regrows else []
            result = refine_until_unique(lambda clues: _model(n, cages, clues).solve(limit=2, node_limit=3_000),
                                         target, [], allowed,
                                         lambda clue, other: other[clue[0] * n + clue[1]] != clue[2], rng)
            if result is not None:
                break
        givens, nodes = result
        # A one-cell cage states its value, so it is known like a given (never both: refinement
        # reveals only cells some rival gets wrong, and a one-cell cage is right in every rival).
        singles = sum(1 for cage in cages if cage["op"] == "=")
        labels = [["?"] * n for _ in range(n)]
        for k, cage in enumerate(cages):
            for r, c in cage["cells"]:
                labels[r][c] = REGION_LABELS[k]
        names = {"+": "sum", "-": "difference", "*": "product", "/": "quotient", "=": "value"}
        cage_lines = [f"{REGION_LABELS[k]}: {cage['target']}{'' if cage['op'] == '=' else cage['op']} "
                      f"({names[cage['op']]})" for k, cage in enumerate(cages)]
        given_note = ""
        if givens:
            shown = ", ".join(f"(row {r + 1}, column {c + 1}) = {v}" for r, c, v in givens)
            given_note = f"\nGiven cells: {shown}."
        prompt = (
            f"Solve this {n}x{n} KenKen puzzle. Fill the grid with numbers 1 to {n} so each row and each column "
            "contains every number exactly once. Each letter marks a cage; the cage's numbers must combine to its "
            "target with its operation: sum (+), product (*), difference (-, larger minus smaller, 2 cells) or "
            "quotient (/, larger divided by smaller, 2 cells); a one-cell cage simply holds its value. Numbers may "
            "repeat inside a cage if they are in different rows and columns. The puzzle has exactly one solution."
            f"\n\nCages:\n{format_grid(labels)}\n\nTargets:\n" + "\n".join(cage_lines) + given_note + "\n\n"
            + answer_block("the completed grid, one row per line, numbers separated by single spaces.", "1 2\n2 1")
        )
        answer = format_grid([target[r * n:(r + 1) * n] for r in range(n)])
        metadata = {"size": n, "cages": cages, "givens": [list(g) for g in givens],
                    "effort": n * n - len(givens) - singles + nodes}
        return prompt, answer, metadata

    def violation(self, problem: Problem, grid: Grid) -> str | None:
        n = problem.metadata["size"]
        broken = latin_givens_violation(grid, n, problem.metadata["givens"])
        if broken:
            return broken
        for k, cage in enumerate(problem.metadata["cages"]):
            values = [grid[r][c] for r, c in cage["cells"]]
            if cage_value(cage["op"], values) != cage["target"]:
                return f"cage {REGION_LABELS[k]} does not give {cage['target']} with {cage['op']}"
        return None
