"""A real `rlvr serve` process on a free loopback port, for the tests that need one."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

START_LIMIT = 90.0
STOP_LIMIT = 15.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve_process(args: list[str], log_path: Path, open_files: int | None = None) -> Iterator[str]:
    """A real `rlvr serve` on a free loopback port with `args`; yields its URL, then stops it.

    open_files: the server's open-file limit (soft and hard), to test what happens near it.
    On exit, asserts that it stopped cleanly and logged no traceback.
    """
    port = free_port()
    command = [sys.executable, "-m", "rlvr.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", *args]
    log = log_path.open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, text=True,
                               preexec_fn=None if open_files is None else lambda: _limit_open_files(open_files))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_LIMIT
        while True:
            if process.poll() is not None:
                pytest.fail(f"rlvr serve exited with {process.returncode}: {log_path.read_text()}")
            try:
                if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"rlvr serve did not answer /health within {START_LIMIT:.0f} s")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(STOP_LIMIT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_LIMIT)
        log.close()
    # uvicorn finishes its graceful shutdown, then re-raises the SIGTERM it caught.
    assert process.returncode in (0, -signal.SIGTERM), log_path.read_text()
    assert "Traceback" not in log_path.read_text()


def _limit_open_files(limit: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
