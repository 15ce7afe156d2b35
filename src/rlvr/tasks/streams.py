"""Which problems an export writes: families in turn or by weight, dataset problems once each.

Generated families are endless: family item k depends only on (seed, difficulty, k). A
dataset family (`MathDatasetTask`: math500, gsm8k, ...) has a fixed pool, and an exported
dataset must not repeat it, so it gives each problem once and then stops; the other
families fill its rows, and the stream ends early when every family has run out. The
stream remembers which families ran out so the caller can say so.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from rlvr.tasks.base import Problem, Task, item_rng
from rlvr.tasks.math_data import MathDatasetTask
from rlvr.tasks.mixture import Mixture

DEFAULT_DIFFICULTY = 5


@dataclass
class _Family:
    task: Task
    difficulty: int | None
    seed: int
    pool: list[Problem] | None = None  # a dataset family's problems, each once; None: endless
    taken: int = 0
    exhausted: bool = False

    def draw(self, index: int | None = None) -> Problem | None:
        """A generated family's item `index` (default: its next), or the next unused dataset problem.

        None when a dataset family has given all its problems.
        """
        if self.pool is None:
            assert self.difficulty is not None
            self.taken += 1
            item = self.taken - 1 if index is None else index
            return self.task.problem(item, seed=self.seed, difficulty=self.difficulty)
        if self.taken == len(self.pool):
            self.exhausted = True
            return None
        self.taken += 1
        return self.pool[self.taken - 1]


def _family(task: Task, seed: int, difficulty: int | None) -> _Family:
    if isinstance(task, MathDatasetTask) or getattr(task, "is_dataset", False):  # humaneval: a fixed pool too
        return _Family(task, difficulty, seed, pool=task.distinct_problems(seed=seed, difficulty=difficulty))
    level = DEFAULT_DIFFICULTY if difficulty is None else difficulty
    task.resolved_config(level)  # validates the level before any file is opened
    return _Family(task, level, seed)


@dataclass
class ProblemStream:
    """Up to `n` problems; iterate once. `families` keep what ran out for `dataset_notes`."""

    families: list[_Family]
    n: int
    mixture: Mixture | None = None
    weights: list[float] = field(default_factory=list)

    def __iter__(self) -> Iterator[Problem]:
        return self._weighted() if self.mixture is not None else self._in_turn()

    def _in_turn(self) -> Iterator[Problem]:
        # Row i is item i // k of family i % k while every family lasts (k families).
        live = list(self.families)
        produced = 0
        while live and produced < self.n:
            for family in list(live):
                if produced == self.n:
                    return
                problem = family.draw()
                if problem is None:
                    live.remove(family)
                    continue
                yield problem
                produced += 1

    def _weighted(self) -> Iterator[Problem]:
        # Row i comes from the family the mixture picks for i (item i of its stream), as
        # `Mixture.generate` would; a dataset family that ran out passes the row to another
        # family drawn by weight from those left, so the result stays seeded.
        assert self.mixture is not None
        names = [family.task.name for family in self.families]
        index = 0
        produced = 0
        while produced < self.n:
            family = self.families[names.index(self.mixture.family_of(index).name)]
            problem = family.draw(index)
            while problem is None:
                left = [(f, w) for f, w in zip(self.families, self.weights) if not f.exhausted and w > 0]
                if not left:
                    return
                family = _pick(left, item_rng("export-refill|" + ",".join(names), self.families[0].seed, 0, index, light=True))
                problem = family.draw(index)
            yield problem
            produced += 1
            index += 1


def _pick(left: list[tuple[_Family, float]], rng: random.Random) -> _Family:
    """A family from `left`, with probability proportional to its weight."""
    draw = rng.random() * sum(weight for _, weight in left)
    for family, weight in left:
        draw -= weight
        if draw < 0:
            return family
    return left[-1][0]


def interleave(tasks: Sequence[Task], n: int, *, seed: int = 0, difficulty: int | None = None) -> ProblemStream:
    """Families in turn; dataset families give each problem once (see the module docstring)."""
    return ProblemStream([_family(task, seed, difficulty) for task in tasks], n)


def weighted(
    tasks: Sequence[Task], weights: Sequence[float], n: int, *, seed: int = 0, difficulty: int | None = None
) -> ProblemStream:
    """Each row's family drawn by weight (a seeded `Mixture`); dataset families give each problem once."""
    families = [_family(task, seed, difficulty) for task in tasks]
    level = DEFAULT_DIFFICULTY if difficulty is None else difficulty
    mixture = Mixture(list(tasks), weights, seed=seed, difficulty=level)
    return ProblemStream(families, n, mixture=mixture, weights=list(mixture.weights))


def dataset_notes(stream: ProblemStream, n: int, written: int) -> list[str]:
    """One line per dataset family that ran out, and one if fewer than `n` rows were written."""
    notes = []
    for family in stream.families:
        if family.exhausted and family.pool is not None:
            where = "" if family.difficulty is None else f" at difficulty {family.difficulty}"
            notes.append(f"{family.task.name} has {len(family.pool)} distinct problems{where}; each was exported once")
    if written < n:
        notes.append(f"wrote {written} rows, not {n}: every family ran out of distinct problems")
    return notes
