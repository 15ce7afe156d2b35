"""verl adapter: rlvr rewards for verl 0.9's reward loop.

Two entry points, both configured from `reward.custom_reward_function.reward_kwargs`:

- `compute_score(data_source, solution_str, ground_truth, extra_info, **reward_kwargs)`:
  verl's per-sample custom reward function. Returns a dict with `score` (the reward),
  `acc` (correctness) and every component, which verl logs. Per-sample methods only.
- `RlvrRewardManager`: a reward manager (`reward.reward_manager.source=importlib`) for
  every method, group-based and stateful ones included, with any number of reward
  workers. verl 0.9 scores one response at a time as each finishes generating, on a
  worker picked at random; each worker checks its responses and hands them to the run's
  one group hub (`rlvr.engines.group_hub`, a named Ray actor), which waits until every
  response with the same `uid` has arrived, scores the group and answers every member.
  The hub counts steps from the responses it has scored (`on_step`) and, when the method
  asks for monitoring (LASER-D), hands it the previous step's rollouts.
  Importing this module lets verl's reward workers hold more than Ray's default 1,000
  waiting calls when they run this manager (`_lift_reward_worker_limit`).

Exact settings and command lines: docs/engines.md.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Mapping
from typing import Any

import numpy as np

from rlvr.engines.analysis_extras import analysis_extras
from rlvr.engines.group_hub import DEFAULT_GROUP_TIMEOUT, GroupHub, GroupTimeoutError, HubMember
from rlvr.engines.pipeline import RewardPipeline, target_lengths
from rlvr.engines.scoring import DEFAULT_TIMEOUT, RowChecker, row_checker
from rlvr.rewards.base import RewardError
from rlvr.tasks.rows import DATA_SOURCE_PREFIX

try:
    from verl import DataProto
    from verl.experimental.reward_loop.reward_manager.base import RewardManagerBase
except ImportError as err:  # pragma: no cover - depends on the installed verl
    raise ImportError(f"rlvr.engines.verl needs verl >= 0.9 (its reward loop): pip install 'rlvr[verl]' ({err})") from err

log = logging.getLogger("rlvr.engines.verl")

SETTINGS = ("rewards", "params", "timeout", "tokenizer", "group_size", "val_group_size", "group_timeout", "analysis")
# Keyword arguments verl itself adds to reward-function calls.
_VERL_KWARGS = ("reward_router_address", "reward_model_tokenizer")
VALIDATION_SPLITS = frozenset({"test", "val", "valid", "validation", "eval"})
# Ray runs an async actor's calls at most 1000 at a time; a response waiting for its group occupies one.
RAY_ASYNC_CONCURRENCY = 1000
# What rlvr gives verl's reward workers instead when RlvrRewardManager is the reward manager:
# a waiting response costs a coroutine, so a worker can hold several steps of the largest batches.
WORKER_CONCURRENCY = 100_000


def _lift_reward_worker_limit() -> bool:
    """Let verl's reward workers hold more than 1,000 waiting responses when they run RlvrRewardManager.

    verl 0.9 creates its `RewardLoopWorker` actors with Ray's default concurrency (1,000
    calls) and offers no setting for it. Each response waiting for its group holds a call,
    so a step larger than 1,000 x workers would stall. verl's `RewardLoopManager` imports
    this module (to resolve the manager class) just before it creates the workers; this
    wraps that creation so, for RlvrRewardManager only, the workers allow
    `WORKER_CONCURRENCY` calls. Returns False (and changes nothing) if verl's internals
    differ from 0.9's; the manager then warns how many workers a step needs.
    """
    try:
        from verl.experimental.reward_loop import reward_loop as loop_module

        manager_class = loop_module.RewardLoopManager
        original = manager_class._init_reward_loop_workers
        worker_class = loop_module.RewardLoopWorker
    except (ImportError, AttributeError):  # pragma: no cover - another verl layout
        return False
    if getattr(original, "rlvr_lifted", False):
        return True

    @functools.wraps(original)
    def init_reward_loop_workers(self: Any) -> Any:
        if getattr(getattr(self, "reward_manager_cls", None), "__name__", "") == "RlvrRewardManager":
            import ray

            self.reward_loop_workers_class = ray.remote(max_concurrency=WORKER_CONCURRENCY)(worker_class)
        return original(self)

    init_reward_loop_workers.rlvr_lifted = True  # type: ignore[attr-defined]
    manager_class._init_reward_loop_workers = init_reward_loop_workers
    return True


WORKER_LIMIT_LIFTED = _lift_reward_worker_limit()


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
    for length-based methods, since verl passes text only here), `analysis` (true: add the
    per-response `analysis/*` values of `rlvr.engines.analysis_extras`, which verl averages).
    """
    settings = _settings(kwargs)
    pipeline = _pipeline(settings)
    if pipeline.needs_group or pipeline.stateful:
        raise RewardError(
            f"reward {pipeline.name!r} needs whole groups or training steps, which verl's per-sample compute_score "
            "never sees; use rlvr's reward manager: reward.reward_manager.source=importlib "
            "reward.reward_manager.module.path=pkg://rlvr.engines.verl reward.reward_manager.name=RlvrRewardManager "
            "(see docs/engines.md)"
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
    row = scored.per_sample(0)
    if settings.get("analysis"):
        row.update(analysis_extras(solution_str, scored.verdicts[0], row["score"]))
    return row


class RlvrRewardManager(RewardManagerBase):
    """verl 0.9 reward manager for any rlvr reward, group-based and stateful ones included.

    Settings come from `reward.custom_reward_function.reward_kwargs` (see `compute_score`)
    plus `group_size` (default `actor_rollout_ref.rollout.n`), `val_group_size` (default
    `rollout.val_kwargs.n`) and `group_timeout` (seconds to wait for a group's last response).
    Validation responses are recognised by `extra_info.split` (`test`, `val`, ...); an
    `extra_info.target_length` gives L1-style methods their per-prompt token budget.

    Each worker decodes and checks its responses; group-based and stateful rewards then go
    to the run's one group hub (`rlvr.engines.group_hub`): a named Ray actor shared by every
    reward worker (`rlvr.engines.ray_hub`), or an in-process hub when Ray is not running.
    """

    def __init__(self, config: Any, tokenizer: Any, compute_score: Any = None, reward_router_address: Any = None, reward_model_tokenizer: Any = None, **kwargs: Any) -> None:
        super().__init__(config, tokenizer, compute_score)
        settings = _settings(_reward_kwargs(config))
        self.pipeline = RewardPipeline(settings.get("rewards", "correct"), params=settings.get("params"), timeout=float(settings.get("timeout") or DEFAULT_TIMEOUT))
        rollout = _get(config, "actor_rollout_ref.rollout")
        self.group_size = _whole(settings.get("group_size") or _get(rollout, "n", 1), "group_size")
        self.val_group_size = _whole(settings.get("val_group_size") or _get(rollout, "val_kwargs.n", 1), "val_group_size")
        self.max_response_length = _get(rollout, "response_length")
        self.prompts_per_step = int(_get(config, "data.train_batch_size", 0) or 0)
        self.group_timeout = float(settings.get("group_timeout") or DEFAULT_GROUP_TIMEOUT)
        self.analysis = bool(settings.get("analysis"))
        self.shared = self.pipeline.needs_group or self.pipeline.stateful
        self._check_config(config)
        self.spec = {
            "rewards": settings.get("rewards", "correct"),
            "params": settings.get("params"),
            "timeout": self.pipeline.timeout,
            "group_size": self.group_size,
            "val_group_size": self.val_group_size,
            "responses_per_step": self.prompts_per_step * self.group_size if self.pipeline.stateful else 0,
            "group_timeout": self.group_timeout,
            "experiment": str(_get(config, "trainer.experiment_name", "") or ""),
        }
        # Per-sample stateless rewards, or no Ray: a hub in this process (the pipeline above).
        self._local = GroupHub(
            self.pipeline,
            group_size=self.group_size,
            val_group_size=self.val_group_size,
            responses_per_step=self.spec["responses_per_step"],
            group_timeout=self.group_timeout,
        )
        self._remote: Any = None

    def _check_config(self, config: Any) -> None:
        self._hint = ""
        if not self.shared:
            return
        if self.pipeline.stateful and self.prompts_per_step < 1:
            raise RewardError("data.train_batch_size must be set: rlvr counts training steps from it")
        workers = int(_get(config, "reward.num_workers", 1) or 1)
        per_step = self.prompts_per_step * self.group_size
        needed = min_reward_workers(per_step)
        if self.pipeline.needs_group and _streams(config) and workers < needed and not WORKER_LIMIT_LIFTED:
            self._hint = f" (or set reward.num_workers >= {needed}: {workers} reward workers cannot hold {per_step} waiting responses)"
            log.warning(
                "a step has %d responses and each waits in its reward worker until its group is complete; verl runs at "
                "most %d calls at once per reward worker and picks workers at random, so set reward.num_workers >= %d "
                "(now %d) or groups can stall until group_timeout", per_step, RAY_ASYNC_CONCURRENCY, needed, workers
            )
        if self.pipeline.needs_group and self.val_group_size != self.group_size:
            log.info(
                "rollout.val_kwargs.n=%d differs from rollout.n=%d: validation rows need extra_info.split='test' "
                "so rlvr waits for the right group size", self.val_group_size, self.group_size
            )

    @property
    def step(self) -> int:
        """The training step the next response belongs to (from the run's shared hub)."""
        if self._remote is not None:
            import ray

            return int(ray.get(self._remote.handle.stats.remote())["step"])
        return self._local.step

    @property
    def hub(self) -> Any:
        """The group hub this manager submits to: the run's Ray actor, or the in-process `GroupHub`."""
        if not self.shared:
            return self._local
        if self._remote is None:
            try:
                import ray
            except ImportError:  # pragma: no cover - verl always brings ray
                return self._local
            if not ray.is_initialized():
                return self._local
            from rlvr.engines.ray_hub import HubClient, hub_handle

            self._remote = HubClient(hub_handle(self.spec))
        return self._remote

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
        priority = item.non_tensor_batch.get("priority")  # verl 0.9: the response's position in the batch
        order = int(priority) if isinstance(priority, (int, np.integer)) else None
        member = HubMember(verdict, length, text, ids, truncated, checker.key, extra_info.get("target_length"), order=order)
        training = str(extra_info.get("split", "train")).lower() not in VALIDATION_SPLITS
        uid = item.non_tensor_batch.get("uid")
        if self.pipeline.needs_group and uid is None:
            raise RewardError("a response came without a uid; verl sets one per prompt, group rewards need it")
        result = await self._submit(uid, member, training)
        if self.analysis:
            extras = await loop.run_in_executor(
                None, lambda: analysis_extras(text, verdict, result["score"], length=length, truncated=truncated))
            result = {**result, **extras}
        return {"reward_score": result["score"], "reward_extra_info": result}

    async def _submit(self, uid: Any, member: HubMember, training: bool) -> dict:
        hub = self.hub
        try:
            if isinstance(hub, GroupHub):
                return await hub.submit(uid, member, training=training)
            from rlvr.engines.ray_hub import raise_hub_error

            answer = await hub.submit(uid, member, training)
            raise_hub_error(answer)
            return answer
        except GroupTimeoutError as err:
            raise GroupTimeoutError(str(err) + self._hint) from None


def min_reward_workers(responses_per_step: int, limit: int = 0) -> int:
    """Fewest verl reward workers that can hold a step's waiting responses.

    Each response waits in the worker verl picked for it (uniformly at random) until its
    group is complete, and a worker runs at most `limit` calls at once (Ray's async actor
    default, 1000). Up to the whole step can be waiting (LASER-D's first step is scored
    whole), so a worker's load is Binomial(R, 1/W); we ask its mean plus six standard
    deviations to stay within the limit (for R = 8,192: W = 10).
    """
    limit = limit or RAY_ASYNC_CONCURRENCY
    if responses_per_step <= limit:
        return 1
    workers = 1
    while True:
        p = 1.0 / workers
        mean = responses_per_step * p
        if mean + 6.0 * (responses_per_step * p * (1.0 - p)) ** 0.5 <= limit:
            return workers
        workers += 1


def _streams(config: Any) -> bool:
    """True when verl sends each response to a reward worker as it finishes (rule-based rewards)."""
    return not _get(config, "reward.reward_model.enable", False) or bool(_get(config, "reward.reward_model.enable_resource_pool", False))


def _whole(value: Any, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1 or isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise RewardError(f"{name} must be a whole number >= 1 (responses per prompt), got {value!r}")
    return number


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


__all__ = ["RlvrRewardManager", "compute_score", "min_reward_workers", "row_of", "task_of"]
