"""A small, thread-safe, elastic pool of symbolic worker processes with hard deadlines.

Workers are processes (`rlvr.verify._process`): forked in milliseconds by a zygote that has
sympy imported, or started as fresh interpreters where forking is unavailable. Both work
in threads, in async code and inside daemonic multiprocessing workers (unlike
`multiprocessing` children or `signal.alarm`).

Time: a call's whole budget (waiting for a worker, a worker's start-up, the comparison)
ends at one deadline; past it the call returns None, so `check`'s bound holds whatever
the pool is doing. A worker that overruns is killed at its caller's deadline and is
replaced in the background; a worker still starting is never tied to the caller that
asked for it, so a caller that gives up leaves it to the next one.

Load: a slow item spends only its own budget, never another item's. The pool keeps `size`
workers warm and, while callers wait with no worker free, forks more, up to `max_size`; so
items queued behind slow ones get fresh workers at once instead of the slow items'
leftovers. A worker busy past `SLOW_AFTER` while other callers are active drops to the
lowest CPU priority (and retires after its item), so the slow item keeps its deadline but
not the CPU the others need. Extra workers retire after `IDLE_RETIRE` idle seconds. A burst
beyond `max_size` concurrent symbolic comparisons waits for a free worker within its own budget.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from typing import Any

from rlvr.verify._process import CAN_FORK, Worker as _Worker, Zygote

STARTUP_LIMIT = 60.0
IDLE_RETIRE = 30.0
DEFAULT_SIZE = max(2, min(os.cpu_count() or 2, 8))


class WorkerUnavailable(RuntimeError):
    """A symbolic worker could not be started."""


class SymbolicPool:
    """Worker processes shared by all threads of this process; see the module docstring."""

    def __init__(self, size: int = DEFAULT_SIZE, max_size: int | None = None) -> None:
        self.size = size
        self.max_size = max(size, max_size if max_size is not None else size + max(size, 6))
        self._condition = threading.Condition()
        self._reset()

    def after_fork(self) -> None:
        """Start from an empty pool with a fresh lock in a forked child."""
        self._condition = threading.Condition()
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._prestarted = 0
        self._idle: list[_Worker] = []  # free workers, ready or still starting
        self._count = 0  # every live worker: free, busy or starting
        self._waiting = 0
        self._active = 0  # callers inside ask()
        self._generation = 0
        self._zygote: Zygote | None = None  # after a fork, the parent's zygote is not ours (nor killed by us)

    def warm_up(self) -> None:
        """Start `size` workers now and wait until they are ready (or `STARTUP_LIMIT` passes)."""
        with self._condition:
            self._own()
            self._replenish()
            deadline = time.monotonic() + STARTUP_LIMIT
            while any(not worker.ready.is_set() and not worker.dead for worker in self._idle):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._condition.wait(remaining)
            if self._idle and not any(worker.usable() for worker in self._idle):
                raise WorkerUnavailable("the symbolic worker did not start (is rlvr importable by sys.executable?)")

    def prestart(self) -> None:
        """Start the warm workers in the background once per process, so they are ready before they are needed."""
        if self._prestarted == os.getpid():
            return
        with self._condition:
            self._own()
            self._prestarted = os.getpid()
        threading.Thread(target=self._replenish_locked, name="rlvr-verify-prestart", daemon=True).start()

    def ask(self, payload: dict[str, Any], timeout: float) -> dict[str, Any] | None:
        """Run one comparison in a worker; None when it could not finish within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._condition:
            self._active += 1
        try:
            worker = self._acquire(deadline)
            if worker is None:
                return None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._release(worker)
                return None
            try:
                reply = worker.ask(payload, remaining, self._crowded)
            except BaseException:
                self._discard(worker)  # never leak a busy worker, whatever interrupted the wait
                raise
        finally:
            with self._condition:
                self._active -= 1
        if reply is None or worker.dead:
            self._discard(worker)
            return None
        self._release(worker)
        return reply

    def close(self) -> None:
        """Stop every idle worker; busy ones stop when their caller releases them."""
        with self._condition:
            if os.getpid() != self._pid:
                self._reset()
                return
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._generation += 1
            zygote, self._zygote = self._zygote, None
        for worker in idle:
            worker.kill()
        if zygote is not None:
            zygote.close()

    # internals; every method named without `_locked` expects the condition to be held ---------
    def _own(self) -> None:
        if os.getpid() != self._pid:
            self._reset()  # after fork: the parent's workers are not ours

    def _crowded(self) -> bool:
        return self._active > 1

    def _notify(self) -> None:
        with self._condition:
            self._condition.notify_all()

    def _start(self) -> None:
        try:
            if CAN_FORK and (self._zygote is None or self._zygote.dead):
                self._zygote = Zygote()
            worker = _Worker(self._notify, self._zygote if CAN_FORK else None, STARTUP_LIMIT)
        except OSError as error:
            raise WorkerUnavailable(f"cannot start the symbolic worker: {error}") from error
        worker.generation = self._generation
        self._idle.append(worker)
        self._count += 1

    def _replenish(self) -> None:
        """Keep `size` workers alive, and one more starting for each caller left waiting (up to `max_size`)."""
        starting = sum(1 for worker in self._idle if not worker.ready.is_set())
        while self._count < self.size or (self._waiting > starting and self._count < self.max_size):
            self._start()
            starting += 1

    def _replenish_locked(self) -> None:
        try:
            with self._condition:
                self._own()
                self._replenish()
        except WorkerUnavailable:
            pass  # the next caller that needs a worker reports it

    def _take(self) -> _Worker | None:
        """A ready free worker, after dropping dead ones and retiring long-idle extras."""
        now = time.monotonic()
        found = None
        for worker in list(self._idle):
            if worker.dead or (worker.ready.is_set() and not worker.usable()):
                self._idle.remove(worker)
                self._count -= 1
                _kill_later(worker)  # reaps it and releases its handles
                if not worker.ready.is_set():
                    raise WorkerUnavailable("the symbolic worker exited at start (is rlvr importable by sys.executable?)")
            elif not worker.ready.is_set() and now - worker.created > STARTUP_LIMIT:
                self._idle.remove(worker)
                self._count -= 1
                _kill_later(worker)
                raise WorkerUnavailable("the symbolic worker did not start within its start-up limit")
            elif found is None and worker.ready.is_set():
                found = worker
            elif self._count > self.size and worker.ready.is_set() and now - worker.idle_since > IDLE_RETIRE:
                self._idle.remove(worker)
                self._count -= 1
                _kill_later(worker)
        if found is not None:
            self._idle.remove(found)
        return found

    def _acquire(self, deadline: float) -> _Worker | None:
        """A ready worker, or None when none becomes free before `deadline`."""
        with self._condition:
            self._own()
            self._waiting += 1
            try:
                while True:
                    worker = self._take()
                    if worker is not None:
                        return worker
                    self._replenish()
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return None
                    self._condition.wait(remaining)
            finally:
                self._waiting -= 1

    def _release(self, worker: _Worker) -> None:
        with self._condition:
            if os.getpid() != self._pid:
                return
            if worker.generation != self._generation or worker.demoted:
                self._count -= 1
                retired = True
            else:
                worker.idle_since = time.monotonic()
                self._idle.append(worker)
                retired = False
            self._condition.notify_all()
        if retired:
            worker.kill()
            threading.Thread(target=self._replenish_locked, name="rlvr-verify-restart", daemon=True).start()

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._condition:
            if os.getpid() != self._pid:
                return
            self._count -= 1
            self._condition.notify_all()
        # the replacement starts now, in the background, so the next caller finds it warm
        threading.Thread(target=self._replenish_locked, name="rlvr-verify-restart", daemon=True).start()


def _kill_later(worker: _Worker) -> None:
    """Kill and reap a worker without holding the pool's lock while it dies."""
    threading.Thread(target=worker.kill, name="rlvr-verify-kill", daemon=True).start()


_POOL = SymbolicPool()
atexit.register(_POOL.close)
if hasattr(os, "register_at_fork"):
    # a forked child must not inherit a lock held by another thread, nor the parent's workers
    os.register_at_fork(after_in_child=_POOL.after_fork)


def default_pool() -> SymbolicPool:
    """The process-wide pool used by `rlvr.verify.check`."""
    return _POOL
