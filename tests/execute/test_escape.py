"""Escape and abuse attempts, one test each: every one is contained and the host is unchanged.

Each hostile program first prints the inode of its PID namespace; after the run, no process of
that namespace but the worker (PID 1 there) may be left on the host (`_survivors`).
benchmarks/code/run.py --escape runs this file and tabulates the outcomes in RESULTS.md.
"""

from __future__ import annotations

import ast
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest

from rlvr.execute import ExecResult, run, run_many
from rlvr.execute import pool, seccomp
from rlvr.execute.pool import OUTPUT_LIMIT
from rlvr.execute.sandbox import SCRATCH_MB

PROJECT = Path(__file__).resolve().parents[2]
ANNOUNCE = "import os as _o, sys as _s\nprint(_o.readlink('/proc/self/ns/pid'), flush=True)\n"


def hostile(body: str, **kwargs: object) -> tuple[ExecResult, str]:
    """Run `body` after the line that reports its namespace; return the result and that namespace."""
    result = run(ANNOUNCE + textwrap.dedent(body), **kwargs)  # type: ignore[arg-type]
    namespace = result.stdout.split("\n", 1)[0].strip()
    assert namespace.startswith("pid:["), result
    return result, namespace


@pytest.fixture
def worker_starts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts sandboxed workers started during the test (namespace inodes are reused, so they cannot tell)."""
    run("pass")  # an idle worker is ready before counting starts
    started: list[int] = []
    original = pool._Worker.__init__

    def counting(self: object, *args: object, **kwargs: object) -> None:
        started.append(1)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pool._Worker, "__init__", counting)
    return started


def _survivors(namespace: str, wait: float = 5.0) -> list[str]:
    """Host processes in `namespace` other than its PID 1 (the worker), after up to `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                if os.readlink(f"/proc/{name}/ns/pid") != namespace:
                    continue
                status = Path(f"/proc/{name}/status").read_text()
            except OSError:
                continue
            inner = next(line.split()[-1] for line in status.splitlines() if line.startswith("NSpid:"))
            if inner != "1":
                found.append(f"{name} (pid {inner} inside): {status.splitlines()[0]}")
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def _descends_from_us(pid: int) -> bool:
    """Whether `pid` is a descendant of this test process (so other users' sandboxes do not count)."""
    while pid > 1:
        if pid == os.getpid():
            return True
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
    return False


def test_survivor_check_sees_live_processes() -> None:
    # The check every test below relies on must see a sandbox's processes while they run.
    box: list[ExecResult] = []
    code = ANNOUNCE + "import time\nfor _ in range(3):\n    if _o.fork() == 0:\n        time.sleep(3)\n        _o._exit(0)\ntime.sleep(3)\n"
    thread = threading.Thread(target=lambda: box.append(run(code, timeout=10)))
    thread.start()
    try:
        seen: set[str] = set()
        deadline = time.monotonic() + 10
        while len(seen) < 4 and time.monotonic() < deadline:  # the program and its three children
            for name in os.listdir("/proc"):
                try:
                    namespace = os.readlink(f"/proc/{name}/ns/pid") if name.isdigit() else ""
                except OSError:
                    continue
                if namespace and namespace != os.readlink("/proc/self/ns/pid") and _descends_from_us(int(name)):
                    seen.update(_survivors(namespace, wait=0))
            time.sleep(0.05)
        assert len(seen) >= 4
    finally:
        thread.join()
    assert box[0].status == "ok"
    assert _survivors(box[0].stdout.split()[0]) == []


def test_fork_bomb_is_contained() -> None:
    started = time.monotonic()
    result, namespace = hostile("""
        while True:
            try:
                _o.fork()
            except OSError:
                pass
    """, timeout=2)
    assert result.status in ("timeout", "runtime-error")
    assert time.monotonic() - started < 30
    assert _survivors(namespace) == []
    assert run("print('still fine')").stdout == "still fine\n"


def test_memory_bomb_is_contained() -> None:
    result, namespace = hostile("""
        hoard = []
        while True:
            hoard.append(bytearray(64 * 1024 * 1024))
    """, memory_mb=256)
    assert result.status == "memory"
    assert _survivors(namespace) == []


def test_memory_bomb_across_processes_is_contained() -> None:
    # Each child stays under the per-process limit; together they would use 1.6 GB.
    result, namespace = hostile("""
        import time
        for _ in range(8):
            if _o.fork() == 0:
                block = bytearray(200 * 1024 * 1024)
                for i in range(0, len(block), 4096):
                    block[i] = 1
                time.sleep(60)
        time.sleep(60)
    """, memory_mb=512, timeout=10)
    assert result.status == "memory"
    assert result.seconds < 9
    assert _survivors(namespace) == []


def test_disk_fill_stops_at_the_scratch_cap() -> None:
    result, namespace = hostile("""
        written = 0
        try:
            for index in range(10_000):
                with open(f"fill{index}", "wb") as out:
                    out.write(b"x" * (4 * 1024 * 1024))
                written += 4 * 1024 * 1024
        except OSError as error:
            print("stopped", error.errno)
        print(written)
    """, timeout=20)
    lines = result.stdout.split()
    assert "stopped" in result.stdout
    assert int(lines[-1]) <= SCRATCH_MB * 1024 * 1024
    assert _survivors(namespace) == []
    # The next program starts with an empty scratch dir.
    assert run("import os\nprint(len(os.listdir('.')))").stdout == "0\n"


def test_infinite_loop_times_out() -> None:
    result, namespace = hostile("while True:\n    pass\n", timeout=1)
    assert result.status == "timeout"
    assert result.seconds < 6
    assert _survivors(namespace) == []


def test_huge_output_is_cut() -> None:
    result, namespace = hostile("while True:\n    print('spam' * 1000)\n")
    assert result.status == "output-limit"
    assert len(result.stdout) <= OUTPUT_LIMIT
    assert _survivors(namespace) == []


def test_network_connect_fails() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        result, namespace = hostile(f"""
            import socket
            for address in [("127.0.0.1", {port}), ("1.1.1.1", 53), ("8.8.8.8", 443)]:
                try:
                    socket.create_connection(address, timeout=1).close()
                    print("connected", address)
                except OSError as error:
                    print("refused", address, type(error).__name__)
            try:
                socket.getaddrinfo("pypi.org", 443)
                print("resolved")
            except OSError:
                print("no dns")
        """, timeout=10)
        listener.settimeout(0.2)
        with pytest.raises(socket.timeout):
            listener.accept()  # the host listener never saw a connection
    assert "connected" not in result.stdout
    assert result.stdout.count("refused") == 3 and "no dns" in result.stdout
    assert _survivors(namespace) == []


def test_etc_passwd_is_not_visible() -> None:
    result, _ = hostile("""
        for path in ["/etc/passwd", "/etc/shadow", "/etc/hostname"]:
            try:
                print(open(path).read())
            except OSError as error:
                print("absent", path, type(error).__name__)
    """)
    assert result.stdout.count("absent") == 3
    assert "root:" not in result.stdout


def test_home_project_and_environment_are_not_visible(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    os.environ["RLVR_TEST_TOKEN"] = "TOKEN-VALUE-123"  # set after import: a per-call env leak would show it
    try:
        result, _ = hostile(f"""
            for path in [{str(secret)!r}, {str(PROJECT / 'pyproject.toml')!r}, {os.path.expanduser('~')!r} + "/.bashrc"]:
                try:
                    print(open(path).read())
                except OSError as error:
                    print("absent", type(error).__name__)
            # (the interpreter's own install prefix is bound read-only, and may live under a home
            # folder, so only folders that cannot hold it are checked here)
            for folder in [{str(PROJECT)!r}, {str(tmp_path)!r}, "/etc", "/var", "/root/.ssh"]:
                print("dir", _o.path.isdir(folder))
            print(dict(_o.environ))
        """)
    finally:
        del os.environ["RLVR_TEST_TOKEN"]
    out = result.stdout
    assert out.count("absent") == 3
    assert "dir True" not in out
    assert "TOP-SECRET-VALUE" not in out and "TOKEN-VALUE-123" not in out and "[project]" not in out
    environment = ast.literal_eval(out.strip().splitlines()[-1])  # sandbox output is never eval'd
    assert set(environment) <= {"PATH", "HOME", "LANG", "TMPDIR", "PWD", "LC_CTYPE"}
    assert environment["HOME"] == "/tmp"


def test_writing_outside_scratch_fails(tmp_path: Path) -> None:
    targets = ["/escape.txt", "/usr/escape.txt", "/dev/escape.txt", "/proc/escape.txt", "/etc/escape.txt",
               str(tmp_path / "escape.txt"), str(PROJECT / "escape.txt")]
    result, namespace = hostile(f"""
        for path in {targets!r}:
            try:
                with open(path, "w") as out:
                    out.write("escaped")
                print("wrote", path)
            except OSError as error:
                print("refused", type(error).__name__)
    """)
    assert "wrote" not in result.stdout
    assert result.stdout.count("refused") == len(targets)
    for path in targets:
        assert not Path(path).exists()
    assert _survivors(namespace) == []


def test_killing_the_parent_and_everyone_fails(worker_starts: list[int]) -> None:
    host_pid = os.getpid()
    result, namespace = hostile(f"""
        import signal, time
        for target in [_o.getppid(), 1, {host_pid}, -1]:
            for sig in [signal.SIGKILL, signal.SIGTERM, signal.SIGINT]:
                try:
                    _o.kill(target, sig)
                except OSError:
                    pass
        time.sleep(0.2)
        print("survived")
    """)
    assert result.status == "ok" and "survived" in result.stdout
    # The worker survived the attempts: the next program runs in the same sandbox.
    assert run(ANNOUNCE).stdout.strip() == namespace
    assert worker_starts == []
    assert _survivors(namespace) == []
    os.kill(host_pid, 0)  # this process is alive


def test_killing_the_worker_from_a_child_session_fails(worker_starts: list[int]) -> None:
    result, namespace = hostile("""
        import signal, time
        if _o.fork() == 0:
            _o.setsid()
            _o.kill(1, signal.SIGKILL)
            _o._exit(0)
        _o.wait()
        print("parent alive")
    """)
    assert result.status == "ok"
    assert run(ANNOUNCE).stdout.strip() == namespace
    assert worker_starts == []


def test_ctypes_and_os_tricks_fail() -> None:
    result, namespace = hostile("""
        import ctypes, errno
        libc = ctypes.CDLL(None, use_errno=True)
        CLONE_NEWUSER, CLONE_NEWNS, PTRACE_ATTACH = 0x10000000, 0x00020000, 16
        checks = {
            "unshare-user": lambda: libc.unshare(CLONE_NEWUSER),
            "unshare-mount": lambda: libc.unshare(CLONE_NEWNS),
            "mount": lambda: libc.mount(b"none", b"/tmp", b"tmpfs", 0, None),
            "ptrace-worker": lambda: libc.ptrace(PTRACE_ATTACH, 1, None, None),
            "setuid-0": lambda: libc.setuid(0),
            "chroot": lambda: libc.chroot(b"/tmp"),
        }
        for name, call in checks.items():
            print(name, "failed" if call() != 0 else "SUCCEEDED")
        for path in ["/proc/1/mem", "/proc/1/fd/1", "/proc/1/environ"]:
            try:
                open(path, "rb").read(1)
                print(path, "SUCCEEDED")
            except OSError:
                print(path, "failed")
        try:
            joined = libc.setns(_o.open("/proc/1/ns/mnt", _o.O_RDONLY), 0) == 0
        except OSError:
            joined = False
        print("setns", "SUCCEEDED" if joined else "failed")
        _s.stdout.flush()
        ctypes.string_at(0)  # a segfault takes down the program, not the sandbox
    """)
    assert "SUCCEEDED" not in result.stdout
    assert result.stdout.count("failed") == 10
    assert result.status == "runtime-error" and result.exit_code == -signal.SIGSEGV
    assert _survivors(namespace) == []
    assert run("print(1)").ok


def _syscall_numbers(names: list[str]) -> dict[str, int]:
    import ctypes
    import ctypes.util

    lib = ctypes.CDLL(ctypes.util.find_library("seccomp"))
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    return {name: lib.seccomp_syscall_resolve_name(name.encode()) for name in names}


def test_seccomp_refuses_kernel_attack_surface() -> None:
    if seccomp.filter_bytes() is None:
        pytest.skip("libseccomp is not installed here: the sandbox runs without its seccomp filter")
    numbers = _syscall_numbers(["io_uring_setup", "bpf", "userfaultfd", "perf_event_open", "keyctl",
                                "add_key", "ptrace", "process_vm_readv"])
    result, namespace = hostile(f"""
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        for name, number in {numbers!r}.items():
            ctypes.set_errno(0)
            answer = libc.syscall(number, 0, 0, 0, 0, 0)
            print(name, answer, ctypes.get_errno())
        import multiprocessing, subprocess, threading
        with multiprocessing.Pool(2) as workers:
            print("pool", workers.map(abs, [-1, -2]))
        print("subprocess", subprocess.run(["/bin/echo", "hi"], capture_output=True, text=True).stdout.strip())
    """)
    lines = result.stdout.splitlines()[1:]
    assert lines[:len(numbers)] == [f"{name} -1 1" for name in numbers]  # each refused with EPERM
    assert lines[len(numbers):] == ["pool [1, 2]", "subprocess hi"]  # ordinary programs unaffected
    assert _survivors(namespace) == []


ABI_SWITCH = """
import ctypes, mmap
buf = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
buf.write(CODE)
call = ctypes.CFUNCTYPE(ctypes.c_long)(ctypes.addressof(ctypes.c_char.from_buffer(buf)))
print("returned", call(), flush=True)
"""


@pytest.mark.parametrize("abi, machine_code", [
    ("i386", b"\xb8\x14\x00\x00\x00\xcd\x80\xc3"),  # mov eax, 20 (getpid); int 0x80; ret
    ("x32", b"\xb8\x27\x00\x00\x40\x0f\x05\xc3"),  # mov eax, 0x40000027 (x32 getpid); syscall; ret
])
def test_switching_abi_to_dodge_the_filter_is_killed(abi: str, machine_code: bytes) -> None:
    if seccomp.filter_bytes() is None or platform.machine() != "x86_64":
        pytest.skip("needs libseccomp on x86-64")
    result, namespace = hostile(f"CODE = {machine_code!r}\n" + ABI_SWITCH)
    assert "returned" not in result.stdout
    assert result.exit_code == -signal.SIGSYS
    assert _survivors(namespace) == []


def test_forged_reply_cannot_reach_the_host() -> None:
    # The worker's reply pipe is not reachable; printing a reply-shaped message is just output.
    result, namespace = hostile("""
        import json, struct, sys
        fake = json.dumps({"exit": 0, "signal": None, "timed_out": False, "over": False,
                           "stdout": "FORGED", "stderr": "", "seconds": 0, "cpu": 0}).encode()
        for fd in (1, 2, 3, 4, 5):
            try:
                _o.write(fd, struct.pack(">I", len(fake)) + fake)
            except OSError:
                pass
        sys.exit(1)
    """)
    assert result.status == "runtime-error"
    assert _survivors(namespace) == []


def test_kernel_state_does_not_reach_the_next_program(worker_starts: list[int]) -> None:
    # A keyring key and a SysV shared-memory segment outlive their creator; POSIX queues are refused.
    leave = ANNOUNCE + textwrap.dedent("""
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        key = libc.syscall(248, b"user", b"rlvr-left", b"answer=42", 9, -4)  # add_key to the user keyring
        segment = libc.shmget(0x5EC2E7, 4096, 0o1666)  # IPC_CREAT | 0666
        queue = libc.mq_open(b"/rlvr-left", 0o100 | 0o2, 0o600, None)  # O_CREAT | O_RDWR
        print("key", key > 0, "shm", segment >= 0, "mq", queue >= 0)
    """)
    look = ANNOUNCE + textwrap.dedent("""
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        print("shm", libc.shmget(0x5EC2E7, 0, 0) >= 0)
        print("keys", "rlvr-left" in open("/proc/keys").read())
    """)
    results = run_many([leave, look, look], workers=1)
    key_refused = seccomp.filter_bytes() is not None  # the seccomp filter refuses add_key outright
    assert results[0].stdout.split("\n")[1] == f"key {not key_refused} shm True mq False"
    for later in results[1:]:
        assert later.stdout.split("\n")[1:3] == ["shm False", "keys False"], later
    assert worker_starts == [1]  # the idle worker was replaced after the first program; the fresh one was kept


def test_clean_programs_keep_their_worker(worker_starts: list[int]) -> None:
    results = run_many(["print(1)", "import collections\nprint(2)", "print(3)"], workers=1)
    assert [r.stdout for r in results] == ["1\n", "2\n", "3\n"]
    assert len(worker_starts) <= 1


def test_zombies_and_orphans_do_not_survive() -> None:
    result, namespace = hostile("""
        import time
        if _o.fork() == 0:          # a zombie: exits and is never waited for
            _o._exit(0)
        if _o.fork() == 0:          # an orphan daemon: new session, stdio closed, sleeps on
            _o.setsid()
            if _o.fork() == 0:
                for fd in (0, 1, 2):
                    _o.close(fd)
                time.sleep(300)
            _o._exit(0)
        time.sleep(0.3)
        print("leaving")
    """)
    assert result.status == "ok" and "leaving" in result.stdout
    assert _survivors(namespace, wait=0) == []


def test_orphan_holding_stdout_is_a_timeout_and_dies() -> None:
    result, namespace = hostile("""
        import time
        if _o.fork() == 0:
            _o.setsid()
            time.sleep(300)
        print("parent done")
    """, timeout=1)
    assert result.status == "timeout"
    assert _survivors(namespace) == []


def test_batch_of_hostile_programs_leaves_nothing() -> None:
    programs = [ANNOUNCE + "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
                ANNOUNCE + "x = bytearray(4 * 1024 ** 3)\n",
                ANNOUNCE + "while True:\n    pass\n",
                ANNOUNCE + "print('fine')\n"] * 2
    results = run_many(programs, timeout=1, workers=2)
    assert [r.status for r in results[3::4]] == ["ok", "ok"]
    for result in results:
        assert _survivors(result.stdout.split("\n", 1)[0].strip()) == []


def test_no_sandbox_means_refusal_not_silent_unsafety() -> None:
    # Run as root, rlvr starts bwrap as nobody, who must reach the stand-in: a world-readable folder.
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)
        _refusal_then_opt_in(Path(folder))


def _refusal_then_opt_in(tmp_path: Path) -> None:
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to create a new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    script = ("from rlvr.execute import run, SandboxUnavailable\n"
              "try:\n    run('print(1)')\nexcept SandboxUnavailable as e:\n    print('REFUSED', e)\n"
              "print('UNSAFE', run('print(2)', unsafe=True).stdout.strip())\n")
    for bwrap, why in ((str(fake), "No permissions to create a new namespace"),
                       (str(tmp_path / "missing-bwrap"), "not an executable bwrap")):
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "RLVR_BWRAP": bwrap})
        assert done.returncode == 0, done.stderr
        assert "REFUSED" in done.stdout and why in done.stdout and "unsafe=True" in done.stdout
        assert "UNSAFE 2" in done.stdout and "UnsafeExecutionWarning" in done.stderr
