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

FIGURE = r"(\d\.\d{3}|n/a)"
SUMMARY = re.compile(r"^held-out accuracy: \d\.\d{3} -> \d\.\d{3}; format rate: \d\.\d{3} -> \d\.\d{3}; "
                     rf"accuracy among formatted answers: {FIGURE} -> {FIGURE}; "
                     r"mean response tokens: \d+\.\d -> \d+\.\d$")


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


# A random tiny model never answers, so a correctness reward gives every completion the same score and GRPO no
# gradient; DAPO's overlong penalty at a 48-token limit scores length alone, which the random model's early
# end-of-turn tokens vary.
LENGTH_REWARD = ("algorithm.max_completion_tokens=48", "algorithm.group_size=4",
                 "rewards=[{name: dapo_overlong, params: {max_length: 49, cache_length: 48}}]",
                 "algorithm.learning_rate=1e-3")

# Keys whose values are clock readings; everything else a run logs must repeat exactly.
CLOCK_KEYS = ("elapsed_s", "step_time")


def _figures(path: Path) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in CLOCK_KEYS} for row in rows(path)]


def test_same_seeds_give_the_same_numbers(tiny_model_dir: Path, tmp_path: Path) -> None:
    """The demo's promise: fixed steps, seeds and threads reproduce every logged figure and the weights."""
    import torch
    from safetensors.torch import load_file

    results = [train_trl(tiny_recipe(tiny_model_dir, tmp_path / name, *LENGTH_REWARD), show_progress=False)
               for name in ("a", "b")]
    assert results[0].summary_line() == results[1].summary_line()
    first, second = _figures(tmp_path / "a" / "metrics.jsonl"), _figures(tmp_path / "b" / "metrics.jsonl")
    assert len(first) >= 5 and first == second
    weights = [load_file(str(tmp_path / name / "final" / "model.safetensors")) for name in ("a", "b")]
    assert weights[0].keys() == weights[1].keys()
    assert all(torch.equal(weights[0][k], weights[1][k]) for k in weights[0])
    # ... and training did move them, so the equality above is not that of two untouched copies.
    start = load(str(tiny_model_dir), device="cpu").model.state_dict()
    assert any(not torch.equal(start[k], weights[0][k]) for k in weights[0] if k in start)


def test_micro_batches_accumulate_to_the_whole_batch_step(tiny_model_dir: Path, tmp_path: Path) -> None:
    """algorithm.micro_batch bounds the memory of the loss's forward/backward (its activations grow with the
    completions in one pass) without changing the step: same samples, same rewards, same update up to float
    rounding."""
    import torch
    from safetensors.torch import load_file

    common = (*LENGTH_REWARD, "budget.steps=1", "eval.problems=0")
    whole = train_trl(tiny_recipe(tiny_model_dir, tmp_path / "whole", *common, "algorithm.micro_batch=null"),
                      show_progress=False)
    micro = train_trl(tiny_recipe(tiny_model_dir, tmp_path / "micro", *common, "algorithm.micro_batch=2"),
                      show_progress=False)
    assert whole.steps == micro.steps == 1
    logged = [[r for r in rows(tmp_path / name / "metrics.jsonl") if "reward" in r][0] for name in ("whole", "micro")]
    for key in ("reward", "completions/mean_length", "rlvr/accuracy"):
        assert logged[0][key] == logged[1][key], key
    a = load_file(str(tmp_path / "whole" / "final" / "model.safetensors"))
    b = load_file(str(tmp_path / "micro" / "final" / "model.safetensors"))
    start = load(str(tiny_model_dir), device="cpu").model.state_dict()
    moved = [k for k in a if k in start and not torch.allclose(start[k], a[k], atol=1e-6)]
    assert moved  # the step changed weights, so agreeing below is a real check
    for key in moved:
        assert torch.allclose(a[key], b[key], atol=1e-5, rtol=1e-4), key
