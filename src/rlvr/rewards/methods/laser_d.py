"""LASER-D: LASER with dynamic, difficulty-aware target lengths."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from rlvr.rewards.base import RewardError, RewardMethod, RolloutBatch, Scores
from rlvr.rewards.groups import Groups
from rlvr.rewards.methods.common import require
from rlvr.rewards.methods.laser import LASER_SOURCE, check_laser_params, laser_correctness, step_term
from rlvr.rewards.registry import register

BUCKETS = ("easy", "medium", "hard")
COVERAGE_MODES = ("all", "correct")
ABSENT_MODES = ("unlimited", "keep")
MONITOR_BUCKETS = ("released", "scoring")
_TOLERANCE = 1e-9  # graded scores: 3 * sum compared with k * size, exact for 0/1 scores


def difficulty_buckets(batch: RolloutBatch, rule: str = "scoring") -> np.ndarray:
    """0 (easy), 1 (medium) or 2 (hard) per response, from its group's mean correctness acc.

    "scoring" (how the released code buckets training prompts): easy acc >= 2/3, medium
    1/3 <= acc < 2/3, hard acc < 1/3. "released" (how it buckets monitoring prompts): easy
    acc > 2/3, medium 1/3 < acc <= 2/3, hard acc <= 1/3. The two differ only when a group
    has exactly a third or two thirds right (n divisible by 3). Compared as 3 * sum against
    k * size, so 2 of 6 is exactly one third.
    """
    if rule not in ("scoring", "released"):
        raise RewardError(f"bucket rule must be 'scoring' or 'released'; got {rule!r}")
    groups = Groups.of(batch.group)
    solved = 3.0 * groups.sum(batch.correct)
    size = groups.size.astype(np.float64)
    if rule == "scoring":
        easy, medium = solved >= 2.0 * size - _TOLERANCE, solved >= size - _TOLERANCE
    else:
        easy, medium = solved > 2.0 * size + _TOLERANCE, solved > size + _TOLERANCE
    per_group = np.where(easy, 0, np.where(medium, 1, 2))
    return per_group[groups.index]


def expected_correct(rollouts: int) -> tuple[int, int, int]:
    """m per bucket: floor(2n/3) for easy, floor(n/3) for medium, 1 for hard (each at least 1)."""
    return max(2 * rollouts // 3, 1), max(rollouts // 3, 1), 1


def candidate_grid(lower: int, upper: int, step: int) -> np.ndarray:
    """Candidate targets as the released code builds them, ascending.

    lower, lower + step, ... up to the first value at or above `upper`; a lower bound under
    the step is followed by the step's multiples (lower, step, 2 * step, ...). The released
    code tests `lower < 1024`, its step; rlvr tests the configured step.
    """
    if lower < step:
        return np.concatenate(([lower], np.arange(step, upper + step, step))).astype(np.int64)
    return np.arange(lower, upper + step, step, dtype=np.int64)


@dataclass
class LaserDConfig:
    """Step reward parameters as in LASER, plus the adaptive target schedule.

    target_initial: L_T for every bucket until the first monitoring update.
    monitor_first: monitor before the first step is scored, as the released code does (its
              targets apply from step 1): `wants_monitoring` asks for a batch at the first
              step, and an engine that has none to give gets targets from the first scored
              batch's own rollouts. False keeps `target_initial` until step K.
    grid_lower/grid_upper/grid_step: candidate targets (see `candidate_grid`).
    monitor_every: K, steps between monitoring updates.
    rollouts: n per monitoring prompt (None: the most common group size of the batch).
    coverage: "all" (the paper's code: share of the bucket's responses with len <= L)
              or "correct" (share that are correct and len <= L).
    absent_bucket: a bucket with no monitoring prompt gets no limit ("unlimited", the
              released code) or keeps its target ("keep").
    monitor_buckets: "released" (monitoring prompts bucketed with the released code's
              monitoring boundaries) or "scoring" (the same boundaries as scoring).
    prompt_floor: r in [0, 1]; a target never goes below r times the longest of the
              bucket's shortest correct answers per monitoring prompt (rounded up to the grid).
              0 (the paper's rule) turns the floor off; 1 keeps every prompt's shortest correct
              answer within the target; 0.9 lets the target press up to 10% below it.
    """

    target_initial: int = 8192
    monitor_first: bool = True
    grid_lower: int = 4096
    grid_upper: int = 16384
    grid_step: int = 1024
    monitor_every: int = 20
    rollouts: int | None = None
    coverage: str = "all"
    absent_bucket: str = "unlimited"
    monitor_buckets: str = "released"
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
        require(
            self.absent_bucket in ABSENT_MODES,
            f"{name}: absent_bucket must be 'unlimited' or 'keep'; got {self.absent_bucket!r}",
        )
        require(
            self.monitor_buckets in MONITOR_BUCKETS,
            f"{name}: monitor_buckets must be 'released' or 'scoring'; got {self.monitor_buckets!r}",
        )
        require(0.0 <= self.prompt_floor <= 1.0, f"{name}: prompt_floor must be in [0, 1]; got {self.prompt_floor}")
        check_laser_params(name, self.alpha, self.correct_reward, self.wrong_reward, self.variant)

    def grid(self) -> np.ndarray:
        """Candidate target lengths, ascending (`candidate_grid`)."""
        return candidate_grid(self.grid_lower, self.grid_upper, self.grid_step)


@register
class LaserD(RewardMethod):
    """LASER-D (Liu et al., 2025): LASER with dynamic, difficulty-aware targets.

    Each prompt's bucket comes from its group's accuracy: easy (acc >= 2/3), medium
    (1/3 <= acc < 2/3), hard (< 1/3); the step reward uses that bucket's target L_T[b].
    The trainer rolls out n responses for a monitoring set when `wants_monitoring` says so
    (before the first step, then every K steps) and calls `monitor`; for each bucket the
    new target is the smallest grid length L with floor(coverage(L) * m_b) >= 1, where
    coverage(L) is the share of the bucket's responses no longer than L and m_b =
    floor(2n/3), floor(n/3), 1 for easy, medium, hard (the expected number of correct
    responses). As in the released code, a bucket with no qualifying L, or (by default)
    with no monitoring prompt, gets no limit: its target is None and every correct answer
    earns the bonus. Targets never move anywhere else. See docs/rewards.md for where rlvr
    and the released code differ, and why.

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
        "updated before step 1 and every K steps"
    )

    def __init__(self, config: Any = None, **params: Any) -> None:
        super().__init__(config, **params)
        initial = int(self.config.target_initial)
        # None: no limit (no qualifying grid length, or no monitoring prompt in the bucket).
        self.targets: dict[str, int | None] = dict.fromkeys(BUCKETS, initial)
        self.last_monitor_step: int | None = None
        self.history: list[dict[str, Any]] = []
        # What the last monitoring batch showed, for logs: accuracy and each bucket's floor (0: none).
        self.monitor_accuracy: float | None = None
        self.floors: dict[str, int] = dict.fromkeys(BUCKETS, 0)

    def targets_for(self, batch: RolloutBatch) -> np.ndarray:
        """The target length each response is scored against (for logging).

        A bucket without a limit shows the batch's longest response, as the released code logs it.
        """
        if not len(batch):
            return np.zeros(0, dtype=np.int64)
        longest = int(batch.length.max())
        table = np.array([longest if self.targets[b] is None else self.targets[b] for b in BUCKETS], dtype=np.int64)
        return table[difficulty_buckets(batch)]

    def _step_scores(self, batch: RolloutBatch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cfg = self.config
        target = self.targets_for(batch)
        correctness = laser_correctness(batch, cfg.correct_reward, cfg.wrong_reward)
        term = step_term(batch.passed, batch.length, target, cfg.alpha, cfg.variant)
        return correctness, term, target

    def _scores(self, batch: RolloutBatch) -> Scores:
        correctness, term, _ = self._step_scores(batch)
        return Scores(total=correctness + term, components={"correct": correctness, "length": term})

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        if self.config.monitor_first and self.last_monitor_step is None and len(batch):
            # No monitoring batch came before the first step: the first rollouts stand in for one.
            self.monitor(batch, step)
        return self._scores(batch)

    def preview(self, batch: RolloutBatch) -> Scores:
        """Scores against the current targets, never monitoring (plots, what-ifs)."""
        return self._scores(batch)

    def wants_monitoring(self, step: int) -> bool:
        if step == self.last_monitor_step:
            return False
        if self.last_monitor_step is None and self.config.monitor_first:
            return True
        return step > 0 and step % self.config.monitor_every == 0

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

    def choose_targets(self, batch: RolloutBatch) -> dict[str, int | None]:
        """The targets a monitoring batch implies (does not change the method's state)."""
        return self._floored(self._coverage_targets(batch), self.prompt_floors(batch))

    @staticmethod
    def _floored(targets: dict[str, int | None], floors: dict[str, int]) -> dict[str, int | None]:
        return {name: None if target is None else max(target, floors[name]) for name, target in targets.items()}

    def _monitor_buckets(self, batch: RolloutBatch) -> np.ndarray:
        return difficulty_buckets(batch, "released" if self.config.monitor_buckets == "released" else "scoring")

    def _coverage_targets(self, batch: RolloutBatch) -> dict[str, int | None]:
        """Per bucket, the paper's rule: the smallest grid length with enough coverage (None: none)."""
        cfg = self.config
        groups = Groups.of(batch.group)
        rollouts = cfg.rollouts or int(np.bincount(groups.size).argmax())
        needed = expected_correct(rollouts)
        grid = cfg.grid()
        bucket = self._monitor_buckets(batch)
        chosen: dict[str, int | None] = {}
        for index, name in enumerate(BUCKETS):
            members = bucket == index
            total = int(members.sum())
            if total == 0:
                chosen[name] = self.targets[name] if cfg.absent_bucket == "keep" else None
                continue
            counted = members & batch.passed if cfg.coverage == "correct" else members
            lengths = np.sort(batch.length[counted])
            covered = np.searchsorted(lengths, grid, side="right")
            qualifies = covered * needed[index] >= total  # floor(covered / total * m) >= 1, in integers
            chosen[name] = int(grid[np.argmax(qualifies)]) if qualifies.any() else None
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
        prompt_bucket = self._monitor_buckets(batch)[groups.order][groups.starts]
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
        try:
            restored = {name: None if targets[name] is None else int(targets[name]) for name in BUCKETS}
        except (TypeError, ValueError):
            raise RewardError(f"{self.name}: restored targets must be token lengths or null (no limit)") from None
        if any(value is not None and value <= 0 for value in restored.values()):
            raise RewardError(f"{self.name}: restored targets must be > 0 tokens")
        self.targets = restored
        last = state.get("last_monitor_step")
        self.last_monitor_step = None if last is None else int(last)
        self.history = list(state.get("history", []))
        floors = state.get("floors") or {}
        self.floors = {name: int(floors.get(name, 0)) for name in BUCKETS}
        accuracy = state.get("monitor_accuracy")
        self.monitor_accuracy = None if accuracy is None else float(accuracy)
