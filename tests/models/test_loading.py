"""Model arguments: folders, training runs, checkpoints, cached HF ids, and clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rlvr.models import ModelError, latest_checkpoint, load, resolve


def test_folder_run_and_checkpoints(tiny_model_dir: Path, tmp_path: Path) -> None:
    assert resolve(tiny_model_dir) == tiny_model_dir
    run = tmp_path / "run"
    for step in (5, 20, 10):
        shutil.copytree(tiny_model_dir, run / f"checkpoint-{step}")
    assert latest_checkpoint(run) == run / "checkpoint-20"
    assert resolve(run) == run / "checkpoint-20"
    shutil.copytree(tiny_model_dir, run / "final")
    assert resolve(run) == run / "final"


def test_load_pads_on_the_left(tiny_model_dir: Path) -> None:
    loaded = load(str(tiny_model_dir), device="cpu")
    assert loaded.tokenizer.padding_side == "left"
    assert loaded.tokenizer.pad_token is not None
    assert not loaded.model.training


@pytest.mark.parametrize(("spec", "message"), [
    ("", "empty model argument"),
    ("./no/such/folder", "no model at"),
    ("nobody-xyz/not-a-cached-model", "not in the local Hugging Face cache and rlvr never downloads"),
])
def test_errors(spec: str, message: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path / "hub"))
    with pytest.raises(ModelError, match=message):
        resolve(spec)


def test_folder_without_a_model(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="holds no model"):
        resolve(tmp_path)
    file = tmp_path / "weights.bin"
    file.write_bytes(b"x")
    with pytest.raises(ModelError, match="is a file"):
        resolve(file)


def test_bad_dtype(tiny_model_dir: Path) -> None:
    with pytest.raises(ModelError, match="dtype must be one of"):
        load(str(tiny_model_dir), dtype="int3")


def test_cached_hf_id_resolves_offline(tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The layout huggingface_hub writes: models--owner--name/{refs/main, snapshots/<commit>/...}
    repo = tmp_path / "hub" / "models--someone--tiny-llama"
    commit = "0" * 40
    shutil.copytree(tiny_model_dir, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path / "hub"))
    assert resolve("someone/tiny-llama") == repo / "snapshots" / commit
    assert load("someone/tiny-llama", device="cpu").model.config.num_hidden_layers == 2
