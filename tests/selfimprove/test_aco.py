"""The ACO loss: hand-computed values, the DPO special case, and ACOTrainer on a tiny random model."""

from __future__ import annotations

import copy
import math
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("trl")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))

from tiny_model import build_model_dir  # noqa: E402

from rlvr.selfimprove.aco import ACOError, aco_loss, calibration  # noqa: E402


def test_calibration_is_one_in_the_normal_region_and_decays_above_it():
    chosen = torch.tensor([0.5, 0.5, 0.1, 0.1])
    rejected = torch.tensor([-1.0, 0.5, 0.6, 1.1])
    w = calibration(chosen, rejected, alpha=0.5)
    # A_l <= A_w: 1; A_l - A_w = 0.5 -> exp(-1); = 1.0 -> exp(-2).
    assert w.tolist() == pytest.approx([1.0, 1.0, 0.36787944, 0.13533528], abs=1e-6)
    # A larger alpha relaxes less.
    assert calibration(chosen, rejected, alpha=2.0)[3].item() == pytest.approx(math.exp(-0.5), abs=1e-6)


def test_calibration_survives_a_huge_gap():
    w = calibration(torch.tensor([1e6]), torch.tensor([-1e6]), alpha=1e-3)
    assert w.item() == 1.0


def test_aco_loss_matches_a_hand_computed_value():
    # r_w = 2, r_l = -1, A_w = 0.1, A_l = 0.6, alpha = 0.5 -> w = exp(-1) = 0.367879
    # logit = 0.1 * (2 - 0.367879 * -1) = 0.2367879;  loss = log(1 + exp(-0.2367879)) = 0.5817455
    w = calibration(torch.tensor([0.1]), torch.tensor([0.6]), alpha=0.5)
    loss = aco_loss(torch.tensor([2.0]), torch.tensor([-1.0]), w, beta=0.1)
    assert loss.item() == pytest.approx(0.5817455, abs=1e-6)


def test_aco_loss_with_unit_weights_is_the_dpo_sigmoid_loss():
    chosen = torch.tensor([1.5, -0.3, 0.0])
    rejected = torch.tensor([-0.5, 0.2, 0.7])
    dpo = -torch.nn.functional.logsigmoid(0.2 * (chosen - rejected))
    assert torch.allclose(aco_loss(chosen, rejected, torch.ones(3), beta=0.2), dpo)


def test_bad_settings_name_the_key():
    with pytest.raises(ACOError, match="aco.alpha"):
        calibration(torch.zeros(1), torch.zeros(1), alpha=0.0)
    with pytest.raises(ACOError, match="aco.beta"):
        aco_loss(torch.zeros(1), torch.zeros(1), torch.ones(1), beta=0.0)
    with pytest.raises(ACOError, match="one value per pair"):
        aco_loss(torch.zeros(2), torch.zeros(1), torch.ones(2), beta=0.1)


# ACOTrainer ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = build_model_dir(tmp_path_factory.mktemp("aco") / "model")
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    model = AutoModelForCausalLM.from_pretrained(str(folder))
    ref = copy.deepcopy(model)
    # Move the policy away from the reference so the log-ratios are not all zero.
    torch.manual_seed(1)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.05 * torch.randn_like(p))
    return model, ref, tokenizer


def _rows(tokenizer, advantages):
    enc = lambda text: tokenizer(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    end = [tokenizer.eos_token_id]
    rows = []
    for i, (a_w, a_l) in enumerate(advantages):
        rows.append({"prompt_ids": enc(f"<|user|>{i}+{i}=?\n<|assistant|>"), "chosen_ids": enc(f"{2 * i}\n") + end,
                     "rejected_ids": enc(f"{i}{i} maybe\n") + end, "chosen_advantage": a_w, "rejected_advantage": a_l})
    return rows


def _config(tmp_path, **extra):
    from trl import DPOConfig

    return DPOConfig(output_dir=str(tmp_path), per_device_train_batch_size=2, beta=0.5, report_to="none",
                     use_cpu=True, logging_steps=1, save_strategy="no", learning_rate=1e-2, **extra)


def _trainer(tiny, tmp_path, rows, alpha=1.0, **extra):
    from datasets import Dataset

    from rlvr.selfimprove.aco_trainer import ACOTrainer

    model, ref, tokenizer = tiny
    return ACOTrainer(model=model, ref_model=ref, args=_config(tmp_path, **extra), processing_class=tokenizer,
                      train_dataset=Dataset.from_list(rows), alpha=alpha)


def _batch(trainer, rows):
    return trainer.data_collator(rows)


def test_trainer_loss_equals_trl_dpo_when_calibration_is_one(tiny, tmp_path):
    from datasets import Dataset
    from trl import DPOTrainer

    model, ref, tokenizer = tiny
    rows = _rows(tokenizer, [(0.5, 0.1), (0.2, -0.3)])   # A_l <= A_w: w = 1
    aco = _trainer(tiny, tmp_path / "aco", rows)
    text = Dataset.from_list([{"prompt": "1+1=?", "chosen": "2", "rejected": "3"}])
    dpo = DPOTrainer(model=model, ref_model=ref, args=_config(tmp_path / "dpo"), processing_class=tokenizer,
                     train_dataset=text)
    batch = _batch(aco, rows)
    plain = {k: v for k, v in batch.items() if not k.endswith("_advantage")}
    with torch.no_grad():
        ours = aco.compute_loss(model, batch).item()
        theirs = dpo.compute_loss(model, plain).item()
    assert ours == pytest.approx(theirs, abs=1e-5)
    assert ours != pytest.approx(math.log(2), abs=1e-4)   # the policy differs from the reference


def test_trainer_loss_changes_when_the_rejected_side_is_calibrated(tiny, tmp_path):
    model, _, tokenizer = tiny
    normal = _rows(tokenizer, [(0.5, 0.1), (0.2, -0.3)])
    calibrated = _rows(tokenizer, [(0.1, 2.1), (-0.3, 1.7)])   # A_l - A_w = 2: w = exp(-2)
    trainer = _trainer(tiny, tmp_path, normal)
    with torch.no_grad():
        batch = _batch(trainer, normal)
        r_w, r_l = _ratios(trainer, model, batch)
        expected = aco_loss(r_w, r_l, torch.full_like(r_w, math.exp(-2.0)), beta=0.5).mean().item()
        got = trainer.compute_loss(model, _batch(trainer, calibrated)).item()
    assert got == pytest.approx(expected, abs=1e-5)
    assert got != pytest.approx(trainer.compute_loss(model, batch).item(), abs=1e-4)


def _ratios(trainer, model, batch):
    logps = trainer._completion_logps(model, batch)
    chosen, rejected = logps.chunk(2)
    ref_chosen, ref_rejected = trainer._completion_logps(trainer.ref_model, batch).chunk(2)
    return chosen - ref_chosen, rejected - ref_rejected


def test_training_widens_the_margin(tmp_path, tmp_path_factory):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = build_model_dir(tmp_path_factory.mktemp("aco_train") / "model", seed=3)
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    model = AutoModelForCausalLM.from_pretrained(str(folder))
    tiny = (model, copy.deepcopy(model), tokenizer)
    rows = _rows(tokenizer, [(0.5, 0.1), (0.2, -0.3), (0.4, 0.0), (0.1, 0.05)])
    trainer = _trainer(tiny, tmp_path, rows, max_steps=4)
    batch = _batch(trainer, rows)
    with torch.no_grad():
        before = trainer.compute_loss(model, batch).item()
    trainer.train()
    model.eval()
    with torch.no_grad():
        after = trainer.compute_loss(model, batch).item()
    assert before == pytest.approx(math.log(2), abs=1e-3)   # policy == reference at the start
    assert after < before - 0.05
    assert any("aco/calibration" in entry for entry in trainer.state.log_history)


def test_trainer_refuses_a_dataset_without_advantages(tiny, tmp_path):
    from datasets import Dataset

    from rlvr.selfimprove.aco_trainer import ACOTrainer

    model, ref, tokenizer = tiny
    rows = [{k: v for k, v in row.items() if k != "rejected_advantage"} for row in _rows(tokenizer, [(0.1, 0.0)])]
    with pytest.raises(ACOError, match="rejected_advantage"):
        ACOTrainer(model=model, ref_model=ref, args=_config(tmp_path), processing_class=tokenizer,
                   train_dataset=Dataset.from_list(rows))


def test_peft_reference_is_the_adapter_as_training_started(tmp_path, tmp_path_factory):
    # TRL keeps a copy of an existing adapter as "ref"; ACO's PEFT branch must use it (not the moving policy).
    peft = pytest.importorskip("peft")
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from rlvr.selfimprove.aco_trainer import ACOTrainer

    folder = build_model_dir(tmp_path_factory.mktemp("aco_peft") / "model", seed=5)
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    base = AutoModelForCausalLM.from_pretrained(str(folder))
    model = peft.get_peft_model(base, peft.LoraConfig(r=2, lora_alpha=4, target_modules=["q_proj", "v_proj"]))
    rows = _rows(tokenizer, [(0.1, 1.1), (0.3, 0.2)])   # pair 1: w = exp(-1); pair 2: w = 1
    trainer = ACOTrainer(model=model, args=_config(tmp_path), processing_class=tokenizer,
                         train_dataset=Dataset.from_list(rows))
    batch = _batch(trainer, rows)
    with torch.no_grad():
        start = trainer._completion_logps(trainer.model, batch)
        torch.manual_seed(2)
        for name, p in trainer.model.named_parameters():   # move the trained adapter only
            if "lora_B" in name and ".default." in name:
                p.add_(0.5 * torch.randn_like(p))
        policy = trainer._completion_logps(trainer.model, batch)
        (r_w, r_l) = (policy - start).chunk(2)
        expected = aco_loss(r_w, r_l, torch.tensor([math.exp(-1.0), 1.0]), beta=0.5).mean().item()
        got = trainer.compute_loss(trainer.model, batch).item()
    assert torch.all((policy - start).abs() > 1e-4)
    assert got == pytest.approx(expected, abs=1e-4)
