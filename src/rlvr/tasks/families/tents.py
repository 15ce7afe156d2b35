"""Tents (campsite): pair every tree with its own tent; the solution is unique.

Tents are placed first (never touching), each with a tree beside it. When the trees
and the row/column counts allow another placement, a tent of the gold is revealed,
each chosen to rule out a rival the solver found. The check is by the rules
(counts, no touching tents, a one-to-one tree/tent pairing), which on a unique puzzle
agrees with the gold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from rlvr.tasks.base import Problem, TaskError, register
from rlvr.tasks.families._csp import Model, refine_until_unique
from rlvr.tasks.families._grid import Grid, GridTask, answer_block, attempts, format_grid, neighbours4, read_symbol_cell

TREE, TENT, GRASS = "T", "A", "."


@dataclass(frozen=True)
class Config:
    size: int
    tent_percent: int


def pairing_exists(tents: list[tuple[int, int]], trees: list[tuple[int, int]]) -> bool:
    """Whether tents and trees can be paired one-to-one with each pair orthogonally adjacent."""
    if len(tents) != len(trees):
        return False
    tree_index = {tree: i for i, tree in enumerate(trees)}
    options = [[tree_index[(r + dr, c + dc)] for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1))
                if (r + dr, c + dc) in tree_index] for r, c in tents]
    owner = [-1] * len(trees)

    def augment(tent: int, seen: set[int]) -> bool:
        for tree in options[tent]:
            if tree not in seen:
                seen.add(tree)
                if owner[tree] < 0 or augment(owner[tree], seen):
                    owner[tree] = tent
                    return True
        return False

    return all(augment(t, set()) for t in range(len(tents)))


def _model(n: int, trees: list[tuple[int, int]], rows: list[int], cols: list[int],
           givens: list[tuple[int, int, int]]) -> Model:
    tree_set = set(trees)
    near_tree = {nb for r, c in trees for nb in neighbours4(r, c, n, n)} - tree_set
    model = Model([3 if (i // n, i % n) in near_tree else 1 for i in range(n * n)])
    for r in range(n):
        model.count([r * n + c for c in range(n)], rows[r], rows[r])
    for c in range(n):
        model.count([r * n + c for r in range(n)], cols[c], cols[c])
    for r in range(n - 1):
        for c in range(n - 1):
            model.count([r * n + c, r * n + c + 1, (r + 1) * n + c, (r + 1) * n + c + 1], 0, 1)
    for r, c in trees:
        model.count([nr * n + nc for nr, nc in neighbours4(r, c, n, n)], 1, 4)
    model.accept_if(lambda s: pairing_exists([divmod(i, n) for i, v in enumerate(s) if v], trees))
    for r, c, v in givens:
        model.fix(r * n + c, v)
    return model


@register
class Tents(GridTask):
    """Tents with row and column counts; exactly one placement fits."""

    name = "tents"
    description = "Place one tent next to each tree so that tents never touch and the row/column tent counts match."
    answer_format = "the grid, one row per line: 'T' for a tree, 'A' for a tent, '.' for grass, separated by spaces"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        # The size and the tent density take turns to grow.
        return Config(size=(5, 5, 6, 6, 7, 7, 8, 8, 9, 10)[difficulty - 1],
                      tent_percent=(15, 16, 16, 17, 17, 18, 18, 19, 19, 20)[difficulty - 1])

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict]:
        n = config.size
        if not 3 <= n <= 15:
            raise TaskError("tents size must be 3..15")
        for _ in attempts(self.name):
            tents: set[tuple[int, int]] = set()
            trees: set[tuple[int, int]] = set()
            cells = [(r, c) for r in range(n) for c in range(n)]
            rng.shuffle(cells)
            wanted = max(2, n * n * config.tent_percent // 100)
            for r, c in cells:
                if len(tents) >= wanted:
                    break
                if (r, c) in trees or any((r + dr, c + dc) in tents for dr in (-1, 0, 1) for dc in (-1, 0, 1)):
                    continue
                spots = [nb for nb in neighbours4(r, c, n, n) if nb not in trees and nb not in tents]
                if spots:
                    tents.add((r, c))
                    trees.add(rng.choice(spots))
            tree_list = sorted(trees)
            target = [1 if divmod(i, n) in tents else 0 for i in range(n * n)]
            rows = [sum(target[r * n:(r + 1) * n]) for r in range(n)]
            cols = [sum(target[c::n]) for c in range(n)]
            pool = [(r, c, 1) for r, c in sorted(tents)]
            result = refine_until_unique(
                lambda clues: _model(n, tree_list, rows, cols, clues).solve(limit=2, node_limit=5_000),
                target, [], pool, lambda clue, other: other[clue[0] * n + clue[1]] != 1, rng)
            if result is not None:
                break
        givens, nodes = result
        known = {(r, c) for r, c, _ in givens}
        board = [[TREE if (r, c) in trees else TENT if (r, c) in known else GRASS for c in range(n)] for r in range(n)]
        lines = ["    " + " ".join(str(v) for v in cols)]
        lines += [f"{rows[r]:>2}  " + " ".join(board[r]) for r in range(n)]
        given_note = " Tents already placed ('A') stay." if known else ""
        prompt = (
            f"Solve this {n}x{n} Tents puzzle. 'T' is a tree and '.' is an empty cell. Place tents on empty cells so "
            "that: every tree has its own tent directly above, below, left or right of it (trees and tents pair up "
            "one-to-one); no two tents touch, not even diagonally; and each row and column holds as many tents as "
            "its number says. The numbers above the grid are the column counts (left to right); the numbers to the "
            f"left of each row are the row counts.{given_note} The puzzle has exactly one solution.\n\n"
            + "\n".join(lines) + "\n\n"
            + answer_block("the grid without the counts, one row per line, cells separated by single spaces: 'T' for "
                           "a tree, 'A' for a tent, '.' for grass.", "T A\n. .")
        )
        answer = format_grid([[TREE if (r, c) in trees else TENT if (r, c) in tents else GRASS for c in range(n)]
                              for r in range(n)])
        metadata = {"size": n, "board": board, "row_counts": rows, "col_counts": cols,
                    "effort": len(tents) - len(givens) + nodes}
        return prompt, answer, metadata

    def shape(self, problem: Problem) -> tuple[int, int]:
        n = problem.metadata["size"]
        return n, n

    def read_cell(self, token: str, problem: Problem) -> str:
        return read_symbol_cell(token, {"t": TREE, "a": TENT, ".": GRASS})

    def symbols(self, problem: Problem) -> list[str]:
        return [TENT, GRASS]

    def violation(self, problem: Problem, grid: Grid) -> str | None:
        meta = problem.metadata
        n = meta["size"]
        trees, tents = [], []
        for r in range(n):
            for c in range(n):
                given, cell = meta["board"][r][c], grid[r][c]
                if (given == TREE) != (cell == TREE):
                    return f"cell (row {r + 1}, column {c + 1}) must {'be' if given == TREE else 'not be'} a tree"
                if given == TENT and cell != TENT:
                    return f"cell (row {r + 1}, column {c + 1}) must keep its tent"
                if cell == TREE:
                    trees.append((r, c))
                elif cell == TENT:
                    tents.append((r, c))
        tent_set = set(tents)
        for r, c in tents:
            if any((r + dr, c + dc) in tent_set for dr, dc in ((0, 1), (1, -1), (1, 0), (1, 1))):
                return f"the tent at (row {r + 1}, column {c + 1}) touches another tent"
        for r in range(n):
            count = sum(cell == TENT for cell in grid[r])
            if count != meta["row_counts"][r]:
                return f"row {r + 1} has {count} tents, it needs {meta['row_counts'][r]}"
        for c in range(n):
            count = sum(grid[r][c] == TENT for r in range(n))
            if count != meta["col_counts"][c]:
                return f"column {c + 1} has {count} tents, it needs {meta['col_counts'][c]}"
        if not pairing_exists(tents, trees):
            return "the tents cannot be paired one-to-one with adjacent trees"
        return None
