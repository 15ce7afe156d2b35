"""Checkpoint folders as merging sees them: where the weights are, their shapes, and which layer a tensor is in.

Shapes are read from the safetensors headers, so checking that two checkpoints share one
architecture costs no weight loading.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from rlvr.merging.errors import MergeError
from rlvr.models import ModelError, resolve

# Decoder blocks are named `...layers.N.` (Llama, Qwen, Mistral, SmolLM), `...h.N.` (GPT-2) or
# `...blocks.N.` / `...layer.N.` in other families; N is the block's index.
_LAYER = re.compile(r"(?:^|\.)(?:layers|h|blocks|layer)\.(\d+)\.")


@dataclass(frozen=True)
class Checkpoint:
    """A model folder, its config and the shape of every stored tensor."""

    path: Path
    model_type: str
    architectures: tuple[str, ...]
    num_layers: int
    shapes: dict[str, tuple[int, ...]]


def layer_of(name: str) -> int | None:
    """The decoder block a parameter belongs to (`model.layers.3.mlp...` -> 3), None outside the blocks."""
    match = _LAYER.search(name)
    return int(match.group(1)) if match else None


def open_checkpoint(spec: str | Path) -> Checkpoint:
    """Resolve a model argument (folder, training run, 'default') and read its config and tensor shapes."""
    try:
        folder = resolve(spec)
    except ModelError as err:
        raise MergeError(str(err)) from None
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise MergeError(f"cannot read {folder / 'config.json'}: {err}") from None
    shapes = _shapes(folder)
    layers = {index for name in shapes if (index := layer_of(name)) is not None}
    text = config.get("text_config") if isinstance(config.get("text_config"), dict) else config
    declared = text.get("num_hidden_layers") or text.get("n_layer")
    count = int(declared) if declared else (max(layers) + 1 if layers else 0)
    return Checkpoint(path=folder, model_type=str(config.get("model_type", "")),
                      architectures=tuple(config.get("architectures") or ()), num_layers=count, shapes=shapes)


def _shapes(folder: Path) -> dict[str, tuple[int, ...]]:
    from safetensors import safe_open

    files = sorted(folder.glob("*.safetensors"))
    if not files:
        raise MergeError(f"{folder} has no .safetensors weights; save the model with "
                         "save_pretrained(folder, safe_serialization=True) first")
    shapes: dict[str, tuple[int, ...]] = {}
    for file in files:
        try:
            with safe_open(str(file), framework="pt") as handle:
                for name in handle.keys():
                    shapes[name] = tuple(handle.get_slice(name).get_shape())
        except Exception as err:  # safetensors raises its own error types for a corrupt header
            raise MergeError(f"cannot read {file}: {err}") from None
    return shapes


def check_compatible(checkpoints: list[Checkpoint]) -> None:
    """Raise MergeError unless every checkpoint has the first one's architecture, tensors and shapes."""
    first = checkpoints[0]
    for other in checkpoints[1:]:
        if (other.model_type, other.architectures) != (first.model_type, first.architectures):
            raise MergeError(f"{other.path} is a {other.model_type or '?'} {'/'.join(other.architectures) or '?'} "
                             f"but {first.path} is a {first.model_type or '?'} {'/'.join(first.architectures) or '?'}; "
                             "merge checkpoints of one architecture")
        missing = sorted(set(first.shapes) ^ set(other.shapes))
        if missing:
            raise MergeError(f"{first.path} and {other.path} hold different tensors (e.g. {missing[0]}); "
                             "merge checkpoints of one architecture")
        for name, shape in first.shapes.items():
            if other.shapes[name] != shape:
                raise MergeError(f"{name} is {list(shape)} in {first.path} but {list(other.shapes[name])} in "
                                 f"{other.path}; merge checkpoints of the same size")


def parse_layers(text: str, num_layers: int) -> tuple[int, int]:
    """'4-8' (inclusive, 0-based) or '5' -> (first, last), checked against the model's layer count."""
    try:
        if "-" in text:
            first, last = (int(part) for part in text.split("-", 1))
        else:
            first = last = int(text)
    except ValueError:
        raise MergeError(f"--layers takes 'i-j' or 'i' (0-based, inclusive); got {text!r}") from None
    if not 0 <= first <= last < num_layers:
        raise MergeError(f"--layers {text} is out of bounds: the model has layers 0-{num_layers - 1}")
    return first, last
