"""`diff`: where an update between two checkpoints lives, layer by layer.

- Relative update size of layer l: ||W_t - W_b||_F / ||W_b||_F over all of the layer's tensors
  (the quantity plotted per layer by Mukherjee et al. 2025, "Reinforcement learning finetunes small
  subnetworks in large language models", arXiv:2505.11711).
- Share changed: the fraction of the layer's parameters with W_t != W_b exactly, and with
  |W_t - W_b| > tol (the same paper counts an entry as updated above an absolute tolerance, 1e-5).
- Layer-range ablation: the base with a block of layers taken from the trained model, scored on
  held-out problems by rlvr.evaluate; the blocks whose swap recovers the trained accuracy carry
  the gain (the layer-swap analysis of Bandarkar et al. 2024, arXiv:2410.01335).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from rlvr.merging.checkpoints import layer_of
from rlvr.merging.errors import MergeError
from rlvr.merging.methods import swap_layers

OUTSIDE = "outside layers"  # embeddings, final norm and head
DEFAULT_TOLERANCE = 1e-5


@dataclass
class LayerUpdate:
    """How much one layer (or everything outside the layers) moved between two checkpoints."""

    layer: int | None
    parameters: int
    relative_update: float
    changed_share: float
    changed_share_tol: float


@dataclass
class SwapScore:
    """Held-out accuracy of the base with layers first..last taken from the trained model."""

    first: int
    last: int
    accuracy: float


def model_parameters(model: Any) -> dict[str, Any]:
    """Name -> tensor of every parameter, a tied head counted once (named_parameters dedupes)."""
    return {name: param.detach() for name, param in model.named_parameters()}


def update_stats(base: Mapping[str, Any], trained: Mapping[str, Any],
                 tolerance: float = DEFAULT_TOLERANCE) -> list[LayerUpdate]:
    """Per layer, in layer order, then one row for the tensors outside the layers."""
    import torch

    if set(base) != set(trained):
        odd = sorted(set(base) ^ set(trained))[0]
        raise MergeError(f"the checkpoints hold different tensors (e.g. {odd}); compare checkpoints of one architecture")
    sums: dict[int | None, list[float]] = {}  # layer -> [count, diff^2, base^2, changed, changed above tol]
    for name, before in base.items():
        after = trained[name]
        if before.shape != after.shape:
            raise MergeError(f"{name} is {list(before.shape)} in the base but {list(after.shape)} in the trained model")
        b = before.to(torch.float64)
        delta = after.to(torch.float64) - b
        row = sums.setdefault(layer_of(name), [0.0, 0.0, 0.0, 0.0, 0.0])
        row[0] += delta.numel()
        row[1] += float(delta.pow(2).sum())
        row[2] += float(b.pow(2).sum())
        row[3] += float((delta != 0).sum())
        row[4] += float((delta.abs() > tolerance).sum())
    order = sorted(key for key in sums if key is not None) + ([None] if None in sums else [])
    rows = []
    for key in order:
        count, diff2, base2, changed, changed_tol = sums[key]
        rows.append(LayerUpdate(layer=key, parameters=int(count),
                                relative_update=(diff2 ** 0.5) / (base2 ** 0.5) if base2 > 0 else float("nan"),
                                changed_share=changed / count, changed_share_tol=changed_tol / count))
    return rows


def blocks(num_layers: int, size: int) -> list[tuple[int, int]]:
    """Consecutive (first, last) layer ranges of `size` covering 0..num_layers-1 (the last may be shorter)."""
    if size < 1:
        raise MergeError(f"--block-size must be >= 1; got {size}")
    if size > num_layers:
        raise MergeError(f"--block-size {size} is larger than the model's {num_layers} layers")
    return [(start, min(start + size, num_layers) - 1) for start in range(0, num_layers, size)]


def swap_ablation(model: Any, base_state: Mapping[str, Any], trained_state: Mapping[str, Any],
                  ranges: Sequence[tuple[int, int]], score: Callable[[Any], float],
                  on_done: Callable[[SwapScore], None] | None = None) -> list[SwapScore]:
    """Score `model` loaded with each range of layers swapped from `trained_state` into `base_state`.

    `model` is left holding the base weights. `base_state` must be a copy (not the model's own tensors).
    """
    results = []
    try:
        for first, last in ranges:
            model.load_state_dict(swap_layers(base_state, trained_state, first, last), strict=True)
            result = SwapScore(first=first, last=last, accuracy=score(model))
            results.append(result)
            if on_done is not None:
                on_done(result)
    finally:
        model.load_state_dict(dict(base_state), strict=True)
    return results


def as_json(updates: Sequence[LayerUpdate], swaps: Sequence[SwapScore] | None, **meta: Any) -> dict[str, Any]:
    """The JSON record of one diff."""
    record: dict[str, Any] = dict(meta)
    record["updates"] = [asdict(row) | {"layer": row.layer if row.layer is not None else OUTSIDE} for row in updates]
    if swaps is not None:
        record["layer_swap"] = [asdict(row) for row in swaps]
    return record
