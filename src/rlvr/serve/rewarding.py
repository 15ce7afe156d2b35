"""Rewards for OpenRLHF's remote reward-model protocol, computed like rlvr's OpenRLHF reward file.

A request carries `query` (prompt + response as decoded text), `prompts` and `labels`
(the `--label_key` column: a gold answer or rlvr's `problem_json`). Responses are cut out
of the queries, checked in the thread pool, and scored by one shared `RewardPipeline`;
stateful methods count training steps from the responses scored so far. Group-based
methods see consecutive runs of `n_samples` responses of a request as one prompt's group;
a request of one sample (current OpenRLHF) is held until the other samples of its prompt
have come in their own requests (`rlvr.serve.grouping`).
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rlvr.engines.group_hub import GroupHub, HubMember
from rlvr.engines.groups import consecutive_groups
from rlvr.engines.openrlhf_reward import response_of
from rlvr.engines.pipeline import RewardPipeline, ScoredBatch, TrainingSteps, group_prompt_ids
from rlvr.rewards.base import RewardError
from rlvr.serve.checking import CheckRunner, ItemError
from rlvr.serve.grouping import SampleGroups
from rlvr.serve.rows import RowCache
from rlvr.serve.settings import ServeError, ServeSettings
from rlvr.verify.verdict import Verdict


@dataclass(frozen=True)
class RewardResult:
    """Per-response rewards, correctness in [0, 1] and named components (plain lists)."""

    rewards: list[float]
    scores: list[float]
    components: dict[str, list[float]]
    step: int

    def to_openrlhf(self) -> dict[str, Any]:
        """The JSON body OpenRLHF reads: `rewards`, `scores` (dynamic filtering) and `extra_logs`."""
        extra_logs = {"rlvr/acc": self.scores, **{f"rlvr/{name}": values for name, values in self.components.items()}}
        return {"rewards": self.rewards, "scores": self.scores, "extra_logs": extra_logs}


class RemoteReward:
    """The configured reward of a server; safe to call from concurrent requests."""

    def __init__(self, settings: ServeSettings, rows: RowCache) -> None:
        try:
            self.pipeline = RewardPipeline(settings.rewards, params=settings.params, timeout=settings.timeout)
        except RewardError as err:
            raise ServeError(str(err)) from None
        name = self.pipeline.name
        if self.pipeline.needs_group and settings.n_samples is None:
            raise ServeError(f"reward {name!r} compares a prompt's responses: set n_samples (--n-samples) to OpenRLHF's n_samples_per_prompt")
        if self.pipeline.stateful and settings.prompts_per_step is None:
            raise ServeError(f"reward {name!r} changes with the training step: set prompts_per_step (--prompts-per-step) to the rollout batch size")
        self.tokenizer = _load_tokenizer(settings.tokenizer)
        if self.pipeline.needs_lengths and self.tokenizer is None:
            raise ServeError(f"reward {name!r} needs response lengths in tokens: set tokenizer (--tokenizer) to the policy's local tokenizer folder")
        self.settings = settings
        self.rows = rows
        per_step = settings.prompts_per_step * (settings.n_samples or 1) if settings.prompts_per_step else 0
        self.samples: SampleGroups | None = None
        if self.pipeline.needs_group:
            # One step counter for both kinds of request: the hub's.
            hub = GroupHub(self.pipeline, group_size=settings.n_samples, responses_per_step=per_step,
                           group_timeout=settings.group_timeout)
            self.samples = SampleGroups(hub, settings.n_samples, settings.group_timeout)
            self.steps = hub.steps
        else:
            self.steps = TrainingSteps(self.pipeline, per_step) if per_step else None
        # Method state (step, LASER-D targets) must see batches one at a time.
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.pipeline.name

    @property
    def step(self) -> int:
        return self.steps.step if self.steps is not None else 0

    async def __call__(self, runner: CheckRunner, queries: Sequence[str], prompts: Sequence[str], labels: Sequence[Any],
                       disconnected: Callable[[], Awaitable[None]] | None = None) -> RewardResult:
        """Check and score one batch; raises `ServeError` naming what is wrong with the request.

        disconnected: returns when the client has gone away (a held one-sample request then
        keeps its sample's place for a resend).
        """
        n = len(queries)
        if len(prompts) != n or len(labels) != n:
            raise ServeError(f"got {n} queries, {len(prompts)} prompts and {len(labels)} labels; they must match")
        # One sample of a group-based reward: held until its prompt's other samples come.
        samples = self.samples if n == 1 and (self.settings.n_samples or 1) > 1 else None
        group = np.zeros(n, dtype=np.int64) if samples is not None else self._groups(prompts)
        responses, checkers = [], []
        for i, (query, prompt, label) in enumerate(zip(queries, prompts, labels)):
            try:
                responses.append(response_of(query, prompt))
                checkers.append(self.rows.label(label))
            except RewardError as err:
                raise ItemError(i, err) from None
        verdicts = await runner.verdicts(responses, checkers)
        token_ids = self._token_ids(responses)
        lengths = None if token_ids is None else np.array([len(ids) for ids in token_ids], dtype=np.int64)
        truncated = None if self.settings.max_length is None or lengths is None else lengths >= self.settings.max_length
        if samples is not None:
            member = HubMember(verdicts[0], 0 if lengths is None else int(lengths[0]), text=responses[0],
                               token_ids=None if token_ids is None else token_ids[0],
                               truncated=False if truncated is None else bool(truncated[0]), key=checkers[0].key)
            row = await samples.reward(prompts[0], labels[0], queries[0], member, disconnected)
            return _from_row(row, self.step)
        fields = {"texts": responses, "token_ids": token_ids, "truncated": truncated,
                  "prompt_ids": group_prompt_ids(group, [checker.key for checker in checkers])}
        with self._lock:
            scored = self._score(verdicts, lengths, group, fields)
        return RewardResult(
            rewards=scored.total.astype(float).tolist(),
            scores=scored.batch.correct.astype(float).tolist(),
            components={name: np.asarray(values, dtype=float).tolist() for name, values in scored.scores.components.items()},
            step=scored.step,
        )

    def _groups(self, prompts: Sequence[str]) -> np.ndarray:
        n_samples = self.settings.n_samples if self.pipeline.needs_group else None
        if n_samples is None:
            return consecutive_groups(prompts, None)
        if len(prompts) % n_samples:
            raise ServeError(
                f"reward {self.name!r} scores each prompt's {n_samples} responses together (n_samples={n_samples}), "
                f"but the request has {len(prompts)} queries, not a multiple of {n_samples}; send whole groups in one request, "
                "or each sample in a request of its own (the server then collects a prompt's samples across requests)"
            )
        try:
            return consecutive_groups(prompts, n_samples)
        except RewardError as err:
            raise ServeError(str(err)) from None

    def _token_ids(self, responses: list[str]) -> list[list[int]] | None:
        # Token ids give lengths to length-based methods and n-grams to repetition and LASER-DE.
        if self.tokenizer is None:
            return None
        if not responses:
            return []
        return [list(ids) for ids in self.tokenizer(responses, add_special_tokens=False)["input_ids"]]

    def _score(self, verdicts: list[Verdict], lengths: np.ndarray | None, group: np.ndarray, fields: dict[str, Any]) -> ScoredBatch:
        if self.steps is not None:
            self.steps.begin()
        scored = self.pipeline.score_verdicts(verdicts, lengths, group, **fields)
        if self.steps is not None:
            self.steps.record(scored.batch)
        return scored


def _from_row(row: dict[str, float], step: int) -> RewardResult:
    """One sample's result from the hub's per-sample row (`score`, `acc`, `tokens`, components)."""
    components = {}
    for name, value in row.items():
        if name.startswith("component/"):
            components[name[len("component/"):]] = [float(value)]
        elif name not in ("score", "acc", "tokens"):
            components[name] = [float(value)]
    return RewardResult(rewards=[float(row["score"])], scores=[float(row["acc"])], components=components, step=step)


def _load_tokenizer(tokenizer: Any) -> Any:
    if not isinstance(tokenizer, str):
        return tokenizer
    try:
        from transformers import AutoTokenizer
    except ImportError:
        raise ServeError("counting tokens needs transformers: pip install 'rlvr[train]'") from None
    try:
        return AutoTokenizer.from_pretrained(tokenizer, local_files_only=True)
    except (OSError, ValueError) as err:
        raise ServeError(f"cannot load a tokenizer from {tokenizer!r}: {err}") from None
