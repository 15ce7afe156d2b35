"""`run` and `run_many`: programs go to warm sandboxed workers, recycled after a failure or N programs.

A worker (see `_worker.py`) is one bwrap sandbox with one Python interpreter in it; it forks a
child per program, so a program costs a fork, not an interpreter start. Idle workers are kept in
a process-wide pool, shared by `run` (any thread) and `run_many`. Every wait on a worker has a
deadline (the program's timeout plus a grace period); a worker that misses it, breaks the
protocol or dies is killed with everything in its namespace and the program gets
`sandbox-error`. A worker is also replaced after any program the sandbox had to stop (timeout,
memory, output limit, sandbox error), after any program that left SysV IPC objects or keyring
keys in the kernel, and after `RECYCLE_AFTER` programs, so nothing a program did can accumulate
or reach a later program.
"""

from __future__ import annotations

import atexit
import json
import math
import os
import select
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

from rlvr.execute import seccomp
from rlvr.execute.result import (
    ExecResult,
    ExecuteError,
    Program,
    SandboxUnavailable,
    checked_memory,
    checked_program,
    checked_timeout,
    same_output,
)
from rlvr.execute.sandbox import FIX_HINT, SCRATCH_MB, Launcher, sandbox_launcher, unsafe_launcher

OUTPUT_LIMIT = 1 << 20  # bytes of stdout, and of stderr, a program may write before `output-limit`
STDERR_TAIL = 16_384  # characters of stderr kept in a result
MAX_PROCESSES = 64  # RLIMIT_NPROC in the sandbox's user namespace (threads count; the worker is one)
MAX_OPEN_FILES = 256
START_TIMEOUT = 20.0  # seconds for a worker to start and say it is ready
GRACE = 5.0  # seconds past a program's timeout before the worker itself is presumed stuck
RECYCLE_AFTER = 500  # programs one worker runs before it is replaced anyway
RECYCLE_STATUSES = frozenset({"timeout", "memory", "output-limit", "sandbox-error"})
SETUP_FAILED = 125  # the worker's exit code for a child whose set-up (not the program) failed
SETUP_MARK = "rlvr-sandbox: set-up failed"


class UnsafeExecutionWarning(RuntimeWarning):
    """Code ran with no sandbox because the caller passed unsafe=True."""


# Shown on every call, not once per place: running untrusted code unsandboxed must never go quiet.
warnings.filterwarnings("always", category=UnsafeExecutionWarning)


class _StartFailed(Exception):
    """A worker did not start; `detail` is what bwrap or the interpreter said."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _readable(fd: int, deadline: float) -> bool:
    """Wait until `fd` can be read (data or end of file) or the deadline passes.

    poll, not select: a busy host process (a server with a thousand connections) has fds above
    select's limit of 1024."""
    left = deadline - time.monotonic()
    if left <= 0:
        return False
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(left * 1000))


class _Worker:
    """One warm worker process (sandboxed unless `unsafe`) and the pipes to talk to it."""

    def __init__(self, launcher: Launcher, unsafe: bool) -> None:
        self.unsafe = unsafe
        self.used = 0
        self.sandbox_pid: int | None = None
        self.scratch = tempfile.mkdtemp(prefix="rlvr-execute-") if unsafe else None
        argv = list(launcher.argv)
        info_r = info_w = -1
        passed: list[int] = []
        if not unsafe:
            info_r, info_w = os.pipe()
            argv[1:1] = ["--info-fd", str(info_w)]  # bwrap reports the sandbox's host PID here
            passed.append(info_w)
            rules = seccomp.filter_fd()
            if rules is not None:
                argv[1:1] = ["--seccomp", str(rules)]
                passed.append(rules)
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": self.scratch or "/"}
        try:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                pass_fds=tuple(passed), start_new_session=True, close_fds=True,
                cwd=self.scratch or "/", env=env, user=launcher.user, group=launcher.group,
                extra_groups=[] if launcher.user is not None else None)
        except OSError as error:
            self._cleanup_scratch()
            if info_r >= 0:
                os.close(info_r)
            raise _StartFailed(f"{argv[0]}: {error}") from None
        finally:
            for fd in passed:
                os.close(fd)
        self._stdin = self.proc.stdin.fileno()
        self._stdout = self.proc.stdout.fileno()
        deadline = time.monotonic() + START_TIMEOUT
        try:
            if info_r >= 0:
                info = self._read_info(info_r, deadline)
                self.sandbox_pid = info.get("child-pid") if isinstance(info, dict) else None
            ready = self._receive(deadline)
        finally:
            if info_r >= 0:
                os.close(info_r)
        if ready != {"ready": True}:
            detail = self._stderr_text() or "the worker exited before it was ready"
            self.close()
            raise _StartFailed(detail)

    def _read_info(self, fd: int, deadline: float) -> object:
        data = b""
        while b"}" not in data:
            if not _readable(fd, deadline):
                return None
            chunk = os.read(fd, 4096)
            if not chunk:
                return None
            data += chunk
        try:
            return json.loads(data[: data.index(b"}") + 1])
        except ValueError:
            return None

    def _read_exact(self, size: int, deadline: float) -> bytes | None:
        chunks: list[bytes] = []
        while size:
            if not _readable(self._stdout, deadline):
                return None
            chunk = os.read(self._stdout, min(size, 1 << 20))
            if not chunk:
                return None
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def _receive(self, deadline: float) -> dict | None:
        head = self._read_exact(4, deadline)
        if head is None:
            return None
        body = self._read_exact(struct.unpack(">I", head)[0], deadline)
        try:
            return json.loads(body) if body is not None else None
        except ValueError:
            return None

    def ask(self, request: dict, wait: float) -> dict | None:
        """Send one program, wait up to `wait` seconds for its reply; None if the worker failed."""
        data = json.dumps(request).encode()
        data = struct.pack(">I", len(data)) + data
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self._stdin, view):]
        except OSError:
            return None
        return self._receive(time.monotonic() + wait)

    def _stderr_text(self) -> str:
        """What the worker or bwrap wrote on stderr (only read once it has exited or been killed)."""
        try:
            if self.proc.poll() is None:
                self._kill()
            self.proc.wait(timeout=5)
            return self.proc.stderr.read(STDERR_TAIL).decode("utf-8", "replace").strip()
        except (OSError, ValueError, subprocess.TimeoutExpired):
            return ""

    def _kill(self) -> None:
        # Killing the namespace's PID 1 makes the kernel kill every process in it. The PID is
        # only used while bwrap still runs, so it cannot have been reused by then.
        if self.proc.poll() is None:
            if self.sandbox_pid is not None:
                try:
                    os.kill(self.sandbox_pid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass

    def close(self, graceful: bool = False) -> None:
        """Stop the worker and everything in its sandbox; release its pipes and scratch dir.

        `graceful`: first close its control pipe and give it a moment to exit by itself (an idle
        worker does at once), so bwrap reaps it and its CPU time is accounted to this process."""
        if graceful:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self._kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except OSError:
                pass
        self._cleanup_scratch()

    def forget(self) -> None:
        """In a forked child: drop this copy's pipes without touching the parent's worker."""
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                os.close(stream.fileno())
            except (OSError, ValueError):
                pass

    def _cleanup_scratch(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


_lock = threading.Lock()
_idle: dict[bool, list[_Worker]] = {False: [], True: []}
_sandbox_started = False  # once one sandbox started here, a later failure is a `sandbox-error`, not a refusal


def _max_idle() -> int:
    return max(2, os.cpu_count() or 1)


def _acquire(unsafe: bool) -> _Worker:
    global _sandbox_started
    with _lock:
        if _idle[unsafe]:
            return _idle[unsafe].pop()
    launcher = unsafe_launcher() if unsafe else sandbox_launcher()
    try:
        worker = _Worker(launcher, unsafe)
    except _StartFailed as failed:
        if unsafe or _sandbox_started:
            raise
        raise SandboxUnavailable(f"the bubblewrap sandbox could not start here: {failed.detail[-500:]}. {FIX_HINT}") from None
    if not unsafe:
        _sandbox_started = True
    return worker


def _release(worker: _Worker) -> None:
    """Put a healthy worker back in the idle pool (or stop it if the pool is full)."""
    with _lock:
        if len(_idle[worker.unsafe]) < _max_idle():
            _idle[worker.unsafe].append(worker)
            return
    worker.close(graceful=True)


def shutdown() -> None:
    """Stop every idle worker (done at exit; call it to free them sooner)."""
    with _lock:
        workers = _idle[False] + _idle[True]
        _idle[False], _idle[True] = [], []
    for worker in workers:
        worker.close(graceful=True)


def _forget_after_fork() -> None:
    global _lock
    _lock = threading.Lock()
    for workers in _idle.values():
        for worker in workers:
            worker.forget()
        workers.clear()


atexit.register(shutdown)
os.register_at_fork(after_in_child=_forget_after_fork)


def _request(program: Program, timeout: float, memory_mb: int) -> dict:
    return {
        "code": program.code,
        "stdin": program.stdin,
        "timeout": timeout,
        "cpu": math.ceil(timeout) + 1,  # CPU seconds: a backstop under the wall-clock limit
        "memory": memory_mb << 20,
        "nproc": MAX_PROCESSES,
        "fsize": SCRATCH_MB << 20,
        "nofile": MAX_OPEN_FILES,
        "output": OUTPUT_LIMIT,
    }


def _looks_out_of_memory(stderr: str) -> bool:
    last = [line.strip() for line in stderr.strip().splitlines()[-3:]]
    return any(line.startswith("MemoryError") or "Cannot allocate memory" in line or "out of memory" in line.lower()
               for line in last)


def classify(reply: dict, program: Program, cpu_limit: int) -> ExecResult:
    """Turn the worker's raw facts (exit, signal, flags, output) into an ExecResult."""
    exit_code = reply.get("exit")
    sig = reply.get("signal")
    stdout, stderr = reply.get("stdout", ""), reply.get("stderr", "")[-STDERR_TAIL:]
    seconds = float(reply.get("seconds") or 0.0)
    code = exit_code if exit_code is not None else (-sig if sig is not None else None)

    def result(status: str) -> ExecResult:
        return ExecResult(status, stdout, stderr, seconds, code)

    cpu = reply.get("cpu") or 0.0
    if reply.get("over"):
        return result("output-limit")
    if reply.get("timed_out") or sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu >= cpu_limit - 0.1):
        return result("timeout")
    if reply.get("out_of_memory"):
        return result("memory")
    if exit_code == SETUP_FAILED and SETUP_MARK in stderr:
        return result("sandbox-error")
    if exit_code == 0:
        if program.expected_stdout is None or same_output(stdout, program.expected_stdout):
            return result("ok")
        return result("wrong-answer")
    if _looks_out_of_memory(stderr):
        return result("memory")
    return result("runtime-error")


def _start_failed(failed: _StartFailed) -> ExecResult:
    return ExecResult("sandbox-error", "", failed.detail[-STDERR_TAIL:], 0.0, None)


def _ask(worker: _Worker, program: Program, timeout: float, memory_mb: int) -> tuple[ExecResult, bool]:
    """Run one program on `worker`; the result, and whether the worker may run another."""
    request = _request(program, timeout, memory_mb)
    try:
        reply = worker.ask(request, timeout + GRACE)
    except BaseException:
        worker.close()
        raise
    if reply is None or "error" in reply:
        detail = reply["error"] if reply is not None else (worker._stderr_text() or "the sandbox worker stopped answering")
        worker.close()
        return ExecResult("sandbox-error", "", str(detail)[-STDERR_TAIL:], 0.0, None), False
    result = classify(reply, program, request["cpu"])
    worker.used += 1
    if result.status in RECYCLE_STATUSES or worker.used >= RECYCLE_AFTER or reply.get("dirty"):
        worker.close(graceful=result.status not in RECYCLE_STATUSES)
        return result, False
    return result, True


def _run_one(program: Program, timeout: float, memory_mb: int, unsafe: bool) -> ExecResult:
    try:
        worker = _acquire(unsafe)
    except _StartFailed as failed:
        return _start_failed(failed)
    result, keep = _ask(worker, program, timeout, memory_mb)
    if keep:
        _release(worker)
    return result


def _warn_unsafe() -> None:
    warnings.warn("rlvr.execute: running code WITHOUT a sandbox (unsafe=True): it can read and change "
                  "anything this user can", UnsafeExecutionWarning, stacklevel=3)


def run(code: str, *, stdin: str = "", expected_stdout: str | None = None, timeout: float = 5.0,
        memory_mb: int = 512, unsafe: bool = False) -> ExecResult:
    """Run `code` as a Python 3 program in the sandbox; never raises for what the program does.

    Status: exit 0 and stdout matching `expected_stdout` (if given; trailing blanks ignored) ->
    ok, else wrong-answer; non-zero exit -> runtime-error; wall or CPU limit -> timeout;
    MemoryError -> memory; stdout or stderr over `OUTPUT_LIMIT` -> output-limit; sandbox
    failure -> sandbox-error. Raises ExecuteError for bad arguments and SandboxUnavailable if no
    sandbox can start here (unless `unsafe=True`, which runs unisolated and warns every call).
    """
    program = checked_program(Program(code, stdin, expected_stdout))
    timeout = checked_timeout(timeout)
    memory_mb = checked_memory(memory_mb)
    if unsafe:
        _warn_unsafe()
    return _run_one(program, timeout, memory_mb, bool(unsafe))


def run_many(programs: Sequence[Program | str], *, timeout: float = 5.0, memory_mb: int = 512,
             workers: int | None = None, unsafe: bool = False, progress: bool = False) -> list[ExecResult]:
    """`run` for each program (a Program or a source string), in input order, on `workers` warm sandboxes.

    `workers` defaults to the number of CPUs; `progress=True` shows a bar on stderr.
    """
    if isinstance(programs, (str, bytes)) or not isinstance(programs, Sequence):
        raise ExecuteError("programs must be a sequence (list) of Program or str, not "
                           f"{type(programs).__name__}")
    items = [checked_program(item) for item in programs]
    timeout = checked_timeout(timeout)
    memory_mb = checked_memory(memory_mb)
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ExecuteError(f"workers must be a positive int or None, got {workers!r}")
    if unsafe:
        _warn_unsafe()
    if not items:
        return []
    count = min(len(items), workers or os.cpu_count() or 1)
    results: list[ExecResult | None] = [None] * len(items)
    advance: Callable[[int], None] = lambda count: None  # noqa: E731
    order = iter(range(len(items)))
    order_lock = threading.Lock()
    stop = threading.Event()

    def lane() -> None:
        # One thread per worker, each keeping its worker for the whole batch (no pool churn).
        worker: _Worker | None = None
        try:
            while not stop.is_set():
                with order_lock:
                    index = next(order, None)
                if index is None:
                    return
                if worker is None:
                    try:
                        worker = _acquire(bool(unsafe))
                    except _StartFailed as failed:
                        results[index] = _start_failed(failed)
                        advance(1)
                        continue
                results[index], keep = _ask(worker, items[index], timeout, memory_mb)
                if not keep:
                    worker = None
                advance(1)
        finally:
            if worker is not None:
                if stop.is_set():
                    worker.close()
                else:
                    _release(worker)

    def run_all() -> None:
        with ThreadPoolExecutor(count, thread_name_prefix="rlvr-execute") as executor:
            futures = [executor.submit(lane) for _ in range(count)]
            try:
                wait(futures, return_when=FIRST_EXCEPTION)
                for future in futures:
                    future.result()
            except BaseException:
                stop.set()  # lanes finish the program they run (bounded by its timeout) and stop
                raise

    if progress:
        from rlvr.cli_support import progress as show_progress

        with show_progress("running programs", len(items)) as step:
            advance = step
            run_all()
    else:
        run_all()
    return [result for result in results if result is not None]
