"""The thread pool's backstop: a check that overruns is answered as a timeout, never waited on forever."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from fastapi.testclient import TestClient

from rlvr.engines.scoring import RowChecker
from rlvr.serve import settings as serve_settings
from rlvr.serve.app import create_app
from rlvr.serve.checking import CheckRunner, ItemError, Saturated
from rlvr.verify.verdict import Reason, Verdict

# Bounds the tests' own waits, so a broken runner fails instead of hanging.
WAIT = 20.0


def ok() -> Verdict:
    return Verdict(correct=True, reason=Reason.EQUAL_STRING)


def wait_until(condition, limit: float = WAIT) -> bool:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_an_overrunning_check_times_out_and_the_rest_answer() -> None:
    release = threading.Event()
    runner = CheckRunner(workers=2, item_deadline=0.3)

    def hang() -> Verdict:
        release.wait(WAIT)
        return ok()

    try:
        verdicts = asyncio.run(asyncio.wait_for(runner.run([ok, hang, ok]), WAIT))
        assert [v.reason for v in verdicts] == [Reason.EQUAL_STRING, Reason.TIMEOUT, Reason.EQUAL_STRING]
        assert verdicts[1].score == 0.0
        assert runner.stuck == 1 and runner.timed_out == 1
        release.set()
        assert wait_until(lambda: runner.stuck == 0), "a stuck thread that returns is freed again"
    finally:
        release.set()
        runner.close()


def test_all_threads_stuck_refuses_work() -> None:
    release = threading.Event()
    runner = CheckRunner(workers=1, item_deadline=0.2)
    try:
        asyncio.run(asyncio.wait_for(runner.run([lambda: release.wait(WAIT) and ok()]), WAIT))
        with pytest.raises(Saturated, match="restart the server"):
            asyncio.run(runner.run([ok]))
    finally:
        release.set()
        runner.close()


def test_an_error_in_a_check_names_its_item() -> None:
    def broken() -> Verdict:
        raise ValueError("the gold answer 'x+' could not be parsed")

    runner = CheckRunner(workers=2, item_deadline=5.0)
    try:
        with pytest.raises(ItemError, match="item 1: the gold answer"):
            asyncio.run(asyncio.wait_for(runner.run([ok, broken, ok]), WAIT))
    finally:
        runner.close()


def test_the_app_answers_timeouts_and_then_503(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def hanging_check(self: RowChecker, response: str) -> Verdict:
        release.wait(WAIT)
        return ok()

    monkeypatch.setattr(serve_settings, "DEADLINE_GRACE", 0.0)
    monkeypatch.setattr(RowChecker, "check", hanging_check)
    try:
        with TestClient(create_app(timeout=0.2, workers=1)) as client:
            body = {"items": [{"response": "\\boxed{1}", "gold": "1"}]}
            reply = client.post("/verify", json=body)
            assert reply.status_code == 200 and reply.json()["verdicts"][0]["reason"] == "timeout"
            assert client.get("/health").json()["status"] == "degraded"
            reply = client.post("/verify", json=body)
            assert reply.status_code == 503 and "stuck" in reply.json()["detail"]
            release.set()
            assert wait_until(lambda: client.get("/health").json()["status"] == "ok")
    finally:
        release.set()


def test_a_bug_is_a_500_without_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_check(self: RowChecker, response: str) -> Verdict:
        raise RuntimeError("internal state went wrong")

    monkeypatch.setattr(RowChecker, "check", broken_check)
    with TestClient(create_app(workers=1), raise_server_exceptions=False) as client:
        reply = client.post("/verify", json={"items": [{"response": "\\boxed{1}", "gold": "1"}]})
    assert reply.status_code == 500
    assert reply.json() == {"detail": "internal error (RuntimeError); see the server log"}


class _SlowTask:
    """Stands in for a code task: its own bound (`check_seconds`) is longer than the verifier timeout."""

    check_seconds = 2.0

    def check(self, problem, response: str) -> Verdict:
        time.sleep(0.8)
        return ok()


def test_a_row_with_a_longer_own_bound_gets_a_longer_deadline() -> None:
    # A code check may run its program for seconds; the server-wide backstop (timeout + grace)
    # must not score a slow but legitimate check 0 while a plain row keeps the short deadline.
    from rlvr.tasks.base import Problem

    problem = Problem(id="p", task="slow", prompt="", answer="", difficulty=1, metadata={})
    code_row = RowChecker(gold="", problem=problem, timeout=0.1, task=_SlowTask())
    plain_row = RowChecker(gold="", problem=problem, timeout=0.1, task=type("Plain", (_SlowTask,), {"check_seconds": None})())
    assert code_row.max_seconds == 2.0 and plain_row.max_seconds == 0.1
    runner = CheckRunner(workers=2, item_deadline=0.4)
    try:
        verdicts = asyncio.run(asyncio.wait_for(runner.verdicts(["a", "b"], [code_row, plain_row]), WAIT))
        assert [v.reason for v in verdicts] == [Reason.EQUAL_STRING, Reason.TIMEOUT]
    finally:
        runner.close()
