"""rlvr train's live analysis: analysis/* metrics in TensorBoard and metrics.jsonl, samples files, alarms."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from rlvr.analysis.report import analyze
from rlvr.analysis.samples import parse_row, read_samples
from rlvr.engines.trl import RlvrReward
from rlvr.train.config import ConfigError, load_config
from rlvr.train.live import ALARMS, RATES, AnalysedReward, LiveAnalysis, StepSamples, metric_name, samples_path
from rlvr.train.trl_engine import TENSORBOARD_FOLDER, train_trl

SHARES = ("reflection", "verification", "backtracking", "subgoal_setting", "enumeration", "accuracy", "format_rate",
          "clip_ratio", "pass_at_k_s", "reward_at_k_s", "balance", "hacking_share")


def tiny_recipe(model_dir: Path, output: Path, *extra: str):
    return load_config("default", [
        f"model={model_dir}", f"output={output}", "threads=1", "budget.steps=2", "budget.minutes=null",
        "algorithm.group_size=2", "algorithm.prompts_per_step=2", "algorithm.max_completion_tokens=6",
        "tasks.train_problems=16", "eval.problems=0", "checkpoint.every_steps=0", *extra,
    ])


def step_rows(run: Path) -> list[dict]:
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines() if line.strip()]
    return [r for r in rows if "reward" in r]


def scalars(folder: Path) -> dict[str, dict[int, float]]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(folder))
    events.Reload()
    return {tag: {e.step: e.value for e in events.Scalars(tag)} for tag in events.Tags()["scalars"]}


@pytest.mark.train
def test_a_run_logs_every_analysis_metric_to_tensorboard_and_metrics_jsonl(tiny_model_dir: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    result = train_trl(tiny_recipe(tiny_model_dir, run, "logging.report_to=[tensorboard]"), show_progress=False)
    rows = step_rows(run)
    assert [r["step"] for r in rows] == [1, 2]
    assert list((run / TENSORBOARD_FOLDER).glob("events.out.tfevents.*")), "no TensorBoard event file"
    board = scalars(run / TENSORBOARD_FOLDER)
    for name in (*RATES, *(f"alarm_{a}" for a in ALARMS)):
        tag = f"train/{metric_name(name)}"  # transformers' reporter puts training logs under train/
        assert set(board.get(tag, {})) == {1, 2}, f"{tag} missing from TensorBoard"
        for row in rows:  # the same number in TensorBoard (float32) and metrics.jsonl
            assert board[tag][row["step"]] == pytest.approx(row[metric_name(name)], abs=1e-6), tag
    for row in rows:
        for name in SHARES:
            assert 0.0 <= row[metric_name(name)] <= 1.0, name
        assert 1 <= row["analysis/length_mean"] <= row["analysis/length_max"] <= 6
        assert row["analysis/length_median"] <= row["analysis/length_p90"] <= row["analysis/length_max"]
        # rlvr's numbers against TRL's own, computed independently from the same completions
        assert row["analysis/length_mean"] == pytest.approx(row["completions/mean_length"])
        assert row["analysis/clip_ratio"] == pytest.approx(row["completions/clipped_ratio"])
        assert row["analysis/accuracy"] == pytest.approx(row["rlvr/accuracy"])
        assert row["analysis/entropy"] == row["entropy"] > 0
        assert all(row[metric_name(f"alarm_{a}")] in (0.0, 1.0) for a in ALARMS)
    assert 0 < result.extra["analysis_cpu_seconds"] < result.extra["cpu_seconds"]

    # The samples files: what `rlvr analyze RUN` reads, giving the same per-step numbers.
    for step in (1, 2):
        records = [json.loads(line) for line in samples_path(run, step).read_text().splitlines()]
        assert len(records) == 4 and [r["group"] for r in records] == [0, 0, 1, 1]
        assert all(r["step"] == step and isinstance(r["prompt"], str) and r["length"] <= 6 for r in records)
    offline = analyze(read_samples(run))
    assert [s["step"] for s in offline["steps"]] == [1, 2]
    for live_row, offline_step in zip(rows, offline["steps"]):
        for name in RATES:
            if offline_step[name] is not None:
                assert live_row[metric_name(name)] == pytest.approx(offline_step[name]), name


@pytest.mark.train
def test_analysis_and_reporting_can_be_turned_off(tiny_model_dir: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    result = train_trl(tiny_recipe(tiny_model_dir, run, "logging.report_to=[]", "logging.analysis=false", "budget.steps=1"),
                       show_progress=False)
    assert not (run / TENSORBOARD_FOLDER).exists() and not (run / "samples").exists()
    assert not any(key.startswith("analysis/") and key != "analysis/entropy" for key in step_rows(run)[0])
    assert "analysis_cpu_seconds" not in result.extra


def test_recipe_logging_key_is_validated() -> None:
    with pytest.raises(ConfigError, match=r"logging\.report_to\[1\]: unknown backend 'tensorbord'"):
        load_config("default", ["logging.report_to=[wandb, tensorbord]"])
    with pytest.raises(ConfigError, match="logging.report_to lists a backend twice"):
        load_config("default", ["logging.report_to=[wandb, wandb]"])
    with pytest.raises(ConfigError, match="unknown backend 'dvclive' for engine verl"):
        load_config("default", ["engine=verl", "logging.report_to=[dvclive]"])
    with pytest.raises(ConfigError, match="logging.samples_every_steps must be >= 0"):
        load_config("default", ["logging.samples_every_steps=-1"])
    with pytest.raises(ConfigError, match="unknown key 'logging.sample_every'"):
        load_config("default", ["logging.sample_every=1"])
    config = load_config("default", ["logging.report_to=[]", "logging.samples_every_steps=5"])
    assert config.logging.report_to == [] and config.logging.samples_every_steps == 5 and config.logging.analysis


def step(n: int, *, responses: list[str], correct: list[bool], rewards: list[float] | None = None,
         groups: list[int] | None = None, reasons: list[str | None] | None = None) -> StepSamples:
    k = len(responses)
    groups = groups or [i // 2 for i in range(k)]
    return StepSamples(step=n, prompts=[f"problem {g}" for g in groups], responses=responses, correct=correct,
                       rewards=rewards or [float(c) for c in correct], groups=groups,
                       lengths=[len(r.split()) for r in responses], truncated=[False] * k, reasons=reasons)


def test_step_metrics_follow_the_samples(tmp_path: Path) -> None:
    live = LiveAnalysis(tmp_path, samples_every=2)
    # Prompt 0: two distinct correct answers; prompt 1: none correct.
    responses = ["Wait, let me verify: 2 + 2 = 4. The answer is \\boxed{4}.", "So \\boxed{4}.",
                 "The answer is \\boxed{5}.", "I think \\boxed{6}."]
    metrics = live.observe(step(1, responses=responses, correct=[True, True, False, False]))
    assert metrics["analysis/reflection"] == pytest.approx(0.25)
    assert metrics["analysis/verification"] == pytest.approx(0.25)
    assert metrics["analysis/accuracy"] == pytest.approx(0.5)
    assert metrics["analysis/pass_at_k_s"] == pytest.approx(0.5)       # one prompt of two solved
    assert metrics["analysis/distinct_correct"] == pytest.approx(1.0)  # (2 + 0) / 2
    assert metrics["analysis/balance"] == pytest.approx(0.25)          # prompt 0: min(2/4, 1) * 2/2; prompt 1: 0
    assert metrics["analysis/length_max"] == 13  # words of the first response (no token counts given)
    assert not samples_path(tmp_path, 1).exists()  # every 2nd step only
    live.observe(step(2, responses=responses, correct=[True, False, False, False]))
    records = [json.loads(line) for line in samples_path(tmp_path, 2).read_text().splitlines()]
    parsed = [parse_row(r, "x") for r in records]
    assert [p.correct for p in parsed] == [True, False, False, False] and parsed[0].step == 2
    assert live.steps == 2 and live.cpu_seconds > 0


def test_alarms_fire_warn_and_set_their_flag(caplog: pytest.LogCaptureFixture) -> None:
    live = LiveAnalysis(None)
    answers = ["The answer is \\boxed{4}."] * 8
    with caplog.at_level(logging.WARNING, logger="rlvr.analysis"):
        quiet = live.observe(step(1, responses=answers, correct=[True] * 8))
        hacked = live.observe(step(2, responses=answers, correct=[False] * 8, rewards=[1.0] * 8,
                                   reasons=["hacking"] * 2 + ["wrong-answer"] * 6))
    assert quiet["analysis/alarm_hacking"] == 0.0 and quiet["analysis/alarm_reward_divergence"] == 0.0
    assert hacked["analysis/hacking_share"] == pytest.approx(0.25) and hacked["analysis/alarm_hacking"] == 1.0
    assert hacked["analysis/reward_divergence"] == pytest.approx(1.0) and hacked["analysis/alarm_reward_divergence"] == 1.0
    warned = [r.getMessage() for r in caplog.records if "reward-hacking alarm" in r.getMessage()]
    assert len(warned) == 2 and "step 2" in warned[0]

    messages: list[str] = []
    console = LiveAnalysis(None, warn=messages.append)
    for n in (1, 2, 3):
        assert console.observe(step(n, responses=answers, correct=[True] * 8))["analysis/alarm_format_collapse"] == 0.0
    collapsed = console.observe(step(4, responses=["I cannot solve this."] * 8, correct=[False] * 8))
    assert collapsed["analysis/format_rate"] == 0.0 and collapsed["analysis/alarm_format_collapse"] == 1.0
    assert len(messages) == 1 and "format_collapse" in messages[0] and "step 4" in messages[0]


def test_analysed_reward_keeps_the_rewards_and_logs_the_step(tmp_path: Path) -> None:
    reward = RlvrReward("correct", num_generations=2)
    wrapped = AnalysedReward(reward, LiveAnalysis(tmp_path))
    assert wrapped.__name__ == reward.__name__ and wrapped.pipeline is reward.pipeline
    logged: dict[str, float] = {}

    class State:
        global_step = 4

    prompts = [[{"role": "user", "content": "What is 2 + 2?"}]] * 2 + [[{"role": "user", "content": "What is 3 + 3?"}]] * 2
    completions = [[{"role": "assistant", "content": text}] for text in ("\\boxed{4}", "\\boxed{5}", "\\boxed{6}", "\\boxed{6}")]
    totals = wrapped(prompts, completions, [[1, 2], [1, 2, 3], [1], [1]], answer=["4", "4", "6", "6"],
                     trainer_state=State(), log_metric=logged.__setitem__)
    assert totals == RlvrReward("correct", num_generations=2)(prompts, completions, [[1, 2], [1, 2, 3], [1], [1]],
                                                             answer=["4", "4", "6", "6"])
    assert logged["analysis/accuracy"] == pytest.approx(0.75) and logged["analysis/length_max"] == 3
    records = [json.loads(line) for line in samples_path(tmp_path, 5).read_text().splitlines()]
    assert [r["prompt"] for r in records] == ["What is 2 + 2?"] * 2 + ["What is 3 + 3?"] * 2
    assert [r["correct"] for r in records] == [True, False, True, True]


def test_verl_job_reports_and_analyses_as_the_recipe_says() -> None:
    from rlvr.train.verl_engine import hydra_overrides, reward_kwargs

    on = load_config("default", ["engine=verl", "logging.report_to=[tensorboard, wandb]"])
    assert "trainer.logger=[console,tensorboard,wandb]" in hydra_overrides(on, "model", Path("t.parquet"), Path("v.parquet"))
    assert reward_kwargs(on, "model")["analysis"] is True
    off = load_config("default", ["engine=verl", "logging.report_to=[]", "logging.analysis=false"])
    assert "trainer.logger=[console]" in hydra_overrides(off, "model", Path("t.parquet"), Path("v.parquet"))
    assert "analysis" not in reward_kwargs(off, "model")


def test_a_verdict_reason_decides_the_format_rate() -> None:
    from rlvr.analysis.report import summarize
    from rlvr.analysis.samples import Row

    # The task asked for \boxed{}: its checker said no-answer, though a bare number ends the text.
    assert summarize([Row(response="so the answer is 15", reason="no-answer")])["format_rate"] == 0.0
    assert summarize([Row(response="so the answer is 15")])["format_rate"] == 1.0
