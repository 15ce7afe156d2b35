"""OpenRLHF adapter: a custom reward function file for `--remote_rm_url`.

OpenRLHF loads this file by path and calls `reward_func(queries, prompts, labels)`:
`queries` are prompt + response as decoded text, `prompts` the prompts, `labels` the
dataset column named by the label key (a gold answer, or rlvr's `problem_json`).
Versions that score a rollout batch at once put the `n_samples_per_prompt` responses of a
prompt next to each other, which group-based methods need; recent versions call once
per response, which suits per-sample methods only (group-based ones then raise, naming
`rlvr serve --n-samples`, which collects a prompt's samples across requests). It returns
`{"rewards", "scores", "extra_logs"}`: the reward, correctness in [0, 1] (what dynamic
filtering reads) and per-sample components for the logs.

Configuration is by environment variable (OpenRLHF passes no options to the file):

    RLVR_REWARDS      method/recipe name or "name:weight,..." (default "correct")
    RLVR_PARAMS       JSON per-method parameters, e.g. '{"laser_d": {"monitor_every": 10}}'
    RLVR_N_SAMPLES    responses per prompt (= --n_samples_per_prompt); required by group methods
    RLVR_TOKENIZER    local tokenizer folder to count response tokens (length-based methods)
    RLVR_MAX_LENGTH   --generate_max_len, to flag truncated responses
    RLVR_PROMPTS_PER_STEP  --rollout_batch_size, to count steps for stateful methods
    RLVR_TIMEOUT      seconds per check (default 2)
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from rlvr.engines.groups import consecutive_groups
from rlvr.engines.pipeline import RewardPipeline, TrainingSteps, group_prompt_ids
from rlvr.engines.scoring import DEFAULT_TIMEOUT, RowChecker, row_checker
from rlvr.rewards.base import RewardError

_state: dict[str, Any] = {}


def _env_int(env: Mapping[str, str], name: str) -> int | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise RewardError(f"{name} must be a whole number, got {value!r}") from None
    if number < 1:
        raise RewardError(f"{name} must be >= 1, got {number}")
    return number


def settings_from_env(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The adapter's settings read from `RLVR_*` environment variables."""
    env = os.environ if env is None else env
    params_text = env.get("RLVR_PARAMS", "").strip()
    try:
        params = json.loads(params_text) if params_text else None
    except json.JSONDecodeError as err:
        raise RewardError(f"RLVR_PARAMS is not valid JSON: {err}") from None
    rewards_text = env.get("RLVR_REWARDS", "correct").strip() or "correct"
    rewards: Any = json.loads(rewards_text) if rewards_text.startswith("[") else rewards_text
    timeout_text = env.get("RLVR_TIMEOUT", "").strip()
    try:
        timeout = float(timeout_text) if timeout_text else DEFAULT_TIMEOUT
    except ValueError:
        raise RewardError(f"RLVR_TIMEOUT must be a number of seconds, got {timeout_text!r}") from None
    return {
        "rewards": rewards,
        "params": params,
        "timeout": timeout,
        "n_samples": _env_int(env, "RLVR_N_SAMPLES"),
        "tokenizer": env.get("RLVR_TOKENIZER", "").strip() or None,
        "max_length": _env_int(env, "RLVR_MAX_LENGTH"),
        "prompts_per_step": _env_int(env, "RLVR_PROMPTS_PER_STEP"),
    }


class OpenRLHFReward:
    """The configured reward for OpenRLHF batches (one per process; `reward_func` keeps it)."""

    def __init__(self, rewards: Any = "correct", *, params: Mapping[str, Any] | None = None, timeout: float = DEFAULT_TIMEOUT,
                 n_samples: int | None = None, tokenizer: Any = None, max_length: int | None = None, prompts_per_step: int | None = None) -> None:
        self.pipeline = RewardPipeline(rewards, params=params, timeout=timeout)
        if self.pipeline.needs_group and n_samples is None:
            raise RewardError(f"reward {self.pipeline.name!r} compares a prompt's responses: set RLVR_N_SAMPLES to --n_samples_per_prompt")
        if self.pipeline.stateful and prompts_per_step is None:
            raise RewardError(f"reward {self.pipeline.name!r} changes with the training step: set RLVR_PROMPTS_PER_STEP to --rollout_batch_size")
        if isinstance(tokenizer, str):
            from transformers import AutoTokenizer

            try:
                tokenizer = AutoTokenizer.from_pretrained(tokenizer, local_files_only=True)
            except OSError as err:
                raise RewardError(f"cannot load the tokenizer from RLVR_TOKENIZER={tokenizer!r}: {err}") from None
        self.tokenizer = tokenizer
        self.timeout = timeout
        self.n_samples = n_samples
        self.max_length = max_length
        self.prompts_per_step = prompts_per_step
        self.steps = TrainingSteps(self.pipeline, prompts_per_step * (n_samples or 1)) if prompts_per_step else None
        self._lock = threading.Lock()

    @property
    def step(self) -> int:
        return self.steps.step if self.steps is not None else 0

    def __call__(self, queries: Sequence[str], prompts: Sequence[str], labels: Sequence[Any]) -> dict[str, Any]:
        # OpenRLHF may call from several threads at once; steps and method state are shared.
        with self._lock:
            return self._score(queries, prompts, labels)

    def _score(self, queries: Sequence[str], prompts: Sequence[str], labels: Sequence[Any]) -> dict[str, Any]:
        import torch

        n = len(queries)
        if len(prompts) != n or len(labels) != n:
            raise RewardError(f"got {n} queries, {len(prompts)} prompts and {len(labels)} labels; they must match")
        responses = [response_of(q, p) for q, p in zip(queries, prompts)]
        checkers = [checker_for_label(label, self.timeout) for label in labels]
        lengths = None
        if self.tokenizer is not None:
            encoded = self.tokenizer(responses, add_special_tokens=False)["input_ids"]
            lengths = np.array([len(ids) for ids in encoded], dtype=np.int64)
        elif self.pipeline.needs_lengths:
            raise RewardError(f"reward {self.pipeline.name!r} needs token lengths: set RLVR_TOKENIZER to the policy's local tokenizer folder")
        if self.pipeline.needs_group and self.n_samples and n % self.n_samples:
            # A call cannot wait here for the rest of its group: OpenRLHF runs these calls in asyncio's
            # small default thread pool, which held calls would fill before any group completes.
            raise RewardError(
                f"OpenRLHF passed {n} response(s) in one call, but reward {self.pipeline.name!r} needs whole groups of "
                f"{self.n_samples}; this OpenRLHF version scores responses one at a time, which a reward file cannot group. "
                f"Serve the reward instead (rlvr serve --rewards {self.pipeline.name} --n-samples {self.n_samples} ..., then "
                "--reward.remote_url http://HOST:PORT/reward), which collects each prompt's samples across requests, "
                "or use a per-sample reward (correct, l1_max, dapo_overlong, ...) here"
            )
        # Per-sample methods ignore groups, so single-response calls are fine for them.
        group = consecutive_groups(prompts, self.n_samples if self.pipeline.needs_group else None)
        truncated = None if self.max_length is None or lengths is None else lengths >= self.max_length
        if self.steps is not None:
            self.steps.begin()
        scored = self.pipeline.score(responses, checkers, lengths, group, truncated=truncated,
                                     prompt_ids=group_prompt_ids(group, [c.key for c in checkers]))
        if self.steps is not None:
            self.steps.record(scored.batch)
        extra_logs = {"rlvr/acc": torch.tensor(scored.batch.correct, dtype=torch.float32)}
        for name, values in scored.scores.components.items():
            extra_logs[f"rlvr/{name}"] = torch.tensor(values, dtype=torch.float32)
        return {
            "rewards": torch.tensor(scored.total, dtype=torch.float32),
            "scores": torch.tensor(scored.batch.correct, dtype=torch.float32),
            "extra_logs": extra_logs,
        }


def response_of(query: str, prompt: str) -> str:
    """The response part of an OpenRLHF query (prompt + response)."""
    if not isinstance(query, str) or not isinstance(prompt, str):
        raise RewardError("queries and prompts must be strings")
    if query.startswith(prompt):
        return query[len(prompt):]
    at = query.find(prompt) if prompt else -1
    if at < 0:
        raise RewardError(
            "a query does not contain its prompt, so the response cannot be cut out; decode queries "
            f"the same way as prompts (query starts {query[:80]!r}, prompt starts {prompt[:80]!r})"
        )
    return query[at + len(prompt):]


def checker_for_label(label: Any, timeout: float) -> RowChecker:
    """A label is rlvr's `problem_json` (a JSON object with a task) or a gold answer."""
    if isinstance(label, str) and label.lstrip().startswith("{"):
        try:
            data = json.loads(label)
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict) and "task" in data:
            return row_checker(problem_json=label, timeout=timeout)
    return row_checker(gold=label, timeout=timeout)


def reward_func(queries: Sequence[str], prompts: Sequence[str], labels: Sequence[Any], **kwargs: Any) -> dict[str, Any]:
    """OpenRLHF's custom reward entry point (configured by `RLVR_*` environment variables)."""
    reward = _state.get("reward")
    if reward is None:
        reward = _state["reward"] = OpenRLHFReward(**settings_from_env())
    return reward(queries, prompts, labels)
