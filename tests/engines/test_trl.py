"""The TRL adapter, called through GRPOTrainer 1.16's own reward code, against the core."""

from __future__ import annotations

import json
import types
from collections import defaultdict

import numpy as np
import pytest
import torch
from engine_helpers import core_scores, fresh, problems, responses_for
from transformers import TrainerState

from rlvr.engines.trl import RlvrReward, RlvrRewardCallback, completion_text, reward_funcs
from rlvr.rewards.base import RewardError
from rlvr.tasks.rows import to_trl_row

trl_grpo = pytest.importorskip("trl.trainer.grpo_trainer")

G = 4


def grpo_batch(problem_list, tokenizer, conversational=True, seed=0):
    """Inputs laid out as GRPOTrainer lays them out: each row repeated G times in a row."""
    inputs, completions, completion_ids, texts, lengths = [], [], [], [], []
    for k, problem in enumerate(problem_list):
        row = to_trl_row(problem)
        group_texts = responses_for(problem, G, seed=seed + k)
        texts.append(group_texts)
        lengths.append([])
        for text in group_texts:
            inputs.append(dict(row))
            ids = tokenizer(text, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
            completion_ids.append(ids)
            lengths[-1].append(len(ids))
            completions.append([{"role": "assistant", "content": text}] if conversational else text)
    prompts = [x["prompt"] if conversational else x["prompt"][-1]["content"] for x in inputs]
    return inputs, prompts, completions, completion_ids, texts, lengths


def run_calculate_rewards(funcs, inputs, prompts, completions, completion_ids, step=0):
    """GRPOTrainer._calculate_rewards itself, on a stand-in trainer carrying what it reads."""
    from accelerate import PartialState

    PartialState()
    fake = types.SimpleNamespace(
        accelerator=types.SimpleNamespace(device=torch.device("cpu"), is_main_process=True),
        args=types.SimpleNamespace(report_to=[]),
        state=TrainerState(global_step=step),
        reward_funcs=funcs,
        reward_processing_classes=[None] * len(funcs),
        reward_func_names=[trl_grpo.get_callable_name(f) for f in funcs],
        environments=None,
        _pending_extra_logs=defaultdict(list),
        _pending_metrics=defaultdict(list),
    )
    fake._log_completion_extra = trl_grpo.GRPOTrainer._log_completion_extra.__get__(fake)
    fake._log_metric = trl_grpo.GRPOTrainer._log_metric.__get__(fake)
    rewards = trl_grpo.GRPOTrainer._calculate_rewards(fake, inputs, prompts, completions, completion_ids)
    return rewards, fake


@pytest.mark.parametrize("method", ["correct", "laser_d", "l1_max", "group_penalty"])
@pytest.mark.parametrize("conversational", [True, False])
def test_trl_reward_equals_core_through_grpo_trainer(tokenizer, method, conversational):
    problem_list = problems("arithmetic", 3)
    inputs, prompts, completions, completion_ids, texts, lengths = grpo_batch(problem_list, tokenizer, conversational)
    fields = {"token_ids": completion_ids}
    if method == "l1_max":  # L1 reads each prompt's token budget from a dataset column
        for x in inputs:
            x["target_length"] = 40
        fields["target_length"] = [40.0] * len(inputs)
    reward = RlvrReward(method, num_generations=G)
    got, fake = run_calculate_rewards([reward], inputs, prompts, completions, completion_ids)
    expected = core_scores(fresh(method), problem_list, texts, lengths, **fields)
    np.testing.assert_allclose(got[:, 0].numpy(), expected.total, rtol=1e-6, atol=1e-6)
    assert fake.reward_func_names == [f"rlvr_{method}"]
    metrics = dict(fake._pending_metrics)
    if method == "laser_d":  # no monitoring set here: the first batch's own rollouts set the targets before scoring
        assert metrics["rlvr_laser_d/state/last_monitor_step"] == [0.0]
    assert metrics[f"rlvr_{method}/reward"] == [pytest.approx(float(np.mean(expected.total)))]
    assert metrics[f"rlvr_{method}/accuracy"] == [pytest.approx(float(np.mean(fake_accuracy(problem_list, texts))))]
    for name, values in expected.components.items():
        assert metrics[f"rlvr_{method}/component/{name}"] == [pytest.approx(float(np.mean(values)))]
    reasons = fake._pending_extra_logs[f"rlvr_{method}/reason"]
    assert len(reasons) == len(completions) and "no-answer" in reasons


def fake_accuracy(problem_list, texts):
    from rlvr.tasks import get as get_task

    return [get_task(p.task).check(p, t).score for p, group in zip(problem_list, texts) for t in group]


def test_combined_reward_matches_core_and_logs_each_member(tokenizer):
    from rlvr import rewards

    problem_list = problems("arithmetic", 2)
    inputs, prompts, completions, completion_ids, texts, lengths = grpo_batch(problem_list, tokenizer)
    spec = [("laser_d", 1.0), ("format", 0.25)]
    got, fake = run_calculate_rewards(reward_funcs(spec, num_generations=G), inputs, prompts, completions, completion_ids)
    expected = core_scores(rewards.Combined(spec), problem_list, texts, lengths, token_ids=completion_ids)
    np.testing.assert_allclose(got[:, 0].numpy(), expected.total, atol=1e-6)
    assert {"rlvr_laser_d+format/component/laser_d", "rlvr_laser_d+format/component/format"} <= set(fake._pending_metrics)


def test_puzzle_rows_are_checked_by_their_task(tokenizer):
    problem_list = problems("sudoku", 2)
    inputs, prompts, completions, completion_ids, texts, lengths = grpo_batch(problem_list, tokenizer)
    got, _ = run_calculate_rewards([RlvrReward("correct", num_generations=G)], inputs, prompts, completions, completion_ids)
    assert got[:, 0].tolist() == pytest.approx(fake_accuracy(problem_list, texts))
    assert got[:, 0].sum() > 0


def test_stateful_method_follows_trainer_step(tokenizer):
    problem_list = problems("arithmetic", 2)
    inputs, prompts, completions, completion_ids, texts, lengths = grpo_batch(problem_list, tokenizer)
    # Limits chosen so that the stage switch at step 3 changes who is rewarded.
    params = {"thinkprune": {"limits": (10_000, 30), "stage_steps": (0, 3)}}
    reward = RlvrReward("thinkprune", num_generations=G, params=params)
    core = fresh("thinkprune", **params["thinkprune"])
    seen = []
    for step in (0, 1, 3, 5):
        got, _ = run_calculate_rewards([reward], inputs, prompts, completions, completion_ids, step=step)
        core.on_step(step)
        expected = core_scores(core, problem_list, texts, lengths, step=step, token_ids=completion_ids)
        np.testing.assert_allclose(got[:, 0].numpy(), expected.total, atol=1e-6)
        seen.append(got[:, 0].sum().item())
    assert reward.pipeline.step == 5
    assert seen[0] == seen[1] > seen[2] == seen[3]


def test_lengths_come_from_a_tokenizer_when_trl_passes_no_ids(tokenizer):
    problem_list = problems("arithmetic", 2)
    inputs, prompts, completions, _, texts, _ = grpo_batch(problem_list, tokenizer)
    columns = {key: [x[key] for x in inputs] for key in inputs[0] if key != "prompt"}
    reward = RlvrReward("l1_max", num_generations=G, tokenizer=tokenizer, params={"l1_max": {"target_length": 50}})
    scored = reward.score(prompts, completions, None, **columns)
    assert scored.batch.length.tolist() == [len(tokenizer(t, add_special_tokens=False)["input_ids"]) for g in texts for t in g]
    with pytest.raises(RewardError, match="tokenizer"):
        RlvrReward("l1_max", num_generations=G, params={"l1_max": {"target_length": 50}})(prompts, completions, None, **columns)


def test_correctness_alone_needs_no_lengths(tokenizer):
    problem_list = problems("arithmetic", 1)
    inputs, prompts, completions, _, texts, _ = grpo_batch(problem_list, tokenizer)
    columns = {key: [x[key] for x in inputs] for key in inputs[0] if key != "prompt"}
    assert RlvrReward("correct")(prompts, completions, None, **columns) == fake_accuracy(problem_list, texts)


def test_group_errors(tokenizer):
    problem_list = problems("arithmetic", 2)
    inputs, prompts, completions, completion_ids, _, _ = grpo_batch(problem_list, tokenizer)
    columns = {key: [x[key] for x in inputs] for key in inputs[0] if key != "prompt"}
    reward = RlvrReward("laser_d", num_generations=G)
    with pytest.raises(RewardError, match="not a multiple of the group size 4"):
        reward(prompts[:-1], completions[:-1], completion_ids[:-1], **{k: v[:-1] for k, v in columns.items()})
    shuffled = [prompts[0], prompts[G]] + prompts[2:G] + [prompts[1]] + prompts[G + 1 :]
    with pytest.raises(RewardError, match="should share one prompt"):
        reward(shuffled, completions, completion_ids, **columns)
    with pytest.raises(RewardError, match="num_generations"):
        RlvrReward("laser_d")


def test_evaluation_batches_may_use_their_own_group_size(tokenizer):
    problem_list = problems("arithmetic", 2)
    inputs, prompts, completions, completion_ids, texts, lengths = grpo_batch(problem_list, tokenizer)
    columns = {key: [x[key] for x in inputs] for key in inputs[0] if key != "prompt"}
    with pytest.raises(RewardError, match="num_generations_eval"):
        RlvrReward("group_penalty", num_generations=8)(prompts, completions, completion_ids, **columns)
    reward = RlvrReward("group_penalty", num_generations=8, num_generations_eval=G)
    got = reward(prompts, completions, completion_ids, **columns)
    np.testing.assert_allclose(got, core_scores(fresh("group_penalty"), problem_list, texts, lengths).total, atol=1e-6)


def test_bad_rows_fail_loudly(tokenizer):
    problem_list = problems("arithmetic", 1)
    inputs, prompts, completions, completion_ids, _, _ = grpo_batch(problem_list, tokenizer)
    reward = RlvrReward("correct", num_generations=G)
    with pytest.raises(RewardError, match="neither"):
        reward(prompts, completions, completion_ids, difficulty=[1] * G)
    with pytest.raises(RewardError, match="problem_json"):
        reward(prompts, completions, completion_ids, problem_json=["{not json"] * G, answer=["1"] * G)
    with pytest.raises(RewardError, match="3 entries for 4"):
        reward(prompts, completions, completion_ids, answer=["1"] * 3)


def test_completion_text_forms():
    assert completion_text("plain") == "plain"
    assert completion_text([{"role": "assistant", "content": "a"}]) == "a"
    assert completion_text([{"role": "assistant", "content": [{"type": "text", "text": "x"}, {"type": "text", "text": "y"}]}]) == "xy"
    multi = [{"role": "assistant", "content": "call"}, {"role": "tool", "content": "42"}, {"role": "assistant", "content": "<answer>42</answer>"}]
    assert completion_text(multi) == "<answer>42</answer>"
    with pytest.raises(RewardError):
        completion_text(42)


def scripted_generator(lengths_by_prompt):
    """Monitoring rollouts with chosen lengths: even samples right, odd ones wrong."""
    calls = []

    def generate(prompts, n):
        calls.append(len(prompts))
        out = []
        for p, prompt in enumerate(prompts):
            answer = prompt_answers[prompt[-1]["content"]]
            rows = []
            for j in range(n):
                text = f"<answer>{answer if j % 2 == 0 else answer + '1'}</answer>"
                rows.append((text, list(range(lengths_by_prompt[p][j]))))
            out.append(rows)
        return out

    prompt_answers: dict[str, str] = {}
    return generate, calls, prompt_answers


def test_callback_monitors_inside_a_real_trainer_loop(tmp_path):
    """A real transformers.Trainer run drives on_step and LASER-D's monitoring at step K."""
    from torch import nn
    from transformers import Trainer, TrainerCallback, TrainingArguments

    from rlvr.rewards.base import RolloutBatch

    problem_list = problems("arithmetic", 3)
    rows = [to_trl_row(p) for p in problem_list]
    lengths = [[5000, 9000, 6000, 12000], [3000, 4000, 15000, 5000], [7000, 7000, 7000, 7000]]
    generate, calls, answers = scripted_generator(lengths)
    answers.update({p.prompt: p.answer for p in problem_list})
    params = {"laser_d": {"monitor_every": 2, "target_initial": 8192, "grid_lower": 1024, "grid_upper": 16384, "grid_step": 1024,
                          "monitor_first": False}}
    reward = RlvrReward("laser_d", num_generations=4, params=params)
    callback = reward.callback(monitor_rows=rows, rollouts=4, generate=generate)

    class Tiny(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.w = nn.Parameter(torch.zeros(1))

        def forward(self, x, labels=None):
            return {"loss": ((self.w - x) ** 2).mean()}

    data = [{"x": torch.tensor([1.0])} for _ in range(8)]
    args = TrainingArguments(output_dir=str(tmp_path), max_steps=5, per_device_train_batch_size=1, save_steps=4,
                             logging_steps=1, report_to=[], use_cpu=True, disable_tqdm=True)
    seen_logs: list[dict] = []

    class Recorder(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            seen_logs.append(dict(logs or {}))

    trainer = Trainer(model=Tiny(), args=args, train_dataset=data, callbacks=[callback, Recorder()])
    trainer.train()

    assert callback.monitored_steps == [2, 4]
    assert calls == [3, 3]
    reference = fresh("laser_d", **params["laser_d"])
    correct = [[1.0, 0.0, 1.0, 0.0]] * 3
    expected = reference.choose_targets(RolloutBatch.from_groups(correct, lengths))
    assert reward.pipeline.method.targets == expected
    assert expected != {"easy": 8192, "medium": 8192, "hard": 8192}
    assert reward.pipeline.step == 4
    logged = [entry for entry in seen_logs if "rlvr/targets/medium" in entry]
    assert logged and logged[-1]["rlvr/targets/medium"] == expected["medium"]
    saved = json.loads((tmp_path / "checkpoint-4" / "rlvr_reward_state.json").read_text())
    assert saved["method"]["targets"] == expected

    restored = RlvrReward("laser_d", num_generations=4, params=params)
    restored.callback().load_checkpoint(str(tmp_path / "checkpoint-4"))
    # checkpoint-4 is written after the 4th step, whose on_step_begin saw global_step 3
    assert restored.pipeline.method.targets == expected and restored.pipeline.step == 3


def test_callback_without_monitor_rows_fails_when_monitoring_is_due():
    from transformers import TrainerControl

    reward = RlvrReward("laser_d", num_generations=4, params={"laser_d": {"monitor_every": 1, "monitor_first": False}})
    callback = RlvrRewardCallback(reward)
    callback.on_step_begin(None, TrainerState(global_step=0), TrainerControl())
    with pytest.raises(RewardError, match="monitor_rows"):
        callback.on_step_begin(None, TrainerState(global_step=1), TrainerControl())


def test_hf_generation_for_monitoring(tokenizer):
    """The default monitoring sampler runs a real (tiny, random) causal LM."""
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tokenizer), n_positions=256, n_embd=16, n_layer=1, n_head=2,
                                       eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id))
    rows = [to_trl_row(p) for p in problems("arithmetic", 2)]
    reward = RlvrReward("laser_d", num_generations=3, tokenizer=tokenizer, params={"laser_d": {"monitor_every": 1}})
    callback = reward.callback(monitor_rows=rows, rollouts=3, max_new_tokens=6)
    from transformers import TrainerControl

    model.train()
    callback.on_step_begin(None, TrainerState(global_step=1), TrainerControl(), model=model, processing_class=tokenizer)
    assert callback.monitored_steps == [1]
    assert model.training
    assert reward.pipeline.method.last_monitor_step == 1


@pytest.mark.slow
@pytest.mark.train
def test_real_grpo_trainer_run(tokenizer, tmp_path):
    """Three GRPO steps with a tiny random policy: TRL calls the reward, the callback monitors."""
    from datasets import Dataset
    from transformers import GPT2Config, GPT2LMHeadModel
    from trl import GRPOConfig, GRPOTrainer

    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tokenizer), n_positions=512, n_embd=16, n_layer=1, n_head=2,
                                       bos_token_id=None, eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id))
    rows = [to_trl_row(p) for p in problems("arithmetic", 8)]
    params = {"laser_d": {"monitor_every": 1, "grid_lower": 2, "grid_upper": 16, "grid_step": 2}}
    reward = RlvrReward("laser_d", num_generations=2, params=params)
    callback = reward.callback(monitor_rows=rows[:2], rollouts=2, max_new_tokens=8)
    args = GRPOConfig(output_dir=str(tmp_path), num_generations=2, per_device_train_batch_size=2, max_completion_length=8,
                      max_steps=3, logging_steps=1, report_to=[], use_cpu=True, disable_tqdm=True, save_strategy="no")
    trainer = GRPOTrainer(model=model, processing_class=tokenizer, args=args, reward_funcs=[reward],
                          train_dataset=Dataset.from_list(rows), callbacks=[callback])
    trainer.train()
    steps = [entry for entry in trainer.state.log_history if "rewards/rlvr_laser_d/mean" in entry]
    assert len(steps) == 3
    for entry in steps:
        assert entry["rewards/rlvr_laser_d/mean"] == pytest.approx(entry["rlvr_laser_d/reward"])
        assert 0.0 <= entry["rlvr_laser_d/accuracy"] <= 1.0
        assert entry["rlvr_laser_d/length_tokens"] <= 8
    assert callback.monitored_steps == [0, 1, 2]  # LASER-D monitors before the first step, then every K = 1
    assert reward.pipeline.method.last_monitor_step == 2
    assert reward.last is not None and len(reward.last.verdicts) == 2
