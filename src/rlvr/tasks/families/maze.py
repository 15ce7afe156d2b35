"""Maze: give a shortest path from S to G on a grid with walls.

Rule-checked: the move list is replayed from S; ANY path that stays on open cells,
reaches G and has the shortest length (found by breadth-first search) scores 1.
"""

from __future__ import annotations

import random
from collections import deque
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


def shortest(grid: list[str], start: tuple[int, int]) -> dict[tuple[int, int], tuple[int, int] | None]:
    """Breadth-first search parents from `start` over open cells."""
    rows, cols = len(grid), len(grid[0])
    parent: dict[tuple[int, int], tuple[int, int] | None] = {start: None}
    queue = deque([start])
    while queue:
        r, c = queue.popleft()
        for dr, dc in MOVES.values():
            nr, nc = r + dr, c + dc
            if 0 <= nr < rows and 0 <= nc < cols and grid[nr][nc] != "#" and (nr, nc) not in parent:
                parent[(nr, nc)] = (r, c)
                queue.append((nr, nc))
    return parent


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
        for _ in range(1000):
            cells = [["#" if rng.random() < config.wall_share else "." for _ in range(n)] for _ in range(n)]
            start = (rng.randrange(n), rng.randrange(n))
            cells[start[0]][start[1]] = "."
            grid = ["".join(row) for row in cells]
            parent = shortest(grid, start)
            depth: dict[tuple[int, int], int] = {start: 0}
            for cell in parent:  # BFS order: parents come before children
                if parent[cell] is not None:
                    depth[cell] = depth[parent[cell]] + 1
            far = [cell for cell, d in depth.items() if d >= config.min_distance]
            if far:
                break
        else:
            raise TaskError(f"no goal {config.min_distance} steps away came up; lower min_distance or wall_share")
        goal = rng.choice(far)
        path = []
        cell = goal
        while parent[cell] is not None:
            prev = parent[cell]
            path.append(next(k for k, (dr, dc) in MOVES.items() if (prev[0] + dr, prev[1] + dc) == cell))
            cell = prev
        answer = "".join(reversed(path))
        cells[start[0]][start[1]] = "S"
        cells[goal[0]][goal[1]] = "G"
        grid = ["".join(row) for row in cells]
        prompt = (
            "Find a shortest path from S to G in this maze. '#' is a wall, '.', 'S' and 'G' are open cells; "
            "move one cell at a time up (U), down (D), left (L) or right (R), never into a wall or off the "
            "grid.\n\n" + "\n".join(grid) + "\n\n"
            "Any shortest path is accepted. Give the moves as one string of letters, e.g. "
            "<answer>RRDDL</answer> (a format example only).\n" + ANSWER_INSTRUCTION
        )
        metadata = {"grid": grid, "start": list(start), "goal": list(goal), "length": len(answer),
                    "effort": len(answer)}
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
