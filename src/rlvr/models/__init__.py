"""Model loading: the embedded default model, local folders and cached Hugging Face ids.

    from rlvr import models
    loaded = models.load("default")          # SmolLM2-135M-Instruct, cached as safetensors
    loaded.model, loaded.tokenizer           # tokenizer pads on the left
    models.resolve("runs/demo")              # a training run's final model folder

Nothing here downloads weights; torch and transformers are imported inside the functions.
"""

from rlvr.models.embedded import EMBEDDED_NAME, cache_root, cached_path, ensure_cached, gguf_path, is_cached
from rlvr.models.errors import ModelError
from rlvr.models.loading import DEFAULT_MODEL, LoadedModel, default_device, latest_checkpoint, load, prepare_tokenizer, resolve

__all__ = [
    "DEFAULT_MODEL",
    "EMBEDDED_NAME",
    "LoadedModel",
    "ModelError",
    "cache_root",
    "cached_path",
    "default_device",
    "ensure_cached",
    "gguf_path",
    "is_cached",
    "latest_checkpoint",
    "load",
    "prepare_tokenizer",
    "resolve",
]
