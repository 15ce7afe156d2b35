"""`POST /run_code` answers verl's SandboxFusion client: verl's own functions against a real `rlvr serve`."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from serve_helpers import serve_process

from rlvr.execute import ExecResult
from rlvr.serve import run_code
from rlvr.serve.run_code import add_run_code, to_response
from rlvr.serve.settings import ServeSettings

pytest.importorskip("verl")

from verl.utils.reward_score import sandbox_fusion  # noqa: E402
from verl.utils.reward_score.sandbox_fusion import utils as verl_sandbox  # noqa: E402

ADD = "a, b = map(int, input().split())\nprint(a + b)\n"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `rlvr serve` on loopback; verl is pointed at its /run_code, as `sandbox_fusion.url` would be."""
    log = tmp_path_factory.mktemp("run-code") / "serve.log"
    with serve_process(["--workers", "4"], log) as base:
        yield f"{base}/run_code"


# verl's own client against the real server -----------------------------------------------


def test_call_sandbox_api_gets_sandboxfusion_shaped_answers(url: str) -> None:
    answer, error = verl_sandbox.call_sandbox_api(url, "import sys\nprint(sys.stdin.read()[::-1])", "abc", 10, 10, 1024)
    assert error is None
    assert answer["status"] == "Success" and answer["compile_result"] is None
    run = answer["run_result"]
    assert run["status"] == "Finished" and run["return_code"] == 0 and run["stdout"] == "cba\n"
    assert isinstance(run["execution_time"], float) and run["execution_time"] >= 0


def test_check_correctness_scores_stdin_stdout_cases(url: str) -> None:
    cases = {"inputs": ["1 2\n", "3 4\n", "10 -3\n"], "outputs": ["3\n", "7\n", "7\n"]}
    results, metadata = verl_sandbox.check_correctness(url, cases, ADD, timeout=10)
    assert results == [True, True, True], metadata
    wrong = ADD.replace("a + b", "a - b")
    results, metadata = verl_sandbox.check_correctness(url, cases, wrong, timeout=10)
    assert results == [False, False, False]
    assert [m["status"] for m in metadata] == ["wrong_answer"] * 3


def test_runtime_errors_and_timeouts_get_verls_codes(url: str) -> None:
    results, metadata = verl_sandbox.check_correctness(url, {"inputs": ["1\n"], "outputs": ["1\n"]}, "print(1 // 0)")
    assert results == [-2] and "ZeroDivisionError" in metadata[0]["stderr"]
    start = time.monotonic()
    results, metadata = verl_sandbox.check_correctness(url, {"inputs": [""], "outputs": [""]}, "while True:\n    pass", timeout=1)
    assert results == [-3] and metadata[0]["run_status"] == "TimeLimitExceeded"
    assert time.monotonic() - start < 30  # bounded by the run timeout, not by the client's own 21 s


def test_a_memory_bomb_is_a_runtime_error(url: str) -> None:
    answer, _ = verl_sandbox.call_sandbox_api(url, "x = bytearray(4 * 1024 ** 3)\nprint(len(x))", "", 10, 10, 256)
    assert answer["status"] == "Failed" and answer["message"].startswith("memory")
    assert answer["run_result"]["status"] == "Finished" and answer["run_result"]["return_code"] != 0


def test_fn_name_cases_run_through_verls_wrapper(url: str) -> None:
    # verl wraps LeetCode-style code in its own driver (dozens of stdlib star-imports, JSON on stdin).
    code = "class Solution:\n    def twoSum(self, nums, target):\n        seen = {}\n        for i, n in enumerate(nums):\n" \
           "            if target - n in seen:\n                return [seen[target - n], i]\n            seen[n] = i\n"
    cases = {"fn_name": "twoSum", "inputs": ["[2, 7, 11, 15]\n9", "[3, 2, 4]\n6"], "outputs": ["[0, 1]", "[1, 2]"]}
    results, metadata = verl_sandbox.check_correctness(url, cases, code, timeout=10)
    assert results == [True, True], metadata


def test_compute_score_with_a_fenced_completion(url: str) -> None:
    completion = f"Here is my solution.\n```python\n{ADD}```"
    tests = json.dumps({"inputs": ["2 2\n", "5 6\n"], "outputs": ["4\n", "11\n"]})
    score, _ = sandbox_fusion.compute_score(url, None, 1024, completion, tests)
    assert score == 1.0
    score, _ = sandbox_fusion.compute_score(url, None, 1024, completion.replace("a + b", "a * b"), tests)
    assert score == 0.5  # 2*2 is 4 too


def test_other_languages_get_a_sandbox_error_saying_python_only(url: str) -> None:
    answer, error = verl_sandbox.call_sandbox_api(url, "int main() { return 0; }", "", 10, 10, 1024, language="cpp")
    assert error is None and answer["status"] == "SandboxError"
    assert "Python only" in answer["message"] and "cpp" in answer["message"]
    results, metadata = verl_sandbox.check_correctness(url, {"inputs": [""], "outputs": [""]}, "x", language="cpp")
    assert results == [-1] and metadata[0]["status"] == "sandbox_error"


def test_bad_requests_get_a_clear_422(url: str) -> None:
    for body, words in (
        ({"code": "print(1)", "language": "python", "run_timeout": 1e9}, "run_timeout"),
        ({"code": "print(1)", "language": "python", "run_timeout": "soon"}, "run_timeout"),
        ({"code": "print(1)", "language": "python", "memory_limit_MB": 10**9}, "memory_limit_MB"),
        ({"code": "print(1)", "language": "python", "memory_limit_MB": 16}, "at least 32 MB"),
        ({"language": "python"}, "code"),
    ):
        reply = httpx.post(url, json=body, timeout=30)
        assert reply.status_code == 422 and words in reply.json()["detail"], reply.text
    reply = httpx.post(url, json={"code": "print(1)", "language": "python", "files": {"a.txt": "eA=="}}, timeout=30)
    assert reply.status_code == 200 and reply.json()["status"] == "SandboxError" and "files" in reply.json()["message"]


def test_many_clients_at_once(url: str) -> None:
    cases = {"inputs": [f"{i} {i}\n" for i in range(12)], "outputs": [f"{2 * i}\n" for i in range(12)]}
    results: list = []

    def client() -> None:
        results.append(verl_sandbox.check_correctness(url, cases, ADD, timeout=10)[0])

    threads = [threading.Thread(target=client) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert results == [[True] * 12] * 3


# Each rlvr status in verl's reading, and the pool's bounds (no sandbox needed) -------------------


def fake(status: str, stdout: str = "", stderr: str = "", exit_code: int | None = 0) -> ExecResult:
    return ExecResult(status=status, stdout=stdout, stderr=stderr, seconds=0.25, exit_code=exit_code)


@pytest.mark.parametrize(("result", "verl_code", "verl_status"), [
    (fake("ok", "7\n"), True, "success"),
    (fake("ok", "8\n"), False, "wrong_answer"),
    (fake("runtime-error", stderr="ValueError", exit_code=1), -2, "runtime_error"),
    (fake("memory", stderr="MemoryError", exit_code=None), -2, "runtime_error"),
    (fake("output-limit", "7" * 100, exit_code=None), -2, "runtime_error"),
    (fake("timeout", exit_code=None), -3, "timeout"),
    (fake("sandbox-error", stderr="bwrap: cannot start", exit_code=None), -1, "sandbox_error"),
])
def test_every_status_reads_right_in_verl(monkeypatch: pytest.MonkeyPatch, result: ExecResult, verl_code: object,
                                          verl_status: str) -> None:
    answer = to_response(result, timeout=10, memory_mb=1024).model_dump()
    monkeypatch.setattr(verl_sandbox, "call_sandbox_api", lambda **_: (json.loads(json.dumps(answer)), None))
    code, metadata = verl_sandbox._process_single_case(0, "", "7", "http://unused", "print(7)", 10, 1024, "python")
    assert code == verl_code and metadata["status"] == verl_status


def test_runs_are_bounded_by_the_worker_count_and_a_stuck_run_is_answered(monkeypatch: pytest.MonkeyPatch) -> None:
    lock = threading.Lock()
    running = [0, 0]  # now, most at once

    def slow_run(code: str, **_: object) -> ExecResult:
        with lock:
            running[0] += 1
            running[1] = max(running[1], running[0])
        time.sleep(3.0 if code == "stuck" else 0.2)
        with lock:
            running[0] -= 1
        return fake("ok", "done\n")

    monkeypatch.setattr(run_code, "DEADLINE_GRACE", 0.5)
    app = FastAPI()
    runner = add_run_code(app, ServeSettings(workers=2), run=slow_run)

    async def post_all() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            bodies = [{"code": "stuck" if i == 0 else "print(1)", "language": "python", "run_timeout": 1} for i in range(7)]
            return await asyncio.gather(*(client.post("/run_code", json=body) for body in bodies))

    try:
        replies = asyncio.run(post_all())
    finally:
        runner.close()
    assert running[1] == 2
    answers = [reply.json() for reply in replies]
    assert answers[0]["status"] == "SandboxError" and "did not answer within 1.5 s" in answers[0]["message"]
    assert all(a["status"] == "Success" and a["run_result"]["stdout"] == "done\n" for a in answers[1:])


def test_code_longer_than_the_server_limit_is_refused() -> None:
    from fastapi.testclient import TestClient

    from rlvr.serve.app import create_app

    with TestClient(create_app(max_response_chars=1000)) as client:
        reply = client.post("/run_code", json={"code": "#" * 2000, "language": "python"})
    assert reply.status_code == 422 and "max-response-chars" in reply.json()["detail"]
