"""The registry, Combined and bad input: every mistake is a RewardError that says what to fix."""

from __future__ import annotations

import numpy as np
import pytest

from rlvr import rewards
from rlvr.rewards import RewardError, RolloutBatch


def test_every_method_is_documented_and_configurable_by_name() -> None:
    assert {"correct", "laser", "laser_d", "laser_de", "group_penalty", "l1_exact", "l1_max", "thinkprune",
            "efficiency", "cosine", "dapo_overlong", "truncation", "normalized_length", "format",
            "repetition"} <= set(rewards.names())
    for name in rewards.names():
        cls = rewards.method_class(name)
        assert cls.name == name and cls.source and cls.formula and cls.__doc__
        assert isinstance(rewards.get(name), rewards.RewardMethod)


def test_combined_components_weights_and_duplicate_names() -> None:
    b = RolloutBatch(correct=[1, 0], length=[100, 30_000], group=[0, 0], texts=["\\boxed{1}", "none"])
    combined = rewards.Combined([("laser", 1.0, {"target_length": 200}), ("format", 2.0), ("format", 0.5)])
    scores = combined.score(b)
    assert combined.weights == {"laser": 1.0, "format": 2.0, "format_2": 0.5}
    assert scores.components["laser"] == pytest.approx([1.5, -0.5])
    assert scores.components["format"] == pytest.approx([0.0, -0.1])
    assert scores.components["laser/length"] == pytest.approx([0.5, 0.0])
    assert scores.total == pytest.approx([1.5, -0.5 - 0.2 - 0.05])


def test_combined_refuses_to_count_correctness_twice() -> None:
    with pytest.raises(RewardError, match="correctness"):
        rewards.Combined([("correct", 1.0), ("laser_d", 1.0)])
    assert rewards.Combined([("correct", 1.0), ("laser_d", 1.0)], allow_double_correctness=True)


def test_recipes_build() -> None:
    for name in rewards.RECIPES:
        assert isinstance(rewards.recipe(name), rewards.Combined)
    with pytest.raises(RewardError, match="unknown recipe"):
        rewards.recipe("fastest")


def test_combined_passes_the_stateful_hooks_through() -> None:
    combined = rewards.Combined([("laser_d", 1.0, {"monitor_every": 5}), ("format", 1.0)])
    assert combined.wants_monitoring(0)  # LASER-D monitors before the first step
    combined.monitor(RolloutBatch.from_groups([[1, 1, 1]], [[5000, 5000, 5000]]), 0)
    assert combined.members["laser_d"].targets["easy"] == 5120
    assert combined.wants_monitoring(5) and not combined.wants_monitoring(4)
    combined.monitor(RolloutBatch.from_groups([[1, 1, 1]], [[10, 10, 10]]), 5)
    state = combined.state_dict()
    assert state["laser_d"]["targets"]["easy"] == 4096
    fresh = rewards.Combined([("laser_d", 1.0, {"monitor_every": 5}), ("format", 1.0)])
    fresh.load_state_dict(state)
    assert fresh.members["laser_d"].targets == combined.members["laser_d"].targets


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: rewards.get("laser_x"), "unknown reward method 'laser_x'"),
        (lambda: rewards.get("laser", alpah=0.5), "known parameters: target_length"),
        (lambda: rewards.get("laser", variant="both"), "variant must be one of"),
        (lambda: rewards.get("laser", alpha=-1), "alpha must be >= 0"),
        (lambda: rewards.get("dapo_overlong", max_length=100, cache_length=200), "must exceed cache_length"),
        (lambda: rewards.get("thinkprune", limits=[3000, 2000], stage_steps=[0]), "one stage step per limit"),
        (lambda: rewards.get("thinkprune", stage_steps=[5, 10, 20]), "must start at 0"),
        (lambda: rewards.get("laser_d", grid_lower=5000, grid_upper=4000), "grid_lower <= grid_upper"),
        (lambda: rewards.get("laser_d", coverage="some"), "coverage must be"),
        (lambda: rewards.get("format", answer_format="xml"), "answer_format must be one of"),
        (lambda: rewards.Combined([]), "non-empty list"),
        (lambda: rewards.Combined([("laser", "heavy")]), "weight of 'laser' must be a finite number"),
        (lambda: rewards.Combined([("laser",)]), "name_or_method, weight"),
        (lambda: RolloutBatch(correct=[1, 0], length=[3], group=[0, 0]), "equally long"),
        (lambda: RolloutBatch(correct=[1], length=[-3], group=[0]), ">= 0 tokens"),
        (lambda: RolloutBatch(correct=[2.0], length=[3], group=[0]), r"in \[0, 1\]"),
        (lambda: RolloutBatch(correct=[np.nan], length=[3], group=[0]), "finite"),
        (lambda: RolloutBatch(correct=[1], length=[3], group=[0], texts=["a", "b"]), "texts must have one entry"),
        (lambda: RolloutBatch(correct=[1], length=[3], group=[0], token_ids=[[1], [2]]), "token_ids must have one"),
        (lambda: rewards.get("format").score(RolloutBatch(correct=[1], length=[3], group=[0])), "needs RolloutBatch.texts"),
        (lambda: rewards.get("laser", alpha="big"), "alpha must be float"),
        (lambda: rewards.get("laser", target_length=True), "target_length must be int"),
        (lambda: rewards.get("thinkprune", limits=[1.5, 2]), "list of integers"),
        (lambda: RolloutBatch(correct=[1], length=[1.5], group=[0]), "whole token counts"),
        (lambda: RolloutBatch(correct=["yes"], length=[1], group=[0]), "correct must hold numbers"),
        (lambda: rewards.get("repetition").score(RolloutBatch(correct=[1], length=[3], group=[0])), "token_ids"),
    ],
)
def test_bad_input_raises_a_clear_reward_error(build, message: str) -> None:
    with pytest.raises(RewardError, match=message):
        build()
    assert issubclass(RewardError, ValueError)


def test_empty_batches_score_to_empty_arrays() -> None:
    empty = RolloutBatch(correct=[], length=[], group=[], token_ids=[], texts=[], target_length=[])
    for name in rewards.names():
        assert rewards.get(name).score(empty).total.shape == (0,)


def test_batches_accept_string_group_ids_and_whole_float_lengths() -> None:
    """verl hands over uid strings and lengths summed from float masks."""
    b = RolloutBatch(correct=[1, 0, 1, 1], length=[100.0, 300.0, 200.0, 200.0], group=["b7", "a1", "b7", "a1"])
    by_int = RolloutBatch(correct=[1, 0, 1, 1], length=[100, 300, 200, 200], group=[1, 0, 1, 0])
    method = rewards.get("group_penalty")
    assert method.score(b).total == pytest.approx(method.score(by_int).total)
    assert "alpha=0.5" in repr(rewards.get("laser"))
