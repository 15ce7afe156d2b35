"""Reward-hacking alarms fire on the signals they watch, and only then; each is logged."""

from __future__ import annotations

import logging

import pytest

from rlvr.analysis import AlarmConfig, AnalysisError, StepSignals, check_alarms


def _steps(**overrides: list[float]) -> list[StepSignals]:
    n = len(next(iter(overrides.values())))
    return [StepSignals(step=i, samples=32, **{k: v[i] for k, v in overrides.items()}) for i in range(n)]


def test_quiet_run_raises_nothing(caplog: pytest.LogCaptureFixture) -> None:
    steps = _steps(hacking_share=[0.0, 0.02, 0.0], divergence=[0.05, 0.1, 0.0], format_rate=[0.9, 0.85, 0.95])
    with caplog.at_level(logging.WARNING, logger="rlvr.analysis"):
        assert check_alarms(steps) == []
    assert not caplog.records


def test_hacking_share_fires_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="rlvr.analysis"):
        alarms = check_alarms(_steps(hacking_share=[0.0, 0.25]))
    assert [(a.step, a.name) for a in alarms] == [(1, "hacking")]
    assert "25% of responses screened as reward hacking" in caplog.text


def test_divergence_fires() -> None:
    alarms = check_alarms(_steps(divergence=[0.1, 0.5]))
    assert [(a.step, a.name) for a in alarms] == [(1, "reward_divergence")]


def test_format_collapse_fires_on_a_sudden_drop_not_on_a_steady_low() -> None:
    assert [a.step for a in check_alarms(_steps(format_rate=[0.9, 0.9, 0.95, 0.4]))] == [3]
    assert check_alarms(_steps(format_rate=[0.5, 0.45, 0.5, 0.48])) == []
    assert check_alarms(_steps(format_rate=[0.9, 0.7, 0.6, 0.5])) == []  # gradual: 0.1-0.2 per step


def test_format_floor_needs_a_window_above_it_first() -> None:
    # A base model that rarely formats hovers around the floor from the start (the demo: 25% then 19%).
    assert check_alarms(_steps(format_rate=[0.25, 0.19, 0.22])) == []
    # A slow slide from an established rate does cross it: too gradual for the drop rule.
    alarms = check_alarms(_steps(format_rate=[0.45, 0.35, 0.3, 0.25, 0.15]))
    assert [(a.step, a.name) for a in alarms] == [(4, "format_collapse")]
    assert "below the floor" in alarms[0].message


def test_thresholds_are_configurable_and_small_steps_are_ignored() -> None:
    steps = _steps(hacking_share=[0.1])
    assert check_alarms(steps, AlarmConfig(hacking_share=0.2)) == []
    assert check_alarms([StepSignals(0, samples=2, hacking_share=1.0)]) == []
    with pytest.raises(AnalysisError):
        AlarmConfig(divergence=2.0)


def test_tracker_counts_a_repeated_step_once_and_flags_only_that_step() -> None:
    from rlvr.analysis.alarms import ALARM_NAMES, AlarmTracker

    tracker = AlarmTracker()
    for step in (1, 2, 3):
        assert tracker.observe(StepSignals(step, 16, 0.0, 0.0, 0.9)) == []
    # step 4 collapses; observed twice (a resumed step), it must still be one entry and fire once
    first = tracker.observe(StepSignals(4, 16, 0.0, 0.0, 0.1))
    again = tracker.observe(StepSignals(4, 16, 0.0, 0.0, 0.1))
    assert [a.name for a in first] == [a.name for a in again] == ["format_collapse"]
    assert [s.step for s in tracker.history] == [1, 2, 3, 4]
    assert AlarmTracker.flags(again) == {name: float(name == "format_collapse") for name in ALARM_NAMES}
    # a later healthy step does not repeat step 4's alarm
    assert tracker.observe(StepSignals(5, 16, 0.0, 0.0, 0.9)) == []
