"""Turn a model argument into a local folder, then into a (model, tokenizer) pair.

A model argument is "default" (the embedded SmolLM2-135M-Instruct), a local folder
(a saved model, an rlvr training run, or one of its checkpoints), or a Hugging Face id
that is already in the local HF cache. rlvr never downloads weights.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rlvr.models.embedded import ensure_cached
from rlvr.models.errors import ModelError

DEFAULT_MODEL = "default"
FINAL_FOLDER = "final"
_HF_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_CHECKPOINT = re.compile(r"^checkpoint-(\d+)$")


@dataclass
class LoadedModel:
    """A causal LM ready to sample, its tokenizer (left padding) and the folder it came from."""

    model: Any
    tokenizer: Any
    path: Path


def latest_checkpoint(folder: Path) -> Path | None:
    """The `checkpoint-N` sub-folder with the highest N, or None."""
    found = []
    if folder.is_dir():
        for child in folder.iterdir():
            match = _CHECKPOINT.match(child.name)
            if match and child.is_dir():
                found.append((int(match.group(1)), child))
    return max(found)[1] if found else None


def resolve(spec: str | Path) -> Path:
    """The local folder holding the model named by `spec` (never downloads)."""
    text = str(spec).strip()
    if not text:
        raise ModelError("empty model argument; pass 'default', a local folder or a cached Hugging Face id")
    if text == DEFAULT_MODEL:
        return ensure_cached()
    path = Path(text).expanduser()
    if path.exists():
        return _model_folder(path)
    if _HF_ID.match(text) and not text.startswith((".", "/", "~")):
        return _from_hf_cache(text)
    raise ModelError(f"no model at {text!r}: not a folder, and not a Hugging Face id of the form owner/name")


def _model_folder(path: Path) -> Path:
    if not path.is_dir():
        raise ModelError(f"{path} is a file; pass the folder that holds config.json and the weights")
    if (path / "config.json").is_file():
        return path
    # An rlvr training run: its final model, else its newest checkpoint.
    if (path / FINAL_FOLDER / "config.json").is_file():
        return path / FINAL_FOLDER
    checkpoint = latest_checkpoint(path)
    if checkpoint is not None and (checkpoint / "config.json").is_file():
        return checkpoint
    raise ModelError(f"{path} holds no model: expected config.json, a '{FINAL_FOLDER}' folder or checkpoint-N folders")


def _from_hf_cache(repo_id: str) -> Path:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return Path(snapshot_download(repo_id, local_files_only=True))
    except (LocalEntryNotFoundError, FileNotFoundError, OSError):
        raise ModelError(
            f"{repo_id!r} is not in the local Hugging Face cache and rlvr never downloads weights; "
            "fetch it beforehand (e.g. `hf download " + repo_id + "`) or pass a local folder"
        ) from None


def load(spec: str | Path, device: str | None = None, dtype: str = "auto") -> LoadedModel:
    """Load model and tokenizer for sampling or training; tokenizer pads on the left."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = resolve(spec)
    torch_dtype = _dtype(dtype, device)
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(folder))
        model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=torch_dtype)
    except (OSError, ValueError) as err:
        raise ModelError(f"cannot load a causal LM from {folder}: {err}") from None
    prepare_tokenizer(tokenizer)
    if model.generation_config.pad_token_id is None:
        model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.to(device or default_device())
    model.eval()
    return LoadedModel(model=model, tokenizer=tokenizer, path=folder)


def prepare_tokenizer(tokenizer: Any) -> Any:
    """Left padding (batched generation) and a pad token (falls back to eos)."""
    tokenizer.padding_side = "left"
    if tokenizer.pad_token is None:
        if tokenizer.eos_token is None:
            raise ModelError("the tokenizer has neither a pad nor an eos token")
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def default_device() -> str:
    """cuda when a GPU is visible, else cpu."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _dtype(name: str, device: str | None) -> Any:
    import torch

    choices = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
    if name == "auto":
        # fp32 on CPU (bf16 matmuls are slow there); bf16 on GPUs that support it.
        on_gpu = (device or default_device()).startswith("cuda")
        return torch.bfloat16 if on_gpu and torch.cuda.is_bf16_supported() else torch.float32
    if name not in choices:
        raise ModelError(f"dtype must be one of auto, {', '.join(choices)}; got {name!r}")
    return choices[name]
