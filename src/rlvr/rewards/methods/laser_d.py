"""LASER-D and LASER-DE: LASER with dynamic, difficulty-aware target lengths."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from rlvr.rewards.base import RewardError, RewardMethod, RolloutBatch, Scores
from rlvr.rewards.groups import Groups
from rlvr.rewards.methods.common import require
from rlvr.rewards.methods.laser import LASER_SOURCE, check_laser_params, laser_correctness, step_term
from rlvr.rewards.registry import register
from rlvr.rewards.repetition import is_degenerate

BUCKETS = ("easy", "medium", "hard")
COVERAGE_MODES = ("all", "correct")


def difficulty_buckets(batch: RolloutBatch) -> np.ndarray:
    """0 (easy, acc >= 2/3), 1 (medium, 1/3 <= acc < 2/3) or 2 (hard, acc < 1/3) per response.

    acc is the mean correctness of the response's group; compared as 3 * sum >= k * size
    so that 2 of 6 is exactly one third.
    """
    groups = Groups.of(batch.group)
    solved = 3.0 * groups.sum(batch.correct)
    size = groups.size.astype(np.float64)
    tolerance = 1e-9
    per_group = np.where(solved >= 2.0 * size - tolerance, 0, np.where(solved >= size - tolerance, 1, 2))
    return per_group[groups.index]


def expected_correct(rollouts: int) -> tuple[int, int, int]:
    """m per bucket: floor(2n/3) for easy, floor(n/3) for medium, 1 for hard (each at least 1)."""
    return max(2 * rollouts // 3, 1), max(rollouts // 3, 1), 1


@dataclass
class LaserDConfig:
    """Step reward parameters as in LASER, plus the adaptive target schedule.

    target_initial: L_T for every bucket until the first monitoring update.
    grid_lower/grid_upper/grid_step: candidate targets (inclusive grid).
    monitor_every: K, steps between monitoring updates.
    rollouts: n per monitoring prompt (None: the most common group size of the batch).
    coverage: "all" (the paper's code: share of the bucket's responses with len <= L)
              or "correct" (share that are correct and len <= L).
    prompt_floor: r in [0, 1]; a target never goes below r times the longest of the
              bucket's shortest correct answers per monitoring prompt (rounded up to the grid).
              0 (the paper's rule) turns the floor off; 1 keeps every prompt's shortest correct
              answer within the target; 0.9 lets the target press up to 10% below it.
    """

    target_initial: int = 8192
    grid_lower: int = 4096
    grid_upper: int = 16384
    grid_step: int = 1024
    monitor_every: int = 20
    rollouts: int | None = None
    coverage: str = "all"
    prompt_floor: float = 0.0
    alpha: float = 0.5
    correct_reward: float = 1.0
    wrong_reward: float = -0.5
    variant: str = "reward"

    method: ClassVar[str] = "laser_d"

    def __post_init__(self) -> None:
        name = self.method
        require(self.target_initial > 0, f"{name}: target_initial must be > 0 tokens; got {self.target_initial}")
        require(
            0 < self.grid_lower <= self.grid_upper,
            f"{name}: need 0 < grid_lower <= grid_upper; got {self.grid_lower}..{self.grid_upper}",
        )
        require(self.grid_step > 0, f"{name}: grid_step must be > 0 tokens; got {self.grid_step}")
        require(self.monitor_every >= 1, f"{name}: monitor_every must be >= 1 step; got {self.monitor_every}")
        require(self.rollouts is None or self.rollouts >= 1, f"{name}: rollouts must be >= 1; got {self.rollouts}")
        require(self.coverage in COVERAGE_MODES, f"{name}: coverage must be 'all' or 'correct'; got {self.coverage!r}")
        require(0.0 <= self.prompt_floor <= 1.0, f"{name}: prompt_floor must be in [0, 1]; got {self.prompt_floor}")
        check_laser_params(name, self.alpha, self.correct_reward, self.wrong_reward, self.variant)

    def grid(self) -> np.ndarray:
        """Candidate target lengths, ascending; the upper bound is always included."""
        grid = np.arange(self.grid_lower, self.grid_upper + 1, self.grid_step, dtype=np.int64)
        return grid if grid[-1] == self.grid_upper else np.append(grid, self.grid_upper)


@register
class LaserD(RewardMethod):
    """LASER-D (Liu et al., 2025): LASER with dynamic, difficulty-aware targets.

    Each prompt's bucket comes from its group's accuracy: easy (acc >= 2/3), medium
    (1/3 <= acc < 2/3), hard (< 1/3); the step reward uses that bucket's target L_T[b].
    Every K steps (`wants_monitoring`) the trainer rolls out n responses for a
    monitoring set and calls `monitor`; for each bucket the new target is the smallest
    grid length L with floor(coverage(L) * m_b) >= 1, where coverage(L) is the share of
    the bucket's responses no longer than L and m_b = floor(2n/3), floor(n/3), 1 for
    easy, medium, hard (the expected number of correct responses). No qualifying L
    gives the grid's upper bound; a bucket absent from the monitoring batch keeps its
    target. Targets never move anywhere else.

    With `prompt_floor` r > 0 a target is also kept at or above r times the longest of the
    bucket's per-prompt shortest correct answers: a bucket-wide target set by prompts with
    short answers otherwise leaves the others no correct way to earn the bonus, and the
    policy drifts to wrong answers there. The target still falls, as fast as the policy
    finds shorter correct answers for every prompt.
    """

    name: ClassVar[str] = "laser_d"
    Config: ClassVar[type] = LaserDConfig
    needs_group: ClassVar[bool] = True
    stateful: ClassVar[bool] = True
    source: ClassVar[str] = LASER_SOURCE
    formula: ClassVar[str] = (
        "R = C' + alpha * 1[correct and len <= L_T[bucket]]; L_T[b] = min{L : floor(coverage_b(L) * m_b) >= 1}, "
        "updated every K steps"
    )

    def __init__(self, config: Any = None, **params: Any) -> None:
        super().__init__(config, **params)
        initial = int(self.config.target_initial)
        self.targets: dict[str, int] = dict.fromkeys(BUCKETS, initial)
        self.last_monitor_step: int | None = None
        self.history: list[dict[str, Any]] = []
        # What the last monitoring batch showed, for logs: accuracy and each bucket's floor (0: none).
        self.monitor_accuracy: float | None = None
        self.floors: dict[str, int] = dict.fromkeys(BUCKETS, 0)

    def targets_for(self, batch: RolloutBatch) -> np.ndarray:
        """The target length each response is scored against (for logging)."""
        table = np.array([self.targets[bucket] for bucket in BUCKETS], dtype=np.int64)
        return table[difficulty_buckets(batch)] if len(batch) else np.zeros(0, dtype=np.int64)

    def _step_scores(self, batch: RolloutBatch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cfg = self.config
        target = self.targets_for(batch)
        correctness = laser_correctness(batch, cfg.correct_reward, cfg.wrong_reward)
        term = step_term(batch.passed, batch.length, target, cfg.alpha, cfg.variant)
        return correctness, term, target

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        correctness, term, _ = self._step_scores(batch)
        return Scores(total=correctness + term, components={"correct": correctness, "length": term})

    def wants_monitoring(self, step: int) -> bool:
        return step > 0 and step % self.config.monitor_every == 0 and step != self.last_monitor_step

    def monitor(self, batch: RolloutBatch, step: int) -> None:
        """Recompute each bucket's target from a monitoring batch (n rollouts per prompt)."""
        if not self.wants_monitoring(step):
            raise RewardError(
                f"{self.name}: monitor() called at step {step}, but targets update every "
                f"{self.config.monitor_every} steps (once each); call it only when wants_monitoring(step) is true"
            )
        if not len(batch):
            raise RewardError(f"{self.name}: the monitoring batch is empty")
        self.floors = self.prompt_floors(batch)
        self.targets = self._floored(self._coverage_targets(batch), self.floors)
        self.monitor_accuracy = float(np.mean(batch.passed))
        self.last_monitor_step = int(step)
        self.history.append({"step": int(step), **self.targets})

    def choose_targets(self, batch: RolloutBatch) -> dict[str, int]:
        """The targets a monitoring batch implies (does not change the method's state)."""
        return self._floored(self._coverage_targets(batch), self.prompt_floors(batch))

    @staticmethod
    def _floored(targets: dict[str, int], floors: dict[str, int]) -> dict[str, int]:
        return {name: max(target, floors[name]) for name, target in targets.items()}

    def _coverage_targets(self, batch: RolloutBatch) -> dict[str, int]:
        """Per bucket, the paper's rule: the smallest grid length with enough coverage."""
        cfg = self.config
        groups = Groups.of(batch.group)
        rollouts = cfg.rollouts or int(np.bincount(groups.size).argmax())
        needed = expected_correct(rollouts)
        grid = cfg.grid()
        bucket = difficulty_buckets(batch)
        chosen = dict(self.targets)
        for index, name in enumerate(BUCKETS):
            members = bucket == index
            total = int(members.sum())
            if total == 0:
                continue
            counted = members & batch.passed if cfg.coverage == "correct" else members
            lengths = np.sort(batch.length[counted])
            coverage = np.searchsorted(lengths, grid, side="right") / total
            qualifies = np.floor(coverage * needed[index] + 1e-9) >= 1
            chosen[name] = int(grid[np.argmax(qualifies)]) if qualifies.any() else int(grid[-1])
        return chosen

    def prompt_floors(self, batch: RolloutBatch) -> dict[str, int]:
        """Per bucket, the lowest target `prompt_floor` allows (0 where it sets none)."""
        floors = dict.fromkeys(BUCKETS, 0)
        ratio = float(self.config.prompt_floor)
        if ratio <= 0 or not len(batch):
            return floors
        groups = Groups.of(batch.group)
        # Wrong answers count as infinitely long: only correct ones say how short a prompt can be answered.
        shortest = groups.min(np.where(batch.passed, batch.length, np.inf))
        prompt_bucket = difficulty_buckets(batch)[groups.order][groups.starts]
        grid = self.config.grid()
        for index, name in enumerate(BUCKETS):
            answered = shortest[(prompt_bucket == index) & np.isfinite(shortest)]
            if not answered.size:
                continue
            needed = ratio * float(answered.max()) - 1e-9
            fits = grid >= needed
            floors[name] = int(grid[np.argmax(fits)]) if fits.any() else int(grid[-1])
        return floors

    def state_dict(self) -> dict[str, Any]:
        return {
            "targets": dict(self.targets),
            "floors": dict(self.floors),
            "monitor_accuracy": self.monitor_accuracy,
            "last_monitor_step": self.last_monitor_step,
            "history": list(self.history),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        targets = state.get("targets")
        if not isinstance(targets, dict) or set(targets) != set(BUCKETS):
            raise RewardError(f"{self.name}: state['targets'] must map {', '.join(BUCKETS)} to token lengths")
        if any(int(value) <= 0 for value in targets.values()):
            raise RewardError(f"{self.name}: restored targets must be > 0 tokens")
        self.targets = {name: int(targets[name]) for name in BUCKETS}
        last = state.get("last_monitor_step")
        self.last_monitor_step = None if last is None else int(last)
        self.history = list(state.get("history", []))
        floors = state.get("floors") or {}
        self.floors = {name: int(floors.get(name, 0)) for name in BUCKETS}
        accuracy = state.get("monitor_accuracy")
        self.monitor_accuracy = None if accuracy is None else float(accuracy)


@dataclass
class LaserDEConfig(LaserDConfig):
    """LASER-D parameters plus the repetition check used to deny the exploration bonus."""

    repetition_window: int = 256
    repetition_ngram: int = 8
    repetition_threshold: float = 0.5
    method: ClassVar[str] = "laser_de"

    def __post_init__(self) -> None:
        super().__post_init__()
        require(
            self.repetition_ngram >= 1 and self.repetition_window >= 2 * self.repetition_ngram,
            "laser_de: need repetition_ngram >= 1 and repetition_window >= 2 * repetition_ngram",
        )
        require(0 < self.repetition_threshold <= 1, "laser_de: repetition_threshold must be in (0, 1]")


@register
class LaserDE(LaserD):
    """LASER-DE (Liu et al., 2025): LASER-D plus exploration of long wrong answers.

    As LASER-D, and an incorrect response longer than its bucket's target that is not
    degenerate repetition (n-gram repetition in its last tokens, see
    `rlvr.rewards.repetition`) also gets +alpha, so the policy keeps exploring
    on prompts it gets wrong. Needs `RolloutBatch.token_ids`.
    """

    name: ClassVar[str] = "laser_de"
    Config: ClassVar[type] = LaserDEConfig
    length_term_on_incorrect: ClassVar[bool] = True
    formula: ClassVar[str] = (
        "LASER-D, plus alpha * 1[wrong and len > L_T[bucket] and not repetitive]"
    )

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        correctness, term, target = self._step_scores(batch)
        candidates = ~batch.passed & (batch.length > target)
        explore = np.zeros(len(batch))
        if candidates.any():
            if batch.token_ids is None:
                raise RewardError("laser_de needs RolloutBatch.token_ids to tell exploration from degenerate repetition")
            rows = np.flatnonzero(candidates)
            token_ids = batch.token_ids
            subset = token_ids[rows] if isinstance(token_ids, np.ndarray) else [token_ids[row] for row in rows]
            cfg = self.config
            looping = is_degenerate(
                subset, batch.length[rows], cfg.repetition_window, cfg.repetition_ngram, cfg.repetition_threshold
            )
            explore[rows[~looping]] = cfg.alpha
        components = {"correct": correctness, "length": term, "explore": explore}
        return Scores(total=correctness + term + explore, components=components)
