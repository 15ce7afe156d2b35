"""Maze: give a shortest path from S to G on a grid with walls.

Rule-checked: the move list is replayed from S; ANY path that stays on open cells,
reaches G and has the shortest length (found by breadth-first search) scores 1.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, TaskError, register
from rlvr.tasks.families._kit import invalid, lerp, require, take_answer, valid, violation
from rlvr.verify.verdict import Verdict


@dataclass(frozen=True)
class Config:
    size: int  # the grid is size x size
    wall_share: float  # share of cells that are walls
    min_distance: int  # shortest path length from S to G is at least this

    def __post_init__(self) -> None:
        require(3 <= self.size <= 40, "size must be 3..40")
        require(0 <= self.wall_share <= 0.45, "wall_share must be 0..0.45")
        require(1 <= self.min_distance <= 2 * self.size, "min_distance must be 1..2*size")


MOVES = {"U": (-1, 0), "D": (1, 0), "L": (0, -1), "R": (0, 1)}
_WORDS = {"UP": "U", "DOWN": "D", "LEFT": "L", "RIGHT": "R"}


def random_grid(rng: random.Random, size: int, wall_share: float) -> list[bool]:
    """Open cells of a random size x size grid, flat and framed by a border of walls.

    The border (one wall cell on every side, row width size + 2) lets the search step to
    index +-1 and +-width without bounds checks.
    """
    width = size + 2
    is_open = [False] * (width * width)
    draw = rng.random
    for row in range(1, size + 1):
        base = row * width
        is_open[base + 1:base + 1 + size] = [draw() >= wall_share for _ in range(size)]
    return is_open


def bfs_tree(is_open: list[bool], width: int, start: int) -> tuple[list[int], list[int]]:
    """Breadth-first search from `start` over a framed flat grid: (cells in visiting order, parent per cell).

    The parent of an unreached cell is -1; the start is its own parent.
    """
    parent = [-1] * len(is_open)
    parent[start] = start
    order = [start]
    steps = (-width, width, -1, 1)
    for cell in order:  # the list grows while it is read: a queue without deque overhead
        for step in steps:
            nxt = cell + step
            if is_open[nxt] and parent[nxt] < 0:
                parent[nxt] = cell
                order.append(nxt)
    return order, parent


def parse_moves(text: str) -> str | None:
    """Letters U/D/L/R (or the words), separated by nothing, spaces or commas; None if malformed."""
    cleaned = text.upper().replace(",", " ").replace("-", " ").replace(">", " ")
    tokens = cleaned.split()
    out = []
    for token in tokens:
        if token in _WORDS:
            out.append(_WORDS[token])
        elif all(ch in MOVES for ch in token):
            out.append(token)
        else:
            return None
    return "".join(out)


@register
class Maze(Task):
    """Shortest paths in grid mazes, checked by replaying the moves."""

    name = "maze"
    description = "Find a shortest path through a grid maze (any shortest path scores 1)."
    answer_format = "moves as letters U, D, L, R, e.g. RRDDL"
    category = "planning"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        size = lerp(difficulty, 5, 19)
        return Config(size=size, wall_share=round(0.2 + 0.015 * (difficulty - 1), 3),
                      min_distance=lerp(difficulty, 3, 30))

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        n = config.size
        width = n + 2
        for _ in range(1000):
            is_open = random_grid(rng, n, config.wall_share)
            start = (rng.randrange(n) + 1) * width + rng.randrange(n) + 1
            is_open[start] = True
            order, parent = bfs_tree(is_open, width, start)
            # BFS visits cells in order of distance, so one pass assigns every depth.
            depth = {start: 0}
            far = []
            for cell in order[1:]:
                d = depth[cell] = depth[parent[cell]] + 1
                if d >= config.min_distance:
                    far.append(cell)
            if far:
                break
        else:
            raise TaskError(f"no goal {config.min_distance} steps away came up; lower min_distance or wall_share")
        goal = rng.choice(far)
        letter = {-width: "U", width: "D", -1: "L", 1: "R"}
        path = []
        cell = goal
        while cell != start:
            prev = parent[cell]
            path.append(letter[cell - prev])
            cell = prev
        answer = "".join(reversed(path))
        marks = ["." if cell_open else "#" for cell_open in is_open]
        marks[start], marks[goal] = "S", "G"
        grid = ["".join(marks[row * width + 1:row * width + 1 + n]) for row in range(1, n + 1)]
        prompt = (
            "Find a shortest path from S to G in this maze. '#' is a wall, '.', 'S' and 'G' are open cells; "
            "move one cell at a time up (U), down (D), left (L) or right (R), never into a wall or off the "
            "grid.\n\n" + "\n".join(grid) + "\n\n"
            "Any shortest path is accepted. Give the moves as one string of letters, e.g. "
            "<answer>RRDDL</answer> (a format example only).\n" + ANSWER_INSTRUCTION
        )
        start_rc, goal_rc = divmod(start, width), divmod(goal, width)
        metadata = {"grid": grid, "start": [start_rc[0] - 1, start_rc[1] - 1],
                    "goal": [goal_rc[0] - 1, goal_rc[1] - 1], "length": len(answer), "effort": len(answer)}
        return prompt, answer, metadata

    def check(self, problem: Problem, response: str) -> Verdict:
        text, failed = take_answer(response)
        if failed is not None:
            return failed
        moves = parse_moves(text)
        if moves is None:
            return invalid(text, "expected moves as letters U, D, L, R")
        meta = problem.metadata
        grid = meta["grid"]
        r, c = meta["start"]
        for step, move in enumerate(moves, 1):
            dr, dc = MOVES[move]
            r, c = r + dr, c + dc
            if not (0 <= r < len(grid) and 0 <= c < len(grid[0])):
                return violation(text, f"move {step} leaves the grid")
            if grid[r][c] == "#":
                return violation(text, f"move {step} walks into a wall")
        if [r, c] != meta["goal"]:
            return violation(text, "the path does not end at G")
        if len(moves) != meta["length"]:
            return violation(text, f"the path has {len(moves)} moves; the shortest has {meta['length']}")
        return valid(text)

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """The gold path with its last move dropped: it stops one cell short of G."""
        return problem.answer[:-1] if len(problem.answer) > 1 else problem.answer + problem.answer
