"""A curriculum: per-family difficulty that follows the policy's recent success rate."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

from rlvr.tasks.base import MAX_DIFFICULTY, MIN_DIFFICULTY, Problem, Task, TaskError


def _family(task: str | Task | Problem) -> str:
    if isinstance(task, Problem):
        return task.task
    name = task if isinstance(task, str) else getattr(task, "name", None)
    if not isinstance(name, str) or not name:
        raise TaskError(f"curriculum needs a family name or a Task, got {task!r}")
    return name


class Curriculum:
    """Raise a family's difficulty when it is too easy, lower it when too hard.

    After `window` results for a family, its success rate over them is compared with
    `raise_above` and `lower_below`; a move of one step clears the window so the next
    decision only sees results at the new difficulty. Difficulties stay in
    [`min_difficulty`, `max_difficulty`]. Families are added on first use at `start`.

        curriculum = Curriculum(start=2)
        curriculum.update("sudoku", verdict.correct)
        level = curriculum.difficulty("sudoku")
    """

    def __init__(
        self,
        tasks: Iterable[str | Task] = (),
        *,
        start: int = MIN_DIFFICULTY,
        raise_above: float = 0.7,
        lower_below: float = 0.3,
        window: int = 32,
        min_difficulty: int = MIN_DIFFICULTY,
        max_difficulty: int = MAX_DIFFICULTY,
    ) -> None:
        if not MIN_DIFFICULTY <= min_difficulty <= max_difficulty <= MAX_DIFFICULTY:
            raise TaskError(f"need {MIN_DIFFICULTY} <= min_difficulty <= max_difficulty <= {MAX_DIFFICULTY}")
        if not min_difficulty <= start <= max_difficulty:
            raise TaskError(f"start must lie in [{min_difficulty}, {max_difficulty}], got {start}")
        if not 0.0 <= lower_below < raise_above <= 1.0:
            raise TaskError("thresholds need 0 <= lower_below < raise_above <= 1")
        if not isinstance(window, int) or window < 1:
            raise TaskError(f"window must be a positive integer, got {window!r}")
        self.start = start
        self.raise_above = raise_above
        self.lower_below = lower_below
        self.window = window
        self.min_difficulty = min_difficulty
        self.max_difficulty = max_difficulty
        self._levels: dict[str, int] = {}
        self._recent: dict[str, deque[bool]] = {}
        for task in tasks:
            self._ensure(_family(task))

    def _ensure(self, name: str) -> None:
        if name not in self._levels:
            self._levels[name] = self.start
            self._recent[name] = deque(maxlen=self.window)

    def difficulty(self, task: str | Task | Problem) -> int:
        """The difficulty to sample `task` at now."""
        name = _family(task)
        self._ensure(name)
        return self._levels[name]

    def success_rate(self, task: str | Task | Problem) -> float | None:
        """Success rate over the results in the current window (None before any)."""
        recent = self._recent.get(_family(task))
        return sum(recent) / len(recent) if recent else None

    def update(self, task: str | Task | Problem, correct: bool) -> int:
        """Record one result for `task`; returns its (possibly new) difficulty."""
        name = _family(task)
        self._ensure(name)
        recent = self._recent[name]
        recent.append(bool(correct))
        if len(recent) == self.window:
            rate = sum(recent) / len(recent)
            level = self._levels[name]
            if rate > self.raise_above and level < self.max_difficulty:
                self._levels[name] = level + 1
                recent.clear()
            elif rate < self.lower_below and level > self.min_difficulty:
                self._levels[name] = level - 1
                recent.clear()
        return self._levels[name]

    def levels(self) -> dict[str, int]:
        """Current difficulty of every family seen so far."""
        return dict(self._levels)

    def state_dict(self) -> dict[str, Any]:
        """JSON-ready state (settings, levels and recent results) for checkpoints."""
        return {
            "start": self.start,
            "raise_above": self.raise_above,
            "lower_below": self.lower_below,
            "window": self.window,
            "min_difficulty": self.min_difficulty,
            "max_difficulty": self.max_difficulty,
            "levels": dict(self._levels),
            "recent": {name: list(values) for name, values in self._recent.items()},
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what `state_dict` saved."""
        try:
            fresh = Curriculum(
                start=state["start"],
                raise_above=state["raise_above"],
                lower_below=state["lower_below"],
                window=state["window"],
                min_difficulty=state["min_difficulty"],
                max_difficulty=state["max_difficulty"],
            )
            levels = {str(k): int(v) for k, v in state["levels"].items()}
            recent = {str(k): [bool(x) for x in v] for k, v in state["recent"].items()}
        except (KeyError, TypeError, AttributeError, ValueError) as err:
            if isinstance(err, TaskError):
                raise
            raise TaskError(f"not a curriculum state dict: {err!r}") from None
        for name, level in levels.items():
            if not fresh.min_difficulty <= level <= fresh.max_difficulty:
                raise TaskError(f"curriculum state has {name} at difficulty {level}, outside the bounds")
        self.__dict__.update(fresh.__dict__)
        self._levels = levels
        self._recent = {name: deque(recent.get(name, [])[-self.window:], maxlen=self.window) for name in levels}
