"""Checking many responses in threads, fairly between requests, without blocking the event loop.

The checks are blocking code (the verifier, task checkers), so they run in threads. A
free thread takes the next check of the waiting request that has the fewest checks
running (the longest-waiting one among equals): a request of 64 slow items cannot hold
every thread while a small request from another client waits behind all of them; the
small one gets the next free thread, and busy requests share the threads evenly.

The verifier bounds its own time, and task checkers are bounded by the response length
limit; as a backstop, a check still running `item_deadline` seconds after it started is
answered as a timeout (plus however much longer than the verifier timeout its row's own
bound is: a code task runs programs for seconds, `RowChecker.max_seconds`). Its thread cannot be killed, so it is counted as stuck until it
returns, and the server refuses work once every thread is stuck rather than hang.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Load:
    """What the check threads are doing right now."""

    running: int
    queued: int
    requests: int
    oldest_queued_s: float


class _Batch:
    """One request's checks not yet started, in order, and how many of its checks run."""

    def __init__(self, jobs: Sequence[Callable[[], None]]) -> None:
        self.jobs = deque(jobs)
        self.running = 0
        self.since = time.monotonic()


class FairPool:
    """Threads that serve waiting batches fairly: fewest running first, then longest waiting."""

    def __init__(self, workers: int, name: str = "rlvr-serve-check") -> None:
        self.workers = workers
        self.running = 0
        self._ring: list[_Batch] = []
        self._queued = 0
        self._closed = False
        self._cond = threading.Condition()
        self._name = name
        self._started = False

    def submit(self, jobs: Sequence[Callable[[], None]]) -> _Batch:
        """Queue a request's jobs; each must catch its own errors."""
        batch = _Batch(jobs)
        with self._cond:
            if self._closed:
                raise RuntimeError("the check pool is closed")
            if not self._started:
                # Started on first use, so an app that is built but never served holds no threads.
                self._started = True
                for i in range(self.workers):
                    threading.Thread(target=self._work, name=f"{self._name}-{i}", daemon=True).start()
            if batch.jobs:
                self._ring.append(batch)
                self._queued += len(batch.jobs)
                self._cond.notify(min(len(batch.jobs), self.workers))
        return batch

    def cancel(self, batch: _Batch) -> None:
        """Drop the jobs of `batch` that have not started."""
        with self._cond:
            self._queued -= len(batch.jobs)
            batch.jobs.clear()
            if batch in self._ring:
                self._ring.remove(batch)

    def load(self) -> Load:
        """Running and queued jobs, batches waiting, and how long the oldest has waited."""
        with self._cond:
            oldest = min((batch.since for batch in self._ring), default=None)
            waited = 0.0 if oldest is None else time.monotonic() - oldest
            return Load(running=self.running, queued=self._queued, requests=len(self._ring), oldest_queued_s=waited)

    def close(self) -> None:
        """Stop taking jobs; running ones finish in the background."""
        with self._cond:
            self._closed = True
            for batch in self._ring:
                batch.jobs.clear()
            self._ring.clear()
            self._queued = 0
            self._cond.notify_all()

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._ring and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                # Few waiting requests (one per client connection), so a scan is cheap.
                batch = min(self._ring, key=lambda b: (b.running, b.since))
                job = batch.jobs.popleft()
                batch.running += 1
                batch.since = time.monotonic()
                if not batch.jobs:
                    self._ring.remove(batch)
                self._queued -= 1
                self.running += 1
            try:
                job()
            finally:
                with self._cond:
                    self.running -= 1
                    batch.running -= 1


class CheckRunner:
    """A fair, bounded thread pool that turns (response, checker) pairs into verdicts."""

    def __init__(self, workers: int, item_deadline: float) -> None:
        self.workers = workers
        self.item_deadline = item_deadline
        self._pool = FairPool(workers)
        self._lock = threading.Lock()
        self.stuck = 0
        self.timed_out = 0

    def close(self) -> None:
        """Stop accepting checks; running ones finish in the background."""
        self._pool.close()

    def load(self) -> Load:
        """Checks running and waiting, and the requests they belong to."""
        return self._pool.load()

    async def verdicts(self, responses: Sequence[str], checkers: Sequence[RowChecker]) -> list[Verdict]:
        """One verdict per response, in order; raises `ItemError` for an item that cannot be checked."""
        calls = [_bind(checker.check, response) for response, checker in zip(responses, checkers, strict=True)]
        deadlines = [self.item_deadline + max(0.0, checker.max_seconds - checker.timeout) for checker in checkers]
        return await self.run(calls, deadlines)

    async def run(self, calls: Sequence[Callable[[], Verdict]], deadlines: Sequence[float] | None = None) -> list[Verdict]:
        """Run blocking verdict-returning calls in the pool, each bounded by its deadline (default `item_deadline`)."""
        limits = list(deadlines) if deadlines is not None else [self.item_deadline] * len(calls)
        if self.stuck >= self.workers:
            raise Saturated(
                f"all {self.workers} check threads are stuck on checks that ignored their time bound; restart the server"
            )
        loop = asyncio.get_running_loop()
        started: list[float | None] = [None] * len(calls)
        states = [_QUEUED] * len(calls)
        futures = [loop.create_future() for _ in calls]

        def job(index: int) -> Callable[[], None]:
            def run_one() -> None:
                started[index] = time.monotonic()
                states[index] = _RUNNING
                result: Verdict | None = None
                error: BaseException | None = None
                try:
                    result = calls[index]()
                except BaseException as err:  # noqa: BLE001 - handed to the request, which decides
                    error = err
                finally:
                    with self._lock:
                        if states[index] == _ABANDONED:
                            self.stuck -= 1
                        states[index] = _DONE
                _deliver(loop, futures[index], result, error)

            return run_one

        batch = self._pool.submit([job(i) for i in range(len(calls))])
        index_of = {future: i for i, future in enumerate(futures)}
        results: list[Verdict | None] = [None] * len(calls)
        pending = set(futures)
        try:
            while pending:
                # Wakes when all are done, or to look for overruns; not per completion, which costs O(n^2) on big batches.
                done, pending = await asyncio.wait(pending, timeout=self._wait_for(started, pending, index_of, limits))
                for future in done:
                    index = index_of[future]
                    error = future.exception()
                    if isinstance(error, ValueError):
                        raise ItemError(index, error) from None
                    if error is not None:
                        raise error
                    results[index] = future.result()
                pending = self._expire(pending, index_of, started, states, results, limits)
        finally:
            # A failed or abandoned request must not leave its checks queued for others to wait behind.
            self._pool.cancel(batch)
            for future in futures:
                if not future.done():
                    future.cancel()
                elif not future.cancelled():
                    future.exception()  # read, so asyncio does not log "exception never retrieved"
        return [verdict for verdict in results if verdict is not None]

    def _wait_for(self, started: list[float | None], pending: set[asyncio.Future], index_of: dict[asyncio.Future, int],
                  limits: list[float]) -> float:
        now = time.monotonic()
        expiries = [started[index_of[f]] + limits[index_of[f]] - now for f in pending if started[index_of[f]] is not None]
        return max(0.0, min([_POLL_SECONDS, *expiries]))

    def _expire(self, pending: set[asyncio.Future], index_of: dict[asyncio.Future, int], started: list[float | None],
                states: list[str], results: list[Verdict | None], limits: list[float]) -> set[asyncio.Future]:
        now = time.monotonic()
        still = set()
        for future in pending:
            index = index_of[future]
            began = started[index]
            with self._lock:
                overran = began is not None and now - began >= limits[index] and states[index] == _RUNNING
                if overran:
                    states[index] = _ABANDONED
                    self.stuck += 1
                    self.timed_out += 1
            if not overran:
                still.add(future)
                continue
            results[index] = Verdict(correct=False, reason=Reason.TIMEOUT,
                                     detail=f"the check ran past {limits[index]:g} s and was abandoned")
            log.warning("a check ran past %.1f s and was abandoned (scored 0); %d thread(s) stuck", limits[index], self.stuck)
        return still


def _bind(check: Callable[[str], Verdict], response: str) -> Callable[[], Verdict]:
    return lambda: check(response)


def _deliver(loop: asyncio.AbstractEventLoop, future: asyncio.Future, result: Verdict | None, error: BaseException | None) -> None:
    def settle() -> None:
        # Cancelled when its request failed or gave up on it; nobody reads it then.
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    try:
        loop.call_soon_threadsafe(settle)
    except RuntimeError:
        pass  # the event loop has closed (server shutting down): nobody is waiting
