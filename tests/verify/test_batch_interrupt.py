"""Ctrl-C in `check_many(workers=N)` stops at once: queued chunks are dropped and the workers end."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from process_helpers import alive, children, interruptible

_SCRIPT = textwrap.dedent(
    """
    import os, sys
    from rlvr.verify import check_many

    if __name__ == "__main__":
        pairs = [("\\\\boxed{\\\\frac{\\\\sqrt{2}}{2}+%d}" % i, "\\\\frac{1}{\\\\sqrt{2}}+%d" % i) for i in range(100000)]
        def started(done):
            print("progress", flush=True)
        try:
            check_many(pairs, workers=2, progress=started)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(130)
        print("finished", flush=True)
    """
)


def test_interrupting_a_batch_stops_its_workers_promptly(tmp_path: Path) -> None:
    script = tmp_path / "batch.py"
    script.write_text(_SCRIPT)
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, start_new_session=True,
                               preexec_fn=interruptible)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "progress", "the batch never got going"
    workers = children(process.pid)
    assert workers, "check_many(workers=2) started no worker processes"
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    stopped_after = time.monotonic() - sent
    assert process.returncode == 130 and "interrupted" in output
    # 100,000 pairs take a minute or more; stopping within 15 s means the queue was dropped, not drained
    assert stopped_after < 15, f"took {stopped_after:.1f} s to stop"
    time.sleep(0.5)
    left = [pid for pid in workers if alive(pid)]
    assert not left, f"worker processes {left} outlived the interrupted batch"


def test_workers_of_a_killed_batch_exit_by_themselves(tmp_path: Path) -> None:
    # SIGKILL gives the parent no chance to stop its pool; the workers notice it is gone and exit,
    # and with them the symbolic worker processes each of them started.
    script = tmp_path / "batch.py"
    script.write_text(_SCRIPT)
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, start_new_session=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "progress", "the batch never got going"
    workers = children(process.pid)
    descendants = set(workers)
    for pid in workers:
        descendants |= children(pid)
    assert workers, "check_many(workers=2) started no worker processes"
    process.kill()
    process.wait(timeout=30)
    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in descendants) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [pid for pid in descendants if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes {left} outlived their killed batch"
