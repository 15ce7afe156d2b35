"""The verl adapter, loaded and run by verl 0.9's own reward loop, against the core."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from engine_helpers import core_scores, fresh, problems, responses_for, verl_data

pytest.importorskip("verl")

import torch  # noqa: E402
from omegaconf import OmegaConf  # noqa: E402

import rlvr.engines.verl as rlvr_verl  # noqa: E402
from rlvr.rewards.base import RewardError  # noqa: E402
from rlvr.tasks.rows import to_verl_row  # noqa: E402

G = 4
PROMPT_WIDTH = 8
RESPONSE_WIDTH = 160
MODULE_FILE = str(Path(rlvr_verl.__file__).resolve())


def verl_config(tokenizer_dir, reward_kwargs, *, manager=True, num_workers=1, prompts_per_step=2, val_n=G, path=MODULE_FILE):
    reward = {
        "num_workers": num_workers,
        "custom_reward_function": {"path": path, "name": "compute_score", "reward_kwargs": reward_kwargs},
        "reward_manager": {"source": "register", "name": "naive", "module": {"path": None, "name": "custom_reward_manager"}},
        "reward_model": {"enable": False},
    }
    if manager:
        reward["reward_manager"] = {"source": "importlib", "name": "RlvrRewardManager", "module": {"path": "pkg://rlvr.engines.verl", "name": "custom"}}
    return OmegaConf.create({
        "actor_rollout_ref": {"model": {"path": str(tokenizer_dir), "tokenizer_path": None},
                              "rollout": {"n": G, "val_kwargs": {"n": val_n}, "response_length": RESPONSE_WIDTH}},
        "data": {"train_batch_size": prompts_per_step},
        "reward": reward,
        "trainer": {"experiment_name": "rlvr-test"},
    })


def verl_batch(tokenizer, problem_list, seed=0, split=None, uid_prefix="u"):
    """A DataProto as verl's rollout produces it: left-padded prompts, right-padded responses, a uid per prompt."""
    texts, lengths, rows, uids, all_ids = [], [], [], [], []
    for k, problem in enumerate(problem_list):
        row = to_verl_row(problem, index=k)
        if split:
            row["extra_info"]["split"] = split
        group = responses_for(problem, G, seed=seed + k)
        texts.append(group)
        lengths.append([])
        for text in group:
            ids = tokenizer(text, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
            assert len(ids) <= RESPONSE_WIDTH
            all_ids.append(ids)
            lengths[-1].append(len(ids))
            rows.append(row)
            uids.append(f"{uid_prefix}{seed}-{k}")
    data, _ = verl_data(all_ids, rows, uids, tokenizer.pad_token_id, PROMPT_WIDTH, (5, 6, 7), RESPONSE_WIDTH)
    return data, texts, lengths, all_ids


@pytest.fixture
def event_loop_for_verl():
    # verl's reward managers capture the thread's event loop when built, as in a Ray actor.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()
    asyncio.set_event_loop(None)


def reward_worker(config):
    from verl.experimental.reward_loop.reward_loop import RewardLoopWorker

    return RewardLoopWorker(config)


def run_worker(loop, worker, data):
    """What RewardLoopManager.compute_rm_score does with one worker: score, then place on tokens."""
    from verl.trainer.ppo.reward import resolve_reward_manager_cls

    outputs = loop.run_until_complete(worker.compute_score_batch(data))
    scores = [o["reward_score"] for o in outputs]
    rm_scores = resolve_reward_manager_cls(worker.config).assemble_rm_scores(data, scores)
    return outputs, rm_scores


def test_verl_loads_compute_score_from_the_module_file(tokenizer_dir):
    from verl.trainer.ppo.reward import get_custom_reward_fn

    problem = problems("arithmetic", 1)[0]
    row = to_verl_row(problem)
    config = verl_config(tokenizer_dir, {"rewards": "correct"}, manager=False)
    fn = get_custom_reward_fn(config)
    right = fn(data_source=row["data_source"], solution_str=f"<answer>{problem.answer}</answer>", ground_truth=problem.answer, extra_info=row["extra_info"])
    wrong = fn(data_source=row["data_source"], solution_str="<answer>nope</answer>", ground_truth=problem.answer, extra_info=row["extra_info"])
    assert right["score"] == 1.0 and right["acc"] == 1.0
    assert wrong["score"] == 0.0 and wrong["acc"] == 0.0


def test_compute_score_length_method_counts_tokens_with_the_given_tokenizer(tokenizer_dir, tokenizer):
    from verl.trainer.ppo.reward import get_custom_reward_fn

    problem = problems("arithmetic", 1)[0]
    row = to_verl_row(problem)
    kwargs = {"rewards": "l1_max", "params": {"l1_max": {"target_length": 30}}, "tokenizer": str(tokenizer_dir)}
    fn = get_custom_reward_fn(verl_config(tokenizer_dir, kwargs, manager=False, path="pkg://rlvr.engines.verl"))
    texts = [[f"<answer>{problem.answer}</answer>", "word " * 20 + f"<answer>{problem.answer}</answer>"]]
    got = [fn(data_source=row["data_source"], solution_str=t, ground_truth=problem.answer, extra_info=row["extra_info"])["score"] for t in texts[0]]
    lengths = [[len(tokenizer(t, add_special_tokens=False)["input_ids"]) for t in texts[0]]]
    single = [core_scores(fresh("l1_max", target_length=30), [problem], [[t]], [[n]]).total[0] for t, n in zip(texts[0], lengths[0])]
    assert got == pytest.approx(single)
    assert got[0] != got[1]  # the long response is over budget
    # The budget may come from the row instead (extra_info.target_length).
    fn_row = get_custom_reward_fn(verl_config(tokenizer_dir, {"rewards": "l1_max", "tokenizer": str(tokenizer_dir)}, manager=False))
    with_budget = {**row["extra_info"], "target_length": 30}
    from_row = [fn_row(data_source=row["data_source"], solution_str=t, ground_truth=problem.answer, extra_info=with_budget)["score"] for t in texts[0]]
    assert from_row == pytest.approx(single)


def test_compute_score_refuses_what_it_cannot_do(tokenizer_dir):
    problem = problems("arithmetic", 1)[0]
    row = to_verl_row(problem)
    call = {"data_source": row["data_source"], "solution_str": "x", "ground_truth": problem.answer, "extra_info": row["extra_info"]}
    with pytest.raises(RewardError, match="RlvrRewardManager"):
        rlvr_verl.compute_score(**call, rewards="laser_d")
    with pytest.raises(RewardError, match="token lengths"):
        rlvr_verl.compute_score(**call, rewards="l1_max", params={"l1_max": {"target_length": 10}})
    with pytest.raises(RewardError, match="unknown rlvr reward_kwargs"):
        rlvr_verl.compute_score(**call, reward="laser_d")
    with pytest.raises(RewardError, match="neither problem_json nor a gold"):
        rlvr_verl.compute_score(data_source="mine", solution_str="x", ground_truth="", extra_info={})


@pytest.mark.parametrize("method", ["laser_d", "group_penalty", "correct"])
def test_reward_manager_matches_core_and_places_scores_on_last_token(tokenizer, tokenizer_dir, event_loop_for_verl, method):
    problem_list = problems("arithmetic", 2)
    data, texts, lengths, ids = verl_batch(tokenizer, problem_list)
    worker = reward_worker(verl_config(tokenizer_dir, {"rewards": method}))
    assert type(worker.reward_manager).__name__ == "RlvrRewardManager"
    outputs, rm_scores = run_worker(event_loop_for_verl, worker, data)
    expected = core_scores(fresh(method), problem_list, texts, lengths, token_ids=ids)
    got = np.array([o["reward_score"] for o in outputs])
    np.testing.assert_allclose(got, expected.total, atol=1e-6)
    for i, n in enumerate(length for group in lengths for length in group):
        row = rm_scores[i]
        assert row[n - 1].item() == pytest.approx(expected.total[i])
        assert torch.count_nonzero(torch.cat([row[: n - 1], row[n:]])) == 0
    extra = outputs[0]["reward_extra_info"]
    assert {"score", "acc", "tokens"} <= set(extra)
    assert [o["reward_extra_info"]["acc"] for o in outputs] == [1.0 if j % 3 == 0 else 0.0 for _ in problem_list for j in range(G)]


def test_reward_manager_groups_by_uid_in_any_order(tokenizer, tokenizer_dir, event_loop_for_verl):
    problem_list = problems("arithmetic", 3)
    data, texts, lengths, ids = verl_batch(tokenizer, problem_list)
    order = np.random.default_rng(3).permutation(len(data))
    shuffled = data[order.tolist()]
    worker = reward_worker(verl_config(tokenizer_dir, {"rewards": "group_penalty"}, prompts_per_step=3))
    outputs, _ = run_worker(event_loop_for_verl, worker, shuffled)
    expected = core_scores(fresh("group_penalty"), problem_list, texts, lengths).total[order]
    np.testing.assert_allclose([o["reward_score"] for o in outputs], expected, atol=1e-6)


def test_reward_manager_counts_steps_and_monitors(tokenizer, tokenizer_dir, event_loop_for_verl):
    from rlvr.rewards.base import RolloutBatch

    params = {"laser_d": {"monitor_every": 1, "grid_lower": 8, "grid_upper": 256, "grid_step": 8}}
    worker = reward_worker(verl_config(tokenizer_dir, {"rewards": "laser_d", "params": params}))
    manager = worker.reward_manager
    step0, _, lengths0, _ = verl_batch(tokenizer, problems("arithmetic", 2), seed=0)
    run_worker(event_loop_for_verl, worker, step0)
    assert manager.step == 1 and manager.pipeline.step == 0
    step1, texts1, lengths1, ids1 = verl_batch(tokenizer, problems("arithmetic", 2), seed=10)
    outputs, _ = run_worker(event_loop_for_verl, worker, step1)
    method = manager.pipeline.method
    assert manager.pipeline.step == 1 and method.last_monitor_step == 1
    reference = fresh("laser_d", **params["laser_d"])
    correct0 = [[1.0 if j % 3 == 0 else 0.0 for j in range(G)] for _ in range(2)]
    expected_targets = reference.choose_targets(RolloutBatch.from_groups(correct0, lengths0))
    assert method.targets == expected_targets
    reference.targets = dict(expected_targets)
    expected = core_scores(reference, problems("arithmetic", 2), texts1, lengths1)
    np.testing.assert_allclose([o["reward_score"] for o in outputs], expected.total, atol=1e-6)


def test_validation_rows_use_their_own_group_size_and_do_not_count_as_steps(tokenizer, tokenizer_dir, event_loop_for_verl):
    worker = reward_worker(verl_config(tokenizer_dir, {"rewards": "laser_d", "val_group_size": G}, val_n=1))
    data, texts, lengths, _ = verl_batch(tokenizer, problems("arithmetic", 2), split="test")
    outputs, _ = run_worker(event_loop_for_verl, worker, data)
    expected = core_scores(fresh("laser_d"), problems("arithmetic", 2), texts, lengths)
    np.testing.assert_allclose([o["reward_score"] for o in outputs], expected.total, atol=1e-6)
    assert worker.reward_manager.step == 0


def test_incomplete_group_times_out_with_a_clear_error(tokenizer, tokenizer_dir, event_loop_for_verl):
    worker = reward_worker(verl_config(tokenizer_dir, {"rewards": "group_penalty", "group_timeout": 0.5}))
    data, _, _, _ = verl_batch(tokenizer, problems("arithmetic", 1))
    with pytest.raises(RewardError, match=r"group timeout: prompt uid 'u0-0' got 3 of 4 training responses within 0.5s; set reward_kwargs.group_size"):
        run_worker(event_loop_for_verl, worker, data[:3])


def test_min_reward_workers_keeps_a_steps_waiting_responses_within_rays_limit():
    assert rlvr_verl.min_reward_workers(1000) == 1
    assert rlvr_verl.min_reward_workers(8192) == 10
    for responses in (1001, 4096, 8192, 65536):
        workers = rlvr_verl.min_reward_workers(responses)
        mean = responses / workers
        assert mean + 6 * (mean * (1 - 1 / workers)) ** 0.5 <= 1000
        fewer = responses / (workers - 1)
        assert workers == 1 or fewer + 6 * (fewer * (1 - 1 / (workers - 1))) ** 0.5 > 1000


def test_reward_manager_takes_any_number_of_workers_and_warns_when_too_few_for_the_step(tokenizer_dir, event_loop_for_verl, caplog, monkeypatch):
    # With verl 0.9, rlvr lifts its reward workers' 1,000-call limit (tests/engines/test_verl_ray.py runs a
    # 8,192-response step through one worker); where it could not, the manager says how many workers a step needs.
    assert rlvr_verl.WORKER_LIMIT_LIFTED
    monkeypatch.setattr(rlvr_verl, "WORKER_LIMIT_LIFTED", False)
    with caplog.at_level("WARNING", logger="rlvr.engines.verl"):
        manager = reward_worker(verl_config(tokenizer_dir, {"rewards": "laser_d"}, num_workers=2, prompts_per_step=512)).reward_manager
    assert manager.group_size == G and "reward.num_workers >= 3" in caplog.text  # 512 x 4 = 2,048 responses a step
    caplog.clear()
    with caplog.at_level("WARNING", logger="rlvr.engines.verl"):
        reward_worker(verl_config(tokenizer_dir, {"rewards": "laser_d"}, num_workers=3, prompts_per_step=512))
    assert "num_workers" not in caplog.text
    with pytest.raises(RewardError, match="group_size must be a whole number"):
        reward_worker(verl_config(tokenizer_dir, {"rewards": "laser_d", "group_size": 0.5}))


def test_checker_failure_scores_zero_but_bad_rows_raise(tokenizer, tokenizer_dir, event_loop_for_verl, monkeypatch):
    from rlvr.tasks import get as get_task

    problem_list = problems("arithmetic", 1)
    data, _, _, _ = verl_batch(tokenizer, problem_list)
    worker = reward_worker(verl_config(tokenizer_dir, {"rewards": "correct"}))
    task_class = type(get_task("arithmetic"))

    def broken(self, problem, response):
        raise RuntimeError("checker blew up")

    monkeypatch.setattr(task_class, "check", broken)
    outputs, _ = run_worker(event_loop_for_verl, worker, data)
    assert [o["reward_score"] for o in outputs] == [0.0] * G
    monkeypatch.undo()
    data.non_tensor_batch["extra_info"] = np.array([{"problem_json": "{broken"} for _ in range(G)], dtype=object)
    with pytest.raises(RewardError, match="problem_json"):
        run_worker(event_loop_for_verl, worker, data)


DOCUMENTED_OVERRIDES = [
    "algorithm.adv_estimator=grpo",
    "actor_rollout_ref.rollout.n=8",
    "data.train_batch_size=64",
    "reward.custom_reward_function.path=pkg://rlvr.engines.verl",
    "reward.custom_reward_function.name=compute_score",
    "+reward.custom_reward_function.reward_kwargs.rewards=laser_d",
    "+reward.custom_reward_function.reward_kwargs.params.laser_d.monitor_every=20",
    "reward.reward_manager.source=importlib",
    "reward.reward_manager.name=RlvrRewardManager",
    "reward.reward_manager.module.path=pkg://rlvr.engines.verl",
    "reward.num_workers=8",
]


def test_documented_overrides_build_the_manager_from_verls_own_config(tokenizer, event_loop_for_verl):
    """The command line in docs/engines.md, composed with verl's ppo_trainer.yaml and loaded by verl."""
    import os

    import verl
    from hydra import compose, initialize_config_dir
    from verl.trainer.ppo.reward import get_custom_reward_fn, load_reward_manager

    docs = (Path(__file__).resolve().parents[2] / "docs" / "engines.md").read_text()
    for override in DOCUMENTED_OVERRIDES:
        assert override in docs, override
    config_dir = os.path.join(os.path.dirname(verl.__file__), "trainer", "config")
    with initialize_config_dir(config_dir=config_dir, version_base=None):
        config = compose(config_name="ppo_trainer", overrides=DOCUMENTED_OVERRIDES)
    manager = load_reward_manager(config, tokenizer)
    assert type(manager).__name__ == "RlvrRewardManager"
    assert manager.pipeline.name == "laser_d" and manager.pipeline.method.config.monitor_every == 20
    assert manager.group_size == 8 and manager.prompts_per_step == 64
    assert get_custom_reward_fn(config).func.__name__ == "_call_with_kwargs"


@pytest.mark.slow
def test_manager_inside_a_real_ray_actor_with_one_call_per_response(tokenizer, tokenizer_dir):
    """verl's agent loop sends each finished response to the reward actor on its own, in any order."""
    ray = pytest.importorskip("ray")
    from verl.experimental.reward_loop.reward_loop import RewardLoopWorker

    problem_list = problems("arithmetic", 3)
    data, texts, lengths, _ = verl_batch(tokenizer, problem_list)
    config = verl_config(tokenizer_dir, {"rewards": "laser_d"}, prompts_per_step=3)
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    try:
        worker = ray.remote(RewardLoopWorker).remote(config)
        order = np.random.default_rng(0).permutation(len(data)).tolist()
        refs = {i: worker.compute_score.remote(data[i : i + 1]) for i in order}
        got = [ray.get(refs[i])["reward_score"] for i in range(len(data))]
    finally:
        ray.shutdown()
    np.testing.assert_allclose(got, core_scores(fresh("laser_d"), problem_list, texts, lengths).total, atol=1e-6)
