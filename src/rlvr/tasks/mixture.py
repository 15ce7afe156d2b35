"""Deterministic mixtures of task families."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator, Mapping, Sequence
from itertools import accumulate

from rlvr.tasks.base import Problem, Task, TaskError, get, item_rng
from rlvr.tasks.curriculum import Curriculum
from rlvr.verify.verdict import Verdict


class Mixture:
    """Draws problems from several families with fixed weights.

    Item i picks its family from an RNG keyed by (seed, i) alone, then takes item i of
    that family's stream at the family's difficulty, so item i depends only on the
    seed, i and the difficulties (ids stay unique across the mixture). With a
    `curriculum`, difficulties are read from it at draw time.

        mix = Mixture(["sudoku", "arithmetic"], weights=[1, 3], seed=7, difficulty={"sudoku": 2})
        batch = list(mix.generate(64))
    """

    def __init__(
        self,
        tasks: Sequence[str | Task],
        weights: Sequence[float] | None = None,
        *,
        seed: int = 0,
        difficulty: int | Mapping[str, int] = 5,
        curriculum: Curriculum | None = None,
    ) -> None:
        if not tasks:
            raise TaskError("a mixture needs at least one task")
        self.tasks: list[Task] = [get(t) if isinstance(t, str) else t for t in tasks]
        self.names = [t.name for t in self.tasks]
        if len(set(self.names)) != len(self.names):
            raise TaskError(f"a mixture lists a family twice: {self.names}")
        weights = [1.0] * len(self.tasks) if weights is None else [float(w) for w in weights]
        if len(weights) != len(self.tasks):
            raise TaskError(f"{len(weights)} weights for {len(self.tasks)} tasks")
        if any(not math.isfinite(w) or w < 0 for w in weights) or sum(weights) <= 0:
            raise TaskError("weights must be finite, non-negative and not all zero")
        total = sum(weights)
        self.weights = [w / total for w in weights]
        self._cumulative = list(accumulate(self.weights))
        self.seed = seed
        self.curriculum = curriculum
        self._difficulty: dict[str, int] = {}
        for name in self.names:
            level = difficulty.get(name, 5) if isinstance(difficulty, Mapping) else difficulty
            self.set_difficulty(name, level)
        if isinstance(difficulty, Mapping):
            unknown = set(difficulty) - set(self.names)
            if unknown:
                raise TaskError(f"difficulty given for families not in the mixture: {sorted(unknown)}")

    def set_difficulty(self, name: str, difficulty: int) -> None:
        """Pin family `name` to `difficulty` (ignored while a curriculum is attached)."""
        if name not in self.names:
            raise TaskError(f"{name!r} is not in this mixture ({', '.join(self.names)})")
        self.tasks[self.names.index(name)].resolved_config(difficulty)  # validates the range
        self._difficulty[name] = difficulty

    def difficulty(self, name: str) -> int:
        """The difficulty family `name` is drawn at now."""
        if self.curriculum is not None:
            return self.curriculum.difficulty(name)
        return self._difficulty[name]

    def family_of(self, index: int) -> Task:
        """Which family item `index` comes from."""
        draw = item_rng("mixture|" + ",".join(self.names), self.seed, 0, index, light=True).random()
        slot = min(bisect.bisect_right(self._cumulative, draw), len(self.tasks) - 1)
        return self.tasks[slot]

    def problem(self, index: int) -> Problem:
        """Item `index` of the mixture."""
        if index < 0:
            raise TaskError(f"index must be >= 0, got {index}")
        task = self.family_of(index)
        return task.problem(index, seed=self.seed, difficulty=self.difficulty(task.name))

    def generate(self, n: int, start: int = 0) -> Iterator[Problem]:
        """Yield items start .. start+n-1."""
        if n < 0:
            raise TaskError(f"n must be >= 0, got {n}")
        for index in range(start, start + n):
            yield self.problem(index)

    def check(self, problem: Problem, response: str) -> Verdict:
        """Check `response` with the family that made `problem`."""
        if problem.task not in self.names:
            raise TaskError(f"problem from {problem.task!r}, which is not in this mixture")
        return self.tasks[self.names.index(problem.task)].check(problem, response)
