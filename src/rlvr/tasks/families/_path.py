"""Numbered-path puzzles (hidato, arrow maze): counting the ways to number a grid 1..N.

Cells form a directed graph (`succ[cell]` lists where the next number may go). A
solution numbers every cell once so that consecutive numbers follow an edge and the
given numbers stay put. The search extends the path from 1 and prunes moves that
cannot reach the next given number in time (shortest-path distances).
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Sequence

from rlvr.tasks.base import Problem
from rlvr.tasks.families._csp import NodeLimitReached, Outcome, refine_until_unique
from rlvr.tasks.families._grid import GridTask, read_int_cell


def distances(succ: Sequence[Sequence[int]]) -> list[list[int]]:
    """All-pairs shortest path lengths (len(succ) + 1 when unreachable)."""
    size = len(succ)
    table = []
    for start in range(size):
        dist = [size + 1] * size
        dist[start] = 0
        queue = deque([start])
        while queue:
            cell = queue.popleft()
            for nxt in succ[cell]:
                if dist[nxt] > size:
                    dist[nxt] = dist[cell] + 1
                    queue.append(nxt)
        table.append(dist)
    return table


def count_paths(succ: Sequence[Sequence[int]], dist: list[list[int]], givens: dict[int, int],
                limit: int = 2, node_limit: int = 20_000) -> Outcome:
    """Numberings (as number-per-cell lists) up to `limit`; `givens` maps number -> cell."""
    size = len(succ)
    outcome = Outcome()
    if 1 not in givens:
        raise ValueError("the path search starts from a given 1")
    number = [0] * size
    for k, cell in givens.items():
        number[cell] = k
    upcoming = [0] * (size + 2)  # smallest given number >= k
    nxt = 0
    for k in range(size, 0, -1):
        if k in givens:
            nxt = k
        upcoming[k] = nxt
    succ_sets = [set(s) for s in succ]

    def extend(k: int, cell: int) -> bool:
        if k == size:
            outcome.solutions.append(list(number))
            return len(outcome.solutions) >= limit
        step = k + 1
        if step in givens:
            target = givens[step]
            return target in succ_sets[cell] and extend(step, target)
        goal = upcoming[step]
        goal_cell = givens[goal] if goal else -1
        for nxt_cell in succ[cell]:
            if number[nxt_cell]:
                continue
            if goal and dist[nxt_cell][goal_cell] > goal - step:
                continue
            outcome.nodes += 1
            if outcome.nodes > node_limit:
                raise NodeLimitReached
            number[nxt_cell] = step
            stop = extend(step, nxt_cell)
            number[nxt_cell] = 0
            if stop:
                return True
        return False

    try:
        extend(1, givens[1])
    except NodeLimitReached:
        outcome.complete = False
    return outcome


def random_path(succ: Sequence[Sequence[int]], rng: random.Random, node_limit: int = 5_000) -> list[int] | None:
    """A random Hamiltonian path (cells in order), found by Warnsdorff-ordered search."""
    size = len(succ)
    used = [False] * size
    path: list[int] = []
    budget = [node_limit]

    def free_degree(cell: int) -> int:
        return sum(1 for nxt in succ[cell] if not used[nxt])

    def extend(cell: int) -> bool:
        budget[0] -= 1
        if budget[0] < 0:
            return False
        used[cell] = True
        path.append(cell)
        if len(path) == size:
            return True
        options = [nxt for nxt in succ[cell] if not used[nxt]]
        rng.shuffle(options)
        options.sort(key=free_degree)
        for nxt in options:
            if extend(nxt):
                return True
        used[cell] = False
        path.pop()
        return False

    return path if extend(rng.randrange(size)) else None


def path_violation(numbers: list[list[int]], succ_of, givens: list[list[int]]) -> str | None:
    """The first rule a numbering breaks: givens, each of 1..N once, consecutive numbers linked."""
    height, width = len(numbers), len(numbers[0])
    size = height * width
    where: dict[int, tuple[int, int]] = {}
    for r in range(height):
        for c in range(width):
            given = givens[r][c]
            if given and numbers[r][c] != given:
                return f"cell (row {r + 1}, column {c + 1}) must keep its given {given}"
            k = numbers[r][c]
            if k in where:
                return f"the number {k} appears more than once"
            where[k] = (r, c)
    if sorted(where) != list(range(1, size + 1)):
        return f"the grid must hold each number from 1 to {size} exactly once"
    for k in range(1, size):
        if where[k + 1] not in succ_of(*where[k]):
            (r1, c1), (r2, c2) = where[k], where[k + 1]
            return f"{k + 1} at (row {r2 + 1}, column {c2 + 1}) cannot follow {k} at (row {r1 + 1}, column {c1 + 1})"
    return None


def unique_path_clues(succ: Sequence[Sequence[int]], dist: list[list[int]], path: list[int],
                      given_percent: int, rng: random.Random) -> tuple[list[int], list[tuple[int, int]], int] | None:
    """Numbers of `path` to give so that it is the only numbering: (number per cell, clues, nodes).

    The ends are always given, plus `given_percent` of the inner numbers; more are added,
    each ruling out a rival numbering, until the path is unique. None when that fails.
    """
    size = len(succ)
    target = [0] * size
    for k, cell in enumerate(path, start=1):
        target[cell] = k
    pool = [(k, cell) for k, cell in enumerate(path, start=1) if 1 < k < size]
    start = [(1, path[0]), (size, path[-1])] + rng.sample(pool, len(pool) * given_percent // 100)
    result = refine_until_unique(
        lambda clues: count_paths(succ, dist, dict(clues), limit=2, node_limit=5_000),
        target, start, pool, lambda clue, other: other[clue[1]] != clue[0], rng)
    if result is None:
        return None
    clues, nodes = result
    return target, clues, nodes


def givens_grid(clues: Sequence[tuple[int, int]], height: int, width: int) -> list[list[int]]:
    """The (number, cell) clues drawn on a height x width grid, 0 where nothing is given."""
    givens = [[0] * width for _ in range(height)]
    for k, cell in clues:
        givens[cell // width][cell % width] = k
    return givens


class NumberedPathTask(GridTask):
    """A grid family answered by numbering a height x width grid 1..N (metadata 'height', 'width')."""

    single_char_cells = False

    def shape(self, problem: Problem) -> tuple[int, int]:
        return problem.metadata["height"], problem.metadata["width"]

    def read_cell(self, token: str, problem: Problem) -> int:
        return read_int_cell(token, 1, problem.metadata["height"] * problem.metadata["width"])

    def symbols(self, problem: Problem) -> list[str]:
        return [str(v) for v in range(1, problem.metadata["height"] * problem.metadata["width"] + 1)]
