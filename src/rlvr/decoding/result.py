"""What a decoding strategy returns for one problem."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Decoded:
    """One final response and what it cost.

    `tokens` and `truncated` are counted like `rlvr.evaluate`'s completions (up to and including
    the end-of-turn token); `generated` is every token the strategy sampled to choose it, all
    rollouts and discarded samples included, so strategies can be compared at equal compute.
    """

    text: str
    tokens: int
    truncated: bool
    generated: int
