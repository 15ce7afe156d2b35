"""One place where the responses to a prompt meet: group and stateful rewards for streaming engines.

verl's reward loop (and OpenRLHF's one-sample remote client) hand rlvr one response at a
time, from many workers, in any order. Group-based rewards (LASER-D, `group_penalty`,
normalized length, ...) need every response of a prompt, and stateful ones (LASER-D's
targets, ThinkPrune's stage) need one step counter for the whole run. A `GroupHub` is
that one place: clients check correctness themselves (the costly part, in parallel), then
`await hub.submit(uid, member)`; the hub collects the members of each `uid` up to the
expected group size, scores the complete group with the shared `RewardPipeline` and
answers every member.

Guarantees (tests/engines/test_group_hub.py):
- One training step's rewards are identical to `RewardPipeline.score_verdicts` over the
  whole step at once: each group is scored alone (every rlvr method only compares
  responses within a group), members in the engine's batch order when `order` is given,
  and the step counter and monitoring run exactly as for a whole batch (`TrainingSteps`).
  A step whose first scoring would monitor its own rollouts (LASER-D's `monitor_first`
  at step 0: no earlier step to monitor) is held whole and scored as one batch, as an
  in-process trainer scores it. Validation groups are scored on a copy of the method, so
  validation never moves a stateful method's targets or schedule.
- Validation padding (verl repeats the first rows of the validation batch to fill its
  workers, uid included) never makes a group wait and never mixes copies into a group:
  with batch positions (`order`, verl's `priority`) the group is the aligned run of
  `val_group_size` positions that fills first (see `_ready`); without them, the first
  `val_group_size` arrivals. Every other member is a padding copy (`duplicates` in
  `stats`), scored in the finished group in place of its twin (same offset, else same
  tokens), so no response is compared with a copy of itself; verl drops those rewards.
  A surplus training member is a configuration error.
- A group that does not complete within `group_timeout` seconds fails every waiting member
  with `GroupTimeoutError`, a one-line message naming the uid, how many arrived and what to
  change; later members of that uid fail at once instead of waiting again.

Pure asyncio, no Ray: one hub serves one event loop (a Ray actor in verl, the server's loop
in `rlvr serve`); call it from that loop only.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np

from rlvr.engines.pipeline import RewardPipeline, ScoredBatch, TrainingSteps, target_lengths
from rlvr.rewards.base import RewardError
from rlvr.verify.verdict import Verdict

log = logging.getLogger("rlvr.engines.group_hub")

DEFAULT_GROUP_TIMEOUT = 3600.0
# Finished validation groups kept (counted in members) so padding copies can be scored with them.
DEFAULT_KEEP_DONE = 32768


class GroupTimeoutError(RewardError):
    """A prompt's group did not complete within the group timeout."""


class HubMember:
    """One response whose correctness is known, on its way to its group.

    verdict: the checker's verdict; length: response length in tokens; text, token_ids,
    truncated, target_length: what the reward method may read (see `RolloutBatch`);
    key: a stable prompt key (LASER-D monitors by prompt); order: the response's position
    in the engine's batch if it has one (verl's `priority`), used to lay a group out in
    batch order, else arrival order is used.
    Plain class with slots (pickles small for Ray and works when loaded by file path).
    """

    __slots__ = ("verdict", "length", "text", "token_ids", "truncated", "key", "target_length", "order")

    def __init__(
        self,
        verdict: Verdict,
        length: int,
        text: str = "",
        token_ids: Sequence[int] | None = None,
        truncated: bool = False,
        key: str = "",
        target_length: Any = None,
        order: int | None = None,
    ) -> None:
        self.verdict = verdict
        self.length = int(length)
        self.text = text
        self.token_ids = list(token_ids) if token_ids is not None else []
        self.truncated = bool(truncated)
        self.key = key
        self.target_length = target_length
        self.order = None if order is None else int(order)

    def __getstate__(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __setstate__(self, state: tuple) -> None:
        for name, value in zip(self.__slots__, state):
            setattr(self, name, value)


class _Group:
    __slots__ = ("uid", "expected", "training", "members", "futures", "timer")

    def __init__(self, uid: Hashable, expected: int, training: bool) -> None:
        self.uid = uid
        self.expected = expected
        self.training = training
        self.members: list[HubMember] = []
        self.futures: list[asyncio.Future] = []
        self.timer: asyncio.TimerHandle | None = None


def per_sample(scored: ScoredBatch, index: int) -> dict[str, float]:
    """Total (`score`), correctness (`acc`), `tokens` and every component of response `index`."""
    return scored.per_sample(index)


class GroupHub:
    """Collects each prompt's responses, scores whole groups, counts training steps.

    pipeline:           the configured `RewardPipeline` (shared by every client of this hub).
    group_size:         responses per prompt in training (verl `rollout.n`).
    val_group_size:     responses per prompt in validation (verl `rollout.val_kwargs.n`).
    responses_per_step: training responses per step (prompts x group size); 0 counts no
                        steps (then a stateful method stays at step 0).
    group_timeout:      seconds a group may wait for its last member.
    keep_done:          finished validation groups kept, in members, for padding copies.
    """

    def __init__(
        self,
        pipeline: RewardPipeline,
        *,
        group_size: int,
        val_group_size: int | None = None,
        responses_per_step: int = 0,
        group_timeout: float = DEFAULT_GROUP_TIMEOUT,
        keep_done: int = DEFAULT_KEEP_DONE,
    ) -> None:
        val_group_size = group_size if val_group_size is None else val_group_size
        for name, value in (("group_size", group_size), ("val_group_size", val_group_size)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise RewardError(f"{name} must be a whole number >= 1 (responses per prompt), got {value!r}")
        if not (isinstance(group_timeout, (int, float)) and np.isfinite(group_timeout) and group_timeout > 0):
            raise RewardError(f"group_timeout must be a finite number of seconds > 0, got {group_timeout!r}")
        self.pipeline = pipeline
        self.group_size = group_size
        self.val_group_size = val_group_size
        self.group_timeout = float(group_timeout)
        self.keep_done = int(keep_done)
        self.steps = TrainingSteps(pipeline, responses_per_step) if responses_per_step > 0 else None
        self._pending: dict[Hashable, _Group] = {}
        # uid -> members of finished validation groups (padding copies are scored against them)
        self._done_val: OrderedDict[Hashable, list[HubMember]] = OrderedDict()
        self._done_val_members = 0
        # uids of finished training groups and of groups that timed out (bounded, oldest dropped)
        self._done_train: OrderedDict[Hashable, None] = OrderedDict()
        self._failed: OrderedDict[Hashable, str] = OrderedDict()
        self.counts = {"submitted": 0, "groups": 0, "duplicates": 0, "timeouts": 0}
        # Complete training groups of a step that must be scored whole (see the module docstring).
        self._held: list[_Group] = []
        self._held_members = 0
        self._held_timer: asyncio.TimerHandle | None = None

    @property
    def step(self) -> int:
        """The training step the next training response belongs to."""
        return self.steps.step if self.steps is not None else 0

    def stats(self) -> dict[str, int]:
        """Counters: responses submitted, groups scored, padding copies, timed-out groups, groups waiting, step."""
        return {**self.counts, "pending": len(self._pending), "step": self.step}

    async def submit(self, uid: Hashable, member: HubMember, *, training: bool = True, expected: int | None = None) -> dict[str, float]:
        """The reward of `member`, once its group (same `uid`) is complete.

        `expected` overrides the group size for this uid (the first member's value counts),
        for clients that know it per request.

        Returns `{"score": total, "acc": correctness, "tokens": length, <component>: value}`.
        Raises `GroupTimeoutError` if the group does not complete in time, `RewardError` for
        a surplus training response or bad input.
        """
        if not isinstance(member, HubMember):
            raise RewardError(f"submit takes a HubMember, got {type(member).__name__}")
        self.counts["submitted"] += 1
        if not self.pipeline.needs_group:
            # Per-sample (possibly stateful) method: nothing to wait for, only the shared step counter.
            return per_sample(self._score([member], training), 0)
        if uid is None:
            raise RewardError("a response came without a prompt uid; group rewards need one per prompt")
        if uid in self._failed:
            raise GroupTimeoutError(self._failed[uid])
        group = self._pending.get(uid)
        if group is None:
            surplus = self._surplus(uid, member, training)
            if surplus is not None:
                return surplus
            size = expected if expected is not None else (self.group_size if training else self.val_group_size)
            if isinstance(size, bool) or not isinstance(size, int) or size < 1:
                raise RewardError(f"expected group size must be a whole number >= 1, got {size!r}")
            group = _Group(uid, size, training)
            group.timer = asyncio.get_running_loop().call_later(self.group_timeout, self._expire, group)
            self._pending[uid] = group
        future = asyncio.get_running_loop().create_future()
        group.members.append(member)
        group.futures.append(future)
        block = _ready(group)
        if block is not None:
            self._complete(group, block)
        return await future

    def _complete(self, group: _Group, block: list[int]) -> None:
        del self._pending[group.uid]
        if group.timer is not None:
            group.timer.cancel()
        extra = [i for i in range(len(group.members)) if i not in set(block)]
        surplus = [(group.members[i], group.futures[i]) for i in extra]
        block = [block[i] for i in _batch_order([group.members[i] for i in block])]
        group.members = [group.members[i] for i in block]
        group.futures = [group.futures[i] for i in block]
        if group.training and (self._held or self._step_scores_itself()):
            self._hold(group)
            return
        self._answer([group], group.training)
        for member, future in surplus:  # padding copies that came before their group was complete
            try:
                future.set_result(self._score_copy(group.uid, member))
            except Exception as err:  # noqa: BLE001 - the waiting member must hear about it
                future.set_exception(err)

    def _step_scores_itself(self) -> bool:
        """True when the next training batch would feed the method its own rollouts as monitoring."""
        if self.steps is None:
            return False
        step = self.steps.begin()
        return self.pipeline.method.wants_monitoring(step)

    def _hold(self, group: _Group) -> None:
        self._held.append(group)
        self._held_members += len(group.members)
        if self._held_timer is None:
            self._held_timer = asyncio.get_running_loop().call_later(self.group_timeout, self._expire_step)
        if self._held_members >= self.steps.responses_per_step:
            held, self._held, self._held_members = self._held, [], 0
            self._held_timer.cancel()
            self._held_timer = None
            self._answer(held, training=True)

    def _answer(self, groups: list[_Group], training: bool) -> None:
        """Score `groups` as one batch (in batch order when known) and answer every member."""
        groups = [groups[i] for i in _batch_order([g.members[0] for g in groups])]
        members = [m for g in groups for m in g.members]
        futures = [f for g in groups for f in g.futures]
        ids = np.repeat(np.arange(len(groups)), [len(g.members) for g in groups])
        try:
            scored = self._score(members, training, ids, [g.members[0].key for g in groups])
        except Exception as err:  # noqa: BLE001 - every waiting member must hear about it
            for future in futures:
                if not future.done():
                    future.set_exception(err)
            return
        for g in groups:
            self.counts["groups"] += 1
            self._remember(g.uid, g.members, training)
        for index, future in enumerate(futures):
            if not future.done():
                future.set_result(per_sample(scored, index))

    def _expire_step(self) -> None:
        held, self._held, self._held_members = self._held, [], 0
        self._held_timer = None
        arrived = sum(len(g.members) for g in held)
        message = (
            f"step timeout: training step {self.step} got {arrived} of {self.steps.responses_per_step} responses within "
            f"{self.group_timeout:g}s, and {self.pipeline.name!r} scores this step as a whole (it monitors its own first "
            "rollouts); set data.train_batch_size and rollout.n (or reward_kwargs.group_size) to the real batch, or "
            f"params.{self.pipeline.name}.monitor_first=false"
        )
        self.counts["timeouts"] += 1
        log.error(message)
        for g in held:
            for future in g.futures:
                if not future.done():
                    future.set_exception(GroupTimeoutError(message))

    def _surplus(self, uid: Hashable, member: HubMember, training: bool) -> dict[str, float] | None:
        """The reward of a member arriving after its group was scored (validation padding), else None."""
        if training and uid in self._done_train:
            raise RewardError(
                f"prompt uid {uid!r} got more than group_size={self.group_size} training responses; set "
                "reward_kwargs.group_size to the responses per prompt (rollout.n), and mark validation rows with "
                "extra_info.split='test' (verl pads validation batches with copies of their first rows)"
            )
        if training or uid not in self._done_val:
            return None
        return self._score_copy(uid, member)

    def _score_copy(self, uid: Hashable, member: HubMember) -> dict[str, float]:
        """A validation padding copy, scored in its finished group in place of its twin."""
        self.counts["duplicates"] += 1
        members = list(self._done_val[uid])
        members[_twin(members, member)] = member
        order = _batch_order(members)
        members = [members[i] for i in order]
        scored = self._score(members, False)
        return per_sample(scored, members.index(member))

    def _remember(self, uid: Hashable, members: list[HubMember], training: bool) -> None:
        if training:
            self._done_train[uid] = None
            while len(self._done_train) > 4 * self.keep_done:
                self._done_train.popitem(last=False)
            return
        self._done_val[uid] = members
        self._done_val_members += len(members)
        while self._done_val_members > self.keep_done and len(self._done_val) > 1:
            _, dropped = self._done_val.popitem(last=False)
            self._done_val_members -= len(dropped)

    def _expire(self, group: _Group) -> None:
        if self._pending.get(group.uid) is not group:
            return
        del self._pending[group.uid]
        kind, setting, source = ("training", "group_size", "rollout.n") if group.training else ("validation", "val_group_size", "rollout.val_kwargs.n")
        message = (
            f"group timeout: prompt uid {group.uid!r} got {len(group.members)} of {group.expected} {kind} responses "
            f"within {self.group_timeout:g}s; set reward_kwargs.{setting} to the real responses per prompt ({source}), "
            "mark validation rows with extra_info.split='test', or raise reward_kwargs.group_timeout if generation is that slow"
        )
        self.counts["timeouts"] += 1
        self._failed[group.uid] = message
        while len(self._failed) > self.keep_done:
            self._failed.popitem(last=False)
        log.error(message)
        for future in group.futures:
            if not future.done():
                future.set_exception(GroupTimeoutError(message))

    def _score(self, members: list[HubMember], training: bool, group: np.ndarray | None = None, keys: list[str] | None = None) -> ScoredBatch:
        """Score members as one batch (one group unless `group` says otherwise).

        Training batches advance and feed the step counter; validation batches are scored
        on a copy of the method, so they never change its state.
        """
        counted = training and self.steps is not None
        if counted:
            self.steps.begin()
        fields = {
            "texts": [m.text for m in members],
            "token_ids": [m.token_ids for m in members],
            "truncated": [m.truncated for m in members],
            "target_length": target_lengths([m.target_length for m in members]),
            "prompt_ids": keys if keys is not None else [members[0].key],
        }
        group = np.zeros(len(members), dtype=np.int64) if group is None else group
        verdicts = [m.verdict for m in members]
        lengths = [m.length for m in members]
        if not training:
            batch = self.pipeline.rollout_batch(verdicts, lengths, group, **fields)
            current = self.pipeline.step if self.pipeline.step is not None else 0
            scores = copy.deepcopy(self.pipeline.method).score(batch, current)
            return ScoredBatch(scores=scores, verdicts=verdicts, batch=batch, step=current)
        scored = self.pipeline.score_verdicts(verdicts, lengths, group, **fields)
        if counted:
            self.steps.record(scored.batch)
        return scored


def _ready(group: _Group) -> list[int] | None:
    """Indices of the members that make the group complete, or None while it is not.

    Training groups, and members without a batch position, complete on count. Validation
    members with positions follow verl's layout: a prompt's n responses sit at positions
    k*n .. k*n+n-1 and padding copies of the batch's first rows come after every original,
    at the same offsets modulo n; the group is the first aligned run of n positions to fill
    up (copies never mix with originals). With 2n members and no aligned run (another
    layout), the n earliest positions are taken rather than wait.
    """
    n, members = group.expected, group.members
    if len(members) < n:
        return None
    if group.training or any(m.order is None for m in members):
        return list(range(n))
    where = {m.order: i for i, m in enumerate(members)}
    for start in sorted(o for o in where if o % n == 0):
        if all(start + r in where for r in range(n)):
            return [where[start + r] for r in range(n)]
    if len(members) >= 2 * n:
        return sorted(range(len(members)), key=lambda i: members[i].order)[:n]
    return None


def _batch_order(members: Sequence[HubMember]) -> list[int]:
    """Members in the engine's batch order when every one carries it, else arrival order."""
    if all(m.order is not None for m in members):
        return sorted(range(len(members)), key=lambda i: members[i].order)
    return list(range(len(members)))


def _twin(members: Sequence[HubMember], copy: HubMember) -> int:
    """Which member a padding copy stands in for: same offset in the group (verl's layout), same tokens, or the last."""
    n = len(members)
    if copy.order is not None and all(m.order is not None for m in members):
        for i, m in enumerate(members):
            if m.order % n == copy.order % n:
                return i
    for i, m in enumerate(members):
        if m.token_ids == copy.token_ids and m.text == copy.text:
            return i
    return len(members) - 1


__all__ = ["DEFAULT_GROUP_TIMEOUT", "GroupHub", "GroupTimeoutError", "HubMember", "per_sample"]
