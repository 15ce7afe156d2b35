"""The group hub as one named Ray actor, shared by every reward worker of a run.

verl sends each response to a reward worker picked at random, so a prompt's responses
land on different workers. Each worker checks its responses (the costly part) and
submits them to one `GroupHubActor`, found by name or created by the first worker that
needs it (`hub_handle`). The actor is an async actor with a high `max_concurrency`: a
member waiting for its group costs it one coroutine, not a thread.

This module imports Ray only; verl is not needed in the actor's process.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Hashable, Mapping
from typing import Any

from rlvr.engines.group_hub import GroupHub, GroupTimeoutError, HubMember
from rlvr.engines.pipeline import RewardPipeline
from rlvr.engines.scoring import DEFAULT_TIMEOUT
from rlvr.rewards.base import RewardError

# Members one hub may hold at once: a few steps of the largest batches, each only a coroutine.
HUB_CONCURRENCY = 200_000


class GroupHubActor:
    """A `GroupHub` behind Ray: `submit` from any worker, `stats` for logs and tests.

    spec: `rewards`, `params`, `timeout` (the pipeline), `group_size`, `val_group_size`,
    `responses_per_step`, `group_timeout` (the hub).
    """

    def __init__(self, spec: Mapping[str, Any]) -> None:
        pipeline = RewardPipeline(spec.get("rewards", "correct"), params=spec.get("params"), timeout=float(spec.get("timeout") or DEFAULT_TIMEOUT))
        self.hub = GroupHub(
            pipeline,
            group_size=int(spec["group_size"]),
            val_group_size=int(spec["val_group_size"]),
            responses_per_step=int(spec.get("responses_per_step") or 0),
            group_timeout=float(spec["group_timeout"]),
        )

    async def submit(self, uid: Hashable, member: HubMember, training: bool = True) -> dict[str, Any]:
        """`GroupHub.submit`, across processes; a `RewardError` comes back as `{"error", "message"}`.

        Returned, not raised: Ray would wrap a raised error in its traceback text, and the
        client re-raises it as the one line the user should read (`raise_hub_error`).
        """
        try:
            return await self.hub.submit(uid, member, training=training)
        except RewardError as err:
            return {"error": "timeout" if isinstance(err, GroupTimeoutError) else "reward", "message": str(err)}

    async def submit_many(self, items: list[tuple[Hashable, HubMember, bool]]) -> list[dict[str, Any]]:
        """`submit` for several members in one Ray call (what `HubClient` sends); answers in order."""
        return list(await asyncio.gather(*(self.submit(uid, member, training) for uid, member, training in items)))

    async def stats(self) -> dict[str, Any]:
        """`GroupHub.stats` plus the method's state (for logs and tests)."""
        method = self.hub.pipeline.method
        return {**self.hub.stats(), "pipeline_step": self.hub.pipeline.step, "state": method.state_dict()}


class HubClient:
    """A worker's side of the hub: members submitted in the same few milliseconds go in one Ray call.

    One Ray call per response costs more CPU than checking it (about 1 ms against 0.1 ms
    for a math answer), so the client gathers what its worker submits within `linger`
    seconds and sends it with `submit_many`. A call returns when all of its members are
    answered; verl waits for the whole step anyway.
    """

    def __init__(self, handle: Any, linger: float = 0.005) -> None:
        self.handle = handle
        self.linger = linger
        self._queue: list[tuple[Hashable, HubMember, bool, asyncio.Future]] = []
        self._tasks: set[asyncio.Task] = set()

    async def submit(self, uid: Hashable, member: HubMember, training: bool = True) -> dict[str, Any]:
        """The member's answer from the hub (an error comes back as `{"error", "message"}`)."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        if not self._queue:
            loop.call_later(self.linger, self._flush)
        self._queue.append((uid, member, training, future))
        return await future

    def _flush(self) -> None:
        batch, self._queue = self._queue, []
        if batch:
            task = asyncio.ensure_future(self._send(batch))
            self._tasks.add(task)  # keep a reference until it is done
            task.add_done_callback(self._tasks.discard)

    async def _send(self, batch: list[tuple[Hashable, HubMember, bool, asyncio.Future]]) -> None:
        try:
            answers = await self.handle.submit_many.remote([(uid, member, training) for uid, member, training, _ in batch])
        except Exception as err:  # noqa: BLE001 - every waiting member must hear about it
            for *_, future in batch:
                if not future.done():
                    future.set_exception(err)
            return
        for (*_, future), answer in zip(batch, answers):
            if not future.done():
                future.set_result(answer)


def raise_hub_error(answer: Mapping[str, Any]) -> None:
    """Raise the error a hub actor returned in place of a reward, if it did."""
    if "error" in answer:
        raise (GroupTimeoutError if answer["error"] == "timeout" else RewardError)(str(answer["message"]))


def hub_name(spec: Mapping[str, Any]) -> str:
    """A name unique to a run's reward configuration, so runs with other settings never share a hub."""
    digest = hashlib.sha1(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"rlvr_group_hub_{digest}"


def hub_handle(spec: Mapping[str, Any]) -> Any:
    """The run's hub actor: found by name, or created (`get_if_exists` settles races between workers)."""
    import ray

    return (
        ray.remote(GroupHubActor)
        .options(name=hub_name(spec), get_if_exists=True, max_concurrency=HUB_CONCURRENCY, num_cpus=0)
        .remote(dict(spec))
    )


__all__ = ["HUB_CONCURRENCY", "GroupHubActor", "HubClient", "hub_handle", "hub_name", "raise_hub_error"]
