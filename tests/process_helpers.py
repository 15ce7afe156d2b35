"""Child processes of a running command, read from /proc (Linux), for tests that stop commands."""

from __future__ import annotations

from pathlib import Path


def children(pid: int) -> set[int]:
    """Process ids whose parent is `pid`."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting to be reaped counts as ended)."""
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def interruptible() -> None:
    """`preexec_fn` for a child that a test will stop with SIGINT.

    A job started in the background (`cmd &`, nohup, some CI runners) inherits SIGINT ignored,
    and Python then never turns it into KeyboardInterrupt; the child gets the default back.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
