"""/reward speaks OpenRLHF's remote reward-model protocol and gives the library's numbers."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from rlvr import rewards
from rlvr.engines.openrlhf_reward import OpenRLHFReward
from rlvr.rewards.base import RolloutBatch
from rlvr.serve.app import create_app
from rlvr.tasks import Problem
from rlvr.tasks import get as get_task
from rlvr.tasks.rows import problem_to_json

N = 4


def batch(problems: list[Problem], label: str, seed: int) -> tuple[list[str], list[str], list[str], list[str]]:
    """OpenRLHF's layout: N consecutive samples per prompt, queries = prompt + response."""
    rng = random.Random(seed)
    queries, prompts, labels, responses = [], [], [], []
    for problem in problems:
        prompt = f"<|user|>{problem.prompt}<|assistant|>"
        for j in range(N):
            padding = "let me think. " * rng.randint(0, 15)
            answer = problem.answer if j % 2 == 0 else get_task(problem.task).corrupt(problem, rng)
            response = padding + (f"<answer>{answer}</answer>" if j != 3 else "I give up.")
            queries.append(prompt + response)
            prompts.append(prompt)
            labels.append(problem.answer if label == "answer" else problem_to_json(problem))
            responses.append(response)
    return queries, prompts, labels, responses


def post(client: TestClient, queries: list[str], prompts: list[str], labels: list[Any]) -> dict[str, Any]:
    reply = client.post("/reward", json={"query": queries, "prompts": prompts, "labels": labels})
    assert reply.status_code == 200, reply.text
    return reply.json()


@pytest.mark.parametrize("method", ["correct", "group_penalty", "laser", "cosine", "repetition", "laser_d+format"])
@pytest.mark.parametrize("label", ["answer", "problem_json"])
def test_rewards_equal_the_core_library(tokenizer: Any, tokenizer_dir: Any, method: str, label: str) -> None:
    problems = [get_task("arithmetic" if label == "answer" else "sudoku").problem(i, difficulty=1) for i in range(3)]
    queries, prompts, labels, responses = batch(problems, label, seed=1)
    options = {"n_samples": N, "prompts_per_step": 3, "tokenizer": str(tokenizer_dir)}
    with TestClient(create_app(method, **options)) as client:
        out = post(client, queries, prompts, labels)
    # The core, computed the long way: each task's own check, token counts, one RolloutBatch.
    owners = [p for p in problems for _ in range(N)]
    correct = [get_task(p.task).check(p, r).score for p, r in zip(owners, responses)]
    token_ids = [tokenizer(r, add_special_tokens=False)["input_ids"] for r in responses]
    core = rewards.get(method) if method in rewards.names() else rewards.recipe(method)
    core_batch = RolloutBatch(correct=correct, length=[len(ids) for ids in token_ids], group=np.arange(len(responses)) // N,
                              texts=responses, token_ids=token_ids)
    expected = core.score(core_batch, 0)
    np.testing.assert_allclose(out["rewards"], expected.total, atol=1e-9)
    assert out["scores"] == [1.0, 0.0, 1.0, 0.0] * len(problems)
    assert out["extra_logs"]["rlvr/acc"] == out["scores"]
    for name, values in expected.components.items():
        np.testing.assert_allclose(out["extra_logs"][f"rlvr/{name}"], values, atol=1e-9)


def test_stateful_rewards_follow_training_steps_like_the_openrlhf_file(tokenizer_dir: Any) -> None:
    # LASER-D adapts its targets from the previous step's rollouts; over several steps the
    # server must stay in lockstep with rlvr's in-process OpenRLHF reward.
    settings = {"n_samples": N, "prompts_per_step": 2, "tokenizer": str(tokenizer_dir)}
    params = {"laser_d": {"monitor_every": 1}}
    local = OpenRLHFReward("laser_d", params=params, **{k: v for k, v in settings.items() if k != "tokenizer"},
                           tokenizer=str(tokenizer_dir))
    with TestClient(create_app("laser_d", params=params, **settings)) as client:
        for step in range(4):
            problems = [get_task("arithmetic").problem(10 * step + i, difficulty=3) for i in range(2)]
            queries, prompts, labels, _ = batch(problems, "answer", seed=step)
            served = post(client, queries, prompts, labels)
            reference = local(queries, prompts, labels)
            np.testing.assert_allclose(served["rewards"], reference["rewards"].numpy(), atol=1e-6)
            assert served["scores"] == reference["scores"].tolist()
        assert client.get("/health").json()["step"] == local.step == 4
    assert local.steps.monitored_steps, "the comparison must cover LASER-D's adaptive targets"


def test_a_batch_that_is_not_whole_groups_is_refused(tokenizer_dir: Any) -> None:
    problems = [get_task("arithmetic").problem(i, difficulty=1) for i in range(2)]
    queries, prompts, labels, _ = batch(problems, "answer", seed=0)
    with TestClient(create_app("group_penalty", n_samples=N, tokenizer=str(tokenizer_dir))) as client:
        reply = client.post("/reward", json={"query": queries[:6], "prompts": prompts[:6], "labels": labels[:6]})
        assert reply.status_code == 422
        assert "6 queries, not a multiple of 4" in reply.json()["detail"]
        mixed = prompts[:3] + prompts[4:5]
        reply = client.post("/reward", json={"query": queries[:3] + queries[4:5], "prompts": mixed, "labels": labels[:4]})
        assert reply.status_code == 422 and "different prompt" in reply.json()["detail"]


def test_per_sample_rewards_accept_one_sample_per_request(client: TestClient) -> None:
    # Current OpenRLHF posts each sample on its own as soon as it is generated.
    out = post(client, ["Q: 2+2? A: \\boxed{4}"], ["Q: 2+2? A:"], [4])
    assert out == {"rewards": [1.0], "scores": [1.0], "extra_logs": {"rlvr/acc": [1.0], "rlvr/correct": [1.0]}}


def test_protocol_errors_say_what_to_fix(client: TestClient) -> None:
    reply = client.post("/reward", json={"query": ["a b", "c"], "prompts": ["a"], "labels": ["1", "2"]})
    assert reply.status_code == 422 and "2 queries, 1 prompts and 2 labels" in reply.json()["detail"]
    reply = client.post("/reward", json={"query": ["something else"], "prompts": ["Q:"], "labels": ["1"]})
    assert reply.status_code == 422 and "does not contain its prompt" in reply.json()["detail"]
    reply = client.post("/reward", json={"query": ["Q: \\boxed{1}"], "prompts": ["Q:"], "labels": ["{\"task\": \"sudoku\"}"]})
    assert reply.status_code == 422 and reply.json()["detail"].startswith("item 0: bad problem_json")


def test_extra_keys_from_newer_clients_are_ignored(client: TestClient) -> None:
    body = {"query": ["Q: \\boxed{5}"], "prompts": ["Q:"], "labels": ["5"], "metadata": {"step": 3}}
    assert client.post("/get_reward", json=body).json()["rewards"] == [1.0]


def test_missing_labels_ask_for_the_label_column(client: TestClient) -> None:
    reply = client.post("/reward", json={"query": ["Q: \\boxed{5}"], "prompts": ["Q:"], "labels": [None]})
    assert reply.status_code == 422
    assert reply.json()["detail"].startswith("item 0: dataset row has neither problem_json nor a gold answer")
