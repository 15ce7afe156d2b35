"""LASER-D's adaptive targets: when they move, what they move to, and how they persist."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr import rewards
from rlvr.rewards import RewardError, RolloutBatch

# The schedule tests start from target_initial: no monitoring before the first step here.
GRID = {"grid_lower": 1000, "grid_upper": 4000, "grid_step": 1000, "target_initial": 8000, "monitor_every": 20,
        "monitor_first": False}


def monitoring_batch() -> RolloutBatch:
    easy = ([1] * 6, [500, 1500, 1500, 2500, 3500, 3900])  # 6/6 right, m = floor(12/3) = 4
    medium = ([1, 1, 1, 0, 0, 0], [100, 200, 300, 3000, 3000, 3000])  # 3/6 right, m = 2
    hard = ([0] * 6, [5000] * 6)  # 0/6 right, m = 1
    return RolloutBatch.from_groups([easy[0], medium[0], hard[0]], [easy[1], medium[1], hard[1]])


def test_targets_start_at_the_initial_target_for_every_bucket() -> None:
    method = rewards.get("laser_d", **GRID)
    assert method.targets == {"easy": 8000, "medium": 8000, "hard": 8000}


def test_monitoring_schedule_every_k_steps_once_each() -> None:
    method = rewards.get("laser_d", **GRID)
    assert [s for s in range(0, 61) if method.wants_monitoring(s)] == [20, 40, 60]
    method.monitor(monitoring_batch(), 20)
    assert not method.wants_monitoring(20)
    assert method.wants_monitoring(40)


def test_monitor_picks_the_smallest_qualifying_length_per_bucket() -> None:
    method = rewards.get("laser_d", **GRID)
    method.monitor(monitoring_batch(), 20)
    # easy: needs floor(cov * 4) >= 1 -> 2 of 6 within L -> 2000 (1000 covers only 1)
    # medium: floor(cov * 2) >= 1 -> 3 of 6 within L -> 1000
    # hard: floor(cov * 1) >= 1 -> all 6 within L -> none on the grid -> no limit (None)
    assert method.targets == {"easy": 2000, "medium": 1000, "hard": None}
    assert method.history == [{"step": 20, "easy": 2000, "medium": 1000, "hard": None}]


def test_coverage_of_correct_responses_only() -> None:
    method = rewards.get("laser_d", coverage="correct", **GRID)
    method.monitor(monitoring_batch(), 20)
    assert method.targets == {"easy": 2000, "medium": 1000, "hard": None}
    b = RolloutBatch.from_groups([[1, 1, 1, 0, 0, 0]], [[3000, 3000, 3000, 100, 100, 100]])
    method.monitor(b, 40)
    assert method.targets["medium"] == 3000  # the short wrong answers no longer count


def two_easy_prompts() -> RolloutBatch:
    """Both prompts easy; one answered correctly in 900 tokens, the other needing 2500 at least."""
    short = ([1] * 6, [900] * 6)
    long = ([1, 1, 1, 1, 1, 0], [2500, 2500, 3100, 3900, 3900, 100])  # 5/6 right: easy
    return RolloutBatch.from_groups([short[0], long[0]], [short[1], long[1]])


def test_prompt_floor_keeps_every_prompt_a_correct_answer_within_the_target() -> None:
    plain = rewards.get("laser_d", **GRID)
    plain.monitor(two_easy_prompts(), 20)
    assert plain.targets["easy"] == 1000  # the short prompt's answers set it: the other has none within
    floored = rewards.get("laser_d", prompt_floor=1.0, **GRID)
    floored.monitor(two_easy_prompts(), 20)
    # The long prompt's shortest correct answer is 2500 (its 100-token answers are wrong): grid 3000.
    assert floored.targets["easy"] == 3000
    assert floored.floors == {"easy": 3000, "medium": 0, "hard": 0}
    assert floored.monitor_accuracy == pytest.approx(11 / 12)


def test_prompt_floor_below_one_lets_the_target_press_under_the_longest_prompt() -> None:
    slack = rewards.get("laser_d", prompt_floor=0.7, **GRID)
    slack.monitor(two_easy_prompts(), 20)
    assert slack.targets["easy"] == 2000  # 0.7 * 2500 = 1750 -> grid 2000, under the long prompt's 2500
    loose = rewards.get("laser_d", prompt_floor=0.3, **GRID)
    loose.monitor(two_easy_prompts(), 20)
    assert loose.targets["easy"] == 1000  # 750 -> 1000: the floor no longer binds


def test_prompt_floor_never_lowers_a_target_and_caps_at_the_grid() -> None:
    method = rewards.get("laser_d", prompt_floor=1.0, **GRID)
    method.monitor(monitoring_batch(), 20)
    # easy: its one prompt's shortest correct is 500 -> floor 1000, below the coverage target 2000.
    # medium: shortest correct 100 -> floor 1000. hard: no correct answer, so no floor.
    assert method.targets == {"easy": 2000, "medium": 1000, "hard": None}
    beyond = RolloutBatch.from_groups([[1, 1, 1]], [[4500, 4600, 4700]])
    method.monitor(beyond, 40)
    # no grid length covers them: no limit, which a floor (capped at the grid) never turns into one
    assert method.targets["easy"] is None and method.floors["easy"] == 4000


def test_prompt_floor_is_validated() -> None:
    for bad in (-0.1, 1.5):
        with pytest.raises(RewardError, match="prompt_floor"):
            rewards.get("laser_d", prompt_floor=bad, **GRID)


def test_a_bucket_missing_from_the_monitoring_batch_gets_no_limit_or_keeps_its_target() -> None:
    only_easy = RolloutBatch.from_groups([[1, 1, 1]], [[900, 900, 900]])
    released = rewards.get("laser_d", **GRID)
    released.monitor(only_easy, 20)
    assert released.targets == {"easy": 1000, "medium": None, "hard": None}
    keep = rewards.get("laser_d", absent_bucket="keep", **GRID)
    keep.monitor(only_easy, 20)
    assert keep.targets == {"easy": 1000, "medium": 8000, "hard": 8000}


def test_monitor_off_schedule_is_refused_and_changes_nothing() -> None:
    method = rewards.get("laser_d", **GRID)
    with pytest.raises(RewardError, match="wants_monitoring"):
        method.monitor(monitoring_batch(), 7)
    assert method.targets == {"easy": 8000, "medium": 8000, "hard": 8000}


def test_state_round_trip() -> None:
    method = rewards.get("laser_d", prompt_floor=1.0, **GRID)
    method.monitor(two_easy_prompts(), 20)
    restored = rewards.get("laser_d", prompt_floor=1.0, **GRID)
    restored.load_state_dict(method.state_dict())
    assert restored.targets == method.targets
    assert restored.floors == method.floors == {"easy": 3000, "medium": 0, "hard": 0}
    assert restored.monitor_accuracy == method.monitor_accuracy
    assert not restored.wants_monitoring(20)
    with pytest.raises(RewardError, match="targets"):
        restored.load_state_dict({"targets": {"easy": 1}})
    with pytest.raises(RewardError, match="targets"):
        restored.load_state_dict({"targets": {"easy": "long", "medium": None, "hard": 5}})
    unlimited = rewards.get("laser_d", **GRID)
    unlimited.monitor(monitoring_batch(), 20)
    again = rewards.get("laser_d", **GRID)
    again.load_state_dict(json.loads(json.dumps(unlimited.state_dict())))  # checkpoints are JSON
    assert again.targets == {"easy": 2000, "medium": 1000, "hard": None}


@st.composite
def monitoring_batches(draw: st.DrawFn) -> tuple[int, RolloutBatch]:
    rollouts = draw(st.integers(1, 9))
    prompts = draw(st.integers(1, 6))
    correct = [draw(st.lists(st.sampled_from([0, 1]), min_size=rollouts, max_size=rollouts)) for _ in range(prompts)]
    length = [draw(st.lists(st.integers(0, 5000), min_size=rollouts, max_size=rollouts)) for _ in range(prompts)]
    return rollouts, RolloutBatch.from_groups(correct, length)


def reference_targets(batch: RolloutBatch, rollouts: int, previous: dict, floor: float = 0.0) -> dict:
    """The rule, written out plainly per prompt and per candidate length (absent buckets kept)."""
    grid = list(range(1000, 4001, 1000))
    buckets: dict[str, list[int]] = {"easy": [], "medium": [], "hard": []}
    shortest_correct: dict[str, list[int]] = {"easy": [], "medium": [], "hard": []}
    for g in sorted(set(batch.group.tolist())):
        rows = [i for i in range(len(batch)) if batch.group[i] == g]
        right = sum(batch.correct[i] for i in rows)
        # the released monitoring boundaries: easy above 2/3, hard at or below 1/3
        name = "easy" if 3 * right > 2 * len(rows) else "hard" if 3 * right <= len(rows) else "medium"
        buckets[name].extend(int(batch.length[i]) for i in rows)
        correct = [int(batch.length[i]) for i in rows if batch.correct[i]]
        if correct:
            shortest_correct[name].append(min(correct))
    needed = {"easy": max(2 * rollouts // 3, 1), "medium": max(rollouts // 3, 1), "hard": 1}
    chosen = dict(previous)
    for name, lengths in buckets.items():
        if not lengths:
            continue
        chosen[name] = None
        for candidate in grid:
            coverage = sum(1 for n in lengths if n <= candidate) / len(lengths)
            if math.floor(coverage * needed[name] + 1e-9) >= 1:
                chosen[name] = candidate
                break
        answered = shortest_correct[name]
        if floor > 0 and answered and chosen[name] is not None:
            # The smallest candidate no shorter than `floor` times the longest per-prompt shortest correct answer.
            for candidate in grid:
                if candidate >= floor * max(answered) - 1e-9:
                    break
            chosen[name] = max(chosen[name], candidate)
    return chosen


@settings(max_examples=80, deadline=None)
@given(drawn=monitoring_batches(), scored=monitoring_batches(), floor=st.sampled_from([0.0, 0.3, 0.5, 0.9, 1.0]))
def test_targets_follow_the_rule_and_only_move_on_monitoring(drawn, scored, floor) -> None:
    rollouts, batch = drawn
    method = rewards.get("laser_d", prompt_floor=floor, absent_bucket="keep", **GRID)
    before = dict(method.targets)
    for step in range(0, 20):
        method.on_step(step)
        method.score(scored[1], step)
        assert not method.wants_monitoring(step)
    assert method.targets == before
    method.monitor(batch, 20)
    assert method.targets == reference_targets(batch, rollouts, before, floor)
