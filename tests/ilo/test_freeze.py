"""Freezing the first layers: which parameters, the recipe key, and a real GRPO step that leaves them unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from rlvr.ilo.errors import IloError
from rlvr.ilo.freeze import freeze_first_layers, transformer_blocks
from rlvr.models import load
from rlvr.train.config import ConfigError, load_config

pytestmark = pytest.mark.train


def test_freezes_the_embedding_and_the_first_blocks(tiny_model_dir: Path) -> None:
    model = load(str(tiny_model_dir), device="cpu", dtype="float32").model
    assert len(transformer_blocks(model)) == 2
    names = freeze_first_layers(model, 1)
    assert "model.embed_tokens.weight" in names
    assert any(name.startswith("model.layers.0.") for name in names)
    assert not any(name.startswith("model.layers.1.") for name in names)
    trainable = {name for name, p in model.named_parameters() if p.requires_grad}
    assert trainable and all(name.startswith(("model.layers.1.", "model.norm.")) for name in trainable)
    assert freeze_first_layers(model, 0) == []
    with pytest.raises(IloError, match="cannot freeze 3 layers: LlamaForCausalLM has 2 transformer blocks"):
        freeze_first_layers(model, 3)


@pytest.mark.parametrize("overrides, message", [
    (["algorithm.freeze_layers=-1"], "algorithm.freeze_layers must be >= 0"),
    (["algorithm.freeze_layers=2", "algorithm.lora={r: 4}"], "algorithm.freeze_layers works on full fine-tuning"),
    (["algorithm.freeze_layers=2", "engine=verl"], "algorithm.freeze_layers needs engine trl"),
    (["algorithm.freeze_layers=two"], "algorithm.freeze_layers: expected an integer"),
])
def test_recipe_key_is_validated(overrides: list[str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config("default", overrides)
    assert load_config("default", ["algorithm.freeze_layers=4"]).algorithm.freeze_layers == 4


def _recipe(model_dir: Path, output: Path, freeze: int):
    # Weight decay moves every parameter the optimiser holds even when a group's rewards tie (zero advantage),
    # so "unchanged" below can only mean "not trained".
    return load_config("default", [
        f"model={model_dir}", f"output={output}", "threads=1", "budget.steps=1", "budget.minutes=null",
        "algorithm.group_size=2", "algorithm.prompts_per_step=1", "algorithm.max_completion_tokens=4",
        "algorithm.learning_rate=1e-3", "algorithm.weight_decay=0.1", "tasks.train_problems=4",
        "eval.problems=0", "checkpoint.every_steps=0", f"algorithm.freeze_layers={freeze}",
    ])


def test_frozen_parameters_do_not_change_in_a_grpo_step(tiny_model_dir: Path, tmp_path: Path) -> None:
    import torch

    from rlvr.train.trl_engine import train_trl

    before = {n: p.detach().clone() for n, p in load(str(tiny_model_dir), device="cpu", dtype="float32").model.named_parameters()}
    result = train_trl(_recipe(tiny_model_dir, tmp_path / "run", 1), show_progress=False)
    assert result.steps == 1
    after = dict(load(str(result.final_model), device="cpu", dtype="float32").model.named_parameters())
    frozen = [n for n in before if n.startswith(("model.embed_tokens.", "model.layers.0."))]
    trained = [n for n in before if n.startswith("model.layers.1.") and n.endswith("proj.weight")]
    assert frozen and trained
    for name in frozen:
        assert torch.equal(before[name], after[name]), f"{name} changed although frozen"
    assert all(not torch.equal(before[name], after[name]) for name in trained)


def test_too_many_frozen_layers_fail_before_training(tiny_model_dir: Path, tmp_path: Path) -> None:
    from rlvr.train.trl_engine import train_trl

    with pytest.raises(ConfigError, match="algorithm.freeze_layers: cannot freeze 5 layers"):
        train_trl(_recipe(tiny_model_dir, tmp_path / "run", 5), show_progress=False)
