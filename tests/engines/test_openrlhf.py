"""The OpenRLHF reward file, loaded by path the way `--remote_rm_url` loads it, against the core."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from engine_helpers import core_scores, fresh, problems, responses_for

import rlvr.engines
from rlvr.rewards.base import RewardError
from rlvr.tasks.rows import problem_to_json

REWARD_FILE = Path(rlvr.engines.__file__).resolve().parent / "openrlhf_reward.py"
N = 4


def load_reward_file():
    """A fresh copy of the file, as OpenRLHF imports a custom reward script by path."""
    spec = importlib.util.spec_from_file_location("openrlhf_custom_reward", REWARD_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def openrlhf_batch(problem_list, label="answer", seed=0):
    prompts, queries, labels, texts = [], [], [], []
    for k, problem in enumerate(problem_list):
        prompt = f"<|user|>{problem.prompt}<|assistant|>"
        group = responses_for(problem, N, seed=seed + k)
        texts.append(group)
        for text in group:
            prompts.append(prompt)
            queries.append(prompt + text)
            labels.append(problem.answer if label == "answer" else problem_to_json(problem))
    return queries, prompts, labels, texts


@pytest.mark.parametrize("method", ["correct", "laser_d", "group_penalty"])
@pytest.mark.parametrize("label", ["answer", "problem_json"])
def test_reward_func_matches_core(monkeypatch, tokenizer, tokenizer_dir, method, label):
    monkeypatch.setenv("RLVR_REWARDS", method)
    monkeypatch.setenv("RLVR_N_SAMPLES", str(N))
    monkeypatch.setenv("RLVR_TOKENIZER", str(tokenizer_dir))
    monkeypatch.setenv("RLVR_PROMPTS_PER_STEP", "2")
    monkeypatch.delenv("RLVR_PARAMS", raising=False)
    module = load_reward_file()
    problem_list = problems("sudoku" if label == "problem_json" else "arithmetic", 2)
    queries, prompts, labels, texts = openrlhf_batch(problem_list, label)
    out = module.reward_func(queries, prompts, labels)
    lengths = [[len(tokenizer(t, add_special_tokens=False)["input_ids"]) for t in group] for group in texts]
    expected = core_scores(fresh(method), problem_list, texts, lengths)
    np.testing.assert_allclose(out["rewards"].numpy(), expected.total, atol=1e-6)
    accuracy = [1.0 if j % 3 == 0 else 0.0 for _ in problem_list for j in range(N)]
    assert out["scores"].tolist() == accuracy
    assert out["extra_logs"]["rlvr/acc"].tolist() == accuracy
    for name, values in expected.components.items():
        np.testing.assert_allclose(out["extra_logs"][f"rlvr/{name}"].numpy(), values, atol=1e-6)


def test_settings_and_errors(monkeypatch, tokenizer_dir):
    module = load_reward_file()
    problem_list = problems("arithmetic", 2)
    queries, prompts, labels, _ = openrlhf_batch(problem_list)
    with pytest.raises(RewardError, match="RLVR_N_SAMPLES"):
        module.OpenRLHFReward("laser_d", tokenizer=str(tokenizer_dir), prompts_per_step=2)
    with pytest.raises(RewardError, match="RLVR_TOKENIZER"):
        module.OpenRLHFReward("group_penalty", n_samples=N)(queries, prompts, labels)
    reward = module.OpenRLHFReward("group_penalty", n_samples=3, tokenizer=str(tokenizer_dir))
    with pytest.raises(RewardError, match="needs whole groups of 3"):
        reward(queries, prompts, labels)
    shifted = module.OpenRLHFReward("group_penalty", n_samples=N, tokenizer=str(tokenizer_dir))
    with pytest.raises(RewardError, match="should share one prompt"):
        shifted(queries[2:6], prompts[2:6], labels[2:6])
    with pytest.raises(RewardError, match="does not contain its prompt"):
        module.OpenRLHFReward("correct")(["something else"], ["<|user|>q"], ["1"])
    with pytest.raises(RewardError, match="RLVR_PARAMS"):
        module.settings_from_env({"RLVR_PARAMS": "{oops"})
    with pytest.raises(RewardError, match="RLVR_N_SAMPLES"):
        module.settings_from_env({"RLVR_N_SAMPLES": "four"})
    settings = module.settings_from_env({"RLVR_REWARDS": "laser_d:1,format:0.5", "RLVR_PARAMS": '{"laser_d": {"alpha": 0.2}}', "RLVR_N_SAMPLES": "8"})
    assert settings["rewards"] == "laser_d:1,format:0.5" and settings["params"] == {"laser_d": {"alpha": 0.2}} and settings["n_samples"] == 8


def test_without_group_size_runs_of_equal_prompts_are_groups(tokenizer_dir):
    module = load_reward_file()
    problem_list = problems("arithmetic", 3)
    queries, prompts, labels, texts = openrlhf_batch(problem_list)
    out = module.OpenRLHFReward("correct")(queries, prompts, labels)
    assert out["rewards"].tolist() == [1.0 if j % 3 == 0 else 0.0 for _ in problem_list for j in range(N)]


def test_stateful_method_counts_steps_from_rollout_batches(tokenizer, tokenizer_dir):
    module = load_reward_file()
    problem_list = problems("arithmetic", 2)
    queries, prompts, labels, texts = openrlhf_batch(problem_list)
    params = {"thinkprune": {"limits": (10_000, 20), "stage_steps": (0, 1)}}
    with pytest.raises(RewardError, match="RLVR_PROMPTS_PER_STEP"):
        module.OpenRLHFReward("thinkprune", params=params, tokenizer=str(tokenizer_dir), n_samples=N)
    reward = module.OpenRLHFReward("thinkprune", params=params, tokenizer=str(tokenizer_dir), n_samples=N, prompts_per_step=2)
    first = reward(queries, prompts, labels)["rewards"].sum().item()
    second = reward(queries, prompts, labels)["rewards"].sum().item()
    assert reward.pipeline.step == 1
    assert first > second  # the stage-1 limit of 20 tokens zeroes the longer right answers


def test_laser_d_monitors_with_the_previous_steps_rollouts(tokenizer, tokenizer_dir):
    from rlvr.rewards.base import RolloutBatch

    module = load_reward_file()
    params = {"laser_d": {"monitor_every": 1, "grid_lower": 8, "grid_upper": 512, "grid_step": 8}}
    reward = module.OpenRLHFReward("laser_d", params=params, tokenizer=str(tokenizer_dir), n_samples=N, prompts_per_step=2)
    problem_list = problems("arithmetic", 2)
    queries, prompts, labels, texts = openrlhf_batch(problem_list, seed=0)
    reward(queries, prompts, labels)
    assert reward.pipeline.method.last_monitor_step == 0  # no monitoring set: step 0's own rollouts set the targets
    reward(*openrlhf_batch(problem_list, seed=5)[:3])
    assert reward.steps.monitored_steps == [1]
    lengths = [[len(tokenizer(t, add_special_tokens=False)["input_ids"]) for t in group] for group in texts]
    correct = [[1.0 if j % 3 == 0 else 0.0 for j in range(N)] for _ in problem_list]
    expected = fresh("laser_d", **params["laser_d"]).choose_targets(RolloutBatch.from_groups(correct, lengths))
    assert reward.pipeline.method.targets == expected


def test_one_response_per_call(tokenizer_dir):
    """Recent OpenRLHF calls once per response: fine for per-sample rewards, refused for group ones."""
    module = load_reward_file()
    problem_list = problems("arithmetic", 1)
    queries, prompts, labels, _ = openrlhf_batch(problem_list)
    reward = module.OpenRLHFReward("correct", n_samples=N)
    assert [reward([q], [p], [lab])["rewards"].item() for q, p, lab in zip(queries, prompts, labels)] == [1.0, 0.0, 0.0, 1.0]
    with pytest.raises(RewardError, match="one at a time.*rlvr serve --rewards group_penalty --n-samples 4"):
        module.OpenRLHFReward("group_penalty", n_samples=N, tokenizer=str(tokenizer_dir))(queries[:1], prompts[:1], labels[:1])
