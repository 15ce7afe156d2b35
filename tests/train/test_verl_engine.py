"""The verl engine: parquet data, verl's own composed config, and verl's own reward loading calling rlvr."""

from __future__ import annotations

from pathlib import Path

import pytest


pytestmark = pytest.mark.verl


def _prepare(name: str, tmp_path: Path, model_dir: Path, *extra: str):
    from rlvr.train.config import load_config
    from rlvr.train.verl_engine import prepare_verl

    config = load_config(name, [f"output={tmp_path / name}", "engine=verl", "tasks.train_problems=6",
                                "eval.problems=3", "verl.nnodes=2", "verl.gpus_per_node=4", *extra])
    return config, prepare_verl(config, model_path=str(model_dir))


def test_verl_loads_rlvr_reward_and_scores_right(tmp_path: Path, tiny_model_dir: Path) -> None:
    import pyarrow.parquet as pq
    from omegaconf import OmegaConf
    from verl.trainer.ppo.reward import get_custom_reward_fn

    config, job = _prepare("default", tmp_path, tiny_model_dir)
    composed = OmegaConf.load(job.config_file)
    assert composed.trainer.nnodes == 2 and composed.trainer.n_gpus_per_node == 4
    assert composed.actor_rollout_ref.rollout.n == config.algorithm.group_size
    assert composed.actor_rollout_ref.model.path == str(tiny_model_dir)
    assert composed.algorithm.adv_estimator == "grpo"
    rows = pq.read_table(job.train_file).to_pylist()
    val = pq.read_table(job.val_file).to_pylist()
    assert len(rows) == 6 and len(val) == 3
    # verl validates on exactly the trl engine's held-out problems.
    from rlvr.train.heldout import recipe_heldout_problems

    assert [r["extra_info"]["id"] for r in val] == [p.id for p in recipe_heldout_problems(config)]
    assert {r["extra_info"]["split"] for r in val} == {"test"}
    assert rows[0]["data_source"] == "rlvr/arithmetic"

    score = get_custom_reward_fn(composed)  # verl's own loader, on the generated config
    row = rows[0]
    gold = row["reward_model"]["ground_truth"]
    right = score(row["data_source"], f"So the sum is \\boxed{{{gold}}}", gold, row["extra_info"])
    wrong = score(row["data_source"], f"\\boxed{{{int(gold) + 1}}}", gold, row["extra_info"])
    unboxed = score(row["data_source"], f"The answer is {gold}", gold, row["extra_info"])
    assert right["score"] == pytest.approx(1.0) and right["acc"] == 1.0
    assert wrong["score"] == pytest.approx(0.0) and wrong["acc"] == 0.0
    assert unboxed["score"] == pytest.approx(-0.2)  # the recipe's format penalty


def test_group_rewards_use_rlvr_reward_manager(tmp_path: Path, tiny_model_dir: Path) -> None:
    from omegaconf import OmegaConf

    _, job = _prepare("laser_d", tmp_path, tiny_model_dir)
    composed = OmegaConf.load(job.config_file)
    assert composed.reward.reward_manager.source == "importlib"
    assert composed.reward.reward_manager.name == "RlvrRewardManager"
    assert composed.reward.custom_reward_function.reward_kwargs.tokenizer == str(tiny_model_dir)
    from verl.trainer.ppo.reward import resolve_reward_manager_cls

    from rlvr.engines.verl import RlvrRewardManager

    assert resolve_reward_manager_cls(composed) is RlvrRewardManager


def test_command_and_bad_overrides(tmp_path: Path, tiny_model_dir: Path) -> None:
    from rlvr.train.config import ConfigError

    _, job = _prepare("default", tmp_path, tiny_model_dir, "algorithm.lora={r: 8}")
    command = job.shell_command()
    assert command.splitlines()[0].endswith("-m verl.trainer.main_ppo \\")
    assert "actor_rollout_ref.model.lora_rank=8" in command
    assert (tmp_path / "default" / "verl_command.sh").is_file()
    with pytest.raises(ConfigError, match="verl rejected the generated config"):
        _prepare("default", tmp_path / "x", tiny_model_dir, "verl.overrides=[trainer.no_such_key=1]")
    # verl 0.9 has no HF rollout: refused before anything is written, not after Ray starts.
    with pytest.raises(ConfigError, match="verl 0.9 generates only with vllm or sglang"):
        _prepare("default", tmp_path / "hf", tiny_model_dir, "verl.rollout=hf")
    assert not (tmp_path / "hf").exists()


def test_val_parquet_holds_distinct_heldout_problems(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from rlvr.train.config import load_config
    from rlvr.train.verl_engine import write_parquet

    config = load_config("default", [f"output={tmp_path / 'run'}", "engine=verl", "tasks.train_problems=4",
                                     "eval.problems=100"])
    _, val_file = write_parquet(config, tmp_path / "data")
    prompts = [row["prompt"][-1]["content"] for row in pq.read_table(val_file).to_pylist()]
    assert len(prompts) == len(set(prompts)) == 100  # every single-digit sum once


def test_analysis_hook_is_in_the_command_and_config(tmp_path: Path, tiny_model_dir: Path) -> None:
    from omegaconf import OmegaConf

    from rlvr.engines.verl_metrics import HOOK, HOOK_OVERRIDE

    _, job = _prepare("default", tmp_path, tiny_model_dir)
    assert HOOK_OVERRIDE in job.overrides and HOOK_OVERRIDE in job.shell_command()
    assert HOOK_OVERRIDE in (tmp_path / "default" / "verl_command.sh").read_text(encoding="utf-8")
    composed = OmegaConf.load(job.config_file)
    assert composed.ray_kwargs.ray_init.runtime_env.worker_process_setup_hook == HOOK
    assert composed.reward.custom_reward_function.reward_kwargs.analysis is True
    _, off = _prepare("default", tmp_path / "off", tiny_model_dir, "logging.analysis=false")
    assert not any("worker_process_setup_hook" in o for o in off.overrides)


def test_analysis_hook_reaches_verls_task_runner_process(tmp_path: Path, tiny_model_dir: Path) -> None:
    """verl's own run_ppo starts Ray from the generated config; its TaskRunner actor (here a probe in its
    place, created exactly as verl creates TaskRunner) finds verl's trainer metrics wrapped by rlvr."""
    import json
    import os

    import ray
    from omegaconf import OmegaConf
    from verl.trainer.main_ppo import run_ppo

    assert not ray.is_initialized()
    _, job = _prepare("default", tmp_path, tiny_model_dir)
    config = OmegaConf.load(job.config_file)
    config.ray_kwargs.ray_init.num_cpus = 1
    report = tmp_path / "probe.json"

    @ray.remote
    class Probe:  # verl's TaskRunner interface: created with no arguments, then run(config)
        def run(self, config):
            from rlvr.engines.verl_metrics import installed

            report.write_text(json.dumps({"pid": os.getpid(), **installed()}), encoding="utf-8")

    try:
        run_ppo(config, task_runner_class=Probe)
    finally:
        ray.shutdown()
    seen = json.loads(report.read_text(encoding="utf-8"))
    assert seen["pid"] != os.getpid()   # another process: a Ray worker
    assert seen["v1"] and seen["v0"]    # both trainers' metric entry points carry the analysis there
