"""idle_cores: how many torch threads `threads: null` gives, from a short CPU-use sample."""

from __future__ import annotations

import sys
import types

import pytest

from rlvr.train import trl_engine
from rlvr.train.trl_engine import idle_cores


def fake_psutil(monkeypatch: pytest.MonkeyPatch, percent: float) -> list[float]:
    windows: list[float] = []

    def cpu_percent(interval: float) -> float:
        windows.append(interval)
        return percent

    monkeypatch.setitem(sys.modules, "psutil", types.SimpleNamespace(cpu_percent=cpu_percent))
    return windows


@pytest.mark.parametrize(("percent", "expected"), [(0.0, 4), (24.0, 3), (50.0, 2), (90.0, 1), (100.0, 1)])
def test_counts_the_cores_other_work_leaves_free(monkeypatch: pytest.MonkeyPatch, percent: float, expected: int) -> None:
    monkeypatch.setattr(trl_engine.os, "cpu_count", lambda: 4)
    windows = fake_psutil(monkeypatch, percent)
    assert idle_cores(window_s=0.25) == expected
    assert windows == [0.25]


def test_a_stale_load_average_is_not_used_when_psutil_is_there(monkeypatch: pytest.MonkeyPatch) -> None:
    # Right after a job ends the 1-minute load average still counts it; the sampled CPU use does not.
    monkeypatch.setattr(trl_engine.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(trl_engine.os, "getloadavg", lambda: (1.9, 1.5, 1.0))
    fake_psutil(monkeypatch, 3.0)
    assert idle_cores() == 2


def test_falls_back_to_the_load_average_without_psutil(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trl_engine.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(trl_engine.os, "getloadavg", lambda: (1.2, 1.0, 1.0))
    monkeypatch.setitem(sys.modules, "psutil", None)
    assert idle_cores() == 1
