"""Normalised loss of a causal LM on documents: bits per character (BPC).

BPC(d) = sum over the document's tokens of -ln p(token | prefix), divided by ln 2 and by the
number of characters (PreSelect, Sec. 2.2, after Huang et al. 2024 "Compression Represents
Intelligence Linearly"). Per character, not per token, so models with different tokenizers
compare on the same text. Where rlvr differs from the authors' script: a document is cut to its
first `max_chars` characters (the authors slide a 1,900-token window with stride 512 over the
whole document), and the first token is predicted from the tokenizer's BOS token (its EOS when
it has no BOS, as GPT-2-style models do; with neither, the first token is not scored). Every
model sees the same characters either way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from rlvr.preselect.errors import PreselectError

DEFAULT_MAX_CHARS = 2000
DEFAULT_BATCH = 8


def document_bpc(model: Any, tokenizer: Any, texts: Sequence[str], *, max_chars: int = DEFAULT_MAX_CHARS,
                 batch_size: int = DEFAULT_BATCH, advance: Callable[[int], None] | None = None) -> list[float]:
    """BPC of each text (cut to `max_chars` characters) under `model`; formula in the module docstring."""
    import torch

    if max_chars < 1:
        raise PreselectError(f"max_chars must be at least 1; got {max_chars}")
    cut = [text[:max_chars] for text in texts]
    start = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id
    prefix = [start] if start is not None else []
    encoded = [prefix + tokenizer(text, add_special_tokens=False).input_ids for text in cut]
    device = next(model.parameters()).device
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    # Similar lengths share a batch, so little compute goes to padding.
    order = sorted(range(len(cut)), key=lambda k: len(encoded[k]))
    results = [math.nan] * len(cut)
    with torch.inference_mode():
        for first in range(0, len(order), batch_size):
            members = order[first:first + batch_size]
            longest = max(len(encoded[k]) for k in members)
            ids = torch.full((len(members), longest), pad, dtype=torch.long)
            mask = torch.zeros((len(members), longest), dtype=torch.long)
            for row, k in enumerate(members):
                ids[row, :len(encoded[k])] = torch.tensor(encoded[k], dtype=torch.long)
                mask[row, :len(encoded[k])] = 1
            ids, mask = ids.to(device), mask.to(device)
            logits = model(input_ids=ids, attention_mask=mask).logits.float()
            # Token t is predicted from positions < t; padding (right side) is masked out.
            nats = torch.nn.functional.cross_entropy(logits[:, :-1].transpose(1, 2), ids[:, 1:], reduction="none")
            totals = (nats * mask[:, 1:]).sum(dim=1).tolist()
            for row, k in enumerate(members):
                results[k] = totals[row] / (math.log(2) * len(cut[k]))
            if advance is not None:
                advance(len(members))
    return results
