"""Group-based rewards for OpenRLHF's one-sample remote reward client, against a real `rlvr serve`.

OpenRLHF posts every sample alone; the server holds each request until the other samples of
its prompt have come, scores the group and answers them all. These tests drive OpenRLHF's
own client code (`SingleTurnAgentExecutor`, see openrlhf_client.py) where it matters, and
plain httpx where the test needs to see the server's error or to break a connection.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from openrlhf_client import rollout
from serve_helpers import serve_process

from rlvr.engines.openrlhf_reward import OpenRLHFReward
from rlvr.serve.app import create_app
from rlvr.tasks import get as get_task

pytest.importorskip("openrlhf.utils.agent", reason="make setup installs openrlhf (no deps) for these tests")

N = 4


def step_groups(step: int, prompts: int) -> list[tuple[str, str, list[str]]]:
    """(prompt, label, N responses) per prompt: right, wrong and answerless responses of varied lengths."""
    rng = np.random.default_rng(step)
    out = []
    for i in range(prompts):
        problem = get_task("arithmetic").problem(10 * step + i, difficulty=3)
        prompt = f"<|user|>{problem.prompt}<|assistant|>"
        responses = []
        for j in range(N):
            padding = "let me think. " * int(rng.integers(0, 20))
            answer = [problem.answer, f"{problem.answer}1", "", problem.answer][j]
            responses.append(padding + (f"\\boxed{{{answer}}}" if answer else "I am not sure."))
        out.append((prompt, problem.answer, responses))
    return out


def flat(groups: list[tuple[str, str, list[str]]]) -> tuple[list[str], list[str], list[str]]:
    """OpenRLHF's batch layout for the in-process reward: a prompt's samples next to each other."""
    queries = [prompt + r for prompt, _label, responses in groups for r in responses]
    prompts = [prompt for prompt, _label, responses in groups for _ in responses]
    labels = [label for _prompt, label, responses in groups for _ in responses]
    return queries, prompts, labels


def post_one(url: str, query: str, prompt: str, label: str, timeout: float = 60.0) -> httpx.Response:
    return httpx.post(f"{url}/reward", json={"query": [query], "prompts": [prompt], "labels": [label]}, timeout=timeout)


async def post_all(url: str, samples: list[tuple[str, str, str]]) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=url, timeout=60.0) as client:
        return list(await asyncio.gather(*(
            client.post("/reward", json={"query": [q], "prompts": [p], "labels": [lab]}) for q, p, lab in samples
        )))


def health(url: str) -> dict[str, Any]:
    return httpx.get(f"{url}/health", timeout=10).json()


def wait_for(url: str, field: str, value: int, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while health(url)[field] != value:
        assert time.monotonic() < deadline, f"/health {field} never reached {value}: {health(url)}"
        time.sleep(0.05)


def test_laser_d_through_openrlhfs_client_equals_scoring_each_step_in_process(tmp_path: Path, tokenizer: Any, tokenizer_dir: Path) -> None:
    # LASER-D is group-based and stateful (targets re-estimated from the previous step's rollouts):
    # over three steps, rewards for one-sample requests must equal the whole step scored in process.
    params = {"laser_d": {"monitor_every": 1}}
    args = ["--rewards", "laser_d", "--n-samples", str(N), "--prompts-per-step", "3", "--tokenizer", str(tokenizer_dir),
            "--params", json.dumps(params), "--group-timeout", "120"]
    local = OpenRLHFReward("laser_d", params=params, n_samples=N, prompts_per_step=3, tokenizer=str(tokenizer_dir))
    with serve_process(args, tmp_path / "serve.log") as url:
        for step in range(3):
            groups = step_groups(step, 3)
            outputs = rollout(f"{url}/reward", tokenizer, groups)
            expected = local(*flat(groups))
            served = [out["reward"] for group in outputs for out in group]
            assert all(r is not None for r in served), "OpenRLHF logged a failed reward request"
            np.testing.assert_array_equal(np.asarray(served, dtype=np.float32).reshape(-1), expected["rewards"].numpy())
            assert [out["scores"][0] for group in outputs for out in group] == expected["scores"].tolist()
            lengths = [out["extra_logs"]["rlvr/length"][0] for group in outputs for out in group]
            np.testing.assert_array_equal(np.asarray(lengths, dtype=np.float32), expected["extra_logs"]["rlvr/length"].numpy())
        assert health(url)["step"] == local.step == 3
        assert health(url)["held_samples"] == 0
    assert local.steps.monitored_steps, "the comparison must cover LASER-D's re-estimated targets"


@pytest.fixture(scope="module")
def group_server(tmp_path_factory: pytest.TempPathFactory, tokenizer_dir: Path) -> Any:
    log = tmp_path_factory.mktemp("group-server") / "serve.log"
    with serve_process(["--rewards", "group_penalty", "--n-samples", str(N), "--tokenizer", str(tokenizer_dir),
                        "--group-timeout", "60"], log) as url:
        yield url


def reference(tokenizer_dir: Path, groups: list[tuple[str, str, list[str]]]) -> list[float]:
    local = OpenRLHFReward("group_penalty", n_samples=N, tokenizer=str(tokenizer_dir))
    return local(*flat(groups))["rewards"].tolist()


def test_a_resent_sample_takes_its_held_place(group_server: str, tokenizer_dir: Path) -> None:
    # OpenRLHF's client gives up after 180 s and sends the same sample again; counted twice, the
    # group would be scored with a copy of it and the prompt's last sample left waiting.
    (prompt, label, responses), = step_groups(7, 1)
    queries = [prompt + r for r in responses]
    with pytest.raises(httpx.ReadTimeout):
        post_one(group_server, queries[0], prompt, label, timeout=0.5)
    wait_for(group_server, "held_samples", 0)  # the server saw the client go
    replies = asyncio.run(post_all(group_server, [(q, prompt, label) for q in queries]))
    assert [r.status_code for r in replies] == [200] * N, [r.text for r in replies]
    served = [r.json()["rewards"][0] for r in replies]
    np.testing.assert_allclose(served, reference(tokenizer_dir, [(prompt, label, responses)]), atol=1e-9)
    assert health(group_server)["open_groups"] == 0


def test_a_sample_resent_after_its_group_was_scored_gets_its_reward_at_once(group_server: str, tokenizer_dir: Path) -> None:
    (prompt, label, responses), = step_groups(8, 1)
    queries = [prompt + r for r in responses]
    with pytest.raises(httpx.ReadTimeout):
        post_one(group_server, queries[0], prompt, label, timeout=0.5)
    wait_for(group_server, "held_samples", 0)
    rest = asyncio.run(post_all(group_server, [(q, prompt, label) for q in queries[1:]]))
    again = post_one(group_server, queries[0], prompt, label, timeout=30)
    served = [r.json()["rewards"][0] for r in [again, *rest]]
    np.testing.assert_allclose(served, reference(tokenizer_dir, [(prompt, label, responses)]), atol=1e-9)
    assert health(group_server)["open_groups"] == 0


def test_rows_with_the_same_prompt_make_two_groups(group_server: str) -> None:
    # Two dataset rows with one prompt in a step: 2N samples of one key. Every one is answered
    # (none waits for a group that cannot fill); correctness does not depend on the grouping.
    (prompt, label, responses), = step_groups(9, 1)
    samples = [(prompt + r, prompt, label) for r in responses + responses[::-1]]
    replies = asyncio.run(post_all(group_server, samples))
    assert [r.status_code for r in replies] == [200] * (2 * N), [r.text for r in replies]
    assert [r.json()["scores"][0] for r in replies] == [1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0]
    assert health(group_server)["open_groups"] == 0


def test_whole_group_requests_still_score_at_once(group_server: str, tokenizer_dir: Path) -> None:
    groups = step_groups(10, 2)
    queries, prompts, labels = flat(groups)
    reply = httpx.post(f"{group_server}/reward", json={"query": queries, "prompts": prompts, "labels": labels}, timeout=60)
    assert reply.status_code == 200, reply.text
    np.testing.assert_allclose(reply.json()["rewards"], reference(tokenizer_dir, groups), atol=1e-9)


def test_a_group_that_cannot_fill_times_out_with_one_line(tokenizer_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    # e.g. OpenRLHF's eval.n_samples_per_prompt (4 by default) below the server's --n-samples.
    (prompt, label, responses), = step_groups(11, 1)
    app = create_app("group_penalty", n_samples=N, tokenizer=str(tokenizer_dir), group_timeout=1.0)

    async def run() -> tuple[list[httpx.Response], float, httpx.Response, float, dict[str, Any]]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rlvr", timeout=60) as client:
            def ask(response: str) -> Any:
                return client.post("/reward", json={"query": [prompt + response], "prompts": [prompt], "labels": [label]})

            started = time.monotonic()
            replies = list(await asyncio.gather(*(ask(r) for r in responses[:3])))
            waited = time.monotonic() - started
            # The same sample sent again (OpenRLHF retries a failed request) fails at once instead of waiting again.
            started = time.monotonic()
            again = await ask(responses[0])
            return replies, waited, again, time.monotonic() - started, (await client.get("/health")).json()

    with caplog.at_level(logging.WARNING, logger="rlvr.serve"):
        replies, waited, again, again_waited, state = asyncio.run(run())
    assert [r.status_code for r in replies] == [422] * 3
    details = {r.json()["detail"] for r in replies}
    assert len(details) == 1
    detail = details.pop()
    assert detail.startswith(f"group timeout: 3 of {N} samples of the prompt '<|user|>")
    assert "--eval.n_samples_per_prompt" in detail and "--group-timeout" in detail and "\n" not in detail
    assert 0.9 < waited < 30
    assert again.status_code == 422 and again.json()["detail"] == detail and again_waited < 0.9
    assert state["group_timeouts"] == 1 and state["held_samples"] == 0 and state["open_groups"] == 0
    assert [r.getMessage() for r in caplog.records if r.name == "rlvr.serve"] == [detail]  # one line per group


def test_laser_ds_first_step_waits_for_the_whole_step_and_says_so_when_it_cannot(tokenizer_dir: Path) -> None:
    # LASER-D sets its first targets from the first step's own rollouts, so that step is scored as
    # one batch: with --prompts-per-step above what comes, the held groups fail with their own message.
    groups = step_groups(12, 1)
    app = create_app("laser_d", n_samples=N, prompts_per_step=3, tokenizer=str(tokenizer_dir), group_timeout=1.0)

    async def run() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rlvr", timeout=60) as client:
            return list(await asyncio.gather(*(
                client.post("/reward", json={"query": [q], "prompts": [p], "labels": [lab]}) for q, p, lab in zip(*flat(groups))
            )))

    replies = asyncio.run(run())
    assert [r.status_code for r in replies] == [422] * N
    detail = replies[0].json()["detail"]
    assert detail.startswith("step timeout: reward 'laser_d' scores the first training step as one batch")
    assert f"its {3 * N} samples" in detail and "--prompts-per-step" in detail and '"monitor_first": false' in detail
