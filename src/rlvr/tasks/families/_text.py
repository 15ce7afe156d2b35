"""Helpers shared by the string, sequence and logic families: answer capping, word list."""

from __future__ import annotations

import random
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import TypeVar

from rlvr.tasks.base import extract_answer
from rlvr.verify.verdict import Reason, Verdict

T = TypeVar("T")

MAX_ANSWER_CHARS = 4096


def take(response: str, limit: int = MAX_ANSWER_CHARS) -> tuple[str, None] | tuple[None, Verdict]:
    """The tagged answer, or (None, the Verdict to return) when it is missing, empty or too long.

    Test `text is None`, not the Verdict: a failing Verdict is falsy.
    """
    text = extract_answer(response) if isinstance(response, str) else None
    if text is None:
        return None, Verdict(False, Reason.NO_ANSWER, detail="no <answer></answer> tag in the response")
    if not text:
        return None, Verdict(False, Reason.INVALID_FORMAT, extracted="", detail="empty answer")
    if len(text) > limit:
        return None, Verdict(False, Reason.INVALID_FORMAT, extracted=text[:200],
                             detail=f"answer longer than {limit} characters")
    return text, None


def invalid(extracted: str, detail: str) -> Verdict:
    return Verdict(False, Reason.INVALID_FORMAT, extracted=extracted[:200], detail=detail)


def violation(extracted: str, detail: str) -> Verdict:
    return Verdict(False, Reason.RULE_VIOLATION, extracted=extracted[:200], detail=detail)


def wrong(extracted: str, normalized: str, gold: str, detail: str | None = None) -> Verdict:
    return Verdict(False, Reason.NOT_EQUAL, extracted=extracted[:200], normalized=normalized[:200],
                   gold_normalized=gold, detail=detail)


def quick_sample(rng: random.Random, population: Sequence[T], k: int) -> list[T]:
    """`k` distinct items in random order, uniformly, drawing with `rng.random()` (one C call per draw).

    Same role as `rng.sample`, several times faster for small k.
    """
    size = len(population)
    if not 0 <= k <= size:
        raise ValueError(f"cannot take {k} items from {size}")
    if 4 * k <= size:
        # Few items from many: rejection of repeats is cheaper than copying the population.
        picked: list[int] = []
        seen: set[int] = set()
        while len(picked) < k:
            i = int(rng.random() * size)
            if i not in seen:
                seen.add(i)
                picked.append(i)
        return [population[i] for i in picked]
    pool = list(population)
    for i in range(k):
        j = i + int(rng.random() * (size - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


@lru_cache(maxsize=1)
def words() -> tuple[str, ...]:
    """The bundled list of common English words (lowercase, unique, sorted)."""
    text = resources.files("rlvr.tasks").joinpath("data", "words.txt").read_text(encoding="utf-8")
    return tuple(sorted(set(text.split())))
