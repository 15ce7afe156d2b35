"""Code task rows (code_output, code_input, humaneval) scored by every engine with no extra wiring.

Each engine gets the rows `rlvr.tasks.rows` writes and must give the verdicts the task's own
check gives; humaneval and code_input checks run programs in rlvr.execute's sandbox, so the row
checker is also driven from threads and forked processes, and must leave no process behind.
"""

from __future__ import annotations

import asyncio
import importlib.util
import multiprocessing
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from engine_helpers import verl_data

import rlvr.engines
from rlvr import execute
from rlvr.engines.scoring import row_checker
from rlvr.engines.trl import RlvrReward
from rlvr.tasks import Problem
from rlvr.tasks import get as get_task
from rlvr.tasks.rows import problem_to_json, to_trl_row, to_verl_row

G = 4


def fence(code: str) -> str:
    return f"Here it is.\n```python\n{code}\n```"


def code_rows() -> list[tuple[Problem, list[str]]]:
    """Per problem, G responses: right ones first, then wrong, broken or hostile ones."""
    output = get_task("code_output").problem(0, difficulty=1)
    inputs = get_task("code_input").problem(0, difficulty=1)
    humaneval = get_task("humaneval").problem(0, difficulty=1)
    entry = humaneval.metadata["entry_point"]
    return [
        (output, [f"<answer>{output.answer}</answer>", f"so <answer>{output.answer}</answer>",
                  f"<answer>{output.answer}0</answer>", "<answer>not a literal (</answer>"]),
        # Only an input other than the stored one is re-run in the sandbox.
        (inputs, [f"<answer>{inputs.answer}</answer>", f"<answer>{inputs.metadata['function']}([1], 2)</answer>",
                  f"<answer>{inputs.metadata['function']}([2], 2)</answer>", "<answer>__import__('os')</answer>"]),
        (humaneval, [fence(humaneval.answer), fence(f"def {entry}(n: int):\n    return n ** 2"),
                     fence(f"def {entry}(n: int):\n    return n"), fence(f"def {entry}(n:\n    return 1")]),
    ]


EXPECTED_CORRECT = [[1, 1, 0, 0], [1, 1, 0, 0], [1, 1, 0, 0]]


@pytest.fixture(scope="module")
def rows() -> list[tuple[Problem, list[str]]]:
    return code_rows()


@pytest.fixture(scope="module")
def core(rows: list[tuple[Problem, list[str]]]) -> list[list[float]]:
    """The tasks' own verdicts: what every engine must reproduce."""
    scores = [[get_task(p.task).check(p, r).score for r in group] for p, group in rows]
    assert scores == EXPECTED_CORRECT  # the rows mean what they say
    return scores


def test_row_checker_gives_the_tasks_own_verdicts(rows, core) -> None:
    got = [[row_checker(problem_json=problem_to_json(p)).check(r).score for r in group] for p, group in rows]
    assert got == core


def test_trl(rows, core) -> None:
    reward = RlvrReward("correct", num_generations=G)
    inputs = [to_trl_row(p) for p, group in rows for _ in group]
    columns = {key: [row[key] for row in inputs] for key in inputs[0] if key != "prompt"}
    completions = [[{"role": "assistant", "content": r}] for _, group in rows for r in group]
    got = reward([row["prompt"] for row in inputs], completions, **columns)
    assert got == [s for group in core for s in group]


def test_verl_compute_score(rows, core) -> None:
    pytest.importorskip("verl")
    from rlvr.engines.verl import compute_score

    for (problem, group), expected in zip(rows, core):
        row = to_verl_row(problem)
        got = [compute_score(row["data_source"], r, row["reward_model"]["ground_truth"], row["extra_info"])
               for r in group]
        assert [g["score"] for g in got] == expected and [g["acc"] for g in got] == expected


def test_verl_reward_manager(rows, core, tokenizer, tokenizer_dir) -> None:
    pytest.importorskip("verl")
    from omegaconf import OmegaConf
    from verl.experimental.reward_loop.reward_loop import RewardLoopWorker

    config = OmegaConf.create({
        "actor_rollout_ref": {"model": {"path": str(tokenizer_dir), "tokenizer_path": None},
                              "rollout": {"n": G, "val_kwargs": {"n": G}, "response_length": 4096}},
        "data": {"train_batch_size": len(rows)},
        "reward": {"num_workers": 1, "reward_model": {"enable": False},
                   "custom_reward_function": {"path": "pkg://rlvr.engines.verl", "name": "compute_score",
                                              "reward_kwargs": {"rewards": "correct"}},
                   "reward_manager": {"source": "importlib", "name": "RlvrRewardManager",
                                      "module": {"path": "pkg://rlvr.engines.verl", "name": "custom"}}},
        "trainer": {"experiment_name": "rlvr-code-rows"},
    })
    ids = [tokenizer(r, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id] for _, group in rows for r in group]
    verl_rows = [to_verl_row(p, index=k) for k, (p, group) in enumerate(rows) for _ in group]
    uids = [f"u{k}" for k, (_, group) in enumerate(rows) for _ in group]
    data, _ = verl_data(ids, verl_rows, uids, tokenizer.pad_token_id, 4, (tokenizer.pad_token_id,) * 4)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # verl's managers capture the thread's loop when built, as in a Ray actor
    try:
        outputs = loop.run_until_complete(RewardLoopWorker(config).compute_score_batch(data))
    finally:
        loop.close()
        asyncio.set_event_loop(None)
    assert [o["reward_score"] for o in outputs] == [s for group in core for s in group]


def load_openrlhf_reward_file():
    path = Path(rlvr.engines.__file__).resolve().parent / "openrlhf_reward.py"
    spec = importlib.util.spec_from_file_location("openrlhf_code_reward", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_openrlhf(rows, core, monkeypatch) -> None:
    monkeypatch.setenv("RLVR_REWARDS", "correct")
    for name in ("RLVR_PARAMS", "RLVR_N_SAMPLES", "RLVR_TOKENIZER", "RLVR_PROMPTS_PER_STEP", "RLVR_MAX_LENGTH"):
        monkeypatch.delenv(name, raising=False)
    module = load_openrlhf_reward_file()
    prompts = [f"<|user|>{p.prompt}<|assistant|>" for p, group in rows for _ in group]
    queries = [prompt + r for prompt, r in zip(prompts, (r for _, group in rows for r in group))]
    labels = [problem_to_json(p) for p, group in rows for _ in group]
    out = module.reward_func(queries, prompts, labels)
    assert out["rewards"].tolist() == [s for group in core for s in group]


def test_rlvr_serve(rows, core) -> None:
    from fastapi.testclient import TestClient

    from rlvr.serve.app import create_app

    items = [{"response": r, "problem_json": problem_to_json(p)} for p, group in rows for r in group]
    # A generous bound: this compares scores with the in-process path, and a sandboxed HumanEval check
    # on a loaded CI box can take longer than 2 s (it then scored 0.0, a timeout, not a wrong answer).
    with TestClient(create_app("correct", timeout=30.0, workers=4)) as client:
        checked = client.post("/check", json={"items": items})
        prompts = [p.prompt for p, group in rows for _ in group]
        rewarded = client.post("/reward", json={"query": [p + i["response"] for p, i in zip(prompts, items)],
                                                "prompts": prompts, "labels": [i["problem_json"] for i in items]})
    assert checked.status_code == 200, checked.text
    assert [v["score"] for v in checked.json()["verdicts"]] == [s for group in core for s in group]
    assert rewarded.status_code == 200, rewarded.text
    assert rewarded.json()["rewards"] == [s for group in core for s in group]


# Threads, processes, time bounds, leftovers ----------------------------------------------------


def _humaneval_jobs(count: int) -> list[tuple[str, str, float]]:
    family = get_task("humaneval")
    jobs = []
    for i in range(count):
        problem = family.problem(i, difficulty=1)
        right = i % 2 == 0
        response = fence(problem.answer) if right else fence(f"def {problem.metadata['entry_point']}(*a):\n    return None")
        jobs.append((problem_to_json(problem), response, 1.0 if right else 0.0))
    return jobs


def _score(job: tuple[str, str, float]) -> float:
    problem_json, response, _ = job
    return row_checker(problem_json=problem_json).check(response).score


def test_many_threads_check_sandboxed_rows_at_once() -> None:
    jobs = _humaneval_jobs(12)
    with ThreadPoolExecutor(6) as pool:
        got = list(pool.map(_score, jobs))
    assert got == [expected for _, _, expected in jobs]


def test_a_batch_checks_sandboxed_rows_side_by_side_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Code rows of one batch overlap (a runaway program costs one time limit, not one per row),
    other rows are checked as before, and verdicts come back in the batch's order."""
    import threading

    from rlvr.engines.scoring import CODE_CHECK_THREADS, check_rows

    lock = threading.Lock()
    running = [0, 0]  # now, most at once
    real_run = execute.run

    def slow_run(code: str, **kwargs: object) -> execute.ExecResult:
        with lock:
            running[0] += 1
            running[1] = max(running[1], running[0])
        time.sleep(0.3)  # a program that takes its time: only overlap makes the batch fast
        try:
            return real_run(code, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(execute, "run", slow_run)
    jobs = _humaneval_jobs(6)
    math_row = row_checker(gold="42")
    responses = [response for _, response, _ in jobs] + ["so \\boxed{42}", "\\boxed{41}"]
    checkers = [row_checker(problem_json=pj) for pj, _, _ in jobs] + [math_row, math_row]
    order = [5, 6, 0, 7, 1, 2, 3, 4]  # code and math rows interleaved
    verdicts = check_rows([responses[i] for i in order], [checkers[i] for i in order])
    expected = [job[2] for job in jobs] + [1.0, 0.0]
    assert [v.score for v in verdicts] == [expected[i] for i in order]
    assert 2 <= running[1] <= CODE_CHECK_THREADS


def test_forked_processes_check_sandboxed_rows_after_the_parent_did() -> None:
    jobs = _humaneval_jobs(6)
    assert [_score(job) for job in jobs[:2]] == [1.0, 0.0]  # the parent now holds warm sandbox workers
    with multiprocessing.get_context("fork").Pool(2) as pool:
        got = pool.map(_score, jobs, chunksize=1)
    assert got == [expected for _, _, expected in jobs]


def test_a_runaway_program_is_stopped_in_bounded_time_and_nothing_is_left_running() -> None:
    psutil = pytest.importorskip("psutil")
    problem = get_task("humaneval").problem(0, difficulty=1)
    entry = problem.metadata["entry_point"]
    forker = (f"import os\ndef {entry}(n):\n    for _ in range(20):\n        if os.fork() == 0:\n"
              "            while True:\n                pass\n    while True:\n        pass")
    checker = row_checker(problem_json=problem_to_json(problem))
    start = time.monotonic()
    verdict = checker.check(fence(forker))
    assert verdict.score == 0.0 and verdict.reason == "timeout"
    assert time.monotonic() - start < 60  # humaneval allows 6 s; generous for a shared 2-core box
    assert execute.run("print(1)").ok  # leaves a warm worker idle: the search below must see it
    assert any(_is_sandbox(p) for p in psutil.Process().children(recursive=True))
    execute.shutdown()  # the idle warm workers; a check must not need more than that to end everything
    deadline = time.monotonic() + 10
    while True:
        left = [p for p in psutil.Process().children(recursive=True) if _is_sandbox(p)]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert left == []


def _is_sandbox(process) -> bool:
    try:
        return process.name() == "bwrap" or any("rlvr" in part and "execute" in part for part in process.cmdline())
    except Exception:  # noqa: BLE001 - it exited while we looked
        return False
