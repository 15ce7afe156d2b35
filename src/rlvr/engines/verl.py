"""verl adapter: rlvr rewards for verl 0.9's reward loop.

Two entry points, both configured from `reward.custom_reward_function.reward_kwargs`:

- `compute_score(data_source, solution_str, ground_truth, extra_info, **reward_kwargs)`:
  verl's per-sample custom reward function. Returns a dict with `score` (the reward),
  `acc` (correctness) and every component, which verl logs. Per-sample methods only.
- `RlvrRewardManager`: a reward manager (`reward.reward_manager.source=importlib`) for
  every method, group-based and stateful ones included. verl 0.9 scores one response at
  a time as each finishes generating; the manager holds each response until all
  responses with the same `uid` have arrived, scores the group together and answers
  every member. It counts steps from the responses it has scored (`on_step`), and when
  the method asks for monitoring (LASER-D) it hands it the previous step's rollouts.

Exact settings and command lines: docs/engines.md.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import Any

import numpy as np

from rlvr.engines.pipeline import RewardPipeline, ScoredBatch, TrainingSteps, target_lengths
from rlvr.engines.scoring import DEFAULT_TIMEOUT, RowChecker, row_checker
from rlvr.rewards.base import RewardError
from rlvr.tasks.rows import DATA_SOURCE_PREFIX
from rlvr.verify.verdict import Verdict

try:
    from verl import DataProto
    from verl.experimental.reward_loop.reward_manager.base import RewardManagerBase
except ImportError as err:  # pragma: no cover - depends on the installed verl
    raise ImportError(f"rlvr.engines.verl needs verl >= 0.9 (its reward loop): pip install 'rlvr[verl]' ({err})") from err

log = logging.getLogger("rlvr.engines.verl")

SETTINGS = ("rewards", "params", "timeout", "tokenizer", "group_size", "val_group_size", "group_timeout")
# Keyword arguments verl itself adds to reward-function calls.
_VERL_KWARGS = ("reward_router_address", "reward_model_tokenizer")
VALIDATION_SPLITS = frozenset({"test", "val", "valid", "validation", "eval"})
# Ray runs an async actor's calls at most 1000 at a time; every held response occupies one.
RAY_ASYNC_CONCURRENCY = 1000
DEFAULT_GROUP_TIMEOUT = 3600.0


def _plain(value: Any) -> Any:
    """OmegaConf containers (what Hydra hands over) as plain dicts and lists."""
    try:
        from omegaconf import OmegaConf
    except ImportError:  # pragma: no cover - verl always brings omegaconf
        return value
    return OmegaConf.to_container(value, resolve=True) if OmegaConf.is_config(value) else value


def _settings(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    settings = {key: _plain(value) for key, value in kwargs.items() if key not in _VERL_KWARGS}
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise RewardError(f"unknown rlvr reward_kwargs {sorted(unknown)}; known: {', '.join(SETTINGS)}")
    return settings


_pipelines: dict[str, RewardPipeline] = {}
_tokenizers: dict[str, Any] = {}


def _pipeline(settings: Mapping[str, Any]) -> RewardPipeline:
    # One pipeline per configuration and process: verl calls compute_score per response.
    key = json.dumps([settings.get("rewards", "correct"), settings.get("params"), settings.get("timeout")], sort_keys=True, default=str)
    if key not in _pipelines:
        _pipelines[key] = RewardPipeline(
            settings.get("rewards", "correct"), params=settings.get("params"), timeout=float(settings.get("timeout") or DEFAULT_TIMEOUT)
        )
    return _pipelines[key]


def _tokenizer(path: str) -> Any:
    if path not in _tokenizers:
        from transformers import AutoTokenizer

        try:
            _tokenizers[path] = AutoTokenizer.from_pretrained(path, local_files_only=True)
        except OSError as err:
            raise RewardError(f"cannot load the tokenizer from {path!r} (a local folder is needed): {err}") from None
    return _tokenizers[path]


def task_of(data_source: Any) -> str | None:
    """The task name in an rlvr `data_source` (`rlvr/<task>`), else None."""
    if isinstance(data_source, str) and data_source.startswith(DATA_SOURCE_PREFIX):
        return data_source[len(DATA_SOURCE_PREFIX) :] or None
    return None


def row_of(data_source: Any, ground_truth: Any, extra_info: Mapping[str, Any] | None, timeout: float) -> RowChecker:
    """The checker for one verl row (`extra_info.problem_json` first, else the ground truth)."""
    extra = extra_info or {}
    if not isinstance(extra, Mapping):
        raise RewardError(f"extra_info must be a dict, got {type(extra).__name__}")
    problem_json = extra.get("problem_json")
    return row_checker(gold=ground_truth, problem_json=problem_json, task=task_of(data_source) if problem_json else None, timeout=timeout)


def compute_score(data_source: Any, solution_str: str, ground_truth: Any, extra_info: Mapping[str, Any] | None = None, **kwargs: Any) -> dict[str, float]:
    """verl's custom reward function: `{"score": reward, "acc": correctness, <components>}`.

    reward_kwargs: `rewards` (method/recipe name or list of [name, weight]), `params`
    (per-method parameters), `timeout` (seconds per check), `tokenizer` (local path; needed
    for length-based methods, since verl passes text only here).
    """
    settings = _settings(kwargs)
    pipeline = _pipeline(settings)
    if pipeline.needs_group or pipeline.stateful:
        raise RewardError(
            f"reward {pipeline.name!r} needs whole groups or training steps, which verl's per-sample compute_score "
            "never sees; use rlvr's reward manager: reward.reward_manager.source=importlib "
            "reward.reward_manager.module.path=pkg://rlvr.engines.verl reward.reward_manager.name=RlvrRewardManager "
            "reward.num_workers=1 (see docs/engines.md)"
        )
    checker = row_of(data_source, ground_truth, extra_info, pipeline.timeout)
    lengths = None
    if pipeline.needs_lengths:
        if not settings.get("tokenizer"):
            raise RewardError(
                f"reward {pipeline.name!r} needs token lengths, but compute_score only gets text: add "
                "+reward.custom_reward_function.reward_kwargs.tokenizer=<local tokenizer path>, or use RlvrRewardManager"
            )
        tokenizer = _tokenizer(str(settings["tokenizer"]))
        lengths = [len(tokenizer(solution_str, add_special_tokens=False)["input_ids"])]
    target = target_lengths([(extra_info or {}).get("target_length")])
    scored = pipeline.score([solution_str], [checker], lengths, [0], target_length=target)
    return scored.per_sample(0)


class _Response:
    """One scored-for-correctness response waiting for its group.

    Plain classes, not dataclasses: verl may load this file by path, outside sys.modules,
    where dataclasses cannot resolve their annotations.
    """

    __slots__ = ("verdict", "length", "text", "token_ids", "truncated", "key", "target_length")

    def __init__(self, verdict: Verdict, length: int, text: str, token_ids: list[int], truncated: bool, key: str, target_length: Any = None) -> None:
        self.verdict = verdict
        self.length = length
        self.text = text
        self.token_ids = token_ids
        self.truncated = truncated
        self.key = key
        self.target_length = target_length


class _PendingGroup:
    __slots__ = ("expected", "training", "members", "futures")

    def __init__(self, expected: int, training: bool) -> None:
        self.expected = expected
        self.training = training
        self.members: list[_Response] = []
        self.futures: list[asyncio.Future] = []


class RlvrRewardManager(RewardManagerBase):
    """verl 0.9 reward manager for any rlvr reward, group-based and stateful ones included.

    Settings come from `reward.custom_reward_function.reward_kwargs` (see `compute_score`)
    plus `group_size` (default `actor_rollout_ref.rollout.n`), `val_group_size` (default
    `rollout.val_kwargs.n`) and `group_timeout` (seconds to wait for a group's last response).
    Validation responses are recognised by `extra_info.split` (`test`, `val`, ...); an
    `extra_info.target_length` gives L1-style methods their per-prompt token budget.
    """

    def __init__(self, config: Any, tokenizer: Any, compute_score: Any = None, reward_router_address: Any = None, reward_model_tokenizer: Any = None, **kwargs: Any) -> None:
        super().__init__(config, tokenizer, compute_score)
        settings = _settings(_reward_kwargs(config))
        self.pipeline = RewardPipeline(settings.get("rewards", "correct"), params=settings.get("params"), timeout=float(settings.get("timeout") or DEFAULT_TIMEOUT))
        rollout = _get(config, "actor_rollout_ref.rollout")
        self.group_size = int(settings.get("group_size") or _get(rollout, "n", 1))
        self.val_group_size = int(settings.get("val_group_size") or _get(rollout, "val_kwargs.n", 1))
        self.max_response_length = _get(rollout, "response_length")
        self.prompts_per_step = int(_get(config, "data.train_batch_size", 0) or 0)
        self.group_timeout = float(settings.get("group_timeout") or DEFAULT_GROUP_TIMEOUT)
        self._pending: dict[Any, _PendingGroup] = {}
        self._check_config(config)
        per_step = self.prompts_per_step * self.group_size
        self.steps = TrainingSteps(self.pipeline, per_step) if per_step > 0 else None

    def _check_config(self, config: Any) -> None:
        if self.group_size < 1 or self.val_group_size < 1:
            raise RewardError("group_size and val_group_size must be >= 1")
        if not (self.pipeline.needs_group or self.pipeline.stateful):
            return
        workers = int(_get(config, "reward.num_workers", 1) or 1)
        if workers != 1:
            raise RewardError(
                f"reward {self.pipeline.name!r} needs every response of a prompt (and every step) in one place, but "
                f"reward.num_workers={workers}; set reward.num_workers=1"
            )
        if self.prompts_per_step < 1:
            raise RewardError("data.train_batch_size must be set: rlvr counts training steps from it")
        held = self.prompts_per_step * self.group_size
        if self.pipeline.needs_group and held > RAY_ASYNC_CONCURRENCY:
            raise RewardError(
                f"a step has {held} responses (data.train_batch_size x rollout.n), but a reward worker handles at most "
                f"{RAY_ASYNC_CONCURRENCY} at once and holds each until its group is complete; lower the batch to "
                f"<= {RAY_ASYNC_CONCURRENCY} responses per step"
            )
        if self.pipeline.needs_group and self.val_group_size != self.group_size:
            log.warning(
                "rollout.val_kwargs.n=%d differs from rollout.n=%d: validation rows need extra_info.split='test' "
                "so rlvr waits for the right group size", self.val_group_size, self.group_size
            )

    @property
    def step(self) -> int:
        """The training step the next response belongs to (counted from scored responses)."""
        return self.steps.step if self.steps is not None else 0

    async def run_single(self, data: DataProto) -> dict:
        """Reward for one response (verl's per-sample reward-loop call)."""
        item = data[-1]  # multi-turn outputs: the last sequence carries the final answer
        response_ids = item.batch["responses"]
        width = response_ids.shape[-1]
        length = int(item.batch["attention_mask"][-width:].sum())
        ids = response_ids[:length].tolist()
        extra_info = item.non_tensor_batch.get("extra_info") or {}
        checker = row_of(item.non_tensor_batch.get("data_source"), (item.non_tensor_batch.get("reward_model") or {}).get("ground_truth"), extra_info, self.pipeline.timeout)
        loop = asyncio.get_running_loop()
        text = await loop.run_in_executor(None, lambda: self.tokenizer.decode(ids, skip_special_tokens=True))
        verdict = await loop.run_in_executor(None, checker.check, text)
        truncated = self.max_response_length is not None and length >= int(self.max_response_length)
        response = _Response(verdict, length, text, ids, truncated, checker.key, extra_info.get("target_length"))
        training = str(extra_info.get("split", "train")).lower() not in VALIDATION_SPLITS
        if not self.pipeline.needs_group:
            scored = self._score([response], training)
            return _answer(scored, 0)
        uid = item.non_tensor_batch.get("uid")
        if uid is None:
            raise RewardError("a response came without a uid; verl sets one per prompt, group rewards need it")
        return await self._join(uid, response, training)

    async def _join(self, uid: Any, response: _Response, training: bool) -> dict:
        expected = self.group_size if training else self.val_group_size
        group = self._pending.setdefault(uid, _PendingGroup(expected=expected, training=training))
        future = asyncio.get_running_loop().create_future()
        group.members.append(response)
        group.futures.append(future)
        if len(group.members) == group.expected:
            del self._pending[uid]
            try:
                scored = self._score(group.members, group.training)
            except Exception as err:  # noqa: BLE001 - every waiting member must hear about it
                for waiting in group.futures:
                    waiting.set_exception(err)
            else:
                for index, waiting in enumerate(group.futures):
                    waiting.set_result(_answer(scored, index))
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.group_timeout)
        except asyncio.TimeoutError:
            self._pending.pop(uid, None)
            raise RewardError(
                f"only {len(group.members)} of {group.expected} responses for prompt {uid!r} reached the reward worker "
                f"within {self.group_timeout:.0f}s; set reward.num_workers=1 so a prompt's responses meet in one worker, "
                "and reward_kwargs.group_size / val_group_size to the real number of responses per prompt"
            ) from None

    def _score(self, members: list[_Response], training: bool) -> ScoredBatch:
        counted = training and self.steps is not None
        if counted:
            self.steps.begin()
        scored = self.pipeline.score_verdicts(
            [m.verdict for m in members],
            [m.length for m in members],
            np.zeros(len(members), dtype=np.int64),
            texts=[m.text for m in members],
            token_ids=[m.token_ids for m in members],
            truncated=[m.truncated for m in members],
            target_length=target_lengths([m.target_length for m in members]),
            prompt_ids=[members[0].key],
        )
        if counted:
            self.steps.record(scored.batch)
        return scored


def _answer(scored: ScoredBatch, index: int) -> dict:
    extra = scored.per_sample(index)
    return {"reward_score": extra["score"], "reward_extra_info": extra}


def _reward_kwargs(config: Any) -> dict[str, Any]:
    for path in ("reward.custom_reward_function.reward_kwargs", "custom_reward_function.reward_kwargs"):
        value = _get(config, path)
        if value is not None:
            return dict(_plain(value))
    return {}


def _get(config: Any, path: str, default: Any = None) -> Any:
    node = config
    for part in path.split("."):
        if node is None:
            return default
        node = node.get(part) if hasattr(node, "get") else getattr(node, part, None)
    return default if node is None else node


__all__ = ["RlvrRewardManager", "compute_score", "row_of", "task_of"]
