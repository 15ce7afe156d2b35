"""The processes behind `rlvr.verify.pool`: symbolic workers and the zygote that forks them.

A worker is either forked by the zygote (`python -m rlvr.verify._worker --zygote`, which has
sympy imported already: a new worker costs milliseconds) and talks over a Unix socket, or,
where that is unavailable, is a fresh interpreter talking over pipes (a second or more of
CPU to import sympy). Either way it answers one JSON request per line, and is killed when
its caller's deadline passes.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any, Callable

SLOW_AFTER = 0.3  # seconds on one item before a worker yields the CPU to other callers' workers
FORK_LIMIT = 10.0  # seconds for a forked worker to connect before the fork counts as failed
CAN_FORK = hasattr(os, "fork") and hasattr(socket, "AF_UNIX") and sys.platform != "darwin"


def _command(*extra: str) -> tuple[list[str], dict[str, str]]:
    environment = dict(os.environ)
    source_root = str(Path(__file__).resolve().parents[2])
    environment["PYTHONPATH"] = source_root + os.pathsep + environment.get("PYTHONPATH", "")
    environment.setdefault("PYTHONHASHSEED", "0")
    return [sys.executable, "-m", "rlvr.verify._worker", *extra], environment


def _popen(*extra: str) -> subprocess.Popen[str]:
    command, environment = _command(*extra)
    return subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        bufsize=1,
        env=environment,
        close_fds=True,
    )


class Zygote:
    """One pre-imported interpreter that forks ready workers on request."""

    def __init__(self) -> None:
        # The zygote removes its socket folder when its stdin closes, so the folder goes also when this
        # process is killed and never reaches close() (a reward worker stopped by its engine).
        self._directory = tempfile.mkdtemp(prefix="rlvr-verify-")
        self.process = _popen("--zygote", self._directory)
        self.ready = threading.Event()
        self.dead = False
        self._lock = threading.Lock()
        self._forks = 0
        threading.Thread(target=self._read, name="rlvr-verify-zygote", daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        try:
            for line in stream:
                if '"ready"' in line:
                    self.ready.set()
        except (OSError, ValueError):
            pass
        self.dead = True
        self.ready.set()

    def fork(self, limit: float) -> socket.socket | None:
        """A connection to a freshly forked worker, or None when the zygote cannot provide one in time."""
        if not self.ready.wait(limit) or self.dead:
            return None
        with self._lock:
            self._forks += 1
            path = os.path.join(self._directory, f"{self._forks}.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(path)
            listener.listen(1)
            listener.settimeout(min(limit, FORK_LIMIT))
            with self._lock:
                assert self.process.stdin is not None
                self.process.stdin.write(json.dumps({"fork": path}) + "\n")
                self.process.stdin.flush()
            connection, _ = listener.accept()
            connection.settimeout(None)
            return connection
        except (OSError, ValueError):
            return None
        finally:
            listener.close()
            try:
                os.unlink(path)
            except OSError:
                pass

    def close(self) -> None:
        """Stop the zygote; its workers stop when their connections close."""
        self.dead = True
        try:
            self.process.kill()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except (OSError, ValueError):
                pass
        shutil.rmtree(self._directory, ignore_errors=True)


class Worker:
    """One symbolic worker process; `ready` is set once it can take requests, `dead` once it cannot."""

    def __init__(self, on_change: Callable[[], None], zygote: Zygote | None, startup_limit: float) -> None:
        self.created = time.monotonic()
        self.idle_since = self.created
        self.replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.ready = threading.Event()
        self.dead = False
        self.demoted = False
        self.generation = 0
        self.next_id = 0
        self.pid: int | None = None
        self._pidfd: int | None = None  # a handle on a forked worker that cannot outlive it into another process
        self._exited = False
        self._on_change = on_change
        self._process: subprocess.Popen[str] | None = None
        self._connection: socket.socket | None = None
        self._input: IO[str] | None = None
        self._output: IO[str] | None = None
        if zygote is None:
            self._spawn()
        threading.Thread(target=self._run, args=(zygote, startup_limit), name="rlvr-verify-reader", daemon=True).start()

    def _spawn(self) -> None:
        self._process = _popen()
        self.pid = self._process.pid
        self._input, self._output = self._process.stdout, self._process.stdin

    def _run(self, zygote: Zygote | None, startup_limit: float) -> None:
        try:
            if zygote is not None:
                connection = zygote.fork(startup_limit)
                if self.dead:
                    if connection is not None:
                        connection.close()
                    return
                if connection is None:
                    self._spawn()  # no zygote: a fresh interpreter still works, only slower to start
                else:
                    self._connection = connection
                    self._input = connection.makefile("r", encoding="utf-8")
                    self._output = connection.makefile("w", encoding="utf-8")
            assert self._input is not None
            for line in self._input:
                try:
                    message = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if message.get("ready"):
                    if self._process is None and isinstance(message.get("pid"), int):
                        self.pid = message["pid"]
                        try:
                            self._pidfd = os.pidfd_open(self.pid)
                        except (AttributeError, OSError):
                            self._pidfd = None
                    self.ready.set()
                    self._on_change()
                else:
                    self.replies.put(message)
        except (OSError, ValueError):
            pass
        finally:
            self._exited = True
            self.dead = True
            self.replies.put(None)
            self._on_change()

    def usable(self) -> bool:
        """Ready and alive."""
        return self.ready.is_set() and not self.dead and (self._process is None or self._process.poll() is None)

    def ask(self, payload: dict[str, Any], timeout: float, crowded: Callable[[], bool] | None = None) -> dict[str, Any] | None:
        """Send one request; the reply, or None when the deadline passed (the worker is then dead).

        While it runs past `SLOW_AFTER` and `crowded()` says other callers need the CPU, the
        worker drops to the lowest scheduling priority: a slow item keeps its own deadline but
        stops taking the CPU time other items' budgets depend on.
        """
        self.next_id += 1
        request_id = self.next_id
        sent = time.monotonic()
        deadline = sent + timeout
        try:
            assert self._output is not None
            self._output.write(json.dumps({**payload, "id": request_id}) + "\n")
            self._output.flush()
        except (OSError, ValueError, AssertionError):
            self.kill()
            return None
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                return None
            watching = crowded is not None and not self.demoted
            try:
                reply = self.replies.get(timeout=min(remaining, 0.1) if watching else remaining)
            except queue.Empty:
                if watching and crowded is not None and time.monotonic() - sent >= SLOW_AFTER and crowded():
                    self.demote()
                continue
            if reply is None:
                return None
            if reply.get("id") == request_id:
                return reply

    def demote(self) -> None:
        """Lowest CPU priority from now on (it cannot be raised back, so the pool retires this worker after its item)."""
        self.demoted = True
        try:
            if self.pid is not None:
                os.setpriority(os.PRIO_PROCESS, self.pid, 19)
        except (AttributeError, OSError):
            pass  # no priorities here: the deadline still bounds the item

    def kill(self) -> None:
        """Stop the process now."""
        self.dead = True
        if self._process is not None:
            try:
                self._process.kill()
                self._process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        elif self._pidfd is not None:
            # a forked worker is the zygote's child, reaped there: signal it through its pidfd,
            # which can never reach another process that reuses the pid
            try:
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            except (AttributeError, OSError):
                pass
            try:
                os.close(self._pidfd)
            except OSError:
                pass
            self._pidfd = None
        elif self.pid is not None and not self._exited:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
        for stream in (self._output, self._input, self._connection):
            try:
                if stream is not None:
                    stream.close()
            except (OSError, ValueError):
                pass
