"""`rlvr diff` end to end: open both checkpoints, measure the update, run the ablation, write figures and JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rlvr.evaluate.sampling import ProgressHook
from rlvr.merging.checkpoints import check_compatible, open_checkpoint
from rlvr.merging.diff import DEFAULT_TOLERANCE, as_json, blocks, model_parameters, swap_ablation, update_stats
from rlvr.merging.heldout import HeldoutSet
from rlvr.merging.output import check_new_folder, new_folder
from rlvr.merging.plots import plot_layer_swap, plot_sparsity, plot_update_size
from rlvr.models import load

JSON_NAME = "diff.json"
FIGURES = {"size": "update_size.png", "sparsity": "update_sparsity.png", "swap": "layer_swap.png"}


def default_block_size(num_layers: int) -> int:
    """About six blocks: enough to place the gain, few enough to evaluate on a CPU."""
    return max(1, round(num_layers / 6))


def diff_checkpoints(base: str, trained: str, output: str | Path, *, tolerance: float = DEFAULT_TOLERANCE,
                     block_size: int | None = None, heldout: HeldoutSet | None = None,
                     progress: ProgressHook | None = None, device: str | None = None) -> dict[str, Any]:
    """Write update_size.png, update_sparsity.png, layer_swap.png (when `heldout`) and diff.json to `output`."""
    check_new_folder(output)
    first, second = open_checkpoint(base), open_checkpoint(trained)
    check_compatible([first, second])
    size = block_size or default_block_size(first.num_layers)
    ranges = blocks(first.num_layers, size)
    base_loaded, trained_loaded = load(first.path, device=device), load(second.path, device=device)
    updates = update_stats(model_parameters(base_loaded.model), model_parameters(trained_loaded.model), tolerance)
    swaps, scores = None, {}
    if heldout is not None:
        score = heldout.scorer(base_loaded.tokenizer, progress)
        scores = {"base": score(base_loaded.model), "trained": score(trained_loaded.model)}
        # A copy of the base: the ablation loads each swap into the base model's own tensors.
        base_state = {name: tensor.detach().clone() for name, tensor in base_loaded.model.state_dict().items()}
        trained_state = {name: tensor.detach() for name, tensor in trained_loaded.model.state_dict().items()}
        swaps = swap_ablation(base_loaded.model, base_state, trained_state, ranges, score)
    record = as_json(updates, swaps, base=str(first.path), trained=str(second.path), tolerance=tolerance,
                     num_layers=first.num_layers, block_size=size, accuracy=scores,
                     heldout=heldout.describe() if heldout else None)
    with new_folder(output) as folder:
        title = f"{Path(second.path).name} vs {Path(first.path).name}"
        plot_update_size(updates, folder / FIGURES["size"], f"relative update per layer: {title}")
        plot_sparsity(updates, tolerance, folder / FIGURES["sparsity"], f"parameters changed per layer: {title}")
        if swaps is not None:
            plot_layer_swap(swaps, scores["base"], scores["trained"], folder / FIGURES["swap"],
                            f"base with a block of trained layers: held-out accuracy ({heldout.n if heldout else 0} problems)")
        (folder / JSON_NAME).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record

