"""Every check returns within its time bound: from threads, thread pools, asyncio and daemonic pool workers.

These assert the *bound* (timeout plus a margin for killing the worker process), not speed.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from rlvr.verify import Reason, Verdict, check, warm_up

TIMEOUT = 1.0
MARGIN = 2.0  # killing and reaping a worker process on a loaded machine
# equal polynomials whose proof needs an expansion with millions of terms
PATHOLOGICAL = ("\\boxed{(x+y+z)^{60}(x-y-z)^{60}}", "(x^2-(y+z)^2)^{60}")


def _timed_check(response: str, gold: str, timeout: float) -> tuple[float, Verdict]:
    warm_up()
    started = time.monotonic()
    verdict = check(response, gold, timeout=timeout)
    return time.monotonic() - started, verdict


def _assert_bounded(elapsed: float, verdict: Verdict) -> None:
    assert verdict.reason == Reason.TIMEOUT, verdict
    assert not verdict.correct
    assert elapsed < TIMEOUT + MARGIN, elapsed


def test_pathological_input_times_out_in_the_main_thread() -> None:
    _assert_bounded(*_timed_check(*PATHOLOGICAL, TIMEOUT))


def test_bound_holds_in_a_plain_thread() -> None:
    results: list[tuple[float, Verdict]] = []
    thread = threading.Thread(target=lambda: results.append(_timed_check(*PATHOLOGICAL, TIMEOUT)))
    thread.start()
    thread.join(TIMEOUT + 60)
    assert results, "the thread did not finish"
    _assert_bounded(*results[0])


def test_bound_holds_in_a_thread_pool() -> None:
    with ThreadPoolExecutor(max_workers=2) as executor:
        elapsed, verdict = executor.submit(_timed_check, *PATHOLOGICAL, TIMEOUT).result(timeout=TIMEOUT + 60)
    _assert_bounded(elapsed, verdict)


def test_bound_holds_from_asyncio() -> None:
    async def main() -> tuple[float, Verdict]:
        return await asyncio.to_thread(_timed_check, *PATHOLOGICAL, TIMEOUT)

    _assert_bounded(*asyncio.run(main()))


def test_bound_holds_in_a_daemonic_multiprocessing_worker() -> None:
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        assert pool._pool[0].daemon  # type: ignore[attr-defined]
        elapsed, verdict = pool.apply_async(_timed_check, (*PATHOLOGICAL, TIMEOUT)).get(timeout=TIMEOUT + 90)
    _assert_bounded(elapsed, verdict)


def test_worker_recovers_after_a_timeout() -> None:
    _timed_check(*PATHOLOGICAL, TIMEOUT)
    warm_up()
    assert check("\\boxed{\\frac{1}{\\sqrt2}}", "\\frac{\\sqrt2}{2}").correct


def test_huge_values_are_refused_quickly_not_computed() -> None:
    for answer in ("10^{10^{10}}", "1000000!", "2^{2^{2^{2^{2}}}}", "9^{9^{9}} + \\sqrt{2}", "(10^{100000})!"):
        verdict = check(f"\\boxed{{{answer}}}", "5", timeout=TIMEOUT)
        assert not verdict.correct
        assert verdict.reason in {Reason.NOT_EQUAL, Reason.TIMEOUT}


def test_concurrent_checks_from_many_threads_agree() -> None:
    pairs = [("\\boxed{\\frac{1}{\\sqrt2}}", "\\frac{\\sqrt2}{2}", True), ("\\boxed{(x-1)(x+1)}", "x^2-1", True), ("\\boxed{x^2+1}", "x^2-1", False)] * 4
    warm_up()
    with ThreadPoolExecutor(max_workers=6) as executor:
        verdicts = list(executor.map(lambda item: check(item[0], item[1], timeout=30), pairs))
    assert [verdict.correct for verdict in verdicts] == [expected for _, _, expected in pairs]


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), "2"])
def test_bad_timeout_is_a_clear_error(timeout: object) -> None:
    with pytest.raises(ValueError, match="timeout"):
        check("\\boxed{5}", "5", timeout=timeout)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "response",
    [
        "\n" * 300_000,
        "\\boxed{" * 40_000,
        "system" + " " * 300_000 + "x",
        "ignore all " * 30_000,
        "the answer is " * 30_000,
        "<answer>" * 40_000,
        "1," * 150_000,
        "\\left(" * 50_000,
        "<think>" * 40_000 + "</think>" * 40_000 + "\\boxed{5}",
    ],
)
def test_huge_adversarial_responses_stay_within_the_bound(response: str) -> None:
    started = time.monotonic()
    verdict = check(response, "5", timeout=TIMEOUT)
    assert isinstance(verdict, Verdict)
    assert time.monotonic() - started < TIMEOUT + MARGIN
