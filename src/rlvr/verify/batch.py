"""`check_many`: many (response, gold) pairs, in this process or spread over worker processes."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Callable, Sequence

from rlvr.verify.judge import Judge
from rlvr.verify.verdict import Verdict

CHUNK = 64


def run_batch(
    pairs: Sequence[tuple[str, str]],
    *,
    workers: int = 1,
    timeout: float = 2.0,
    judge: Judge | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Verdict]:
    """Verdicts for `pairs`, in order. Processes are started with `spawn` (safe with threads)."""
    from rlvr.verify.pipeline import VerifyError, check, checked_timeout, warm_up

    if not isinstance(workers, int) or workers < 1:
        raise VerifyError(f"workers must be a positive integer, got {workers!r}")
    timeout = checked_timeout(timeout)  # refused here, before any process starts
    items = list(pairs)
    for index, pair in enumerate(items):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise VerifyError(f"pair {index} must be (response, gold), got {type(pair).__name__}")
    if workers == 1 or len(items) <= CHUNK:
        warm_up()
        verdicts = []
        for response, gold in items:
            verdicts.append(check(response, gold, timeout=timeout, judge=judge))
            if progress is not None:
                progress(1)
        return verdicts
    chunks = [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]
    results: list[list[Verdict]] = [[] for _ in chunks]
    context = multiprocessing.get_context("spawn")
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_exit_with_parent, initargs=(os.getpid(),))
    try:
        futures = {executor.submit(_check_chunk, chunk, timeout, judge): index for index, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            index = futures[future]
            results[index] = future.result()
            if progress is not None:
                progress(len(results[index]))
    except BaseException:
        # Ctrl-C (or any failure): the queued chunks would otherwise all run before the
        # interrupt gets through; drop them and end the workers now.
        _stop(executor)
        raise
    executor.shutdown(wait=True)
    return [verdict for chunk in results for verdict in chunk]


def _stop(executor: ProcessPoolExecutor) -> None:
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        try:
            process.terminate()
        except (OSError, ValueError, AttributeError):
            pass
    for process in processes:
        try:
            process.join(timeout=5)
        except (OSError, ValueError, AssertionError):
            pass


def _exit_with_parent(parent: int) -> None:
    """In each worker: exit when the process that started it is gone (killed, say).

    A pool's workers otherwise wait on their queue for ever once their parent dies without
    shutting them down, each holding its own symbolic worker processes.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="rlvr-verify-parent-watch", daemon=True).start()


def _check_chunk(chunk: list[tuple[str, str]], timeout: float, judge: Judge | None) -> list[Verdict]:
    from rlvr.verify.pipeline import check, warm_up

    warm_up()
    return [check(response, gold, timeout=timeout, judge=judge) for response, gold in chunk]
