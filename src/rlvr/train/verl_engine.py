"""Engine `verl`: GRPO on Ray clusters with verl's `main_ppo`, rewards from `rlvr.engines.verl`.

rlvr writes the parquet data (`rlvr.tasks.rows.to_verl_row`), composes verl's own
`ppo_trainer` config with the recipe as Hydra overrides (so the saved file is exactly
what verl will run), and prints or runs `python -m verl.trainer.main_ppo ...`.
Multi-node runs set `verl.nnodes`; start the Ray cluster first (`ray start --head` on
one node, `ray start --address=...` on the others).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rlvr.engines.verl_metrics import HOOK_OVERRIDE
from rlvr.tasks.rows import to_verl_row
from rlvr.train.config import ConfigError, TrainConfig
from rlvr.train.data import make_mixture
from rlvr.train.heldout import recipe_heldout_problems

REWARD_MODULE = "pkg://rlvr.engines.verl"
REWARD_FUNCTION = "compute_score"
REWARD_MANAGER = "RlvrRewardManager"
MAX_PROMPT_TOKENS = 512
# verl's loss aggregation for each of rlvr's GRPO loss types.
LOSS_AGG = {"dapo": "token-mean", "bnpo": "token-mean", "grpo": "seq-mean-token-mean", "dr_grpo": "seq-mean-token-sum-norm",
            "cispo": "token-mean", "sapo": "token-mean"}


@dataclass
class VerlJob:
    """Everything a verl run needs: data files, the composed config and the command line."""

    train_file: Path
    val_file: Path
    config_file: Path
    overrides: list[str]
    env: dict[str, str] = field(default_factory=dict)

    def command(self) -> list[str]:
        return [sys.executable, "-m", "verl.trainer.main_ppo", *self.overrides]

    def shell_command(self) -> str:
        """The command as a copy-pasteable shell line, one override per line."""
        head = " ".join(shlex.quote(part) for part in self.command()[:3])
        return " \\\n    ".join([head, *(shlex.quote(o) for o in self.overrides)])


def write_parquet(config: TrainConfig, folder: Path) -> tuple[Path, Path]:
    """train.parquet from the training seed; val.parquet holds the trl engine's held-out problems."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    train = make_mixture(config)
    rows = [to_verl_row(p, i, config.system_prompt) for i, p in enumerate(train.generate(config.tasks.train_problems))]
    # verl needs at least one validation row, even where the recipe turns held-out evaluation off.
    held = recipe_heldout_problems(config, max(config.eval.problems, 1))
    val = [to_verl_row(p, i, config.system_prompt, split="test") for i, p in enumerate(held)]
    train_path, val_path = folder / "train.parquet", folder / "val.parquet"
    pq.write_table(pa.Table.from_pylist(rows), train_path)
    pq.write_table(pa.Table.from_pylist(val), val_path)
    return train_path, val_path


def reward_kwargs(config: TrainConfig, model_path: str) -> dict[str, Any]:
    """What verl hands rlvr's reward function or manager: the recipe's rewards and group size."""
    kwargs: dict[str, Any] = {"rewards": [[r.name, r.weight, dict(r.params)] for r in config.rewards],
                              "group_size": config.algorithm.group_size}
    if config.logging.analysis:
        kwargs["analysis"] = True  # per-response analysis/* values in verl's reward_extra_info
    if _pipeline(config).needs_lengths:
        kwargs["tokenizer"] = model_path  # lengths are counted in the policy's tokens
    return kwargs


def _pipeline(config: TrainConfig) -> Any:
    from rlvr.engines.pipeline import RewardPipeline

    return RewardPipeline([(r.name, r.weight, dict(r.params)) for r in config.rewards])


def needs_manager(config: TrainConfig) -> bool:
    """True when the rewards need whole groups or training steps (LASER-D, group penalties):
    verl's per-sample function never sees those, rlvr's reward manager does."""
    pipeline = _pipeline(config)
    return bool(pipeline.needs_group or getattr(pipeline, "stateful", False))


def hydra_overrides(config: TrainConfig, model_path: str, train_file: Path, val_file: Path) -> list[str]:
    """The recipe as overrides of verl's `ppo_trainer` config."""
    a, v = config.algorithm, config.verl
    prompts = a.prompts_per_step
    out = Path(config.output).resolve()
    overrides = [
        "algorithm.adv_estimator=grpo",
        f"algorithm.norm_adv_by_std_in_grpo={a.scale_rewards != 'none'}",
        "algorithm.use_kl_in_reward=False",
        f"data.train_files={train_file.resolve()}",
        f"data.val_files={val_file.resolve()}",
        f"data.train_batch_size={prompts}",
        f"data.max_prompt_length={MAX_PROMPT_TOKENS}",
        f"data.max_response_length={a.max_completion_tokens}",
        "data.filter_overlong_prompts=True",
        f"data.seed={config.tasks.seed}",
        f"actor_rollout_ref.model.path={model_path}",
        f"actor_rollout_ref.model.enable_gradient_checkpointing={a.gradient_checkpointing}",
        f"actor_rollout_ref.actor.optim.lr={a.learning_rate}",
        f"actor_rollout_ref.actor.optim.weight_decay={a.weight_decay}",
        f"actor_rollout_ref.actor.grad_clip={a.max_grad_norm}",
        f"actor_rollout_ref.actor.ppo_mini_batch_size={prompts}",
        f"actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu={max(1, prompts * a.group_size // (v.nnodes * v.gpus_per_node))}",
        f"actor_rollout_ref.actor.ppo_epochs={a.num_iterations}",
        f"actor_rollout_ref.actor.clip_ratio={a.epsilon}",
        f"actor_rollout_ref.actor.loss_agg_mode={LOSS_AGG[a.loss_type]}",
        f"actor_rollout_ref.actor.use_kl_loss={a.beta > 0}",
        f"actor_rollout_ref.actor.kl_loss_coef={a.beta}",
        f"actor_rollout_ref.rollout.name={v.rollout}",
        f"actor_rollout_ref.rollout.n={a.group_size}",
        f"actor_rollout_ref.rollout.temperature={a.temperature}",
        f"actor_rollout_ref.rollout.top_p={a.top_p}",
        f"actor_rollout_ref.rollout.gpu_memory_utilization={v.gpu_memory_utilization}",
        f"actor_rollout_ref.rollout.tensor_model_parallel_size={v.tensor_parallel_size}",
        f"actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu={max(1, prompts * a.group_size)}",
        f"actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu={max(1, prompts * a.group_size)}",
        f"reward.custom_reward_function.path={REWARD_MODULE}",
        f"reward.custom_reward_function.name={REWARD_FUNCTION}",
        f"+reward.custom_reward_function.reward_kwargs={_hydra_value(reward_kwargs(config, model_path))}",
        f"trainer.nnodes={v.nnodes}",
        f"trainer.n_gpus_per_node={v.gpus_per_node}",
        f"trainer.total_training_steps={config.budget.steps}",
        f"trainer.save_freq={config.checkpoint.every_steps or -1}",
        f"trainer.max_actor_ckpt_to_keep={config.checkpoint.keep}",
        f"trainer.test_freq={config.eval.every_steps or -1}",
        f"trainer.default_local_dir={out / 'checkpoints'}",
        "trainer.project_name=rlvr",
        f"trainer.experiment_name={config.name}",
        f"trainer.logger=[{','.join(['console', *config.logging.report_to])}]",
    ]
    if config.logging.analysis:
        # Ray runs rlvr's hook in verl's TaskRunner process, where it adds analysis/* to each training step's metrics.
        overrides.append(HOOK_OVERRIDE)
    if needs_manager(config):
        overrides += ["reward.reward_manager.source=importlib", f"reward.reward_manager.module.path={REWARD_MODULE}",
                      f"reward.reward_manager.name={REWARD_MANAGER}", "reward.num_workers=1"]
    if a.lora is not None:
        modules = "[" + ",".join(a.lora.target_modules) + "]"
        overrides += [f"actor_rollout_ref.model.lora_rank={a.lora.r}", f"actor_rollout_ref.model.lora_alpha={a.lora.alpha}",
                      f"actor_rollout_ref.model.target_modules={modules}"]
    return overrides + list(v.overrides)


def _hydra_value(value: Any) -> str:
    """A Python value as Hydra override grammar (lists, dicts, strings, numbers)."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{_hydra_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_hydra_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if value is None:
        return "null"
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def compose(overrides: list[str]) -> Any:
    """verl's `ppo_trainer` config with `overrides` applied (what `main_ppo` would run)."""
    try:
        import verl.trainer.main_ppo as main_ppo
        from hydra import compose as hydra_compose
        from hydra import initialize_config_dir
        from hydra.errors import HydraException
        from omegaconf.errors import OmegaConfBaseException
    except ImportError:
        raise ConfigError("engine verl needs verl: pip install 'rlvr[verl]'") from None
    folder = os.path.join(os.path.dirname(main_ppo.__file__), "config")
    try:
        with initialize_config_dir(config_dir=folder, version_base=None):
            return hydra_compose(config_name="ppo_trainer", overrides=overrides)
    except (HydraException, OmegaConfBaseException) as err:
        raise ConfigError(f"verl rejected the generated config (check verl.overrides): {err}") from None


def prepare_verl(config: TrainConfig, model_path: str | None = None) -> VerlJob:
    """Write data and the composed config into the output folder; return the job to run."""
    from omegaconf import OmegaConf

    out = Path(config.output)
    if model_path is None:
        from rlvr.models import resolve

        model_path = str(resolve(config.model))
    train_file, val_file = write_parquet(config, out / "data")
    overrides = hydra_overrides(config, model_path, train_file, val_file)
    composed = compose(overrides)
    config_file = out / "verl_config.yaml"
    OmegaConf.save(composed, config_file)
    (out / "verl_command.sh").write_text("#!/bin/sh\n" + " ".join(shlex.quote(x) for x in
                                         [sys.executable, "-m", "verl.trainer.main_ppo", *overrides]) + "\n",
                                         encoding="utf-8")
    return VerlJob(train_file=train_file, val_file=val_file, config_file=config_file, overrides=overrides)


def run_verl(job: VerlJob) -> int:
    """Run `main_ppo` (needs GPUs and a Ray cluster for more than one node); returns its exit code."""
    return subprocess.call(job.command(), env={**os.environ, **job.env})
