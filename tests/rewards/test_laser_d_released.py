"""LASER-D/DE against a plain rewrite of the released training loop's length reward.

The reference below is written from reading the authors' code (hkust-nlp/Laser), not copied: a
monitoring pass before step 1 buckets the monitoring prompts (hard at or below 1/3 right, easy
above 2/3), measures per bucket the share of responses no longer than each grid length, and each
training step picks per bucket the smallest grid length whose coverage times m is at least 1,
starting from (and never above) the batch's longest response. Training prompts are bucketed with
the other boundaries (easy at or above 2/3). rlvr's defaults must give the same rewards.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr import rewards
from rlvr.rewards import RolloutBatch
from rlvr.rewards.methods.laser_d import candidate_grid

LEVELS = ("low", "medium", "high")


def released_grid(lower: int, upper: int, interval: int) -> list[int]:
    if lower < 1024:
        return [lower] + list(range(1024, upper + interval, interval))
    return list(range(lower, upper + interval, interval))


def released_coverage(correct: list[list[int]], length: list[list[int]], grid: list[int]) -> dict:
    """Share of each monitoring band's responses within each grid length (0 for an empty band)."""
    bands: dict[str, list[int]] = {level: [] for level in LEVELS}
    for right, lengths in zip(correct, length):
        accuracy = sum(right) / len(right)
        band = "low" if accuracy <= 1 / 3 else "medium" if accuracy <= 2 / 3 else "high"
        bands[band].extend(lengths)
    return {
        band: {g: (sum(1 for n in lengths if n <= g) / len(lengths) if lengths else 0.0) for g in grid}
        for band, lengths in bands.items()
    }


def released_targets(coverage: dict, longest: int, rollouts: int, grid: list[int]) -> dict[str, int]:
    targets = {}
    for level in LEVELS:
        targets[level] = longest
        for g in grid:
            m = int(rollouts * 2 / 3) if level == "high" else int(rollouts * 1 / 3) if level == "medium" else 1
            if int(coverage[level][g] * m) >= 1 and g < targets[level]:
                targets[level] = g
    return targets


def released_rewards(correct, length, group, targets, explore: bool, alpha: float = 0.5) -> list[float]:
    """Scoring one training batch; LASER-DE's repetition check, as it runs on tensors, flags nothing."""
    right: dict[int, list[int]] = {}
    for c, g in zip(correct, group):
        right.setdefault(g, []).append(1 if c == 1 else 0)
    out = []
    for c, n, g in zip(correct, length, group):
        accuracy = sum(right[g]) / len(right[g])
        level = "high" if accuracy >= 2 / 3 else "medium" if accuracy >= 1 / 3 else "low"
        target = targets[level]
        if c == 1:
            out.append(1.0 + (alpha if n <= target else 0.0))
        else:
            out.append(-0.5 + (alpha if explore and n > target else 0.0))
    return out


@st.composite
def rollouts(draw: st.DrawFn, n: int, max_prompts: int = 6) -> tuple[list[list[int]], list[list[int]]]:
    prompts = draw(st.integers(1, max_prompts))
    correct = [draw(st.lists(st.sampled_from([0, 1]), min_size=n, max_size=n)) for _ in range(prompts)]
    length = [draw(st.lists(st.integers(1, 12_000), min_size=n, max_size=n)) for _ in range(prompts)]
    return correct, length


def flat(correct, length):
    group = [g for g, row in enumerate(correct) for _ in row]
    return [c for row in correct for c in row], [x for row in length for x in row], group


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(3, 12),
    lower=st.sampled_from([512, 1000, 1024, 2048, 4096]),
    upper=st.sampled_from([4096, 6000, 8192]),
    data=st.data(),
    method=st.sampled_from(["laser_d", "laser_de"]),
)
def test_monitoring_before_step_one_then_scoring_matches_the_released_code(n, lower, upper, data, method) -> None:
    monitor_correct, monitor_length = data.draw(rollouts(n))
    train_correct, train_length, train_group = flat(*data.draw(rollouts(data.draw(st.integers(1, 9)))))
    grid = released_grid(lower, upper, 1024)
    coverage = released_coverage(monitor_correct, monitor_length, grid)
    targets = released_targets(coverage, max(train_length), n, grid)
    expected = released_rewards(train_correct, train_length, train_group, targets, explore=method == "laser_de")

    laser = rewards.get(method, grid_lower=lower, grid_upper=upper, grid_step=1024)
    assert laser.wants_monitoring(0)  # the released code monitors before the first step
    laser.monitor(RolloutBatch.from_groups(monitor_correct, monitor_length), 0)
    assert not laser.wants_monitoring(0)
    # distinct token ids: never a loop, so rlvr's detector agrees with the released check as it runs
    token_ids = [list(range(x)) for x in train_length]
    batch = RolloutBatch(correct=train_correct, length=train_length, group=train_group, token_ids=token_ids)
    np.testing.assert_allclose(laser.score(batch, 0).total, expected)
    # The logged targets agree wherever the released code logs a limit below the batch's longest response
    # (at or above it, every response is within either way).
    logged = laser.targets_for(batch)
    longest = max(train_length)
    released_logged = np.array([targets[_level(train_correct, train_group, i)] for i in range(len(batch))])
    below = released_logged < longest
    assert (logged[below] == released_logged[below]).all() and (logged[~below] >= longest).all()


def _level(correct, group, i) -> str:
    rows = [j for j in range(len(group)) if group[j] == group[i]]
    accuracy = sum(correct[j] for j in rows) / len(rows)
    return "high" if accuracy >= 2 / 3 else "medium" if accuracy >= 1 / 3 else "low"


@settings(max_examples=100, deadline=None)
@given(n=st.integers(3, 9), data=st.data())
def test_without_a_monitoring_set_the_first_batch_sets_the_targets(n, data) -> None:
    """Engines that only hand over rollouts (verl, OpenRLHF): step 1's own rollouts stand in for the monitoring pass."""
    correct, length = data.draw(rollouts(n))
    c, x, g = flat(correct, length)
    grid = released_grid(4096, 8192, 1024)
    targets = released_targets(released_coverage(correct, length, grid), max(x), n, grid)
    laser = rewards.get("laser_d", grid_lower=4096, grid_upper=8192, grid_step=1024)
    total = laser.score(RolloutBatch(correct=c, length=x, group=g), 0).total
    np.testing.assert_allclose(total, released_rewards(c, x, g, targets, explore=False))
    assert laser.last_monitor_step == 0 and not laser.wants_monitoring(0)
    assert [s for s in range(1, 61) if laser.wants_monitoring(s)] == [20, 40, 60]


def test_monitor_first_off_keeps_the_initial_target_until_step_k() -> None:
    laser = rewards.get("laser_d", monitor_first=False, target_initial=1000, grid_lower=1024, grid_upper=4096)
    batch = RolloutBatch.from_groups([[1, 1, 1]], [[900, 1100, 5000]])
    assert laser.score(batch, 0).total.tolist() == [1.5, 1.0, 1.0]
    assert laser.last_monitor_step is None and not laser.wants_monitoring(0)


def test_grid_matches_the_released_construction_at_its_step() -> None:
    for lower, upper in [(512, 4096), (1000, 4500), (1024, 16384), (4096, 16384), (4096, 15000), (2048, 2048)]:
        assert candidate_grid(lower, upper, 1024).tolist() == released_grid(lower, upper, 1024)
    # Other steps: rlvr reads "under the step" where the released code reads "under 1024" (documented).
    assert candidate_grid(8, 64, 2).tolist() == list(range(8, 65, 2))
    assert released_grid(8, 64, 2) == [8]
    assert candidate_grid(3, 10, 4).tolist() == [3, 4, 8, 12]


def test_monitoring_and_scoring_boundaries_differ_at_exact_thirds() -> None:
    # 6 rollouts, 2 right: a third. Monitoring calls it hard (released), scoring calls it medium.
    group = ([1, 1, 0, 0, 0, 0], [100, 100, 100, 100, 5000, 5000])
    released = rewards.get("laser_d", grid_lower=1024, grid_upper=8192, monitor_first=False, monitor_every=1)
    released.monitor(RolloutBatch.from_groups(*[[row] for row in group]), 1)
    assert released.targets == {"easy": None, "medium": None, "hard": 5120}  # hard: m = 1, all six within
    same = rewards.get("laser_d", grid_lower=1024, grid_upper=8192, monitor_first=False, monitor_every=1,
                       monitor_buckets="scoring")
    same.monitor(RolloutBatch.from_groups(*[[row] for row in group]), 1)
    assert same.targets == {"easy": None, "medium": 1024, "hard": None}  # medium: m = 2, four of six within
    with pytest.raises(rewards.RewardError, match="monitor_buckets"):
        rewards.get("laser_d", monitor_buckets="both")


def test_fewer_than_three_rollouts_still_adapt() -> None:
    """A documented difference: with n < 3 the released m is 0 for a bucket, which then never gets a limit."""
    correct, length = [[1, 0]], [[500, 700]]  # one of two right: medium; released m = int(2 / 3) = 0
    grid = released_grid(1024, 4096, 1024)
    assert released_targets(released_coverage(correct, length, grid), 700, 2, grid)["medium"] == 700  # no limit
    laser = rewards.get("laser_d", grid_lower=1024, grid_upper=4096)
    laser.monitor(RolloutBatch.from_groups(correct, length), 0)
    assert laser.targets["medium"] == 1024  # rlvr: m at least 1


def test_bucket_rules_differ_only_at_exact_thirds() -> None:
    from rlvr.rewards.methods.laser_d import difficulty_buckets

    for n in range(1, 13):
        for right in range(n + 1):
            batch = RolloutBatch.from_groups([[1] * right + [0] * (n - right)], [[10] * n])
            scoring, released = difficulty_buckets(batch, "scoring")[0], difficulty_buckets(batch, "released")[0]
            exact_third = 3 * right in (n, 2 * n)
            assert (scoring != released) == exact_third
    with pytest.raises(rewards.RewardError, match="bucket rule"):
        difficulty_buckets(RolloutBatch.from_groups([[1]], [[1]]), "other")
