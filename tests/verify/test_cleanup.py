"""The symbolic pool leaves nothing behind in the temporary folder, also when its process is killed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

# Starts the pool's zygote (a symbolic comparison needs a worker), then dies by SIGKILL: no close(), no atexit.
SCRIPT = r"""
import os, signal
from rlvr.verify import check, warm_up
warm_up()
assert check(r"\boxed{x^2+2x+1}", "(x+1)^2").correct
os.kill(os.getpid(), signal.SIGKILL)
"""


def _socket_folders(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith("rlvr-verify-")]


def test_socket_folder_removed_when_the_process_is_killed(tmp_path: Path) -> None:
    # A reward worker killed by its engine must not leave one folder per process in TMPDIR, run after run.
    environment = {**os.environ, "TMPDIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", SCRIPT], env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == -9, result.stderr
    deadline = time.monotonic() + 30  # the zygote sees its stdin close and cleans up: generous on a busy machine
    while _socket_folders(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _socket_folders(tmp_path) == []
