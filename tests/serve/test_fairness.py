"""Head-of-line blocking: a big slow request must not starve a small one, and /health sees the load."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from rlvr.engines.scoring import RowChecker
from rlvr.serve.app import create_app
from rlvr.serve.checking import CheckRunner
from rlvr.verify.verdict import Reason, Verdict

# Bounds the tests' own waits, so a broken scheduler fails instead of hanging.
WAIT = 30.0


def wait_until(condition, limit: float = WAIT) -> bool:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_a_new_request_gets_the_next_free_thread() -> None:
    """Two threads busy with request A (six checks); B's one check runs before A's third."""
    runner = CheckRunner(workers=2, item_deadline=WAIT)
    gates = [threading.Event() for _ in range(6)]
    order: list[str] = []

    def a_check(i: int):
        def run() -> Verdict:
            order.append(f"a{i}")
            gates[i].wait(WAIT)
            return Verdict(correct=True, reason=Reason.EQUAL_STRING)
        return run

    def b_check() -> Verdict:
        order.append("b")
        return Verdict(correct=False, reason=Reason.NOT_EQUAL)

    async def scenario() -> list[str]:
        a = asyncio.ensure_future(runner.run([a_check(i) for i in range(6)]))
        await asyncio.to_thread(wait_until, lambda: len(order) == 2)
        b = asyncio.ensure_future(runner.run([b_check]))
        await asyncio.sleep(0.05)
        assert runner.load().queued == 5 and runner.load().requests == 2
        gates[0].set()
        assert [v.reason for v in await asyncio.wait_for(b, WAIT)] == [Reason.NOT_EQUAL]
        for gate in gates:
            gate.set()
        assert len(await asyncio.wait_for(a, WAIT)) == 6
        return order

    try:
        order = asyncio.run(scenario())
    finally:
        for gate in gates:
            gate.set()
        runner.close()
    assert order.index("b") == 2, f"B waited behind A's queue: {order}"


def test_busy_requests_share_the_threads_evenly() -> None:
    runner = CheckRunner(workers=2, item_deadline=WAIT)
    started: list[str] = []
    gates: list[threading.Event] = []
    opened = threading.Event()
    lock = threading.Lock()

    def check(name: str):
        def run() -> Verdict:
            gate = threading.Event()
            with lock:
                started.append(name)
                gates.append(gate)
            if not opened.is_set():
                gate.wait(WAIT)
            return Verdict(correct=True, reason=Reason.EQUAL_STRING)
        return run

    async def scenario() -> None:
        first = asyncio.ensure_future(runner.run([check("a")] * 20))
        await asyncio.to_thread(wait_until, lambda: len(started) == 2)
        second = asyncio.ensure_future(runner.run([check("b")] * 20))
        await asyncio.to_thread(wait_until, lambda: runner.load().requests == 2)
        # Free one thread at a time, oldest job first, and wait for the job it takes next: the
        # order of starts then follows the pool's rule alone, not how the OS schedules threads
        # (releasing everything at once let one thread run A's items while the other was descheduled).
        for released in range(12):
            gates[released].set()
            await asyncio.to_thread(wait_until, lambda: len(started) >= released + 3)
        opened.set()
        for gate in list(gates):
            gate.set()
        await asyncio.wait_for(asyncio.gather(first, second), WAIT)

    try:
        asyncio.run(scenario())
    finally:
        opened.set()
        for gate in list(gates):
            gate.set()
        runner.close()
    # A held both threads; once B arrived, each freed thread went to the request with fewer running.
    assert started[:2] == ["a", "a"] and started[2:14] == ["b", "a"] * 6, started


@pytest.fixture
def slow_gold(monkeypatch: pytest.MonkeyPatch) -> Iterator[float]:
    """Gold "slow" makes a check that takes SLOW seconds, as a hard symbolic item does."""
    slow = 1.5
    check = RowChecker.check

    def maybe_slow(self: RowChecker, response: str) -> Verdict:
        if self.gold == "slow":
            time.sleep(slow)
        return check(self, response)

    monkeypatch.setattr(RowChecker, "check", maybe_slow)
    yield slow


def test_a_small_request_is_served_promptly_while_big_slow_ones_run(slow_gold: float) -> None:
    hard = {"items": [{"response": "\\boxed{1}", "gold": "slow"}] * 6}
    with TestClient(create_app(workers=2)) as client, ThreadPoolExecutor(max_workers=2) as pool:
        assert client.get("/health").json()["status"] == "ok"
        big = [pool.submit(client.post, "/verify", json=hard) for _ in range(2)]
        # 12 checks of 1.5 s on 2 threads: 9 s of work, most of it queued.
        assert wait_until(lambda: client.get("/health").json()["queued_checks"] >= 6, 10.0)
        health = client.get("/health").json()
        assert health["status"] == "busy" and health["running_checks"] == 2 and health["waiting_requests"] == 2
        started = time.monotonic()
        small = client.post("/verify", json={"items": [{"response": "\\boxed{2}", "gold": "2"}]})
        waited = time.monotonic() - started
        assert small.status_code == 200 and small.json()["verdicts"][0]["correct"] is True
        # Behind the queue (first come, first served) it would wait ~7 s; its turn comes within one check.
        assert waited < slow_gold + 3.0, f"a one-item request waited {waited:.1f} s behind big ones"
        assert not all(future.done() for future in big), "the big requests were still running"
        assert all(future.result(WAIT).status_code == 200 for future in big)
        health = client.get("/health").json()
        assert (health["status"], health["queued_checks"], health["running_checks"]) == ("ok", 0, 0)
