"""Fixtures: the tiny random model of tests/models/tiny_model.py, loaded once, and a newline-prone copy."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# --import-mode=importlib puts no test folder on sys.path; the helper lives in tests/models.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))

from tiny_model import build_model_dir  # noqa: E402


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_model_dir(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="session")
def tiny(tiny_dir: Path):
    """(model, tokenizer) of the tiny model, with the output layer biased towards newlines.

    A random model almost never writes a newline, so no step would ever close; a +4 bias on
    the newline logit (and a lower end-of-turn one) makes rollouts a few steps long.
    """
    import torch

    from rlvr.models import load

    loaded = load(str(tiny_dir), device="cpu")
    model, tokenizer = loaded.model, loaded.tokenizer
    old = model.lm_head
    head = torch.nn.Linear(old.in_features, old.out_features, bias=True)
    with torch.no_grad():
        head.weight.copy_(old.weight)
        head.bias.zero_()
        head.bias[tokenizer.convert_tokens_to_ids("Ċ")] = 4.0
        head.bias[tokenizer.eos_token_id] = 2.0
    model.lm_head = head
    return model, tokenizer


@pytest.fixture(scope="session")
def prefix(tiny) -> list[int]:
    """A rendered chat prompt's token ids."""
    tokenizer = tiny[1]
    return list(tokenizer.apply_chat_template([{"role": "user", "content": "2+3=?"}], tokenize=True,
                                              add_generation_prompt=True)["input_ids"])
