"""`check_many`: many (response, gold) pairs, in this process or spread over worker processes."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
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
    from rlvr.verify.pipeline import VerifyError, check, checked_timeout

    if not isinstance(workers, int) or workers < 1:
        raise VerifyError(f"workers must be a positive integer, got {workers!r}")
    timeout = checked_timeout(timeout)  # refused here, before any process starts
    items = list(pairs)
    for index, pair in enumerate(items):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise VerifyError(f"pair {index} must be (response, gold), got {type(pair).__name__}")
    if workers == 1 or len(items) <= CHUNK:
        verdicts = []
        for response, gold in items:
            verdicts.append(check(response, gold, timeout=timeout, judge=judge))
            if progress is not None:
                progress(1)
        return verdicts
    chunks = [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]
    results: list[list[Verdict]] = [[] for _ in chunks]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as executor:
        futures = {executor.submit(_check_chunk, chunk, timeout, judge): index for index, chunk in enumerate(chunks)}
        from concurrent.futures import as_completed

        for future in as_completed(futures):
            index = futures[future]
            results[index] = future.result()
            if progress is not None:
                progress(len(results[index]))
    return [verdict for chunk in results for verdict in chunk]


def _check_chunk(chunk: list[tuple[str, str]], timeout: float, judge: Judge | None) -> list[Verdict]:
    from rlvr.verify.pipeline import check

    return [check(response, gold, timeout=timeout, judge=judge) for response, gold in chunk]
