"""Shared pieces of the grid families: answer parsing, grid text, and the check loop.

A grid family answers with one row per line and cells separated by spaces. Parsing
is strict about shape and symbols but tolerant of surrounding whitespace, blank lines,
code fences and (for one-character cells) rows written without spaces. Every answer is
capped in length before it is parsed, so checking costs bounded time.
"""

from __future__ import annotations

import random
from abc import abstractmethod
from collections.abc import Iterator, Sequence
from typing import Any

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, TaskError, extract_answer
from rlvr.verify.verdict import Reason, Verdict

MAX_ANSWER_CHARS = 4096

Grid = list[list[Any]]


class GridFormatError(ValueError):
    """An answer that is not a grid of the required shape and symbols."""


def format_grid(rows: Sequence[Sequence[Any]]) -> str:
    """One row per line, cells separated by single spaces."""
    return "\n".join(" ".join(str(cell) for cell in row) for row in rows)


def split_rows(text: str, height: int, width: int, single_char: bool) -> list[list[str]]:
    """The answer's tokens as `height` rows of `width` cells."""
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or set(line) <= {"`"}:
            continue
        lines.append(line)
    if len(lines) != height:
        raise GridFormatError(f"expected {height} rows, found {len(lines)}")
    rows = []
    for number, line in enumerate(lines, start=1):
        tokens = line.replace(",", " ").replace("|", " ").split()
        if single_char and len(tokens) == 1 and len(tokens[0]) == width:
            tokens = list(tokens[0])
        if len(tokens) != width:
            raise GridFormatError(f"row {number} has {len(tokens)} cells, expected {width}")
        rows.append(tokens)
    return rows


def neighbours4(r: int, c: int, height: int, width: int) -> list[tuple[int, int]]:
    """Orthogonal neighbours inside the grid."""
    out = []
    if r > 0:
        out.append((r - 1, c))
    if r + 1 < height:
        out.append((r + 1, c))
    if c > 0:
        out.append((r, c - 1))
    if c + 1 < width:
        out.append((r, c + 1))
    return out


def neighbours8(r: int, c: int, height: int, width: int) -> list[tuple[int, int]]:
    """King-move neighbours inside the grid."""
    return [
        (r + dr, c + dc)
        for dr in (-1, 0, 1)
        for dc in (-1, 0, 1)
        if (dr or dc) and 0 <= r + dr < height and 0 <= c + dc < width
    ]


def connected(cells: set[tuple[int, int]]) -> bool:
    """Whether a set of cells is orthogonally connected (the empty set is)."""
    if not cells:
        return True
    start = next(iter(cells))
    seen = {start}
    stack = [start]
    while stack:
        r, c = stack.pop()
        for nb in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if nb in cells and nb not in seen:
                seen.add(nb)
                stack.append(nb)
    return len(seen) == len(cells)


def answer_block(answer_format: str, example: str) -> str:
    """The closing part of every grid prompt: format, a tiny example, the tag instruction."""
    return (
        f"Answer format: {answer_format}\n"
        f"For example, a 2x2 grid would be written as:\n<answer>\n{example}\n</answer>\n"
        f"{ANSWER_INSTRUCTION}"
    )


class GridTask(Task):
    """A rule-checked grid family: parse the answer grid, then look for a broken rule.

    Subclasses give the grid shape, turn a token into a cell value, and return the
    first broken rule (or None). Any grid that breaks no rule scores 1, so a puzzle
    with several solutions never punishes a correct one.
    """

    category = "grid"
    single_char_cells = True

    @abstractmethod
    def shape(self, problem: Problem) -> tuple[int, int]:
        """(rows, columns) of the answer grid."""

    @abstractmethod
    def read_cell(self, token: str, problem: Problem) -> Any:
        """The cell value of one answer token; raise GridFormatError if it is not allowed."""

    @abstractmethod
    def violation(self, problem: Problem, grid: Grid) -> str | None:
        """The first rule the grid breaks, in words, or None when it solves the puzzle."""

    @abstractmethod
    def symbols(self, problem: Problem) -> list[str]:
        """The tokens a cell may hold (used to build wrong answers for tests)."""

    def read_cell_at(self, token: str, row: int, column: int, problem: Problem) -> Any:
        """The cell value of the token at (row, column), 0-based.

        Defaults to `read_cell`; families where a token is allowed only in some cells
        (a clue number copied into its own clue cell) override this.
        """
        return self.read_cell(token, problem)

    def parse(self, problem: Problem, text: str) -> Grid:
        """The answer text as a grid of cell values."""
        height, width = self.shape(problem)
        tokens = split_rows(text, height, width, self.single_char_cells)
        return [[self.read_cell_at(token, r, c, problem) for c, token in enumerate(row)]
                for r, row in enumerate(tokens)]

    def check(self, problem: Problem, response: str) -> Verdict:
        extracted = extract_answer(response)
        if extracted is None:
            return self.no_answer()
        if len(extracted) > MAX_ANSWER_CHARS:
            return Verdict(False, Reason.INVALID_FORMAT, extracted=extracted[:200],
                           detail=f"answer longer than {MAX_ANSWER_CHARS} characters")
        try:
            grid = self.parse(problem, extracted)
        except GridFormatError as error:
            return Verdict(False, Reason.INVALID_FORMAT, extracted=extracted, detail=str(error))
        normalized = format_grid(grid)
        broken = self.violation(problem, grid)
        if broken is not None:
            return Verdict(False, Reason.RULE_VIOLATION, extracted=extracted, normalized=normalized, detail=broken)
        return Verdict(True, Reason.VALID_SOLUTION, extracted=extracted, normalized=normalized,
                       detail="the grid satisfies every rule")

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """The gold grid with one cell changed so that it breaks a rule (checked)."""
        height, width = self.shape(problem)
        rows = split_rows(problem.answer, height, width, self.single_char_cells)
        symbols = self.symbols(problem)
        cells = [(r, c) for r in range(height) for c in range(width)]
        rng.shuffle(cells)
        for r, c in cells:
            options = [s for s in symbols if s != rows[r][c]]
            rng.shuffle(options)
            for symbol in options:
                trial = [list(row) for row in rows]
                trial[r][c] = symbol
                text = format_grid(trial)
                if not self.check(problem, f"<answer>{text}</answer>").correct:
                    return text
        return format_grid([["?"] * width for _ in range(height)])


def is_ascii_number(token: str, max_digits: int = 4) -> bool:
    """Whether `token` is 1..`max_digits` ASCII digits.

    `str.isdigit` also accepts '²', '①' and other digits that `int` rejects, and `int`
    accepts non-ASCII decimal digits such as '٣'; answers are written in ASCII digits.
    """
    return 0 < len(token) <= max_digits and token.isascii() and token.isdigit()


def read_int_cell(token: str, low: int, high: int) -> int:
    """An integer cell in [low, high]."""
    if not is_ascii_number(token):
        raise GridFormatError(f"cell {token!r} is not a whole number")
    value = int(token)
    if not low <= value <= high:
        raise GridFormatError(f"cell value {value} is outside {low}..{high}")
    return value


def read_symbol_cell(token: str, allowed: dict[str, Any]) -> Any:
    """A one-symbol cell looked up case-insensitively in `allowed`."""
    key = token.strip().lower()
    if key not in allowed:
        shown = ", ".join(sorted({k for k in allowed if len(k) == 1}))
        raise GridFormatError(f"cell {token!r} is not one of: {shown}")
    return allowed[key]


def latin_violation(grid: Grid, n: int) -> str | None:
    """The first row or column of an n x n grid that is not a permutation of 1..n."""
    full = set(range(1, n + 1))
    for r, row in enumerate(grid):
        if set(row) != full:
            return f"row {r + 1} does not hold each of 1..{n} exactly once"
    for c in range(n):
        if {grid[r][c] for r in range(n)} != full:
            return f"column {c + 1} does not hold each of 1..{n} exactly once"
    return None


def givens_violation(grid: Grid, givens: Sequence[Sequence[Any]], blank: Any = 0) -> str | None:
    """The first given cell (non-`blank` in `givens`) that the answer changed."""
    for r, row in enumerate(givens):
        for c, value in enumerate(row):
            if value != blank and grid[r][c] != value:
                return f"cell (row {r + 1}, column {c + 1}) must keep its given value {value}"
    return None


REGION_LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def grow_regions(height: int, width: int, seeds: Sequence[Sequence[tuple[int, int]]],
                 rng: random.Random) -> list[list[int]]:
    """Cover the grid with connected regions grown at random from the seed cell groups."""
    labels = [[-1] * width for _ in range(height)]
    for index, group in enumerate(seeds):
        for r, c in group:
            labels[r][c] = index
    frontier = [(r, c) for r in range(height) for c in range(width) if labels[r][c] < 0]
    while frontier:
        rng.shuffle(frontier)
        waiting = []
        grew = False
        for r, c in frontier:
            owners = [labels[nr][nc] for nr, nc in neighbours4(r, c, height, width) if labels[nr][nc] >= 0]
            if owners:
                labels[r][c] = rng.choice(owners)
                grew = True
            else:
                waiting.append((r, c))
        if not grew:
            raise ValueError("regions cannot reach every cell (no seeds)")
        frontier = waiting
    return labels


def region_text(labels: Sequence[Sequence[int]]) -> str:
    """A region map as letters, one row per line."""
    return format_grid([[REGION_LABELS[v] for v in row] for row in labels])


def attempts(family: str, limit: int = 2000) -> Iterator[int]:
    """Attempt numbers for a generate-and-retry loop, ending in a clear error instead of a hang."""
    yield from range(limit)
    raise TaskError(f"{family}: no puzzle found in {limit} attempts with these knobs; "
                    "use a smaller size or the difficulty defaults")


def move_to_neighbour_region(labels: list[list[int]], cells: Sequence[tuple[int, int]], rng: random.Random) -> bool:
    """Hand one of `cells` to a neighbouring region, keeping every region connected.

    Used to break a rival solution: a cell the rival uses but the gold does not joins a
    region the rival already satisfies, so the rival overfills it while the gold is
    unaffected. Returns False when no listed cell can move.
    """
    height, width = len(labels), len(labels[0])
    order = list(cells)
    rng.shuffle(order)
    for r, c in order:
        own = labels[r][c]
        others = sorted({labels[nr][nc] for nr, nc in neighbours4(r, c, height, width)} - {own})
        if not others:
            continue
        rest = {(rr, cc) for rr in range(height) for cc in range(width) if labels[rr][cc] == own} - {(r, c)}
        if not rest or not connected(rest):
            continue
        labels[r][c] = rng.choice(others)
        return True
    return False
