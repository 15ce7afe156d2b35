"""One-sample requests of a group-based reward, collected into groups across requests.

Current OpenRLHF posts each sample alone as soon as it is generated; the
`n_samples_per_prompt` samples of a prompt are generated together and carry the same prompt
and label, but no group id. Each such request is held here until its prompt's `n_samples`
samples have arrived: the group is scored by `rlvr.engines.group_hub.GroupHub` (shared
`RewardPipeline` and step counter, identical to scoring the step in one batch) and every
held request is answered.

- Groups are keyed by (prompt, label). Once a key's group is full, the next sample with that
  key opens a new group, so two dataset rows with the same prompt in one step make two
  groups (their samples are interchangeable, so which row a sample came from is not needed).
- OpenRLHF's client gives up on a request after 180 s and sends it again (up to 5 tries). A
  sample whose client went away keeps its place; when the same sample (same prompt, label
  and query) is sent again, the new request takes over that place, or gets the reward
  at once if the group finished meanwhile, instead of joining the group a second time.
- A group that does not fill within `group_timeout` fails its waiting requests with a
  one-line `ServeError` (a 422) that says how many samples arrived and what to change;
  a sample sent again for a group that timed out fails at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from rlvr.engines.group_hub import GroupHub, GroupTimeoutError, HubMember
from rlvr.serve.settings import ServeError

log = logging.getLogger("rlvr.serve")

# Samples whose client went away, kept for the client's resend (OpenRLHF waits 1 s between tries).
_MAX_ORPHANS = 65_536
_PROMPT_QUOTE = 60


class _Slot:
    """A group being filled: its hub uid, its key and how many samples it got."""

    __slots__ = ("uid", "key", "arrived", "logged")

    def __init__(self, uid: int, key: str) -> None:
        self.uid, self.key, self.arrived, self.logged = uid, key, 0, False


class SampleGroups:
    """Holds one-sample requests until their prompt's group is complete; one per server."""

    def __init__(self, hub: GroupHub, n_samples: int, group_timeout: float) -> None:
        self.hub = hub
        self.n_samples = n_samples
        self.group_timeout = group_timeout
        self._uids = itertools.count()
        self._open: dict[str, _Slot] = {}  # key -> the group of that key still filling
        self._failed: dict[str, tuple[_Slot, float]] = {}  # key -> its last group that timed out, and when
        # (key, query digest) -> (the sample's pending reward, expiry) for samples whose client went away
        self._orphans: OrderedDict[tuple[str, str], tuple[asyncio.Future, float]] = OrderedDict()
        self.waiting = 0

    @property
    def open_groups(self) -> int:
        """Groups still filling."""
        return len(self._open)

    async def reward(self, prompt: str, label: Any, query: str, member: HubMember,
                     disconnected: Callable[[], Awaitable[None]] | None = None) -> dict[str, float]:
        """The reward of one sample, once its prompt's group is complete.

        disconnected: returns when the client has gone away; the sample then keeps its place
        for a resend. Raises `ServeError` when the group times out.
        """
        key = _digest(prompt, label)
        ident = (key, _digest(query))
        now = time.monotonic()
        self._drop_expired(now)
        orphan = self._orphans.pop(ident, None)
        if orphan is not None:
            pending = orphan[0]
        else:
            slot = self._slot(key, now)
            pending = asyncio.ensure_future(self._submit(slot, member, prompt))
            # A reward nobody waits for any more must not log "exception never retrieved".
            pending.add_done_callback(_retrieve)
        self.waiting += 1
        try:
            if disconnected is None:
                return await pending
            watch = asyncio.ensure_future(disconnected())
            try:
                await asyncio.wait({pending, watch}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                watch.cancel()
            if pending.done():
                return pending.result()
            self._orphans[ident] = (pending, now + 2 * self.group_timeout)
            while len(self._orphans) > _MAX_ORPHANS:
                self._orphans.popitem(last=False)
            raise ServeError("the client went away before its group was complete; its sample keeps its place for a resend")
        finally:
            self.waiting -= 1

    def _slot(self, key: str, now: float) -> _Slot:
        failed = self._failed.get(key)
        if failed is not None:
            if now - failed[1] < self.group_timeout:
                return failed[0]  # a resend for a group that timed out: the hub fails it at once
            del self._failed[key]
        slot = self._open.get(key)
        if slot is None:
            slot = self._open[key] = _Slot(next(self._uids), key)
        slot.arrived += 1
        if slot.arrived >= self.n_samples:
            del self._open[key]
        return slot

    async def _submit(self, slot: _Slot, member: HubMember, prompt: str) -> dict[str, float]:
        try:
            return await self.hub.submit(slot.uid, member)
        except GroupTimeoutError as err:
            if self._open.get(slot.key) is slot:
                # Timed out while filling: its later samples fail at once for a while, not wait again.
                del self._open[slot.key]
                self._failed[slot.key] = (slot, time.monotonic())
            message = self._timeout_message(slot, prompt, str(err))
            if not slot.logged:  # one line per group, not one per waiting request
                slot.logged = True
                log.warning(message)
            raise ServeError(message) from None

    def _timeout_message(self, slot: _Slot, prompt: str, hub_message: str) -> str:
        if hub_message.startswith("step timeout"):
            name = self.hub.pipeline.name
            per_step = self.hub.steps.responses_per_step if self.hub.steps is not None else 0
            return (f"step timeout: reward {name!r} scores the first training step as one batch (it monitors its own first "
                    f"rollouts), and not all of its {per_step} samples arrived within {self.group_timeout:g}s; set "
                    "--prompts-per-step to OpenRLHF's --rollout.batch_size, or start with "
                    f"--params '{{\"{name}\": {{\"monitor_first\": false}}}}'")
        quoted = prompt[:_PROMPT_QUOTE] + ("..." if len(prompt) > _PROMPT_QUOTE else "")
        return (f"group timeout: {slot.arrived} of {self.n_samples} samples of the prompt {quoted!r} arrived within "
                f"{self.group_timeout:g}s; every sample of a prompt must reach this server: set --n-samples to OpenRLHF's "
                "--rollout.n_samples_per_prompt and --eval.n_samples_per_prompt to the same, give OpenRLHF one reward URL, "
                "or raise --group-timeout if generation is that slow")

    def _drop_expired(self, now: float) -> None:
        while self._orphans:
            ident, (_pending, expires) = next(iter(self._orphans.items()))
            if expires > now:
                break
            del self._orphans[ident]
        if self._failed:
            for key in [k for k, (_slot, at) in self._failed.items() if now - at >= self.group_timeout]:
                del self._failed[key]


def _digest(*parts: Any) -> str:
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _retrieve(future: asyncio.Future) -> None:
    if not future.cancelled():
        future.exception()
