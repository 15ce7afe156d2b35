"""Starting `rlvr serve` as a child process on a free loopback port, for the serve benchmarks."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int, args: list[str] | None = None, log: Path | None = None,
                 wait_s: float = 180.0) -> subprocess.Popen:
    """`rlvr serve` on 127.0.0.1:`port`, returned once /health answers; exits the benchmark if it never does."""
    command = [sys.executable, "-m", "rlvr.cli", "serve", "--port", str(port), "--workers", str(workers),
               "--log-level", "warning", *(args or [])]
    output = log.open("w") if log is not None else subprocess.DEVNULL
    process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"rlvr serve exited: {log.read_text() if log is not None else process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1.0).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"rlvr serve did not start within {wait_s:g} s")
