"""Ctrl-C stops a command at once, says so in one line, exits 130 and leaves no partial output.

`rlvr verify --workers N` used to run on for 31-42 s after Ctrl-C (the process pool finished its
queue first), and an interrupted `rlvr tasks export` left a truncated dataset that looked valid.
The bounds here are generous (a shared 2-core machine); the uninterrupted runs take minutes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from process_helpers import alive, children, interruptible

import pytest

STOP_BOUND_S = 20.0  # after SIGINT; the unfixed verify ran on for minutes on this input
START_LIMIT_S = 120.0


def _rlvr(*args: str) -> list[str]:
    return [sys.executable, "-c", "from rlvr.cli import app; app()", *args]


def _interrupt_when(process: subprocess.Popen, ready: callable, settle: float = 0.0,  # type: ignore[type-arg,valid-type]
                    signum: int = signal.SIGINT) -> float:
    """Wait until `ready()` (the command is at work), send `signum`; return seconds until it exited."""
    deadline = time.monotonic() + START_LIMIT_S
    while not ready():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the command never started its work"
        time.sleep(0.1)
    time.sleep(settle)
    assert process.poll() is None, "the command finished before it could be interrupted; give it more work"
    sent = time.monotonic()
    process.send_signal(signum)
    try:
        process.wait(timeout=STOP_BOUND_S * 3)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    return time.monotonic() - sent


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads child processes from /proc")
def test_verify_with_workers_stops_promptly_on_ctrl_c(tmp_path: Path) -> None:
    # Items that need the symbolic backend, all different so nothing is cached: minutes of work.
    source = tmp_path / "in.jsonl"
    with source.open("w") as out:
        for n in range(4000):
            power = n % 7 + 3
            out.write(json.dumps({"response": f"\\boxed{{\\sin(x)^2+\\cos(x)^2+{n}*x^{{{power}}}}}",
                                  "gold": f"1+{n}*x^{{{power}}}"}) + "\n")
    result = tmp_path / "verdicts.jsonl"
    process = subprocess.Popen(_rlvr("verify", str(source), "--workers", "2", "-o", str(result)),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=interruptible)
    workers: set[int] = set()

    def busy() -> bool:
        workers.update(children(process.pid))
        return len(workers) >= 2  # both pool processes are up

    took = _interrupt_when(process, busy, settle=2.0)
    stdout, stderr = process.communicate()
    assert process.returncode == 130, stderr
    assert took < STOP_BOUND_S, f"took {took:.1f}s to stop"
    assert stderr.strip().splitlines()[-1] == "interrupted"
    assert "Traceback" not in stderr and stdout == ""
    assert not result.exists() and _temporaries(tmp_path) == []
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers), "pool workers outlived the command"


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_export_interrupted_leaves_no_dataset(tmp_path: Path, suffix: str) -> None:
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    out = tmp_path / f"train{suffix}"
    process = subprocess.Popen(_rlvr("tasks", "export", "--tasks", "sudoku,zebra", "--n", "10000000", "-o", str(out)),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=interruptible)
    # The temporary file appears as soon as the export has checked its arguments.
    took = _interrupt_when(process, lambda: bool(_temporaries(tmp_path)), settle=1.5)
    stdout, stderr = process.communicate()
    assert process.returncode == 130, stderr
    assert took < STOP_BOUND_S, f"took {took:.1f}s to stop"
    assert stderr.strip().splitlines()[-1] == "interrupted" and "Traceback" not in stderr
    assert "wrote" not in stdout
    assert not out.exists() and _temporaries(tmp_path) == []
    assert os.listdir(tmp_path) == []


def test_export_terminated_leaves_no_dataset(tmp_path: Path) -> None:
    # SIGTERM (a scheduler ending a job) unwinds like Ctrl-C: no dataset, no hidden temporary file
    out = tmp_path / "train.jsonl"
    process = subprocess.Popen(_rlvr("tasks", "export", "--tasks", "sudoku,zebra", "--n", "10000000", "-o", str(out)),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=interruptible)
    took = _interrupt_when(process, lambda: bool(_temporaries(tmp_path)), settle=1.5, signum=signal.SIGTERM)
    stdout, stderr = process.communicate()
    assert process.returncode == 143, stderr
    assert took < STOP_BOUND_S, f"took {took:.1f}s to stop"
    assert stderr.strip().splitlines()[-1] == "terminated" and "Traceback" not in stderr
    assert os.listdir(tmp_path) == []
