"""Futoshiki: a latin square with inequality signs between neighbours; unique solution.

The setting's share of digits and signs is shown up front; further clues are added one
at a time, each chosen to rule out a rival square the solver found (a sign whenever one
does), until the gold is the only solution. Digits added that way and implied by the
other clues are then removed, and at higher difficulty so are implied signs. The check is by the rules, which on a unique puzzle
agrees with the gold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

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


@dataclass(frozen=True)
class Config:
    size: int
    given_percent: int  # digits shown up front; refinement adds only those uniqueness needs
    sign_removals: int = 0  # signs tried for removal once the puzzle is unique (most turn out implied)


@lru_cache(maxsize=None)
def _ordered_pairs(n: int) -> tuple[tuple[int, int], ...]:
    return tuple((a, b) for a in range(1, n + 1) for b in range(a + 1, n + 1))


def _model(n: int, clues: list[tuple]) -> Model:
    model = latin_model(n)
    for clue in clues:
        if clue[0] == "given":
            _, r, c, v = clue
            model.fix(r * n + c, v)
        else:
            _, small, big = clue
            model.table([small, big], _ordered_pairs(n))
    return model


def _text(n: int, board: list[list[str]], clues: list[tuple]) -> str:
    """Cells on even text rows/columns, signs between them."""
    height, width = 2 * n - 1, 2 * n - 1
    canvas = [[" "] * width for _ in range(height)]
    for r in range(n):
        for c in range(n):
            canvas[2 * r][2 * c] = board[r][c]
    for clue in clues:
        if clue[0] != "less":
            continue
        (r1, c1), (r2, c2) = divmod(clue[1], n), divmod(clue[2], n)
        if r1 == r2:
            left = min(c1, c2)
            canvas[2 * r1][2 * left + 1] = "<" if c1 == left else ">"
        else:
            top = min(r1, r2)
            canvas[2 * top + 1][2 * c1] = "^" if r1 == top else "v"
    return "\n".join("".join(row).rstrip() for row in canvas)


@register
class Futoshiki(LatinGridTask):
    """Futoshiki on an n x n grid (4..8) with '<', '>', '^', 'v' signs and a few givens."""

    name = "futoshiki"
    description = "Fill a Futoshiki grid with 1..n so rows and columns are permutations and every inequality holds."
    answer_format = "the completed grid, one row per line, numbers separated by single spaces"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        # Every level is harder than the one before in one knob and easier in none. Where the size
        # stays, fewer digits are shown up front, and from difficulty 7 implied signs are removed:
        # refinement ends with about half of all signs whatever it starts from, most of them implied,
        # so only removing signs makes the upper levels of one size really differ.
        size = (4, 4, 5, 5, 5, 6, 6, 6, 7, 7)[difficulty - 1]
        return Config(size=size, given_percent=(30, 20, 20, 14, 9, 9, 6, 3, 3, 0)[difficulty - 1],
                      sign_removals=(0, 0, 0, 0, 0, 0, 4, 8, 8, 16)[difficulty - 1])

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict]:
        n = config.size
        if not 3 <= n <= 9:
            raise TaskError("futoshiki size must be 3..9")
        for _ in attempts(self.name):
            target = random_latin(n, rng)
            signs = []
            for r in range(n):
                for c in range(n):
                    i = r * n + c
                    for j in ([i + 1] if c + 1 < n else []) + ([i + n] if r + 1 < n else []):
                        signs.append(("less", i, j) if target[i] < target[j] else ("less", j, i))
            givens = given_clues(target, n)
            start = rng.sample(givens, n * n * config.given_percent // 100)

            def breaks(clue: tuple, other: list[int]) -> bool:
                if clue[0] == "given":
                    return other[clue[1] * n + clue[2]] != clue[3]
                return other[clue[1]] > other[clue[2]]

            def solve(clues: list) -> object:
                return _model(n, clues).solve(limit=2, node_limit=3_000)

            # Signs are drawn first; a digit is given only when no sign separates the rival.
            result = refine_until_unique(solve, target, start, signs + givens, breaks, rng,
                                         prefer=lambda clue: clue[0] == "less")
            if result is not None:
                break
        clues, nodes = result
        # Digits added against earlier rivals are often implied by later clues: drop those,
        # so the givens are the setting's share plus only what uniqueness needs.
        chosen = set(start)
        clues, pruned_nodes = prune_clues(solve, clues, lambda clue: clue[0] == "given" and clue not in chosen, rng)
        nodes = pruned_nodes or nodes
        if config.sign_removals:
            tried = set(rng.sample([c for c in clues if c[0] == "less"],
                                   min(config.sign_removals, sum(c[0] == "less" for c in clues))))
            clues, pruned_nodes = prune_clues(solve, clues, lambda clue: clue in tried, rng)
            nodes = pruned_nodes or nodes
        board = given_board(clues, n)
        prompt = (
            f"Solve this {n}x{n} Futoshiki puzzle. Fill every '_' with a number from 1 to {n} so that each row and "
            f"each column contains every number from 1 to {n} exactly once. Between two cells in a row, '<' or '>' "
            "says which is smaller; between two cells in a column, '^' means the upper cell is smaller and 'v' means "
            "the upper cell is larger. Cells sit on the odd-numbered text lines; the line between two grid rows "
            "holds the vertical signs (it is blank when there are none). Given numbers stay as they are. "
            "The puzzle has exactly one solution.\n\n"
            f"{_text(n, board, clues)}\n\n"
            + answer_block("the completed grid without the signs, one row per line, numbers separated by single "
                           "spaces.", "1 2\n2 1")
        )
        answer = format_grid([target[r * n:(r + 1) * n] for r in range(n)])
        relations = [[clue[1], clue[2]] for clue in clues if clue[0] == "less"]
        blanks = sum(row.count("_") for row in board)
        metadata = {"size": n, "board": board, "less": relations, "effort": blanks + nodes}
        return prompt, answer, metadata

    def violation(self, problem: Problem, grid: Grid) -> str | None:
        n = problem.metadata["size"]
        broken = latin_givens_violation(grid, n, board_givens(problem.metadata["board"]))
        if broken:
            return broken
        for small, big in problem.metadata["less"]:
            (r1, c1), (r2, c2) = divmod(small, n), divmod(big, n)
            if grid[r1][c1] >= grid[r2][c2]:
                return (f"cell (row {r1 + 1}, column {c1 + 1}) must be smaller than "
                        f"cell (row {r2 + 1}, column {c2 + 1})")
        return None
