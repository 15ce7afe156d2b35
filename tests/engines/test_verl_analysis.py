"""verl path of the live analysis: per-response analysis/* values in reward_extra_info, as verl aggregates them."""

from __future__ import annotations

import asyncio

import pytest
from engine_helpers import problems, verl_data

pytest.importorskip("verl")

from omegaconf import OmegaConf  # noqa: E402

import rlvr.engines.verl as rlvr_verl  # noqa: E402
from rlvr.analysis.report import summarize  # noqa: E402
from rlvr.analysis.samples import Row  # noqa: E402
from rlvr.tasks.rows import to_verl_row  # noqa: E402

G = 4
RESPONSE_WIDTH = 96
RATES = ("reflection", "verification", "backtracking", "subgoal_setting", "enumeration", "format_rate",
         "hacking_share", "reward_divergence", "length_mean", "clip_ratio")


def responses(answer: str) -> list[str]:
    return [f"Wait, let me verify: it is {answer}. <answer>{answer}</answer>",
            f"Case 1: x = 1. Case 2: x = 2. <answer>{answer}1</answer>",
            "I am not sure.",
            "First, we need the sum. Then we add. " * 4]  # cut at RESPONSE_WIDTH tokens below


def config(kwargs: dict) -> OmegaConf:
    return OmegaConf.create({
        "actor_rollout_ref": {"model": {"path": "unused", "tokenizer_path": None},
                              "rollout": {"n": G, "val_kwargs": {"n": G}, "response_length": RESPONSE_WIDTH}},
        "data": {"train_batch_size": 2},
        "reward": {"num_workers": 1, "reward_model": {"enable": False},
                   "custom_reward_function": {"path": None, "name": "compute_score", "reward_kwargs": kwargs},
                   "reward_manager": {"source": "importlib", "name": "RlvrRewardManager",
                                      "module": {"path": "pkg://rlvr.engines.verl", "name": "custom"}}},
        "trainer": {"experiment_name": "rlvr-test"},
    })


@pytest.fixture
def loop():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()
    asyncio.set_event_loop(None)


def test_compute_score_adds_the_analysis_values_only_when_asked() -> None:
    problem = problems("arithmetic", 1)[0]
    row = to_verl_row(problem)
    call = {"data_source": row["data_source"], "ground_truth": problem.answer, "extra_info": row["extra_info"]}
    text = responses(problem.answer)[0]
    plain = rlvr_verl.compute_score(solution_str=text, **call, rewards="correct")
    assert not any(key.startswith("analysis/") for key in plain)
    row_values = rlvr_verl.compute_score(solution_str=text, **call, rewards="correct", analysis=True)
    assert row_values["score"] == plain["score"] == 1.0
    assert row_values["analysis/reflection"] == 1.0 and row_values["analysis/verification"] == 1.0
    assert row_values["analysis/backtracking"] == 1.0  # "Wait," opening a sentence
    assert row_values["analysis/enumeration"] == 0.0 and row_values["analysis/reward_divergence"] == 0.0
    assert "analysis/clip_ratio" not in row_values  # compute_score sees no length limit


def scored_step(tokenizer, tokenizer_dir, loop, method: str):
    """Two prompts x G responses scored by verl's own RewardLoopWorker running rlvr's manager (analysis on).

    Returns the rollout batch, the task rows, uids, decoded texts, token ids, each response's
    reward_extra_info and the strict verdict reason of each text.
    """
    from verl.experimental.reward_loop.reward_loop import RewardLoopWorker

    problem_list = problems("arithmetic", 2)
    ids, rows, uids, texts = [], [], [], []
    for k, problem in enumerate(problem_list):
        for text in responses(problem.answer):
            tokens = (tokenizer(text, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id])[:RESPONSE_WIDTH]
            ids.append(tokens)
            texts.append(tokenizer.decode(tokens, skip_special_tokens=True))
            rows.append(to_verl_row(problem, index=k))
            uids.append(f"u{k}")
    data, _ = verl_data(ids, rows, uids, tokenizer.pad_token_id, 8, (5, 6, 7), RESPONSE_WIDTH)
    cfg = config({"rewards": method, "analysis": True})
    cfg.actor_rollout_ref.model.path = str(tokenizer_dir)
    worker = RewardLoopWorker(cfg)
    outputs = loop.run_until_complete(worker.compute_score_batch(data))
    extras = [o["reward_extra_info"] for o in outputs]
    reasons = [rlvr_verl.row_of(r["data_source"], r["reward_model"]["ground_truth"], r["extra_info"], 2.0).check(t).reason
               for r, t in zip(rows, texts)]
    return data, rows, uids, texts, ids, extras, reasons


def offline_summary(texts, uids, extras, ids, reasons) -> dict:
    """The same texts through rlvr's offline analysis (what rlvr train logs for a trl step)."""
    return summarize([Row(response=t, prompt=str(u), correct=bool(e["acc"]), reward=e["score"], length=len(x),
                          truncated=len(x) >= RESPONSE_WIDTH, reason=why)
                      for t, u, e, x, why in zip(texts, uids, extras, ids, reasons)])


@pytest.mark.parametrize("method", ["correct", "group_penalty"])
def test_reward_manager_extras_average_to_the_step_rates(tokenizer, tokenizer_dir, loop, method: str) -> None:
    from verl.trainer.ppo.metric_utils import process_validation_metrics

    data, rows, uids, texts, ids, extras, reasons = scored_step(tokenizer, tokenizer_dir, loop, method)
    # verl builds one array per key from the first response's keys: every response needs the same keys.
    assert all(set(e) == set(extras[0]) for e in extras)
    assert {f"analysis/{name}" for name in RATES} <= set(extras[0])

    # verl's own aggregation of reward_extra_info (its validation metrics): mean@G per key.
    infos = {key: [e[key] for e in extras] for key in extras[0]}
    metrics = process_validation_metrics([r["data_source"] for r in rows], uids, infos)
    by_key = next(iter(metrics.values()))
    assert "analysis/response_key" not in by_key  # a string: verl's validation metrics skip it
    offline = offline_summary(texts, uids, extras, ids, reasons)
    for name in RATES:
        assert by_key[f"analysis/{name}"][f"mean@{G}"] == pytest.approx(offline[name]), name
    assert offline["reflection"] == pytest.approx(0.25) and offline["enumeration"] == pytest.approx(0.25)
    assert offline["clip_ratio"] == pytest.approx(0.25)   # the long response was cut
    assert offline["format_rate"] == pytest.approx(0.5)    # "I am not sure." and the cut one have no answer tag


def training_batch(data, extras):
    """The step's batch as verl's legacy trainer has it when it calls compute_data_metrics: the tensors
    compute_data_metrics reads, and reward_extra_info stored per key in non_tensor_batch
    (`batch.non_tensor_batch.update({k: np.array(v) ...})`, ray_trainer.py)."""
    import numpy as np
    import torch

    n, width = data.batch["responses"].shape
    response_mask = data.batch["attention_mask"][:, -width:]
    scores = torch.zeros((n, width))
    scores[:, 0] = torch.tensor([e["score"] for e in extras])
    data.batch["response_mask"] = response_mask
    data.batch["token_level_scores"] = scores
    data.batch["token_level_rewards"] = scores.clone()
    data.batch["advantages"] = torch.zeros((n, width))
    data.batch["returns"] = torch.zeros((n, width))
    infos = {key: [e[key] for e in extras] for key in extras[0]}
    data.non_tensor_batch.update({k: np.array(v) for k, v in infos.items()})
    return data


def test_training_step_metrics_of_a_verl_batch_match_the_offline_analysis(tokenizer, tokenizer_dir, loop, monkeypatch) -> None:
    import verl.trainer.ppo.ray_trainer as ray_trainer

    from rlvr.engines import verl_metrics

    data, rows, uids, texts, ids, extras, reasons = scored_step(tokenizer, tokenizer_dir, loop, "correct")
    batch = training_batch(data, extras)
    monkeypatch.setattr(ray_trainer, "compute_data_metrics", ray_trainer.compute_data_metrics)  # undone after the test
    monkeypatch.setattr(verl_metrics, "ANALYSIS", verl_metrics.StepAnalysis())
    verl_metrics.patch_v0(ray_trainer)
    verl_metrics.patch_v0(ray_trainer)  # idempotent: wrapped once
    assert ray_trainer.compute_data_metrics.__wrapped__.__module__ == "verl.trainer.ppo.metric_utils"

    metrics = ray_trainer.compute_data_metrics(batch=batch, use_critic=False)
    assert "critic/score/mean" in metrics   # verl's own metrics are still there
    offline = offline_summary(texts, uids, extras, ids, reasons)
    names = (*RATES, "reflection_per_response", "accuracy", "length_median", "length_p90", "length_max",
             "pass_at_k_s", "distinct_correct", "reward_at_k_s", "balance")
    for name in names:
        assert metrics[f"analysis/{name}"] == pytest.approx(offline[name]), name
    assert metrics["analysis/accuracy"] == pytest.approx(0.25)   # one right answer per prompt
    assert metrics["analysis/pass_at_k_s"] == 1.0 and metrics["analysis/distinct_correct"] == 1.0
    assert {metrics[f"analysis/alarm_{a}"] for a in verl_metrics.ALARMS} == {0.0}
    assert not any(isinstance(v, str) for v in metrics.values())
