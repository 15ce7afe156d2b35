"""Helpers of the merging tests: tiny checkpoints that differ from a base by known noise, and their tensors."""

from __future__ import annotations

from pathlib import Path

from tiny_model import build_tokenizer


def tensors(folder: Path) -> dict:
    """Every stored tensor of a checkpoint folder, in float32."""
    from safetensors.torch import load_file

    found = {}
    for file in sorted(folder.glob("*.safetensors")):
        found.update({name: t.float() for name, t in load_file(str(file)).items()})
    return found


def perturbed(base: Path, folder: Path, seed: int, scale: float = 0.05, only_layer: int | None = None) -> Path:
    """A copy of `base` with Gaussian noise on every tensor (or on one layer's tensors only)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from rlvr.merging import layer_of

    model = AutoModelForCausalLM.from_pretrained(str(base), dtype=torch.float32)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if only_layer is None or layer_of(name) == only_layer:
                param.add_(scale * torch.randn(param.shape, generator=generator))
    model.save_pretrained(str(folder))
    AutoTokenizer.from_pretrained(str(base)).save_pretrained(str(folder))
    return folder


def wider_model(folder: Path) -> Path:
    """A Llama like the tiny one but 48 wide: same architecture name, different shapes."""
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = build_tokenizer()
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=48, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=1024,
                         tie_word_embeddings=True)
    LlamaForCausalLM(config).save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    return folder

