"""The warm worker: runs inside the sandbox, starts once, runs many programs (stdlib only).

This file is passed to `python -I -S -c` as text; it never imports rlvr. In the sandbox it is
PID 1 of a fresh PID namespace (bwrap `--as-pid-1`), which gives three guarantees for free:
- a program cannot signal it: the kernel drops signals to a namespace's init unless init has
  a handler, and this worker installs none (SIGINT is reset to the default for that reason);
- every orphan a program leaves is re-parented to it, so it can reap them all;
- `kill(-1, SIGKILL)` from PID 1 reaches every other process in the namespace, so after each
  program nothing it started survives, whatever it did with sessions or process groups.

Protocol on fds 0/1 (the host's pipes): each message is a 4-byte big-endian length and a JSON
object. Request: code, stdin, timeout, cpu, memory, nproc, fsize, nofile, output. Reply: exit
(code or None), signal (or None), timed_out, over (output cap hit), stdout, stderr, seconds,
cpu.

Each program runs in a child forked from this process (no interpreter start-up), in a new
session, with rlimits set before any of its code runs, stdin from a memfd, stdout/stderr on
pipes read here with a cap, and the scratch dir (/tmp, a size-capped tmpfs) wiped before each
program. In `--unsafe` mode (no sandbox, not PID 1) the cleanup is `killpg` of the program's
group instead, since `kill(-1)` there would hit the user's own processes.
"""

import builtins
import errno
import io
import json
import linecache
import os
import resource
import select
import signal
import struct
import sys
import time
import traceback

UNSAFE = "--unsafe" in sys.argv
SCRATCH = os.getcwd()
SCRATCH_DIRS = (SCRATCH,) if UNSAFE else (SCRATCH, "/dev/shm")  # every writable place, emptied per program
CONTROL_IN, CONTROL_OUT = 0, 1
request_baseline = None
MEMORY_TICK = 0.05  # seconds between checks of the sandbox's total resident memory


def read_exact(fd, size):
    chunks = []
    while size:
        chunk = os.read(fd, size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def receive():
    head = read_exact(CONTROL_IN, 4)
    if head is None:
        return None
    body = read_exact(CONTROL_IN, struct.unpack(">I", head)[0])
    return None if body is None else json.loads(body)


def send(message):
    data = json.dumps(message).encode()
    data = struct.pack(">I", len(data)) + data
    while data:
        data = data[os.write(CONTROL_OUT, data):]


def wipe_scratch():
    for folder in SCRATCH_DIRS:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            remove(os.path.join(folder, name))


def remove(path):
    """Delete a file or a whole tree (os only: shutil would cost ~14 ms of start-up imports)."""
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            for root, dirs, files, root_fd in os.fwalk(path, topdown=False):
                for name in files:
                    os.unlink(name, dir_fd=root_fd)
                for name in dirs:
                    try:
                        os.rmdir(name, dir_fd=root_fd)
                    except NotADirectoryError:  # a symlink to a directory
                        os.unlink(name, dir_fd=root_fd)
            os.rmdir(path)
        else:
            os.unlink(path)
    except OSError:
        pass


def run_program(request, out_w, err_w, stdin_fd):
    """In the forked child: limits, fresh stdio, then the program as __main__. Never returns."""
    try:
        os.setsid()
        if not UNSAFE:
            set_dumpable(1)
        limits = (
            (resource.RLIMIT_CPU, request["cpu"]),
            (resource.RLIMIT_AS, request["memory"]),
            (resource.RLIMIT_FSIZE, request["fsize"]),
            (resource.RLIMIT_NPROC, request["nproc"]),
            (resource.RLIMIT_NOFILE, request["nofile"]),
            (resource.RLIMIT_CORE, 0),
            (resource.RLIMIT_MSGQUEUE, 0),
        )
        for which, value in limits:
            resource.setrlimit(which, (value, value))
        os.dup2(stdin_fd, 0)
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        os.closerange(3, 1 << 16)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        # Same stdio a fresh `python -X utf8` would have: text over the new fds 0/1/2.
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8", errors="surrogateescape")
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="backslashreplace")
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace", line_buffering=True)
        sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr
        sys.argv = ["main.py"]
    except BaseException as error:  # the sandbox's own set-up failed, not the program: say so
        try:
            os.write(err_w, ("rlvr-sandbox: set-up failed: %r\n" % (error,)).encode())
        except BaseException:
            pass
        os._exit(125)
    code = request["code"]
    status = 0
    try:
        linecache.cache["main.py"] = (len(code), None, code.splitlines(True), "main.py")
        compiled = compile(code, "main.py", "exec", dont_inherit=True)
        exec(compiled, {"__name__": "__main__", "__builtins__": builtins, "__file__": "main.py"})
    except SystemExit as stop:
        if stop.code is None:
            status = 0
        elif isinstance(stop.code, int):
            status = stop.code & 0xFF
        else:
            try:
                print(stop.code, file=sys.stderr)
            except BaseException:
                pass
            status = 1
    except BaseException:
        try:  # without this worker's own frame, as a fresh interpreter would print it
            kind, value, trace = sys.exc_info()
            traceback.print_exception(kind, value, trace.tb_next if trace is not None else None)
        except BaseException:
            pass
        status = 1
    try:
        import atexit

        atexit._run_exitfuncs()
    except BaseException:
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            status = status or 120  # as CPython does when flushing stdout fails at exit
    os._exit(status)


def namespace_memory():
    """Proportional resident bytes (PSS) of every process in the sandbox but this worker.

    RLIMIT_AS bounds each process; this bounds their sum (a program forking many children that
    each allocate). PSS splits pages shared after fork between their sharers, so forked copies
    of the interpreter are not counted many times over. In --unsafe mode there is no namespace
    to scan, so only the per-process limit holds."""
    if UNSAFE:
        return 0
    total = 0
    for name in os.listdir("/proc"):
        if not name.isdigit() or name == "1":
            continue
        try:
            with open("/proc/%s/smaps_rollup" % name, "rb") as handle:
                for line in handle:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except (OSError, ValueError, IndexError):
            pass
    return total


def kernel_leftovers():
    """What a finished program can leave in the kernel beyond its processes and files, as one
    comparable value: SysV IPC objects (they outlive their creator in the sandbox's IPC
    namespace) and keys in the user's keyring (shared by every program of this worker). POSIX
    message queues are ruled out by RLIMIT_MSGQUEUE = 0. Any change makes the host replace this
    worker, so nothing left there reaches a later program."""
    if UNSAFE:
        return None
    found = []
    for name in ("shm", "sem", "msg"):
        try:
            with open("/proc/sysvipc/" + name, "rb") as handle:
                found.append(len(handle.read().splitlines()))
        except OSError:
            found.append(-1)
    try:
        with open("/proc/key-users", "rb") as handle:
            # "uid: usage nkeys/nikeys qnkeys/maxkeys qnbytes/maxbytes"; usage is a reference
            # count that kernel threads move, so it is left out.
            found.append([line.split()[:1] + line.split()[2:] for line in handle.read().splitlines()])
    except OSError:
        found.append(None)
    return found


def kill_all(child):
    """Kill the program and everything it started, then reap them all."""
    try:
        if UNSAFE:
            os.killpg(child, signal.SIGKILL)
        else:
            os.kill(-1, signal.SIGKILL)
    except OSError:
        pass


def reap_all(child):
    """Wait for the program; in the sandbox also for every orphan re-parented to PID 1."""
    status = None
    usage = None
    while True:
        try:
            pid, raw, rusage = os.wait4(-1 if not UNSAFE else child, 0)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if pid == child:
            status, usage = raw, rusage
            if UNSAFE:
                break
    return status, usage


def execute(request):
    global request_baseline
    wipe_scratch()
    request_baseline = kernel_leftovers()
    stdin_fd = os.memfd_create("stdin")
    os.write(stdin_fd, request["stdin"].encode("utf-8", "surrogatepass"))  # lone surrogates pass as bytes
    os.lseek(stdin_fd, 0, os.SEEK_SET)
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    started = time.monotonic()
    child = os.fork()
    if child == 0:
        os.close(out_r)
        os.close(err_r)
        run_program(request, out_w, err_w, stdin_fd)
    for fd in (out_w, err_w, stdin_fd):
        os.close(fd)
    cap = request["output"]
    out, err = bytearray(), bytearray()
    open_fds = {out_r: out, err_r: err}
    deadline = started + request["timeout"]
    timed_out = over = out_of_memory = False
    # Read until both pipes close (the program and anything it started are done with them)
    # or the deadline; the control pipe is watched too, so a vanished host stops the program.
    memory = request["memory"]
    next_check = started + MEMORY_TICK

    def over_memory(now: float) -> bool:
        # The namespace-wide sum, at most once a tick: reading every process's PSS is not free.
        nonlocal next_check
        if now < next_check:
            return False
        next_check = now + MEMORY_TICK
        return namespace_memory() > memory

    while open_fds:
        now = time.monotonic()
        left = deadline - now
        if left <= 0:
            timed_out = True
            break
        if over_memory(now):
            out_of_memory = True
            break
        ready, _, _ = select.select(list(open_fds) + [CONTROL_IN], [], [], min(left, MEMORY_TICK))
        if CONTROL_IN in ready:  # the host sends nothing mid-program: this is its end (EOF)
            kill_all(child)
            reap_all(child)
            os._exit(0)
        for fd in ready:
            if fd == CONTROL_IN:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                os.close(fd)
                del open_fds[fd]
                continue
            buffer = open_fds[fd]
            buffer += chunk
            if len(buffer) > cap:
                over = True
        if over:
            break
    # The pipes are closed but the program may still be running (it closed fd 1 and 2): wait
    # for it within the same deadline.
    status = usage = None
    if not timed_out and not over and not out_of_memory:
        while True:
            try:
                pid, raw, rusage = os.wait4(child, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == child:
                status, usage = raw, rusage
                break
            now = time.monotonic()
            if now >= deadline:
                timed_out = True
                break
            if over_memory(now):
                out_of_memory = True
                break
            time.sleep(0.002)
    seconds = time.monotonic() - started
    kill_all(child)
    late_status, late_usage = reap_all(child)
    if status is None:
        status, usage = late_status, late_usage
    for fd in open_fds:
        os.close(fd)
    wipe_scratch()
    dirty = kernel_leftovers() != request_baseline
    exit_code = sig = None
    if status is not None:
        if os.WIFEXITED(status):
            exit_code = os.WEXITSTATUS(status)
        elif os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
    return {
        "exit": exit_code,
        "signal": sig,
        "timed_out": timed_out,
        "over": over,
        "out_of_memory": out_of_memory,
        "dirty": dirty,
        "stdout": bytes(out[:cap]).decode("utf-8", "replace"),
        "stderr": bytes(err[-cap:]).decode("utf-8", "replace"),
        "seconds": seconds,
        "cpu": (usage.ru_utime + usage.ru_stime) if usage is not None else None,
    }


def set_dumpable(flag):
    """prctl(PR_SET_DUMPABLE). The worker sets 0: without CAP_SYS_PTRACE (programs have no
    capabilities) no process can then ptrace it or open its /proc/1/fd or /proc/1/mem, so a
    program cannot forge the replies of this or a later program. Each program's child sets 1
    again, or this worker could not read its memory use in /proc (see namespace_memory)."""
    import ctypes

    PR_SET_DUMPABLE = 4
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_DUMPABLE, flag, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE) failed")


# Imported once here, so a program that imports them (HumanEval's prompts start with
# `from typing import List`) finds them in sys.modules after the fork instead of paying for it.
PRELOAD = ("typing", "re", "math", "collections", "itertools", "functools", "heapq", "bisect", "string",
           "random", "fractions", "decimal", "statistics", "dataclasses", "copy")


def preload():
    for name in PRELOAD:
        try:
            __import__(name)
        except Exception:
            pass


def main():
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # PID 1 must have no handler a program could trigger
    preload()
    if not UNSAFE:
        set_dumpable(0)
    send({"ready": True})
    while True:
        request = receive()
        if request is None:
            break
        try:
            reply = execute(request)
        except Exception as error:  # a fault of the worker, not of the program
            reply = {"error": "%s: %s" % (type(error).__name__, error)}
        try:
            send(reply)
        except OSError as error:
            if error.errno == errno.EPIPE:
                break
            raise


main()
