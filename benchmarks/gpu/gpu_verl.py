"""The verl half of the GPU runbook: a small LASER-D job for verl's `main_ppo`, and its reward path.

`prepare` writes what `rlvr train` (engine verl) writes, from the `laser_d` recipe sized for
one GPU and a few steps: train/val parquet, verl's composed config and the command line,
then runs verl's own `validate_config` on it, as `main_ppo` does before starting Ray.
`reward-check` then loads that config into verl's own `RewardLoopWorker` (the reward actor
verl starts), which builds rlvr's `RlvrRewardManager` from it, scores one full training step
(every prompt x `rollout.n` responses, one call per response as verl's agent loop makes
them) and a validation batch, and compares each reward with rlvr's `RewardPipeline` scoring
the same step in-process. Neither needs a GPU, so both run in `DRY_RUN=1` and in the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

RECIPE = "laser_d"
PROMPTS_PER_STEP = 4          # the recipe's 4 x 8 = 32 responses per step
VAL_PROBLEMS = 16
CHECK_TIMEOUT_S = 120.0       # the whole reward check; a group that never completes fails here


class CheckError(ValueError):
    """The reward path gave a result that differs from rlvr's in-process scoring, or none in time."""


def gpu_overrides(rollout: str, flash_attn: bool) -> list[str]:
    """verl settings for one GPU and a 135M model (appended after the recipe's own overrides)."""
    extra = [
        "trainer.logger=[console,file]",   # file: VERL_FILE_LOGGER_PATH, read by gpu_curves.py
        "trainer.val_before_train=True",
        "trainer.resume_mode=disable",
        "actor_rollout_ref.rollout.enforce_eager=True",  # no CUDA-graph capture: minutes matter more than speed
        "actor_rollout_ref.rollout.free_cache_engine=True",
    ]
    if not flash_attn:
        # verl asks transformers for flash_attention_2 and unpads with flash-attn by default.
        extra += ["+actor_rollout_ref.model.override_config.attn_implementation=sdpa",
                  "actor_rollout_ref.model.use_remove_padding=False"]
    return extra


def recipe(output: Path, rollout: str, steps: int, flash_attn: bool = False) -> Any:
    """The laser_d recipe as a verl job on one GPU: `steps` GRPO steps, validation before and after."""
    from rlvr.train.config import load_config

    config = load_config(RECIPE, [
        f"output={output}", "engine=verl", f"verl.rollout={rollout}", "verl.nnodes=1", "verl.gpus_per_node=1",
        "verl.tensor_parallel_size=1", "verl.gpu_memory_utilization=0.3", f"budget.steps={steps}",
        f"algorithm.prompts_per_step={PROMPTS_PER_STEP}", f"tasks.train_problems={PROMPTS_PER_STEP * (steps + 1)}",
        f"eval.problems={VAL_PROBLEMS}", f"eval.every_steps={steps}", "checkpoint.every_steps=0",
    ])
    # Hydra overrides hold '=' and brackets, which the --set grammar does not take: set them here.
    config.verl.overrides = gpu_overrides(rollout, flash_attn)
    return config


def prepare(output: Path, model_dir: Path, rollout: str, steps: int, flash_attn: bool = False) -> dict[str, Any]:
    """Write data, verl's composed config and the command into `output`; returns what was written."""
    from rlvr.train.verl_engine import prepare_verl

    config = recipe(output, rollout, steps, flash_attn)
    job = prepare_verl(config, model_path=str(model_dir))
    validate(job.config_file)
    info = {"recipe": RECIPE, "rollout": rollout, "steps": steps, "model": str(model_dir), "validated_by_verl": True,
            "train_file": str(job.train_file), "val_file": str(job.val_file), "config_file": str(job.config_file),
            "command": job.command(), "overrides": job.overrides}
    (output / "job.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    return info


def validate(config_file: Path) -> None:
    """verl's own check of a composed config, the first thing `main_ppo` does (batch sizes, micro-batches, ...)."""
    from omegaconf import OmegaConf
    from verl.trainer.ppo.utils import need_critic, need_reference_policy
    from verl.utils.config import validate_config

    config = OmegaConf.load(config_file)
    try:
        validate_config(config=config, use_reference_policy=need_reference_policy(config), use_critic=need_critic(config))
    except (AssertionError, ValueError, TypeError) as err:
        raise CheckError(f"verl's validate_config rejects the generated config: {err}") from None


# One step's responses per prompt, cycled over rollout.n: right and short, right and long,
# wrong, unboxed (the format penalty), empty.
def _responses(gold: str, n: int) -> list[tuple[str, str]]:
    """`n` (kind, text) responses to a prompt whose gold answer is `gold`."""
    wrong = str(int(gold) + 1) if gold.lstrip("-").isdigit() else gold + "0"
    kinds = [("right", f"\\boxed{{{gold}}}"),
             ("right", f"The sum is {gold}, so the answer is \\boxed{{{gold}}}."),
             ("wrong", f"\\boxed{{{wrong}}}"), ("unboxed", f"The answer is {gold}."), ("empty", "")]
    return [kinds[i % len(kinds)] for i in range(n)]


def _batch(rows: list[dict], texts: list[list[str]], tokenizer: Any, uid_prefix: str) -> tuple[Any, list[list[int]]]:
    """A DataProto as verl's rollout hands it to the reward loop: left-padded prompts, right-padded responses, a uid per prompt."""
    import numpy as np
    import torch
    from verl import DataProto

    flat_rows, ids, uids = [], [], []
    for k, (row, group) in enumerate(zip(rows, texts)):
        for text in group:
            flat_rows.append(row)
            ids.append(tokenizer(text, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id])
            uids.append(f"{uid_prefix}{k}")
    prompt_ids = [tokenizer.apply_chat_template(row["prompt"], add_generation_prompt=True, tokenize=True) for row in flat_rows]
    prompt_ids = [p["input_ids"] if isinstance(p, dict) or hasattr(p, "keys") else p for p in prompt_ids]
    p_width, r_width, n, pad = max(map(len, prompt_ids)), max(map(len, ids)), len(ids), tokenizer.pad_token_id
    prompts, responses = torch.full((n, p_width), pad), torch.full((n, r_width), pad)
    mask = torch.zeros((n, p_width + r_width), dtype=torch.long)
    for i, (p, r) in enumerate(zip(prompt_ids, ids)):
        prompts[i, p_width - len(p):] = torch.tensor(p)
        mask[i, p_width - len(p):p_width] = 1
        responses[i, :len(r)] = torch.tensor(r)
        mask[i, p_width:p_width + len(r)] = 1
    data = DataProto.from_dict(
        tensors={"prompts": prompts, "responses": responses, "attention_mask": mask, "input_ids": torch.cat([prompts, responses], 1)},
        non_tensors={"data_source": np.array([r["data_source"] for r in flat_rows], dtype=object),
                     "reward_model": np.array([r["reward_model"] for r in flat_rows], dtype=object),
                     "extra_info": np.array([dict(r["extra_info"]) for r in flat_rows], dtype=object),
                     "uid": np.array(uids, dtype=object)},
    )
    return data, ids


def _in_process(config: Any, rows: list[dict], texts: list[list[str]], ids: list[list[int]], width: int) -> list[float]:
    """The same step scored whole by rlvr's RewardPipeline, with no verl in between."""
    import numpy as np
    from omegaconf import OmegaConf

    from rlvr.engines.pipeline import RewardPipeline
    from rlvr.engines.verl import row_of

    kwargs = OmegaConf.to_container(config.reward.custom_reward_function.reward_kwargs, resolve=True)
    pipeline = RewardPipeline([tuple(r) for r in kwargs["rewards"]], params=kwargs.get("params"))
    flat = [(row, text) for row, group in zip(rows, texts) for text in group]
    checkers = [row_of(row["data_source"], row["reward_model"]["ground_truth"], row["extra_info"], pipeline.timeout) for row, _ in flat]
    lengths = [len(i) for i in ids]
    group = np.repeat(np.arange(len(rows)), len(texts[0]))
    scored = pipeline.score([t for _, t in flat], checkers, lengths, group, step=0, token_ids=ids,
                            truncated=[n >= width for n in lengths], prompt_ids=[checkers[i].key for i in range(0, len(flat), len(texts[0]))])
    return [float(x) for x in scored.total]


def reward_check(config_file: Path, out: Path | None = None) -> dict[str, Any]:
    """One training step and a validation batch through verl's RewardLoopWorker, against in-process scoring."""
    import pyarrow.parquet as pq
    from omegaconf import OmegaConf
    from verl.experimental.reward_loop.reward_loop import RewardLoopWorker

    config = OmegaConf.load(config_file)
    n = int(config.actor_rollout_ref.rollout.n)
    prompts = int(config.data.train_batch_size)
    width = int(config.actor_rollout_ref.rollout.response_length)
    rows = pq.read_table(config.data.train_files).to_pylist()[:prompts]
    val_rows = pq.read_table(config.data.val_files).to_pylist()
    val_n = int(config.actor_rollout_ref.rollout.val_kwargs.n)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # verl's managers take the thread's loop when built, as in a Ray actor
    try:
        started = time.perf_counter()
        worker = RewardLoopWorker(config)
        manager = worker.reward_manager
        pairs = [_responses(str(r["reward_model"]["ground_truth"]), n) for r in rows]
        texts = [[text for _, text in group] for group in pairs]
        data, ids = _batch(rows, texts, worker.input_tokenizer, "train-")
        val_texts = [[text for _, text in _responses(str(r["reward_model"]["ground_truth"]), val_n)] for r in val_rows]
        val_data, _ = _batch(val_rows, val_texts, worker.input_tokenizer, "val-")

        async def score_all() -> tuple[list[dict], list[dict]]:
            return (await worker.compute_score_batch(data), await worker.compute_score_batch(val_data))

        try:
            train_out, val_out = loop.run_until_complete(asyncio.wait_for(score_all(), CHECK_TIMEOUT_S))
        except asyncio.TimeoutError:
            raise CheckError(f"verl's reward loop returned no rewards within {CHECK_TIMEOUT_S:.0f} s") from None
        seconds = time.perf_counter() - started
    finally:
        loop.close()
        asyncio.set_event_loop(None)
    got = [float(o["reward_score"]) for o in train_out]
    want = _in_process(config, rows, texts, ids, width)
    worst = max(abs(a - b) for a, b in zip(got, want))
    kinds = [kind for group in pairs for kind, _ in group]
    result = {
        "manager": type(manager).__name__, "method": manager.pipeline.name, "num_workers": int(config.reward.num_workers),
        "train_responses": len(got), "val_responses": len(val_out), "step_after": manager.step,
        "max_abs_diff_vs_in_process": float(f"{worst:.3g}"),
        "mean_reward": {kind: _mean([g for g, k in zip(got, kinds) if k == kind]) for kind in ("right", "wrong", "unboxed", "empty")},
        "val_acc": _mean([float(o["reward_extra_info"]["acc"]) for o in val_out]),
        "seconds": round(seconds, 2),
    }
    if out is not None:
        out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    if worst > 1e-6:
        raise CheckError(f"verl's reward loop and rlvr's in-process scoring differ by up to {worst:.3g} on one step")
    if manager.step != 1:
        raise CheckError(f"the manager counted step {manager.step} after one training step and a validation batch; expected 1")
    return result


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    prep = sub.add_parser("prepare", help="write data, composed config and command")
    prep.add_argument("--output", type=Path, required=True)
    prep.add_argument("--model", type=Path, required=True)
    prep.add_argument("--rollout", default="vllm")
    prep.add_argument("--steps", type=int, default=4)
    prep.add_argument("--flash-attn", action="store_true")
    check = sub.add_parser("reward-check", help="score one step through verl's reward loop")
    check.add_argument("--config", type=Path, required=True)
    check.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "prepare":
            info = prepare(args.output, args.model, args.rollout, args.steps, args.flash_attn)
            print(info["config_file"])
        else:
            print(json.dumps(reward_check(args.config, args.out)))
    except ValueError as err:  # ConfigError, RewardError, CheckError: one line, no traceback
        print(f"gpu_verl: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
