"""A tiny two-kind corpus (math words against shopping spam) for the PreSelect tests."""

from __future__ import annotations

import random

MATH = ["theorem", "proof", "lemma", "integer", "equation", "prime", "divides", "solve", "sum", "root"]
SPAM = ["buy", "cheap", "offer", "click", "discount", "deal", "shop", "sale", "free", "win"]


def make_texts(words: list[str], count: int, seed: int) -> list[str]:
    """`count` short texts of 6-12 words drawn from `words` plus a few shared filler words."""
    rng = random.Random(seed)
    filler = ["the", "a", "of", "and", "to", "we"]
    return [" ".join(rng.choice(words + filler) for _ in range(rng.randint(6, 12))) for _ in range(count)]
