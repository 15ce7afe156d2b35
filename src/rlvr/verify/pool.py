"""A small, thread-safe pool of symbolic worker processes with hard deadlines.

Each worker is `python -m rlvr.verify._worker` started with `subprocess.Popen`, which works
in threads, in async code and inside daemonic multiprocessing workers (unlike
`multiprocessing` children or `signal.alarm`). A caller waits for the reply with a
deadline; on overrun the worker is killed and a fresh one is started in its place.
The one-time start of a worker (importing sympy, about a second) is not charged to the
check's timeout; it has its own limit, `STARTUP_LIMIT`.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

STARTUP_LIMIT = 60.0
DEFAULT_SIZE = max(2, min(os.cpu_count() or 2, 8))


class WorkerUnavailable(RuntimeError):
    """A symbolic worker could not be started."""


class _Worker:
    def __init__(self) -> None:
        environment = dict(os.environ)
        source_root = str(Path(__file__).resolve().parents[2])
        environment["PYTHONPATH"] = source_root + os.pathsep + environment.get("PYTHONPATH", "")
        environment.setdefault("PYTHONHASHSEED", "0")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "rlvr.verify._worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            bufsize=1,
            env=environment,
            close_fds=True,
        )
        self.replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.ready = threading.Event()
        self.dead = False
        self.next_id = 0
        reader = threading.Thread(target=self._read, name="rlvr-verify-reader", daemon=True)
        reader.start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        try:
            for line in stream:
                try:
                    message = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if message.get("ready"):
                    self.ready.set()
                else:
                    self.replies.put(message)
        except (OSError, ValueError):
            pass
        self.dead = True
        self.ready.set()
        self.replies.put(None)

    def wait_ready(self, limit: float) -> bool:
        return self.ready.wait(limit) and not self.dead

    def prestart(self) -> None:
        """Start one worker in the background unless one exists, so it is warm before it is needed."""
        if self._prestarted == os.getpid():
            return
        with self._condition:
            if os.getpid() != self._pid:
                self._reset()
            self._prestarted = os.getpid()
            if self._started:
                return
        threading.Thread(target=self._prestart, name="rlvr-verify-prestart", daemon=True).start()

    def ask(self, payload: dict[str, Any], timeout: float) -> dict[str, Any] | None:
        """Send one request; the reply, or None when the deadline passed (the worker is then dead)."""
        self.next_id += 1
        request_id = self.next_id
        deadline = time.monotonic() + timeout
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps({**payload, "id": request_id}) + "\n")
            self.process.stdin.flush()
        except (OSError, ValueError):
            self.kill()
            return None
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                return None
            try:
                reply = self.replies.get(timeout=remaining)
            except queue.Empty:
                self.kill()
                return None
            if reply is None:
                return None
            if reply.get("id") == request_id:
                return reply

    def kill(self) -> None:
        self.dead = True
        try:
            self.process.kill()
        except OSError:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except (OSError, ValueError):
                pass


class SymbolicPool:
    """Lazily started worker processes shared by all threads of this process."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._condition = threading.Condition()
        self._reset()

    def after_fork(self) -> None:
        """Start from an empty pool with a fresh lock in a forked child."""
        self._condition = threading.Condition()
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._prestarted = 0
        self._idle: list[_Worker] = []
        self._started = 0

    def warm_up(self) -> None:
        """Start one worker now and wait until it is ready."""
        worker = self._acquire(STARTUP_LIMIT)[0]
        if worker is not None:
            self._release(worker)

    def prestart(self) -> None:
        """Start one worker in the background unless one exists, so it is warm before it is needed."""
        if self._prestarted == os.getpid():
            return
        with self._condition:
            if os.getpid() != self._pid:
                self._reset()
            self._prestarted = os.getpid()
            if self._started:
                return
        threading.Thread(target=self._prestart, name="rlvr-verify-prestart", daemon=True).start()

    def ask(self, payload: dict[str, Any], timeout: float) -> dict[str, Any] | None:
        """Run one comparison in a worker; None when it ran past `timeout` seconds."""
        worker, queued = self._acquire(timeout)
        if worker is None:
            return None
        reply = worker.ask(payload, max(timeout - queued, 0.001))
        if reply is None or worker.dead:
            self._discard(worker)
            return None
        self._release(worker)
        return reply

    def close(self) -> None:
        """Stop every idle worker (busy ones stop when their caller releases them)."""
        with self._condition:
            if os.getpid() != self._pid:
                self._reset()
                return
            idle, self._idle = self._idle, []
            self._started -= len(idle)
        for worker in idle:
            worker.kill()

    def _acquire(self, timeout: float) -> tuple[_Worker | None, float]:
        """An idle or new worker and the seconds spent queueing for it (worker start-up excluded).

        None when no worker frees up within `timeout`.
        """
        began = time.monotonic()
        deadline = began + timeout
        with self._condition:
            if os.getpid() != self._pid:
                self._reset()  # after fork: the parent's workers are not ours
            while True:
                while self._idle:
                    worker = self._idle.pop()
                    if not worker.dead and worker.process.poll() is None:
                        break
                    self._started -= 1
                else:
                    worker = None
                if worker is not None:
                    break
                if self._started < self.size:
                    self._started += 1
                    worker = None
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None, 0.0
                self._condition.wait(remaining)
        if worker is None:
            try:
                worker = _Worker()
            except OSError as error:
                with self._condition:
                    self._started -= 1
                raise WorkerUnavailable(f"cannot start the symbolic worker: {error}") from error
        queued = time.monotonic() - began
        if not worker.ready.is_set() and not worker.wait_ready(STARTUP_LIMIT):
            self._discard(worker)
            raise WorkerUnavailable("the symbolic worker did not start (is rlvr importable by sys.executable?)")
        if worker.dead:
            self._discard(worker)
            raise WorkerUnavailable("the symbolic worker exited at start")
        return worker, queued

    def _release(self, worker: _Worker) -> None:
        with self._condition:
            if os.getpid() != self._pid:
                return
            self._idle.append(worker)
            self._condition.notify()

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._condition:
            if os.getpid() != self._pid:
                return
            self._started -= 1
            self._condition.notify()
        threading.Thread(target=self._prestart, name="rlvr-verify-restart", daemon=True).start()

    def _prestart(self) -> None:
        """Replace a killed worker ahead of need so the next check does not wait for sympy to import."""
        with self._condition:
            if self._started >= self.size or self._idle:
                return
            self._started += 1
        try:
            worker = _Worker()
        except OSError:
            with self._condition:
                self._started -= 1
            return
        self._release(worker)


_POOL = SymbolicPool()
atexit.register(_POOL.close)
if hasattr(os, "register_at_fork"):
    # a forked child must not inherit a lock held by another thread, nor the parent's workers
    os.register_at_fork(after_in_child=_POOL.after_fork)


def default_pool() -> SymbolicPool:
    """The process-wide pool used by `rlvr.verify.check`."""
    return _POOL
