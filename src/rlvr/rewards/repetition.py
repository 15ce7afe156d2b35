"""Degenerate-repetition detection on token ids, vectorised over the batch.

A generation stuck in a loop ends in the same n-grams over and over. For each
response we take its last `window` tokens, hash every n-gram in them with a
polynomial rolling hash (uint32 arithmetic, wrapping: a chance collision only
makes one n-gram look repeated), and measure the share of
n-gram positions whose n-gram already occurred in that window. A loop of period p
over a window of W tokens repeats about 1 - p/W of its n-grams; ordinary reasoning
text, even with recurring phrases, repeats few 8-grams. Looking only at the tail keeps
the cost independent of how long the responses are.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np

from rlvr.rewards.base import RewardError

_BASE = np.uint32(1_000_003)
_BASE_INVERSE = np.uint32(pow(1_000_003, -1, 2**32))
_PAD_HASHES = np.uint32(0xFFFF0000)  # padded positions hash to PAD + position: distinct from each other


def _powers(base: np.uint32, count: int) -> np.ndarray:
    """base**0 .. base**(count-1) modulo 2**32."""
    powers = np.ones(count, dtype=np.uint32)
    if count > 1:
        powers[1:] = np.cumprod(np.full(count - 1, base, dtype=np.uint32), dtype=np.uint32)
    return powers


def _ngram_hashes(tails: np.ndarray, ngram: int) -> np.ndarray:
    """Position-independent hash of every n-gram in each row (rolling polynomial, mod 2**32)."""
    window = tails.shape[1]
    tokens = tails.view(np.uint32) if tails.dtype == np.int32 else tails.astype(np.uint32)
    prefix = np.zeros((tails.shape[0], window + 1), dtype=np.uint32)
    np.multiply(tokens, _powers(_BASE, window)[None, :], out=prefix[:, 1:])
    np.cumsum(prefix[:, 1:], axis=1, dtype=np.uint32, out=prefix[:, 1:])
    positions = window - ngram + 1
    hashes = np.subtract(prefix[:, ngram : ngram + positions], prefix[:, :positions])
    hashes *= _powers(_BASE_INVERSE, positions)[None, :]
    return hashes


def tail_matrix(token_ids: Sequence[Sequence[int]] | np.ndarray, lengths: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """The last `window` tokens of each response, left-aligned, and how many are real.

    `token_ids` is a list of sequences (read in full) or a padded 2-D array whose rows
    are read up to `lengths`.
    """
    count = len(token_ids)
    if isinstance(token_ids, np.ndarray) and token_ids.ndim == 2:
        width = token_ids.shape[1]
        if width == 0:
            return np.zeros((count, window), dtype=np.int64), np.zeros(count, dtype=np.int64)
        usable = np.minimum(lengths, width)
        valid = np.minimum(usable, window)
        flat = np.ascontiguousarray(token_ids).reshape(-1)
        start = np.arange(count, dtype=np.int64) * width + (usable - valid)
        if width >= window:
            # each row's window is one contiguous slice; past `valid` it runs into the next
            # row, which the hashing treats as padding
            return np.lib.stride_tricks.sliding_window_view(flat, window)[start], valid.astype(np.int64)
        columns = np.minimum(start[:, None] + np.arange(window), flat.shape[0] - 1)
        return flat[columns], valid.astype(np.int64)
    pieces = [sequence[-window:] for sequence in token_ids]
    valid = np.fromiter(map(len, pieces), dtype=np.int64, count=count)
    total = int(valid.sum())
    try:
        if all(isinstance(piece, np.ndarray) and piece.ndim == 1 for piece in pieces):
            flat = np.concatenate(pieces).astype(np.int64, copy=False) if total else np.zeros(0, np.int64)
        else:
            flat = np.fromiter(chain.from_iterable(pieces), dtype=np.int64, count=total)
    except (TypeError, ValueError, OverflowError):
        raise RewardError("token_ids must hold one flat sequence of integer token ids per response") from None
    if total == count * window:
        return flat.reshape(count, window), valid
    tails = np.zeros((count, window), dtype=np.int64)
    tails[np.arange(window)[None, :] < valid[:, None]] = flat  # row-major, the order of `pieces`
    return tails, valid


def repeated_share(
    token_ids: Sequence[Sequence[int]] | np.ndarray,
    lengths: np.ndarray,
    window: int = 256,
    ngram: int = 8,
) -> np.ndarray:
    """Share (0..1) of n-gram positions in each response's tail whose n-gram occurred earlier in it.

    Responses with fewer than `2 * ngram` tokens get 0 (too short to call a loop).
    """
    if ngram < 1 or window < 2 * ngram:
        raise RewardError(f"repetition check needs ngram >= 1 and window >= 2 * ngram; got ngram={ngram}, window={window}")
    count = len(token_ids)
    if count == 0:
        return np.zeros(0)
    tails, valid = tail_matrix(token_ids, np.asarray(lengths, dtype=np.int64), window)
    if tails.size and tails.min() < 0:
        raise RewardError("token ids must be >= 0")
    positions = window - ngram + 1
    real_positions = np.maximum(valid - ngram + 1, 0)
    hashes = _ngram_hashes(tails, ngram)
    short = np.flatnonzero(real_positions < positions)
    padding_count = np.zeros(count, dtype=np.int64)
    if short.size:
        # padded positions of short responses get distinct values so they never look repeated
        padding = np.arange(positions)[None, :] >= real_positions[short, None]
        sentinel = _PAD_HASHES + np.arange(positions, dtype=np.uint32)
        hashes[short] = np.where(padding, sentinel[None, :], hashes[short])
        padding_count[short] = padding.sum(axis=1)
    hashes.sort(axis=1)
    distinct = 1 + np.count_nonzero(hashes[:, 1:] != hashes[:, :-1], axis=1) - padding_count
    share = 1.0 - distinct / np.maximum(real_positions, 1)
    return np.where(valid >= 2 * ngram, share, 0.0)


def is_degenerate(
    token_ids: Sequence[Sequence[int]] | np.ndarray,
    lengths: np.ndarray,
    window: int = 256,
    ngram: int = 8,
    threshold: float = 0.5,
) -> np.ndarray:
    """True where a response's tail repeats at least `threshold` of its n-grams."""
    return repeated_share(token_ids, lengths, window, ngram) >= threshold
