"""The live analysis is fed by the policy being trained: hostile completions must never stop training."""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

import pytest

from rlvr.analysis.samples import read_samples
from rlvr.train.live import MAX_ANALYSED_CHARS, LiveAnalysis, StepSamples, samples_path

CPU_LIMIT_S = 2.0  # generous: a bounded 1 MB response costs ~0.2 s of CPU here


def step(responses: list, rewards: list | None = None, number: int = 1) -> StepSamples:
    n = len(responses)
    return StepSamples(step=number, prompts=[f"p{i // 2}" for i in range(n)], responses=responses,
                       correct=[i % 2 == 0 for i in range(n)], rewards=rewards if rewards is not None else [1.0] * n,
                       groups=[i // 2 for i in range(n)], lengths=[10] * n)


def cpu_seconds(call) -> tuple[float, object]:
    start = time.process_time()
    out = call()
    return time.process_time() - start, out


@pytest.mark.parametrize("unit", ["\n", "." + "\n" * 7, "\n ", "case 1 case 2 ", "my ", "wait, recheck, however ",
                                  "\\boxed{", "<answer>", "1"])
def test_a_megabyte_response_costs_bounded_cpu(unit: str, tmp_path: Path) -> None:
    huge = unit * (1_000_000 // len(unit))
    live = LiveAnalysis(tmp_path)
    seconds, metrics = cpu_seconds(lambda: live.observe(step([huge, "Wait, let me verify. <answer>4</answer>"])))
    assert seconds < CPU_LIMIT_S, f"{seconds:.2f}s of CPU for a 1 MB response of {unit!r}"
    assert metrics["analysis/reflection"] == 1.0 if "wait" in unit else metrics["analysis/reflection"] >= 0.5
    # the samples file keeps the whole response
    assert len(read_samples(samples_path(tmp_path, 1))[0].response) == len(huge)


def test_only_the_head_and_tail_of_a_long_response_are_analysed(tmp_path: Path) -> None:
    middle = "x " * MAX_ANALYSED_CHARS
    live = LiveAnalysis(None)
    assert live.observe(step(["a " + middle + ". Wait, that is wrong."]))["analysis/backtracking"] == 1.0  # in the tail
    assert live.observe(step(["a " + middle + ". Wait, that is wrong." + middle], number=2))["analysis/backtracking"] == 0.0


def test_none_non_string_unicode_and_control_completions(tmp_path: Path) -> None:
    live = LiveAnalysis(tmp_path)
    responses = [None, 42, "\ud800 lone surrogate. Wait, no.", "\x00\x1b[31m\u202e control", "😀 ✓ verified", ""]
    metrics = live.observe(step(responses))
    assert metrics and all(v == v for v in metrics.values())   # no NaN
    rows = read_samples(samples_path(tmp_path, 1))
    assert [r.response for r in rows] == ["", "42", "\ud800 lone surrogate. Wait, no.", "\x00\x1b[31m\u202e control",
                                          "😀 ✓ verified", ""]
    assert live.failures == 0


def test_nan_and_infinite_rewards_are_unknown_not_nan_metrics(tmp_path: Path) -> None:
    live = LiveAnalysis(tmp_path)
    metrics = live.observe(step(["<answer>1</answer>"] * 4, rewards=[float("nan"), float("inf"), float("-inf"), 1.0]))
    assert all(v == v for v in metrics.values())
    assert metrics["analysis/reward_divergence"] == 1.0   # the one finite reward: 1.0 on a wrong answer
    lines = samples_path(tmp_path, 1).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["reward"] for line in lines] == [None, None, None, 1.0]  # strict JSON, no NaN


def test_empty_step_gives_no_metrics() -> None:
    assert LiveAnalysis(None).observe(step([])) == {}


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders")
def test_unwritable_samples_folder_is_one_warning_and_training_goes_on(tmp_path: Path, caplog) -> None:
    _read_only_case(tmp_path, caplog, lambda folder: folder.chmod(0o500))


def test_samples_path_that_cannot_be_a_folder_is_one_warning(tmp_path: Path, caplog) -> None:
    # "samples" is a file, so samples/step_*.jsonl cannot be written (a read-only folder, as root sees it)
    _read_only_case(tmp_path, caplog, lambda folder: (folder / "samples").write_text("not a folder"))


def _read_only_case(tmp_path: Path, caplog, spoil) -> None:
    run = tmp_path / "run"
    run.mkdir()
    spoil(run)
    live = LiveAnalysis(run)
    with caplog.at_level(logging.WARNING, logger="rlvr.analysis"):
        for number in (1, 2, 3):
            metrics = live.observe(step(["Wait, no. <answer>1</answer>", "<answer>2</answer>"], number=number))
            assert metrics["analysis/backtracking"] == 0.5   # the metrics still come every step
    warnings = [r.getMessage() for r in caplog.records if "cannot write" in r.getMessage()]
    assert len(warnings) == 1 and "no more samples files" in warnings[0]
    assert not list(run.rglob("*.partial"))


def test_a_failing_analysis_is_one_warning_per_kind_and_no_exception(caplog, monkeypatch) -> None:
    import rlvr.train.live as live_module

    def broken(rows, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(live_module, "summarize", broken)
    live = LiveAnalysis(None)
    with caplog.at_level(logging.WARNING, logger="rlvr.analysis"):
        assert live.observe(step(["a"])) == {} and live.observe(step(["b"], number=2)) == {}
    assert live.failures == 2
    assert sum("skipped step" in r.getMessage() for r in caplog.records) == 1
