"""Real GRPO steps through TRL's GRPOTrainer on a tiny random model (CPU, seconds)."""

from __future__ import annotations

import json
import os
import re
import signal
from pathlib import Path

import pytest
from transformers import TrainerControl

from rlvr.models import load, resolve
from rlvr.train.callbacks import MetricsLog, RunCallback
from rlvr.train.config import ConfigError, load_config
from rlvr.train.trl_engine import train_trl

pytestmark = pytest.mark.train

SUMMARY = re.compile(r"^held-out accuracy: \d\.\d{3} -> \d\.\d{3}; mean response tokens: \d+\.\d -> \d+\.\d$")


def tiny_recipe(model_dir: Path, output: Path, *extra: str, recipe: str = "default"):
    return load_config(recipe, [
        f"model={model_dir}", f"output={output}", "threads=1",
        "budget.steps=2", "budget.minutes=null",
        "algorithm.group_size=2", "algorithm.prompts_per_step=2", "algorithm.max_completion_tokens=6",
        "tasks.train_problems=16", "eval.problems=3", "eval.every_steps=1", "checkpoint.every_steps=1",
        *extra,
    ])


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_two_grpo_steps_write_every_output(tiny_model_dir: Path, tmp_path: Path) -> None:
    result = train_trl(tiny_recipe(tiny_model_dir, tmp_path / "run"), show_progress=False)
    out = tmp_path / "run"
    assert result.steps == 2
    assert result.stop_reason == "reached 2 steps"
    step_rows = [r for r in rows(out / "metrics.jsonl") if "reward" in r]
    assert [r["step"] for r in step_rows] == [1, 2]
    assert all("rlvr/accuracy" in r and "completions/mean_length" in r for r in step_rows)
    assert all(r["completions/mean_length"] <= 6 for r in step_rows)
    held = [r for r in rows(out / "metrics.jsonl") if "heldout/accuracy" in r]
    assert [r["step"] for r in held] == [0, 1, 2]  # before, every step, after (the last step is not evaluated twice)
    for name in ("report.png", "report.md", "summary.json", "config.yaml", "heldout_before.json", "heldout_after.json"):
        assert (out / name).is_file(), name
    assert SUMMARY.match(result.summary_line())
    assert result.summary_line() in (out / "report.md").read_text()
    # The final model is a plain folder that rlvr eval (models.resolve/load) accepts.
    assert resolve(out) == out / "final"
    assert load(str(out), device="cpu").model.config.num_hidden_layers == 2


def test_resume_continues_from_the_last_checkpoint(tiny_model_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    train_trl(tiny_recipe(tiny_model_dir, out), show_progress=False)
    assert (out / "checkpoint-2").is_dir()
    with pytest.raises(ConfigError, match="already holds a run; pass --resume"):
        train_trl(tiny_recipe(tiny_model_dir, out), show_progress=False)
    result = train_trl(tiny_recipe(tiny_model_dir, out, "budget.steps=3"), resume=True, show_progress=False)
    assert result.steps == 3
    steps = [r["step"] for r in rows(out / "metrics.jsonl") if "reward" in r]
    assert steps == [1, 2, 3]  # no duplicated rows after the resume
    assert result.before is not None  # the starting model's numbers survive the resume


def test_laser_d_monitors_with_the_configured_rollouts(tiny_model_dir: Path, tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    recipe = tiny_recipe(
        tiny_model_dir, tmp_path / "run", "eval.problems=0", "checkpoint.every_steps=0",
        "tasks.monitor_problems=2", "tasks.monitor_rollouts=3",
        "rewards=[{name: laser_d, params: {monitor_every: 1, target_initial: 4, grid_lower: 2, grid_upper: 6, grid_step: 2}}]",
        recipe="laser_d",
    )
    with caplog.at_level("INFO", logger="rlvr.engines.trl"):
        train_trl(recipe, show_progress=False)
    # 2 monitoring prompts x 3 rollouts, not x group_size (2)
    assert "rlvr monitoring at step 1: 6 rollouts" in caplog.text
    monitored = [r for r in rows(tmp_path / "run" / "metrics.jsonl") if "rlvr/state/laser_d/last_monitor_step" in r]
    assert monitored and monitored[-1]["rlvr/state/laser_d/last_monitor_step"] == 1


def test_resume_without_checkpoint_is_a_clear_error(tiny_model_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no checkpoint-N folder"):
        train_trl(tiny_recipe(tiny_model_dir, tmp_path / "empty"), resume=True, show_progress=False)


def test_lora_and_curriculum(tiny_model_dir: Path, tmp_path: Path) -> None:
    recipe = tiny_recipe(tiny_model_dir, tmp_path / "run", "algorithm.lora={r: 2, alpha: 4, target_modules: [q_proj, v_proj]}",
                         "tasks.curriculum={start: 1, window: 2}", "algorithm.learning_rate=1e-3", "eval.every_steps=0")
    result = train_trl(recipe, show_progress=False)
    assert result.steps == 2
    logged = [r for r in rows(tmp_path / "run" / "metrics.jsonl") if "reward" in r]
    assert all("curriculum/arithmetic" in r for r in logged)
    assert (tmp_path / "run" / "checkpoint-2" / "rlvr_curriculum.json").is_file()
    # LoRA adapters are merged: the final folder is a plain model.
    assert (tmp_path / "run" / "final" / "config.json").is_file()
    assert not (tmp_path / "run" / "final" / "adapter_config.json").exists()


def test_ctrl_c_saves_and_stops_after_the_step(tmp_path: Path) -> None:
    callback = RunCallback(MetricsLog(tmp_path / "m.jsonl"), "rlvr", minutes=None)
    callback.install_interrupt()
    try:
        os.kill(os.getpid(), signal.SIGINT)
        control = TrainerControl()
        callback.on_step_end(None, None, control)
    finally:
        callback.remove_interrupt()
    assert control.should_training_stop and control.should_save
    assert callback.stop_reason == "interrupted"


def test_minutes_budget_stops_training(tmp_path: Path) -> None:
    callback = RunCallback(MetricsLog(tmp_path / "m.jsonl"), "rlvr", minutes=1e-9)
    control = TrainerControl()
    callback.on_step_end(None, None, control)
    assert control.should_training_stop
    assert "time budget" in callback.stop_reason


def test_demo_replaces_an_earlier_demo_and_ends_with_the_summary(tiny_model_dir: Path, tmp_path: Path) -> None:
    from rlvr.train.demo import run_demo

    out = tmp_path / "demo"
    extra = [f"model={tiny_model_dir}", "threads=1", "budget.steps=1", "budget.minutes=null", "algorithm.group_size=2",
             "algorithm.prompts_per_step=1", "algorithm.max_completion_tokens=4", "tasks.train_problems=4",
             "eval.problems=2", "checkpoint.every_steps=0"]
    first = run_demo(str(out), overrides=extra, show_progress=False)
    second = run_demo(str(out), overrides=extra, show_progress=False)  # no "already holds a run" error
    assert first.steps == second.steps == 1
    assert SUMMARY.match(second.summary_line())
    assert json.loads((out / "summary.json").read_text())["summary"] == second.summary_line()
