"""A real `rlvr serve` process on a free local port, queried over HTTP, then stopped."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from serve_helpers import free_port, serve_process

from rlvr.serve.client import RlvrClient, ServerUnavailable, compute_score
from rlvr.serve.settings import ServeError
from rlvr.tasks import get as get_task
from rlvr.tasks.rows import problem_to_json


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log_path = tmp_path_factory.mktemp("serve") / "server.log"
    with serve_process(["--workers", "2", "--max-items", "64"], log_path) as url:
        yield url


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
