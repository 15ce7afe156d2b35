"""Checking many responses in a thread pool without blocking the event loop.

The checks are blocking code (the verifier, task checkers), so they run in threads. The
verifier bounds its own time, and task checkers are bounded by the response length
limit; as a backstop, a check still running `item_deadline` seconds after it started is
answered as a timeout. Its thread cannot be killed, so it is counted as stuck until it
returns, and the server refuses work once every thread is stuck rather than hang.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from rlvr.engines.scoring import RowChecker
from rlvr.verify.verdict import Reason, Verdict

log = logging.getLogger("rlvr.serve")

# How often a waiting request looks for checks that have not started yet.
_POLL_SECONDS = 0.5
_QUEUED, _RUNNING, _DONE, _ABANDONED = "queued", "running", "done", "abandoned"


class ItemError(ValueError):
    """One item of a request cannot be checked (e.g. its gold answer does not parse)."""

    def __init__(self, index: int, error: Exception) -> None:
        super().__init__(f"item {index}: {error}")
        self.index = index


class Saturated(RuntimeError):
    """Every check thread is stuck on a check that overran its time bound."""


class CheckRunner:
    """A bounded thread pool that turns (response, checker) pairs into verdicts."""

    def __init__(self, workers: int, item_deadline: float) -> None:
        self.workers = workers
        self.item_deadline = item_deadline
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rlvr-serve-check")
        self._lock = threading.Lock()
        self.stuck = 0
        self.timed_out = 0

    def close(self) -> None:
        """Stop accepting checks; running ones finish in the background."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def verdicts(self, responses: Sequence[str], checkers: Sequence[RowChecker]) -> list[Verdict]:
        """One verdict per response, in order; raises `ItemError` for an item that cannot be checked."""
        calls = [_bind(checker.check, response) for response, checker in zip(responses, checkers, strict=True)]
        return await self.run(calls)

    async def run(self, calls: Sequence[Callable[[], Verdict]]) -> list[Verdict]:
        """Run blocking verdict-returning calls in the pool, each bounded by `item_deadline`."""
        if self.stuck >= self.workers:
            raise Saturated(
                f"all {self.workers} check threads are stuck on checks that ignored their time bound; restart the server"
            )
        loop = asyncio.get_running_loop()
        started: list[float | None] = [None] * len(calls)
        states = [_QUEUED] * len(calls)

        def timed(index: int) -> Verdict:
            started[index] = time.monotonic()
            states[index] = _RUNNING
            try:
                return calls[index]()
            finally:
                with self._lock:
                    if states[index] == _ABANDONED:
                        self.stuck -= 1
                    states[index] = _DONE

        futures = {loop.run_in_executor(self._pool, timed, i): i for i in range(len(calls))}
        for future in futures:
            future.add_done_callback(_consume)
        results: list[Verdict | None] = [None] * len(calls)
        pending = set(futures)
        try:
            while pending:
                # Wakes when all are done, or to look for overruns; not per completion, which costs O(n^2) on big batches.
                done, pending = await asyncio.wait(pending, timeout=self._wait_for(started, pending, futures))
                for future in done:
                    index = futures[future]
                    error = future.exception()
                    if isinstance(error, ValueError):
                        raise ItemError(index, error) from None
                    if error is not None:
                        raise error
                    results[index] = future.result()
                pending = self._expire(pending, futures, started, states, results)
        finally:
            for future in pending:
                future.cancel()
        return [verdict for verdict in results if verdict is not None]

    def _wait_for(self, started: list[float | None], pending: set[asyncio.Future], futures: dict[asyncio.Future, int]) -> float:
        now = time.monotonic()
        expiries = [started[futures[f]] + self.item_deadline - now for f in pending if started[futures[f]] is not None]
        return max(0.0, min([_POLL_SECONDS, *expiries]))

    def _expire(self, pending: set[asyncio.Future], futures: dict[asyncio.Future, int], started: list[float | None],
                states: list[str], results: list[Verdict | None]) -> set[asyncio.Future]:
        now = time.monotonic()
        still = set()
        for future in pending:
            index = futures[future]
            began = started[index]
            with self._lock:
                overran = began is not None and now - began >= self.item_deadline and states[index] == _RUNNING
                if overran:
                    states[index] = _ABANDONED
                    self.stuck += 1
                    self.timed_out += 1
            if not overran:
                still.add(future)
                continue
            results[index] = Verdict(correct=False, reason=Reason.TIMEOUT,
                                     detail=f"the check ran past {self.item_deadline:g} s and was abandoned")
            log.warning("a check ran past %.1f s and was abandoned (scored 0); %d thread(s) stuck", self.item_deadline, self.stuck)
        return still


def _bind(check: Callable[[str], Verdict], response: str) -> Callable[[], Verdict]:
    return lambda: check(response)


def _consume(future: asyncio.Future) -> None:
    # A check abandoned or left behind by a failed request must not log "exception never retrieved".
    if not future.cancelled():
        future.exception()
