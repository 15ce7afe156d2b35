"""The error a bad model argument raises."""

from __future__ import annotations


class ModelError(ValueError):
    """A model argument that cannot be loaded (missing folder, uncached HF id, missing GGUF, ...)."""
