"""The engine-independent core every adapter calls: verdicts + lengths + groups -> rewards.

An adapter's only job is to translate what its engine passes (TRL keyword columns,
verl `DataProto`, OpenRLHF query strings) into responses, rows, token lengths and group
ids; `RewardPipeline.score` does the rest, so every engine gets the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rlvr.engines.scoring import DEFAULT_TIMEOUT, RowChecker, check_rows
from rlvr.rewards.base import RewardError, RewardMethod, RolloutBatch, Scores
from rlvr.verify.verdict import Verdict

RewardSpec = str | RewardMethod | Sequence[Any] | Mapping[str, float]

# Methods whose reward never reads a length, so engines that only see text need no tokenizer.
LENGTH_FREE_METHODS = frozenset({"correct", "format"})


def parse_spec(text: str) -> list[tuple[str, float]]:
    """`"laser_d:1,format:0.1"` -> `[("laser_d", 1.0), ("format", 0.1)]` (a bare name weighs 1)."""
    members = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        name, _, weight = part.partition(":")
        try:
            members.append((name.strip(), float(weight) if weight.strip() else 1.0))
        except ValueError:
            raise RewardError(f"bad weight {weight!r} for {name!r} in rewards spec {text!r}; write name:weight, e.g. laser_d:1.0") from None
    if not members:
        raise RewardError(f"empty rewards spec {text!r}; give a method or recipe name, e.g. 'laser_d'")
    return members


def build_method(rewards: RewardSpec = "correct", params: Mapping[str, Mapping[str, Any]] | None = None) -> RewardMethod:
    """A `RewardMethod` from a config value.

    rewards: a method or recipe name (`"laser_d"`, `"laser_d+format"`), a `"name:weight,..."`
             string, a list of `(name, weight)` / `(name, weight, params)` pairs, a
             `{name: weight}` mapping, or a ready `RewardMethod`.
    params:  per-method parameters, `{"laser_d": {"alpha": 0.5}}`, applied to named members.
    """
    from rlvr import rewards as registry

    if params is not None and (not isinstance(params, Mapping) or not all(isinstance(v, Mapping) for v in params.values())):
        raise RewardError(f"params must map method names to parameter dicts, e.g. {{'laser_d': {{'alpha': 0.5}}}}; got {params!r}")
    params = {name: dict(value) for name, value in (params or {}).items()}
    if isinstance(rewards, RewardMethod):
        if params:
            raise RewardError("params apply to methods given by name; this RewardMethod is already configured")
        return rewards
    if isinstance(rewards, str):
        spec = rewards.strip()
        if "," not in spec and ":" not in spec:
            if spec in registry.names():
                _check_params(params, {spec})
                return registry.get(spec, **params.get(spec, {}))
            if spec in registry.RECIPES:
                members: list[Any] = list(registry.RECIPES[spec])
            else:
                raise RewardError(
                    f"unknown reward {spec!r}; methods: {', '.join(registry.names())}; recipes: {', '.join(registry.RECIPES)}"
                )
        else:
            members = parse_spec(spec)
    elif isinstance(rewards, Mapping):
        members = list(rewards.items())
    elif isinstance(rewards, Sequence):
        members = [tuple(entry) if isinstance(entry, (list, tuple)) else entry for entry in rewards]
    else:
        raise RewardError(f"rewards must be a name, a list of (name, weight) pairs or a RewardMethod, got {type(rewards).__name__}")
    named = {entry[0] for entry in members if isinstance(entry, tuple) and entry and isinstance(entry[0], str)}
    _check_params(params, named)
    members = [
        (entry[0], entry[1], {**params.get(entry[0], {}), **dict(entry[2] if len(entry) > 2 else {})})
        if isinstance(entry, tuple) and len(entry) >= 2 and isinstance(entry[0], str)
        else entry
        for entry in members
    ]
    return registry.Combined(members)


def _check_params(params: Mapping[str, Any], named: set[str]) -> None:
    unknown = set(params) - named
    if unknown:
        raise RewardError(f"params given for {sorted(unknown)}, which are not among the rewards {sorted(named)}")


def method_names(method: RewardMethod) -> set[str]:
    """The registered names making up `method` (members of a `Combined`, or its own)."""
    members = getattr(method, "members", None)
    if isinstance(members, Mapping):
        return {name for member in members.values() for name in method_names(member)}
    return {getattr(method, "name", "")}


def needs_group(method: RewardMethod) -> bool:
    """True when any part of `method` compares responses within a prompt's group."""
    members = getattr(method, "members", None)
    if isinstance(members, Mapping):
        return any(needs_group(member) for member in members.values())
    return bool(getattr(method, "needs_group", False))


def is_stateful(method: RewardMethod) -> bool:
    """True when any part of `method` keeps state across steps (schedules, adaptive targets)."""
    members = getattr(method, "members", None)
    if isinstance(members, Mapping):
        return any(is_stateful(member) for member in members.values())
    return bool(getattr(method, "stateful", False))


@dataclass
class ScoredBatch:
    """Rewards for a batch together with what produced them (for logging)."""

    scores: Scores
    verdicts: list[Verdict]
    batch: RolloutBatch
    step: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> np.ndarray:
        return self.scores.total

    def means(self) -> dict[str, float]:
        """Batch means of the reward, accuracy, length in tokens and every component (what trainers log)."""
        out = {"reward": float(np.mean(self.scores.total)) if len(self.batch) else 0.0}
        out["accuracy"] = float(np.mean(self.batch.correct)) if len(self.batch) else 0.0
        out["length_tokens"] = float(np.mean(self.batch.length)) if len(self.batch) else 0.0
        for name, values in self.scores.components.items():
            out[f"component/{name}"] = float(np.mean(values)) if len(values) else 0.0
        return out

    def per_sample(self, i: int) -> dict[str, float]:
        """Total, correctness and components of response `i` (verl's per-sample extra info)."""
        row = {"score": float(self.scores.total[i]), "acc": float(self.batch.correct[i]), "tokens": float(self.batch.length[i])}
        for name, values in self.scores.components.items():
            row[name if name not in row else f"component/{name}"] = float(values[i])
        return row


class RewardPipeline:
    """One configured reward method plus the step bookkeeping stateful methods need.

    `advance(step)` calls the method's `on_step` once per new step, whichever of the
    engine's hooks reaches it first (reward call or trainer callback).
    """

    def __init__(self, rewards: RewardSpec = "correct", *, params: Mapping[str, Mapping[str, Any]] | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.method = build_method(rewards, params)
        self.timeout = timeout
        self.step: int | None = None
        self.needs_group = needs_group(self.method)
        self.stateful = is_stateful(self.method)
        self.needs_lengths = not method_names(self.method) <= LENGTH_FREE_METHODS

    @property
    def name(self) -> str:
        """A short name for logs: the method name, or the Combined members joined by `+`."""
        members = getattr(self.method, "members", None)
        if isinstance(members, Mapping):
            return "+".join(members)
        return str(getattr(self.method, "name", type(self.method).__name__))

    def advance(self, step: int) -> None:
        """Tell the method a new training step began (idempotent per step)."""
        if self.step is None or step > self.step:
            self.step = step
            self.method.on_step(step)

    def rollout_batch(
        self,
        verdicts: Sequence[Verdict],
        lengths: Sequence[int] | np.ndarray | None,
        group: Sequence[int] | np.ndarray,
        *,
        texts: Sequence[str] | None = None,
        token_ids: Sequence[Sequence[int]] | None = None,
        truncated: Sequence[bool] | np.ndarray | None = None,
        target_length: Sequence[float] | np.ndarray | None = None,
        prompt_ids: Sequence[str] | None = None,
    ) -> RolloutBatch:
        """The `RolloutBatch` for verdicts already computed (lengths in tokens)."""
        n = len(verdicts)
        if lengths is None:
            if self.needs_lengths:
                raise RewardError(
                    f"reward {self.name!r} needs response lengths in tokens, and none were given: pass the "
                    "completion token ids, or a tokenizer to count them (characters are never used)"
                )
            lengths = np.zeros(n, dtype=np.int64)
        correct = np.clip(np.array([v.score for v in verdicts], dtype=np.float64), 0.0, 1.0)
        return RolloutBatch(
            correct=correct,
            length=np.asarray(lengths, dtype=np.int64),
            group=np.asarray(group, dtype=np.int64),
            token_ids=token_ids,
            truncated=None if truncated is None else np.asarray(truncated, dtype=bool),
            target_length=None if target_length is None else np.asarray(target_length, dtype=np.float64),
            prompt_ids=prompt_ids,
            texts=texts,
        )

    def score_verdicts(self, verdicts: Sequence[Verdict], lengths: Any, group: Any, *, step: int | None = None, **batch_fields: Any) -> ScoredBatch:
        """Rewards for responses whose verdicts are known."""
        if step is not None:
            self.advance(step)
        batch = self.rollout_batch(verdicts, lengths, group, **batch_fields)
        current = self.step if self.step is not None else 0
        scores = self.method.score(batch, current)
        if scores.total.shape != (len(batch),):
            raise RewardError(f"reward {self.name!r} returned {scores.total.shape} totals for {len(batch)} responses")
        return ScoredBatch(scores=scores, verdicts=list(verdicts), batch=batch, step=current)

    def score(self, responses: Sequence[Any], checkers: Sequence[RowChecker], lengths: Any, group: Any, *, step: int | None = None, **batch_fields: Any) -> ScoredBatch:
        """Check every response against its row, then score the batch."""
        verdicts = check_rows(list(responses), list(checkers))
        texts = [r if isinstance(r, str) else "" for r in responses]
        return self.score_verdicts(verdicts, lengths, group, step=step, texts=texts, **batch_fields)

    def monitor(self, batch: RolloutBatch, step: int) -> bool:
        """Feed a monitoring batch to the method if it wants one at `step`; True if it did."""
        if not self.method.wants_monitoring(step):
            return False
        self.method.monitor(batch, step)
        return True


def target_lengths(values: Sequence[Any]) -> np.ndarray | None:
    """Per-response token budgets from a dataset column; None when the column is empty."""
    if all(v is None for v in values):
        return None
    try:
        out = np.array([float(v) for v in values], dtype=np.float64)
    except (TypeError, ValueError):
        raise RewardError("target_length must be a number of tokens on every row (or absent on all)") from None
    if not np.isfinite(out).all() or (out < 0).any():
        raise RewardError("target_length must be finite and >= 0 tokens")
    return out


def group_prompt_ids(group: np.ndarray, keys: Sequence[str]) -> list[str]:
    """One key per group id (group ids are dense, 0..k-1), from per-response keys."""
    count = int(group.max()) + 1 if len(group) else 0
    out = [""] * count
    for g, key in zip(group.tolist(), keys):
        out[g] = key
    return out


def concat_batches(batches: Sequence[RolloutBatch]) -> RolloutBatch:
    """One `RolloutBatch` from several, group ids renumbered so groups stay apart."""
    groups, offset = [], 0
    for batch in batches:
        dense = np.unique(batch.group, return_inverse=True)[1].reshape(-1) if len(batch) else np.zeros(0, dtype=np.int64)
        groups.append(dense + offset)
        offset += int(dense.max()) + 1 if len(batch) else 0

    def joined(name: str) -> list[Any] | None:
        parts = [getattr(b, name) for b in batches]
        if any(part is None for part in parts):
            return None
        return [x for part in parts for x in part]

    truncated = joined("truncated")
    target = joined("target_length")
    return RolloutBatch(
        correct=np.concatenate([b.correct for b in batches]) if batches else np.zeros(0),
        length=np.concatenate([b.length for b in batches]) if batches else np.zeros(0, dtype=np.int64),
        group=np.concatenate(groups) if groups else np.zeros(0, dtype=np.int64),
        token_ids=joined("token_ids"),
        truncated=None if truncated is None else np.asarray(truncated, dtype=bool),
        target_length=None if target is None else np.asarray(target, dtype=np.float64),
        prompt_ids=joined("prompt_ids"),
        texts=joined("texts"),
    )


class TrainingSteps:
    """Step counting and monitoring for engines that only hand over rollouts (verl, OpenRLHF).

    The step is the number of training responses scored so far divided by the responses
    per step. When a new step begins and the method wants monitoring, it gets the previous
    step's rollouts: samples of the current policy, the only ones such an engine offers.
    """

    def __init__(self, pipeline: RewardPipeline, responses_per_step: int) -> None:
        if responses_per_step < 1:
            raise RewardError(f"responses per step must be >= 1, got {responses_per_step}")
        self.pipeline = pipeline
        self.responses_per_step = responses_per_step
        self.scored = 0
        self.monitored_steps: list[int] = []
        self._rollouts: list[tuple[int, RolloutBatch]] = []

    @property
    def step(self) -> int:
        return self.scored // self.responses_per_step

    def begin(self) -> int:
        """Advance the method to the current step (monitoring first if due); returns the step."""
        step = self.step
        if self.pipeline.step is None or step > self.pipeline.step:
            self.pipeline.advance(step)
            previous = [batch for s, batch in self._rollouts if s == step - 1]
            if previous and self.pipeline.monitor(concat_batches(previous), step):
                self.monitored_steps.append(step)
            self._rollouts = [(s, batch) for s, batch in self._rollouts if s >= step - 1]
        return step

    def record(self, batch: RolloutBatch) -> None:
        """Count a scored training batch and keep it for the next step's monitoring."""
        if self.pipeline.stateful:
            self._rollouts.append((self.step, batch))
        self.scored += len(batch)
