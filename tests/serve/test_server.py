"""A real `rlvr serve` process on a free local port, queried over HTTP, then stopped."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from rlvr.serve.client import RlvrClient, ServerUnavailable, compute_score
from rlvr.serve.settings import ServeError
from rlvr.tasks import get as get_task
from rlvr.tasks.rows import problem_to_json

START_LIMIT = 90.0
STOP_LIMIT = 15.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log_path = tmp_path_factory.mktemp("serve") / "server.log"
    command = [sys.executable, "-m", "rlvr.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", "2", "--max-items", "64", "--log-level", "warning"]
    log = log_path.open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, text=True)
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


def test_the_server_answers_every_endpoint(server_url: str) -> None:
    problem = get_task("sudoku").problem(3, difficulty=1)
    with RlvrClient(server_url, timeout=60.0) as client:
        health = client.health()
        assert health["status"] == "ok" and health["max_items"] == 64 and health["workers"] == 2
        verdicts = client.verify([("so \\boxed{\\frac{6}{4}}", "1.5"), ("\\boxed{2}", "3")])
        assert [v["correct"] for v in verdicts] == [True, False]
        verdict = client.check([(f"<answer>{problem.answer}</answer>", problem_to_json(problem))])[0]
        assert verdict["correct"] is True and verdict["reason"] == "valid-solution"
        out = client.reward(["Q: \\boxed{9}", "Q: \\boxed{8}"], ["Q:", "Q:"], ["9", "9"])
        assert out["rewards"] == [1.0, 0.0] and out["scores"] == [1.0, 0.0]
        with pytest.raises(ServeError, match="limit is 64"):
            client.verify([("\\boxed{1}", "1")] * 65)


def test_raw_openrlhf_request_on_get_reward(server_url: str) -> None:
    body = {"query": ["<|user|>1+1?<|assistant|>It is \\boxed{2}"], "prompts": ["<|user|>1+1?<|assistant|>"], "labels": ["2"]}
    reply = httpx.post(f"{server_url}/get_reward", json=body, timeout=60.0)
    assert reply.status_code == 200
    assert reply.json() == {"rewards": [1.0], "scores": [1.0], "extra_logs": {"rlvr/acc": [1.0], "rlvr/correct": [1.0]}}


def test_verl_reward_function_asks_the_server(server_url: str) -> None:
    problem = get_task("countdown").problem(0, difficulty=1)
    math = compute_score("math500", "The answer is \\boxed{\\pi/2}", "\\frac{\\pi}{2}", {}, url=server_url)
    assert math == {"score": 1.0, "acc": 1.0}
    wrong = compute_score("rlvr/countdown", "<answer>1+1</answer>", problem.answer, {"problem_json": problem_to_json(problem)}, url=server_url)
    assert wrong == {"score": 0.0, "acc": 0.0}


def test_an_unreachable_server_is_reported_clearly() -> None:
    with RlvrClient(f"http://127.0.0.1:{free_port()}", timeout=5.0, retries=0) as client:
        with pytest.raises(ServerUnavailable, match="start it with `rlvr serve`"):
            client.health()


def test_verl_loads_the_reward_function_from_its_config(server_url: str) -> None:
    pytest.importorskip("verl", reason="needs the verl extra")
    from omegaconf import OmegaConf
    from verl.trainer.ppo.reward import get_custom_reward_fn

    config = OmegaConf.create({"reward": {"custom_reward_function": {
        "path": "pkg://rlvr.serve.client", "name": "compute_score", "reward_kwargs": {"url": server_url}}}})
    reward_fn = get_custom_reward_fn(config)
    assert reward_fn(data_source="gsm8k", solution_str="#### 18", ground_truth="18", extra_info={}) == {"score": 1.0, "acc": 1.0}
