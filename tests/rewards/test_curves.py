"""The reward-against-length curves behind `rlvr rewards plot` and the docs."""

from __future__ import annotations

import numpy as np

from rlvr import rewards
from rlvr.rewards.curves import SYNTHETIC_GROUP_CORRECT, curves, suggested_max_len


def test_laser_curve_steps_down_at_the_target() -> None:
    right, wrong = curves(rewards.get("laser", target_length=1000), max_len=4000)
    assert (right.label, wrong.label) == ("correct", "incorrect")
    assert np.all(right.reward[right.length <= 1000] == 1.5)
    assert np.all(right.reward[right.length > 1000] == 1.0)
    assert np.all(wrong.reward == -0.5)


def test_group_curves_use_the_synthetic_group() -> None:
    right, _ = curves(rewards.get("group_penalty"), max_len=1000)
    # companions span 200..800 tokens; a plotted correct response at 0 extends the group's range to 0..800
    assert right.reward[0] == np.float64(1 + 0.4 * 0.5)
    assert sum(SYNTHETIC_GROUP_CORRECT) == 4


def test_check_methods_plot_passing_and_failing_responses() -> None:
    good, bad = curves(rewards.get("repetition"), max_len=2000)
    assert np.all(good.reward == 0.0)
    assert np.all(bad.reward[bad.length >= 256] == -0.5)


def test_suggested_range_covers_the_method_settings() -> None:
    assert suggested_max_len(rewards.get("dapo_overlong")) == int(1.25 * 20480)
    assert suggested_max_len(rewards.get("thinkprune")) == int(1.25 * 4096)
    assert suggested_max_len(rewards.get("correct")) == 16384
