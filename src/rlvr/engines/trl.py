"""TRL adapter: rlvr rewards as `reward_funcs` for `trl.GRPOTrainer`.

GRPOTrainer calls each reward function once per generation batch as
`f(prompts=..., completions=..., completion_ids=..., trainer_state=..., log_extra=...,
log_metric=..., **dataset_columns)`, with every prompt repeated `num_generations` times
in a row. `RlvrReward` is such a function: it checks each completion against its row
(`problem_json`, else the `answer` column), counts lengths from `completion_ids`,
recovers the groups and returns the configured method's totals. Components go to
`log_metric` (averaged by TRL per logging step) and each completion's verdict to the
completions table through `log_extra`.

`RlvrRewardCallback` is the `TrainerCallback` for stateful methods: it calls `on_step`
each step and, when the method asks for it (LASER-D before step 0, then every K), samples the
monitoring prompts with the trainer's model and feeds them to `monitor`.

Usage::

    from rlvr.engines.trl import RlvrReward
    reward = RlvrReward("laser_d", num_generations=8)
    trainer = GRPOTrainer(model=..., args=GRPOConfig(num_generations=8, ...),
                          reward_funcs=[reward], train_dataset=...,
                          callbacks=[reward.callback(monitor_rows=monitor_rows)])
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from transformers import TrainerCallback

from rlvr.engines.groups import consecutive_groups, prompt_key
from rlvr.engines.pipeline import RewardPipeline, RewardSpec, ScoredBatch, group_prompt_ids, target_lengths
from rlvr.engines.scoring import DEFAULT_TIMEOUT, RowChecker, row_checker
from rlvr.rewards.base import RewardError, RolloutBatch

log = logging.getLogger("rlvr.engines.trl")

# Keyword arguments GRPOTrainer adds next to the dataset columns.
_TRAINER_KWARGS = ("trainer_state", "log_extra", "log_metric", "environments")
STATE_FILE = "rlvr_reward_state.json"

# (prompts, n) -> for each prompt, n pairs of (completion text, completion token ids).
Generate = Callable[[Sequence[Any], int], list[list[tuple[str, list[int]]]]]


def completion_text(completion: Any) -> str:
    """The model's text from a TRL completion: a string, or chat messages (last assistant turn)."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, Sequence):
        for message in reversed(completion):
            if isinstance(message, Mapping) and message.get("role", "assistant") == "assistant":
                return _content_text(message.get("content"))
        return ""
    raise RewardError(f"completions must be strings or chat message lists, got {type(completion).__name__}")


def _content_text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        # Content blocks: [{"type": "text", "text": ...}, ...]
        return "".join(part.get("text", "") for part in content if isinstance(part, Mapping) and part.get("type", "text") == "text")
    return str(content)


class RlvrReward:
    """A GRPOTrainer reward function computing an rlvr reward method.

    rewards:          method or recipe name, `"name:weight,..."`, list of `(name, weight)`, or a RewardMethod.
    num_generations:  G, as in `GRPOConfig.num_generations`; required by group-based methods.
    num_generations_eval: `GRPOConfig.num_generations_eval` when it differs (evaluation batches).
    tokenizer:        counts tokens only when TRL passes no `completion_ids`.
    params:           per-method parameters, e.g. `{"laser_d": {"monitor_every": 10}}`.
    max_completion_length: marks responses that hit the limit as truncated (DAPO overlong, ...).
    answer_column / problem_column / task_column: the dataset columns rows are read from.
    target_length_column: optional column with a per-prompt token budget (L1-style methods).
    name:             the name TRL logs the reward under (`rewards/<name>/mean`).
    """

    def __init__(
        self,
        rewards: RewardSpec = "correct",
        *,
        num_generations: int | None = None,
        num_generations_eval: int | None = None,
        tokenizer: Any = None,
        params: Mapping[str, Mapping[str, Any]] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_completion_length: int | None = None,
        answer_column: str = "answer",
        problem_column: str = "problem_json",
        task_column: str = "task",
        target_length_column: str = "target_length",
        name: str | None = None,
    ) -> None:
        self.pipeline = RewardPipeline(rewards, params=params, timeout=timeout)
        if self.pipeline.needs_group and num_generations is None:
            raise RewardError(
                f"reward {self.pipeline.name!r} compares responses within a prompt's group: pass "
                "num_generations (the same value as GRPOConfig.num_generations)"
            )
        if num_generations is not None and (isinstance(num_generations, bool) or not isinstance(num_generations, int) or num_generations < 1):
            raise RewardError(f"num_generations must be a positive integer, got {num_generations!r}")
        self.num_generations = num_generations
        self.num_generations_eval = num_generations_eval
        self.tokenizer = tokenizer
        self.timeout = timeout
        self.max_completion_length = max_completion_length
        self.answer_column = answer_column
        self.problem_column = problem_column
        self.task_column = task_column
        self.target_length_column = target_length_column
        self.__name__ = name or f"rlvr_{self.pipeline.name}"
        self.last: ScoredBatch | None = None

    def __repr__(self) -> str:
        return f"RlvrReward({self.pipeline.name!r}, num_generations={self.num_generations})"

    def checkers(self, n: int, columns: Mapping[str, Any]) -> list[RowChecker]:
        """One checker per completion from the dataset columns TRL passed."""
        problems = self._column(columns, self.problem_column, n)
        answers = self._column(columns, self.answer_column, n)
        tasks = self._column(columns, self.task_column, n)
        if problems is None and answers is None:
            raise RewardError(
                f"the dataset has neither a {self.problem_column!r} nor an {self.answer_column!r} column; "
                f"rlvr needs one to check completions (columns seen: {sorted(columns)})"
            )
        return [
            row_checker(
                gold=None if answers is None else answers[i],
                problem_json=None if problems is None else problems[i],
                task=None if tasks is None or problems is None else tasks[i],
                timeout=self.timeout,
            )
            for i in range(n)
        ]

    @staticmethod
    def _column(columns: Mapping[str, Any], name: str, n: int) -> list[Any] | None:
        values = columns.get(name)
        if values is None:
            return None
        values = list(values)
        if len(values) != n:
            raise RewardError(f"column {name!r} has {len(values)} entries for {n} completions")
        return values

    def lengths(self, texts: Sequence[str], completion_ids: Sequence[Sequence[int]] | None) -> np.ndarray | None:
        """Completion lengths in tokens: from TRL's ids, else the tokenizer, else None."""
        if completion_ids is not None:
            if len(completion_ids) != len(texts):
                raise RewardError(f"got {len(completion_ids)} completion_ids for {len(texts)} completions")
            return np.array([len(ids) for ids in completion_ids], dtype=np.int64)
        if self.tokenizer is not None:
            encoded = self.tokenizer(list(texts), add_special_tokens=False)["input_ids"]
            return np.array([len(ids) for ids in encoded], dtype=np.int64)
        if self.pipeline.needs_lengths:
            raise RewardError(
                f"reward {self.pipeline.name!r} needs lengths in tokens but TRL passed no completion_ids; "
                "pass tokenizer=<the policy's tokenizer> to RlvrReward"
            )
        return None

    def groups(self, prompts: Sequence[Any]) -> np.ndarray:
        """Group ids under G; evaluation batches may instead use `num_generations_eval`."""
        try:
            return consecutive_groups(prompts, self.num_generations)
        except RewardError as err:
            if self.num_generations_eval is None or self.num_generations_eval == self.num_generations:
                raise RewardError(f"{err} (evaluation batches with another group size need num_generations_eval)") from None
            return consecutive_groups(prompts, self.num_generations_eval)

    def score(self, prompts: Sequence[Any], completions: Sequence[Any], completion_ids: Sequence[Sequence[int]] | None = None, **kwargs: Any) -> ScoredBatch:
        """Score a batch exactly as GRPOTrainer passes it, returning everything computed."""
        trainer_state = kwargs.get("trainer_state")
        columns = {key: value for key, value in kwargs.items() if key not in _TRAINER_KWARGS}
        n = len(completions)
        if len(prompts) != n:
            raise RewardError(f"got {len(prompts)} prompts for {n} completions")
        texts = [completion_text(c) for c in completions]
        checkers = self.checkers(n, columns)
        lengths = self.lengths(texts, completion_ids)
        group = self.groups(prompts)
        truncated = None
        if self.max_completion_length is not None and lengths is not None:
            truncated = lengths >= self.max_completion_length
        step = getattr(trainer_state, "global_step", None)
        targets = self._column(columns, self.target_length_column, n)
        scored = self.pipeline.score(
            texts,
            checkers,
            lengths,
            group,
            step=step,
            token_ids=None if completion_ids is None else [list(ids) for ids in completion_ids],
            truncated=truncated,
            target_length=None if targets is None else target_lengths(targets),
            prompt_ids=group_prompt_ids(group, [c.key for c in checkers]),
        )
        self.last = scored
        return scored

    def __call__(self, prompts: Sequence[Any], completions: Sequence[Any], completion_ids: Sequence[Sequence[int]] | None = None, **kwargs: Any) -> list[float]:
        """TRL's reward-function signature: one float per completion."""
        scored = self.score(prompts, completions, completion_ids, **kwargs)
        log_metric = kwargs.get("log_metric")
        if callable(log_metric):
            for key, value in scored.means().items():
                log_metric(f"{self.__name__}/{key}", value)
            for key, value in _numeric_items(self.pipeline.method.state_dict()):
                log_metric(f"{self.__name__}/state/{key}", value)
        log_extra = kwargs.get("log_extra")
        if callable(log_extra):
            log_extra(f"{self.__name__}/reason", [v.reason for v in scored.verdicts])
            log_extra(f"{self.__name__}/extracted", [v.extracted for v in scored.verdicts])
        return [float(x) for x in scored.total]

    def callback(self, monitor_rows: Sequence[Mapping[str, Any]] | None = None, **options: Any) -> "RlvrRewardCallback":
        """The `TrainerCallback` that drives this reward's steps and monitoring."""
        return RlvrRewardCallback(self, monitor_rows=monitor_rows, **options)

    def state_dict(self) -> dict[str, Any]:
        return {"step": self.pipeline.step, "method": self.pipeline.method.state_dict()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.pipeline.step = state.get("step")
        self.pipeline.method.load_state_dict(dict(state.get("method", {})))


def reward_funcs(
    rewards: RewardSpec = "correct",
    num_generations: int | None = None,
    tokenizer: Any = None,
    **options: Any,
) -> list[RlvrReward]:
    """`reward_funcs` for GRPOTrainer: one function computing the whole configured reward.

    A combined reward stays one function (so group-based members see the same groups
    and weights live in rlvr, not in `GRPOConfig.reward_weights`); its components are
    logged through TRL's `log_metric`.
    """
    return [RlvrReward(rewards, num_generations=num_generations, tokenizer=tokenizer, **options)]


class RlvrRewardCallback(TrainerCallback):
    """Drives a stateful rlvr reward inside a `transformers.Trainer` / `GRPOTrainer`.

    Every step it calls the method's `on_step`; when `wants_monitoring(step)` it samples
    `rollouts` completions for each of `monitor_rows` (TRL rows: `prompt` plus `answer`
    or `problem_json`) with the trainer's model and calls `monitor`. The method's state
    is logged (numeric entries, as `rlvr/<key>`) and saved in each checkpoint folder.

    generate: optional `(prompts, n) -> [[(text, token_ids), ...] per prompt]`, to sample
              with something other than the trainer's model (a vLLM server, say).
    """

    def __init__(
        self,
        reward: RlvrReward,
        monitor_rows: Sequence[Mapping[str, Any]] | None = None,
        *,
        rollouts: int = 8,
        max_new_tokens: int = 1024,
        temperature: float = 1.0,
        top_p: float = 1.0,
        batch_size: int = 8,
        generate: Generate | None = None,
    ) -> None:
        if rollouts < 1 or max_new_tokens < 1 or batch_size < 1:
            raise RewardError("rollouts, max_new_tokens and batch_size must be >= 1")
        self.reward = reward
        self.monitor_rows = list(monitor_rows or [])
        for i, row in enumerate(self.monitor_rows):
            if "prompt" not in row:
                raise RewardError(f"monitor_rows[{i}] has no 'prompt'; use TRL rows from rlvr.tasks.rows.to_trl_row")
        self.checkers = reward.checkers(len(self.monitor_rows), _columns(self.monitor_rows)) if self.monitor_rows else []
        self.rollouts = rollouts
        self.max_new_tokens = max_new_tokens
        self.temperature = temperature
        self.top_p = top_p
        self.batch_size = batch_size
        self.generate = generate
        self.monitored_steps: list[int] = []

    def on_step_begin(self, args: Any, state: Any, control: Any, model: Any = None, processing_class: Any = None, **kwargs: Any) -> None:
        step = int(state.global_step)
        pipeline = self.reward.pipeline
        pipeline.advance(step)
        if not pipeline.method.wants_monitoring(step):
            return
        if not self.monitor_rows:
            raise RewardError(
                f"reward {pipeline.name!r} asks for a monitoring batch at step {step}, but the callback has no "
                "monitor_rows; pass reward.callback(monitor_rows=[...TRL rows...])"
            )
        generate = self.generate or _hf_generator(model, processing_class or self.reward.tokenizer, self)
        batch = self.monitoring_batch(generate)
        pipeline.monitor(batch, step)
        self.monitored_steps.append(step)
        log.info("rlvr monitoring at step %d: %d rollouts, state %s", step, len(batch), pipeline.method.state_dict())

    def monitoring_batch(self, generate: Generate) -> RolloutBatch:
        """Sample the monitoring prompts and turn the rollouts into a scored `RolloutBatch`."""
        prompts = [row["prompt"] for row in self.monitor_rows]
        samples = generate(prompts, self.rollouts)
        if len(samples) != len(prompts) or any(len(s) != self.rollouts for s in samples):
            raise RewardError(f"monitoring generator must return {self.rollouts} samples for each of {len(prompts)} prompts")
        texts = [text for per_prompt in samples for text, _ in per_prompt]
        ids = [list(token_ids) for per_prompt in samples for _, token_ids in per_prompt]
        checkers = [checker for checker in self.checkers for _ in range(self.rollouts)]
        verdicts = [checker.check(text) for checker, text in zip(checkers, texts)]
        group = np.repeat(np.arange(len(prompts)), self.rollouts)
        return self.reward.pipeline.rollout_batch(
            verdicts,
            [len(x) for x in ids],
            group,
            texts=texts,
            token_ids=ids,
            prompt_ids=[c.key for c in self.checkers],
        )

    def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        # Reaches callbacks registered after this one; under GRPOTrainer the reward also
        # logs its state through log_metric, which every reporter sees.
        if logs is None:
            return
        for key, value in _numeric_items(self.reward.pipeline.method.state_dict()):
            logs[f"rlvr/{key}"] = value

    def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        folder = os.path.join(args.output_dir, f"checkpoint-{state.global_step}")
        if os.path.isdir(folder) and getattr(state, "is_world_process_zero", True):
            with open(os.path.join(folder, STATE_FILE), "w", encoding="utf-8") as handle:
                json.dump(self.reward.state_dict(), handle, default=str)

    def load_checkpoint(self, folder: str) -> None:
        """Restore the reward's state from a checkpoint folder written by `on_save`."""
        path = os.path.join(folder, STATE_FILE)
        if not os.path.exists(path):
            raise RewardError(f"no {STATE_FILE} in {folder}; was it saved with RlvrRewardCallback?")
        with open(path, encoding="utf-8") as handle:
            self.reward.load_state_dict(json.load(handle))


def _columns(rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
    keys = {key for row in rows for key in row}
    return {key: [row.get(key) for row in rows] for key in keys}


def _numeric_items(state: Mapping[str, Any], prefix: str = "") -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    for key, value in state.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.extend(_numeric_items(value, f"{name}/"))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append((name, float(value)))
    return out


def _hf_generator(model: Any, tokenizer: Any, callback: RlvrRewardCallback) -> Generate:
    """Sampling with a Hugging Face model (the trainer's policy) for monitoring."""
    if model is None or tokenizer is None:
        raise RewardError("monitoring needs the trainer's model and tokenizer (or pass generate= to the callback)")

    def generate(prompts: Sequence[Any], n: int) -> list[list[tuple[str, list[int]]]]:
        import torch

        unwrapped = getattr(model, "module", model)
        texts = [
            tokenizer.apply_chat_template(p, tokenize=False, add_generation_prompt=True) if not isinstance(p, str) else p
            for p in prompts
        ]
        eos = tokenizer.eos_token_id
        side, pad_token, was_training = tokenizer.padding_side, tokenizer.pad_token, unwrapped.training
        tokenizer.padding_side = "left"  # decoder-only generation continues from the right edge
        if pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        pad = tokenizer.pad_token_id
        unwrapped.eval()
        out: list[list[tuple[str, list[int]]]] = []
        try:
            for start in range(0, len(texts), callback.batch_size):
                chunk = texts[start : start + callback.batch_size]
                enc = tokenizer(chunk, return_tensors="pt", padding=True, add_special_tokens=False).to(unwrapped.device)
                with torch.no_grad():
                    seqs = unwrapped.generate(
                        **enc,
                        do_sample=True,
                        temperature=callback.temperature,
                        top_p=callback.top_p,
                        max_new_tokens=callback.max_new_tokens,
                        num_return_sequences=n,
                        pad_token_id=pad,
                    )
                completions = seqs[:, enc["input_ids"].shape[1] :].tolist()
                for p in range(len(chunk)):
                    per_prompt = []
                    for ids in completions[p * n : (p + 1) * n]:
                        # Keep the EOS token, as TRL's completion_ids do, and drop padding after it.
                        if eos is not None and eos in ids:
                            ids = ids[: ids.index(eos) + 1]
                        per_prompt.append((tokenizer.decode(ids, skip_special_tokens=True), ids))
                    out.append(per_prompt)
        finally:
            tokenizer.padding_side = side
            if pad_token is None:
                tokenizer.pad_token = None
            if was_training:
                unwrapped.train()
        return out

    return generate


__all__ = ["RlvrReward", "RlvrRewardCallback", "completion_text", "prompt_key", "reward_funcs"]
