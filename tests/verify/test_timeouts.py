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

from rlvr.verify import Reason, Verdict, check, check_many, pipeline, warm_up
from rlvr.verify.pool import SymbolicPool

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


# issue 23 ------------------------------------------------------------------------------------
SLACK = 0.5  # past the bound: killing a worker, thread wake-ups on a loaded machine


def _slow(index: int) -> tuple[str, str]:
    """A pathological pair the symbolic worker spends its whole budget on (distinct per index: no cache)."""
    power = 60 - index
    return f"\\boxed{{(x+y+z)^{{{power}}}(x-y-z)^{{{power}}}}}", f"(x^2-(y+z)^2)^{{{power}}}"


@pytest.mark.parametrize(
    "answer", ["\\sin(10^{10^{6}})", "\\tan(x^{999999})", "\\sin(x^{1000000})", "\\exp(\\exp(\\exp(\\exp(5))))", "\\cos(x^{1000})^{999999}"]
)
def test_in_process_stage_honours_the_bound(answer: str) -> None:
    started = time.monotonic()
    verdict = check(f"\\boxed{{{answer}}}", "0", timeout=2.0)
    assert time.monotonic() - started < 2.0 + SLACK
    assert not verdict.correct


def test_one_bad_item_does_not_hold_a_batch() -> None:
    pairs = [("\\boxed{\\frac{6}{8}}", "\\frac34")] * 199 + [("\\boxed{\\sin(10^{10^{6}})}", "0")]
    started = time.monotonic()
    verdicts = check_many(pairs, timeout=2.0)
    assert time.monotonic() - started < 2.0 + SLACK + 3.0  # 199 quick items take well under a second
    assert all(verdict.correct for verdict in verdicts[:-1]) and not verdicts[-1].correct


def test_worker_restart_is_inside_the_bound() -> None:
    """After a kill, the next call must not pay the replacement's start-up past its own bound."""
    warm_up()
    for index in range(3):
        check(*_slow(index), timeout=0.5)  # each overrun kills a worker
        started = time.monotonic()
        verdict = check("\\boxed{\\sin^2 z+\\cos^2 z}", f"{index + 1}-{index}", timeout=1.0)
        assert time.monotonic() - started < 1.0 + SLACK, verdict
    warm_up()
    assert check("\\boxed{\\sin^2 w+\\cos^2 w}", "1", timeout=30).correct


def test_right_answers_are_not_starved_by_slow_items() -> None:
    """Slow items spend their own budget only: right answers submitted with them still get a worker in time.

    With a fixed two-worker queue the slow items would hold both workers for 8 s and every right
    answer (6 s budget) would time out behind them.
    """
    pipeline._SYMBOLIC_CACHE.clear()
    warm_up()
    right = [("\\boxed{\\sin^2 x+\\cos^2 x}", "1"), ("\\boxed{2\\sin x\\cos x}", "\\sin(2x)"),
             ("\\boxed{\\frac{\\sin x}{\\cos x}}", "\\tan x"), ("\\boxed{\\cos^2 x-\\sin^2 x}", "\\cos(2x)")]
    with ThreadPoolExecutor(max_workers=8) as executor:
        slow = [executor.submit(check, *_slow(index), timeout=8.0) for index in range(4)]
        time.sleep(0.1)
        good = [executor.submit(check, response, gold, timeout=6.0) for response, gold in right]
        verdicts = [future.result() for future in good]
        assert all(not future.result().correct for future in slow)
    assert all(verdict.correct for verdict in verdicts), verdicts


def test_a_waiting_call_that_gives_up_leaves_no_worker_behind() -> None:
    pool = SymbolicPool(size=1, max_size=1)
    try:
        pool.warm_up()
        assert pool.ask({"answer": "x", "gold": "x", "answer_percent": False, "gold_percent": False, "list_context": False}, 30)
        results = []
        slow_payload = {"answer": "(x+y+z)^{60}(x-y-z)^{60}", "gold": "(x^2-(y+z)^2)^{60}", "answer_percent": False, "gold_percent": False, "list_context": False}
        thread = threading.Thread(target=lambda: results.append(pool.ask(slow_payload, 1.5)))
        thread.start()
        time.sleep(0.2)
        started = time.monotonic()
        assert pool.ask({"answer": "y", "gold": "y", "answer_percent": False, "gold_percent": False, "list_context": False}, 0.5) is None
        assert time.monotonic() - started < 0.5 + SLACK
        thread.join(30)
        assert results == [None]
        pool.warm_up()
        reply = pool.ask({"answer": "\\sin^2 x+\\cos^2 x", "gold": "1", "answer_percent": False, "gold_percent": False, "list_context": False}, 30)
        assert reply is not None and reply["equal"]
        assert pool._count == 1
    finally:
        pool.close()
