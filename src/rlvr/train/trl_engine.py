"""Engine `trl`: GRPO on one machine (CPU or GPU) with TRL's GRPOTrainer and rlvr's rewards.

rlvr only wires things together: the recipe becomes a `GRPOConfig`, the task mixture a
dataset of TRL rows, the rewards `rlvr.engines.trl.RlvrReward` (plus its callback for
stateful methods such as LASER-D). The RL loop itself is TRL's.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from rlvr.engines.tools import DEFAULT_MAX_CALLS, trl_tools
from rlvr.engines.trl import STATE_FILE, RlvrReward
from rlvr.models import LoadedModel, latest_checkpoint, load
from rlvr.train.allocator import return_freed_memory
from rlvr.train.callbacks import CurriculumCallback, HeldoutCallback, MetricsLog, RunCallback
from rlvr.train.config import ConfigError, TrainConfig, dump_yaml, load_config
from rlvr.train.data import make_curriculum, monitor_rows, train_dataset
from rlvr.train.heldout import Heldout, accuracy_among_formatted, headline
from rlvr.train.live import AnalysedReward, LiveAnalysis
from rlvr.train.progress import training_bar
from rlvr.train.report import write_report
from rlvr.train.result import RunResult

REWARD_NAME = "rlvr"
FINAL_FOLDER = "final"
METRICS_FILE = "metrics.jsonl"
TENSORBOARD_FOLDER = "tensorboard"
CONFIG_FILE = "config.yaml"


class CurriculumReward(RlvrReward):
    """rlvr's TRL reward that also reports each verdict to the curriculum."""

    def __init__(self, *args: Any, curriculum: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.curriculum = curriculum

    def __call__(self, prompts: Any, completions: Any, completion_ids: Any = None, **kwargs: Any) -> list[float]:
        totals = super().__call__(prompts, completions, completion_ids, **kwargs)
        tasks = kwargs.get("task") or []
        if self.last is not None:
            for task, verdict in zip(tasks, self.last.verdicts):
                self.curriculum.update(task, verdict.correct)
        return totals


def reward_spec(config: TrainConfig) -> list[tuple[str, float, dict[str, Any]]]:
    """The recipe's rewards as (name, weight, params) members for rlvr's reward pipeline."""
    return [(r.name, r.weight, dict(r.params)) for r in config.rewards]


def set_threads(config: TrainConfig) -> int:
    """Pin torch's CPU threads: the recipe's `threads`, else the cores not already busy.

    On a loaded machine, OpenMP threads that wait on each other at every barrier make
    2 threads several times slower than 1, so `threads: null` leaves busy cores alone.
    """
    import torch

    threads = config.threads or idle_cores()
    torch.set_num_threads(threads)
    return threads


def idle_cores(window_s: float = 1.0) -> int:
    """Cores not taken by other processes, at least 1.

    Measured as the machine's CPU use over `window_s` seconds while this process sleeps, so
    neither this process's own earlier work nor a job that has just ended counts (the 1-minute
    load average, the fallback without psutil, includes both).
    """
    cores = os.cpu_count() or 1
    try:
        import psutil

        busy = psutil.cpu_percent(interval=window_s) / 100.0 * cores
    except ImportError:
        try:
            busy = os.getloadavg()[0]
        except OSError:
            return cores
    return max(1, min(cores, int(cores - busy + 0.5)))


def grpo_args(config: TrainConfig, on_gpu: bool) -> Any:
    """The `GRPOConfig` for a recipe."""
    import torch
    from trl import GRPOConfig

    a = config.algorithm
    completions_per_step = a.prompts_per_step * a.group_size
    micro = a.micro_batch or completions_per_step
    use_bf16 = on_gpu and a.dtype in ("auto", "bfloat16") and torch.cuda.is_bf16_supported()
    every = config.checkpoint.every_steps
    return GRPOConfig(
        output_dir=config.output,
        seed=config.seed,
        data_seed=config.tasks.seed,
        max_steps=config.budget.steps,
        # One generation of all the step's completions, then the loss over micro-batches of them, gradients
        # accumulated: TRL splits the generation batch (steps_per_generation = gradient_accumulation_steps).
        per_device_train_batch_size=micro,
        gradient_accumulation_steps=completions_per_step // micro,
        num_generations=a.group_size,
        max_completion_length=a.max_completion_tokens,
        temperature=a.temperature,
        top_p=a.top_p,
        learning_rate=a.learning_rate,
        lr_scheduler_type=a.lr_scheduler,
        warmup_steps=a.warmup_steps,
        weight_decay=a.weight_decay,
        max_grad_norm=a.max_grad_norm,
        beta=a.beta,
        epsilon=a.epsilon,
        loss_type=a.loss_type,
        scale_rewards=a.scale_rewards,
        num_iterations=a.num_iterations,
        mask_truncated_completions=a.mask_truncated_completions,
        gradient_checkpointing=a.gradient_checkpointing,
        bf16=use_bf16,
        use_cpu=not on_gpu,
        logging_steps=1,
        save_strategy="steps" if every > 0 else "no",
        save_steps=max(every, 1),
        save_total_limit=config.checkpoint.keep,
        report_to=list(config.logging.report_to) or "none",
        disable_tqdm=True,
        dataloader_num_workers=0,
        remove_unused_columns=False,
        log_completions=False,
        max_tool_calling_iterations=DEFAULT_MAX_CALLS if config.tools else None,
    )


def peft_config(config: TrainConfig) -> Any:
    """peft's LoraConfig for `algorithm.lora`, or None for full fine-tuning."""
    lora = config.algorithm.lora
    if lora is None:
        return None
    from peft import LoraConfig

    return LoraConfig(r=lora.r, lora_alpha=lora.alpha, lora_dropout=lora.dropout,
                      target_modules=list(lora.target_modules), task_type="CAUSAL_LM")


def apply_freeze(model: Any, config: TrainConfig) -> list[str]:
    """Freeze the token embedding and the first `algorithm.freeze_layers` blocks (rlvr.ilo.freeze); returns their names."""
    count = config.algorithm.freeze_layers
    if count == 0:
        return []
    from rlvr.ilo.freeze import freeze_first_layers

    try:
        names = freeze_first_layers(model, count)
    except ValueError as err:
        raise ConfigError(f"algorithm.freeze_layers: {err}") from None
    if config.algorithm.gradient_checkpointing:
        # With a frozen embedding nothing before the first checkpoint needs a gradient, and reentrant
        # checkpointing would then drop the gradients of every block after it.
        model.enable_input_require_grads()
    return names


def train_trl(config: TrainConfig, *, resume: bool = False, console: Console | None = None,
              loaded: LoadedModel | None = None, show_progress: bool = True) -> RunResult:
    """Run a recipe with GRPOTrainer; returns where everything was written and the held-out numbers."""
    import torch
    from trl import GRPOTrainer

    console = console or Console(stderr=True)
    wall_start = time.monotonic()
    cpu_start = time.process_time()
    output = Path(config.output)
    checkpoint = _resume_point(output) if resume else None
    if resume:
        check_resume_config(output, config)
    if not resume and output.exists() and any(output.iterdir()):
        _refuse_to_overwrite(output)
    output.mkdir(parents=True, exist_ok=True)
    (output / CONFIG_FILE).write_text(dump_yaml(config), encoding="utf-8")
    set_threads(config)
    on_gpu = torch.cuda.is_available()
    if not on_gpu:
        return_freed_memory()  # else freed activations stay resident: ~0.4 GB more each step (rlvr.train.allocator)

    dtype = "float32" if config.algorithm.dtype == "auto" else config.algorithm.dtype
    loaded = loaded or load(config.model, dtype=dtype)
    model, tokenizer = loaded.model, loaded.tokenizer
    apply_freeze(model, config)
    # Before the held-out set is built, so evaluations before and after use the same chat template.
    tools = trl_tools(config.tools, tokenizer)
    heldout = Heldout(config, tokenizer)
    metrics = MetricsLog(output / METRICS_FILE, resume_from_step=_step_of(checkpoint))

    before = before_among = None
    if heldout.enabled:
        if checkpoint is None:
            console.print(f"held-out evaluation of the starting model ({len(heldout.problems)} problems)...")
            evaluated = heldout.run(model)
            before, before_among = evaluated.overall, accuracy_among_formatted(evaluated)
            metrics.append({"step": 0, **{f"heldout/{k}": v for k, v in headline(evaluated).items()}})
            _save_summary(output / "heldout_before.json", before, before_among)
        else:
            before, before_among = _load_summary(output / "heldout_before.json")

    curriculum = make_curriculum(config)
    reward_options: dict[str, Any] = {"num_generations": config.algorithm.group_size, "tokenizer": tokenizer,
                                      "max_completion_length": config.algorithm.max_completion_tokens,
                                      "name": REWARD_NAME}
    reward = (CurriculumReward(reward_spec(config), curriculum=curriculum, **reward_options) if curriculum
              else RlvrReward(reward_spec(config), **reward_options))
    reward_callback = reward.callback(
        monitor_rows=monitor_rows(config), rollouts=config.tasks.monitor_rollouts or config.algorithm.group_size,
        max_new_tokens=config.algorithm.max_completion_tokens, temperature=config.algorithm.temperature,
        batch_size=max(config.algorithm.group_size, 8),
    )
    if checkpoint is not None and (checkpoint / STATE_FILE).exists():
        reward_callback.load_checkpoint(str(checkpoint))
    live = None
    if config.logging.analysis:
        live = LiveAnalysis(output, samples_every=config.logging.samples_every_steps,
                            warn=lambda message: console.print(f"[yellow]warning: {message}[/yellow]"))
        reward = AnalysedReward(reward, live)

    with training_bar(console, config.budget.steps, enabled=show_progress) as (bar, task_id):
        run_callback = RunCallback(metrics, REWARD_NAME, config.budget.minutes, bar, task_id)
        # Order matters: callbacks that add to the logs run before the one that writes them.
        callbacks: list[Any] = [reward_callback]
        if curriculum is not None:
            curriculum_callback = CurriculumCallback(curriculum)
            if checkpoint is not None:
                curriculum_callback.load_checkpoint(checkpoint)
            callbacks.append(curriculum_callback)
        callbacks.append(run_callback)
        if heldout.enabled and config.eval.every_steps > 0:
            callbacks.append(HeldoutCallback(config.eval.every_steps, heldout.metrics, metrics))
        trainer = GRPOTrainer(
            model=model,
            reward_funcs=[reward],
            args=grpo_args(config, on_gpu),
            train_dataset=train_dataset(config, curriculum),
            processing_class=tokenizer,
            callbacks=callbacks,
            peft_config=peft_config(config),
            tools=tools or None,
        )
        trainer.remove_callback(_printer_callback())
        _tensorboard_into(trainer, output / TENSORBOARD_FOLDER)
        run_callback.install_interrupt()
        train_start = time.monotonic()
        train_cpu_start = time.process_time()
        try:
            trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None)
        finally:
            run_callback.remove_interrupt()
        train_seconds = time.monotonic() - train_start
        # CPU time of all this process's threads: what the training cost, whatever else ran on the machine.
        train_cpu_seconds = time.process_time() - train_cpu_start

    steps = int(trainer.state.global_step)
    stop_reason = run_callback.stop_reason or f"reached {config.budget.steps} steps"
    final = save_final(trainer, tokenizer, output / FINAL_FOLDER)
    policy = trainer.model
    after = after_among = None
    if heldout.enabled:
        console.print(f"held-out evaluation of the trained model ({len(heldout.problems)} problems)...")
        evaluated = heldout.run(getattr(policy, "module", policy))
        after, after_among = evaluated.overall, accuracy_among_formatted(evaluated)
        metrics.append({"step": steps, **{f"heldout/{k}": v for k, v in headline(evaluated).items()}})
        _save_summary(output / "heldout_after.json", after, after_among)
    result = RunResult(output=output, final_model=final, steps=steps, stop_reason=stop_reason,
                       train_seconds=train_seconds, wall_seconds=time.monotonic() - wall_start,
                       before=before, after=after, before_formatted_accuracy=before_among,
                       after_formatted_accuracy=after_among,
                       extra={"device": "cuda" if on_gpu else "cpu", "threads": torch.get_num_threads(),
                              "recipe": config.name, "cpu_seconds": train_cpu_seconds,
                              "cpu_seconds_whole_run": time.process_time() - cpu_start})
    if live is not None:
        result.extra["analysis_cpu_seconds"] = live.cpu_seconds
    result.extra.update(_throughput(metrics.rows, config, train_seconds))
    write_report(result, metrics.rows, config)
    result.write()
    return result


def save_final(trainer: Any, tokenizer: Any, folder: Path) -> Path:
    """Save the trained policy as a plain model folder (LoRA adapters merged in)."""
    model = getattr(trainer.model, "module", trainer.model)
    if hasattr(model, "merge_and_unload"):
        model = model.merge_and_unload()
    if folder.exists():
        shutil.rmtree(folder)
    model.save_pretrained(str(folder), safe_serialization=True)
    tokenizer.save_pretrained(str(folder))
    return folder


def _throughput(rows: list[dict[str, Any]], config: TrainConfig, seconds: float) -> dict[str, float]:
    """Completion tokens sampled per second of training (held-out evaluation included), from the step logs."""
    steps = [r for r in rows if "completions/mean_length" in r]
    if not steps or seconds <= 0:
        return {}
    per_step = config.algorithm.prompts_per_step * config.algorithm.group_size
    tokens = sum(r["completions/mean_length"] * per_step for r in steps)
    return {"completion_tokens_per_s": tokens / seconds, "seconds_per_step": seconds / len(steps)}


def _tensorboard_into(trainer: Any, folder: Path) -> None:
    """Point transformers' TensorBoard reporter at the run's `tensorboard/` folder.

    Its default is a dated folder under `runs/`, and its only other setting is the process-wide
    TENSORBOARD_LOGGING_DIR variable; the callback reads `logging_dir` when training begins.
    """
    from transformers.integrations import TensorBoardCallback

    for callback in trainer.callback_handler.callbacks:
        if isinstance(callback, TensorBoardCallback) and callback.logging_dir is None:
            callback.logging_dir = str(folder)


def _printer_callback() -> Any:
    from transformers.trainer_callback import PrinterCallback

    # The rich bar replaces transformers' own printing of every log dict.
    return PrinterCallback


def _resume_point(output: Path) -> Path:
    checkpoint = latest_checkpoint(output)
    if checkpoint is None:
        raise ConfigError(f"--resume: no checkpoint-N folder in {output}; start without --resume")
    return checkpoint


# A resumed run may get a new budget (that is what resuming is for) and run on other threads;
# anything else changed would silently make the two stages different experiments.
RESUME_MAY_CHANGE = ("budget", "threads", "output", "logging")


def check_resume_config(output: Path, config: TrainConfig) -> None:
    """Refuse to resume a run under settings other than those it was started with (budget aside)."""
    saved_path = output / CONFIG_FILE
    if not saved_path.exists():
        return
    saved = load_config(str(saved_path), []).to_dict()
    current = config.to_dict()
    changed = sorted(key for key in set(saved) | set(current)
                     if key not in RESUME_MAY_CHANGE and saved.get(key) != current.get(key))
    if changed:
        details = "; ".join(f"{key}: {saved.get(key)!r} -> {current.get(key)!r}" for key in changed)
        raise ConfigError(f"--resume: {output} was started with other settings ({details}); resume it with the "
                          f"settings in {saved_path} (only budget and threads may change), or start a new run")


def _step_of(checkpoint: Path | None) -> int | None:
    return None if checkpoint is None else int(checkpoint.name.split("-")[-1])


def _refuse_to_overwrite(output: Path) -> None:
    if (output / CONFIG_FILE).exists() or latest_checkpoint(output) is not None:
        raise ConfigError(f"{output} already holds a run; pass --resume to continue it, or choose another output "
                          "(--output or `output:` in the recipe)")


# heldout_*.json: the overall Summary's fields plus this one (absent in runs from before it existed).
AMONG_FORMATTED_KEY = "accuracy_among_formatted"


def _save_summary(path: Path, summary: Any, among_formatted: float | None) -> None:
    import json

    data = {**summary.to_dict(), AMONG_FORMATTED_KEY: among_formatted}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _load_summary(path: Path) -> tuple[Any, float | None]:
    import json

    from rlvr.train.result import summary_from_dict

    if not path.exists():
        return None, None
    data = json.loads(path.read_text(encoding="utf-8"))
    among = data.pop(AMONG_FORMATTED_KEY, None)
    return summary_from_dict(data), among
