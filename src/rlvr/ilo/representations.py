"""Per-layer sentence representations of a causal LM: one vector per sentence per layer.

Each sentence is run alone through the model (no chat template; the tokenizer's own special
tokens, as the ILO authors did) with `output_hidden_states=True`. Layer 0 is the embedding
output and layer i the output of block i, so a model with N blocks gives N + 1 layers.
Pooling `mean` averages the sentence's token states (the authors' choice); `last` takes the
state of its last token. Batches are padded on the right: a causal model's real tokens never
see right padding, and positions stay 0, 1, ... as in an unpadded run, so batching does not
change a sentence's representation beyond float rounding.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from rlvr.ilo.errors import IloError

POOLINGS = ("mean", "last")


def sentence_representations(model: Any, tokenizer: Any, texts: Sequence[str], *, pooling: str = "mean",
                             batch_size: int = 16, max_tokens: int = 256,
                             advance: Callable[[int], None] | None = None) -> np.ndarray:
    """Array (layers + 1, len(texts), hidden) of pooled hidden states, float32."""
    import torch

    if pooling not in POOLINGS:
        raise IloError(f"pooling must be one of {', '.join(POOLINGS)}; got {pooling!r}")
    if batch_size < 1 or max_tokens < 1:
        raise IloError("batch size and max tokens must be >= 1")
    device = next(model.parameters()).device
    side = tokenizer.padding_side
    tokenizer.padding_side = "right"
    chunks: list[np.ndarray] = []
    # Batches of similar length waste little on padding; the rows are put back in order at the end.
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    try:
        for start in range(0, len(texts), batch_size):
            batch = [texts[i] for i in order[start:start + batch_size]]
            encoded = tokenizer(batch, return_tensors="pt", padding=True, truncation=True, max_length=max_tokens)
            encoded = {name: tensor.to(device) for name, tensor in encoded.items() if name in ("input_ids", "attention_mask")}
            with torch.no_grad():
                outputs = model(**encoded, output_hidden_states=True)
            states = getattr(outputs, "hidden_states", None)
            if not states:
                raise IloError(f"{type(model).__name__} returns no hidden states (output_hidden_states=True gave none); "
                               "ILO needs a transformers model that exposes its per-layer states")
            mask = encoded["attention_mask"].to(states[0].dtype)
            stacked = torch.stack(states)  # (layers + 1, batch, tokens, hidden)
            if pooling == "mean":
                pooled = (stacked * mask[None, :, :, None]).sum(dim=2) / mask.sum(dim=1)[None, :, None].clamp(min=1)
            else:
                last = encoded["attention_mask"].sum(dim=1) - 1
                pooled = stacked[:, torch.arange(stacked.shape[1], device=device), last]
            chunks.append(pooled.float().cpu().numpy())
            if advance is not None:
                advance(len(batch))
    finally:
        tokenizer.padding_side = side
    pooled_sorted = np.concatenate(chunks, axis=1)
    result = np.empty_like(pooled_sorted)
    result[:, order] = pooled_sorted
    return result
