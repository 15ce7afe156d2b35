"""Freeze a causal LM's first layers, as the ILO paper does to keep early-layer interlingual alignment.

`freeze_first_layers(model, n)` stops gradients for the token embedding and transformer blocks
0..n-1, so hidden states 0..n (see `rlvr.ilo.representations`) stay exactly as they were. The
recipe key `algorithm.freeze_layers: n` applies it before training (engine trl).

Source: Wilie et al. 2025, section on selective freezing; the authors' `selective_grad_freeze`
(HLTCHKUST/interlingua src/param_freeze.py) also freezes the token embedding and, by default,
the final norm and output head. rlvr leaves the final norm trainable; an output head tied to the
token embedding (SmolLM2, the tiny test model) is the same tensor and so is frozen with it.
"""

from __future__ import annotations

from typing import Any

from rlvr.ilo.errors import IloError

# Where transformers keeps the block list, by architecture family (first match wins).
_BLOCK_PATHS = ("model.layers", "model.decoder.layers", "transformer.h", "gpt_neox.layers", "transformer.blocks")


def transformer_blocks(model: Any) -> Any:
    """The model's list of transformer blocks (Llama, Qwen, Mistral, GPT-2, GPT-NeoX, OPT, ...)."""
    base = getattr(model, "base_model", model)
    for candidate in (model, base, getattr(base, "model", None)):
        for path in _BLOCK_PATHS:
            node = candidate
            for part in path.split("."):
                node = getattr(node, part, None)
                if node is None:
                    break
            if node is not None and hasattr(node, "__len__"):
                return node
    raise IloError(f"cannot find the transformer blocks of {type(model).__name__} (looked for {', '.join(_BLOCK_PATHS)})")


def freeze_first_layers(model: Any, count: int) -> list[str]:
    """Set requires_grad=False on the token embedding and the first `count` blocks; returns the frozen names."""
    if count < 0:
        raise IloError(f"the number of layers to freeze must be >= 0; got {count}")
    if count == 0:
        return []
    blocks = transformer_blocks(model)
    if count > len(blocks):
        raise IloError(f"cannot freeze {count} layers: {type(model).__name__} has {len(blocks)} transformer blocks")
    frozen_ids = {id(p) for p in model.get_input_embeddings().parameters()}
    for block in list(blocks)[:count]:
        frozen_ids.update(id(p) for p in block.parameters())
    names = []
    for name, parameter in model.named_parameters():
        if id(parameter) in frozen_ids:
            parameter.requires_grad_(False)
            names.append(name)
    return names
