"""Shared checking helpers for the arithmetic, logic and planning families.

Every checker here caps the answer length before parsing, so a hostile or runaway
response costs bounded time, and builds `Verdict`s with the shared `Reason` words.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any, TypeVar

from rlvr.tasks.base import TaskError, extract_answer
from rlvr.verify.verdict import Reason, Verdict

MAX_ANSWER_CHARS = 4096
T = TypeVar("T")
# Plain digits, or thousands grouped by commas ("12,345"): "1,3" and "1 3" are two numbers, not 13.
_INT = re.compile(r"[+-]?(?:[0-9]{1,30}|[0-9]{1,3}(?:,[0-9]{3}){1,9})")
_TRAILING_PUNCT = ".;!"


def take_answer(response: str) -> tuple[str | None, Verdict | None]:
    """The extracted answer, or a failing Verdict when there is none or it is too long."""
    text = extract_answer(response)
    if text is None:
        return None, Verdict(False, Reason.NO_ANSWER, detail="no <answer></answer> tag in the response")
    if len(text) > MAX_ANSWER_CHARS:
        return None, Verdict(False, Reason.INVALID_FORMAT, extracted=text[:200],
                             detail=f"answer longer than {MAX_ANSWER_CHARS} characters")
    if not text:
        return None, Verdict(False, Reason.INVALID_FORMAT, extracted=text, detail="empty answer")
    return text, None


def invalid(extracted: str, detail: str) -> Verdict:
    """The answer could not be parsed in the required format."""
    return Verdict(False, Reason.INVALID_FORMAT, extracted=extracted, detail=detail)


def violation(extracted: str, detail: str) -> Verdict:
    """The answer parsed but breaks a rule of the puzzle."""
    return Verdict(False, Reason.RULE_VIOLATION, extracted=extracted, detail=detail)


def valid(extracted: str, detail: str = "the answer satisfies every rule") -> Verdict:
    """A rule-checked answer that satisfies the puzzle."""
    return Verdict(True, Reason.VALID_SOLUTION, extracted=extracted, detail=detail)


def parse_int(text: str) -> int | None:
    """A plain integer, tolerant of surrounding spaces, thousands commas and a final period.

    Digits separated by a space, or by a comma that does not group thousands, are not one
    number: "1 3" and "1,3" give None, "1,300" gives 1300.
    """
    cleaned = text.strip().rstrip(_TRAILING_PUNCT).strip()
    if cleaned.startswith("\\boxed{") and cleaned.endswith("}"):
        cleaned = cleaned[7:-1].strip()
    if not _INT.fullmatch(cleaned):
        return None
    return int(cleaned.replace(",", ""))


def check_int(response: str, gold: int) -> Verdict:
    """Exact integer comparison of the extracted answer with `gold`."""
    text, failed = take_answer(response)
    if failed is not None:
        return failed
    value = parse_int(text)
    if value is None:
        return invalid(text, "expected a single integer")
    if value == gold:
        return Verdict(True, Reason.EQUAL_NUMERIC, extracted=text, normalized=str(value), gold_normalized=str(gold))
    return Verdict(False, Reason.NOT_EQUAL, extracted=text, normalized=str(value), gold_normalized=str(gold),
                   detail=f"expected {gold}")


def normalize_word(text: str) -> str:
    """Lowercase, collapse spaces, drop a leading article and trailing punctuation."""
    words = text.strip().rstrip(_TRAILING_PUNCT).lower().split()
    if len(words) > 1 and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words)


def check_choice(response: str, gold: str, options: list[str]) -> Verdict:
    """Exact comparison of a word answer drawn from a closed list of `options`."""
    text, failed = take_answer(response)
    if failed is not None:
        return failed
    said = normalize_word(text)
    allowed = {normalize_word(o) for o in options}
    if said not in allowed:
        return invalid(text, f"expected one of: {', '.join(options)}")
    wanted = normalize_word(gold)
    if said == wanted:
        return Verdict(True, Reason.EQUAL_STRING, extracted=text, normalized=said, gold_normalized=wanted)
    return Verdict(False, Reason.NOT_EQUAL, extracted=text, normalized=said, gold_normalized=wanted,
                   detail=f"expected {gold}")


def other_int(gold: int, rng: random.Random) -> str:
    """A wrong integer near the gold, for corrupting numeric answers."""
    return str(gold + rng.choice([-3, -2, -1, 1, 2, 3]))


def other_choice(gold: str, options: list[str], rng: random.Random) -> str:
    """A different option from the closed list."""
    wrong = [o for o in options if normalize_word(o) != normalize_word(gold)]
    return rng.choice(wrong)


def format_example(rng: random.Random, options: Sequence[str], pool: Sequence[str]) -> str:
    """A format example that tells nothing about the answer.

    A value of the answer's kind from `pool` that is not one of the puzzle's `options`, or,
    when the pool has no such value, one of the options drawn at random (it may be the
    answer). Never chosen with the answer in view: an example "next to" the answer or
    "anything but" the answer gives the answer away.
    """
    listed = set(options)
    outside = [value for value in pool if value not in listed]
    return rng.choice(outside) if outside else rng.choice(list(options))


def lerp(difficulty: int, low: float, high: float) -> int:
    """Round a knob linearly from `low` at difficulty 1 to `high` at difficulty 10 (monotone)."""
    return int(round(low + (high - low) * (difficulty - 1) / 9))


PEOPLE = [
    "Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace", "Henry", "Iris", "Jack",
    "Kate", "Liam", "Maya", "Noah", "Olga", "Paul", "Quinn", "Rosa", "Sam", "Tara",
    "Uma", "Victor", "Wendy", "Xavier", "Yara", "Zack",
]


def require(condition: bool, message: str) -> None:
    """Reject a knob setting (from `tasks.get(name, knob=...)`) that the generator cannot honour."""
    if not condition:
        raise TaskError(message)


class CachedConfig:
    """Mixin for a `Task` whose Config is a frozen dataclass: resolve it once per difficulty.

    Resolving with knob overrides rebuilds the dataclass (and re-runs its checks) on every
    item, which costs more than some families spend making the item; the result depends
    only on the difficulty and the overrides fixed at construction, so it is reused.
    Invalid difficulties are not cached, so they raise on every call.
    """

    def resolved_config(self, difficulty: int) -> Any:
        cache: dict[int, Any] = self.__dict__.setdefault("_resolved_configs", {})
        config = cache.get(difficulty) if type(difficulty) is int else None
        if config is None:
            config = super().resolved_config(difficulty)  # type: ignore[misc]
            cache[difficulty] = config
        return config


# Fast draws for families whose whole item costs a few microseconds. `int(random() * n)` has
# the odds of `randrange(n)` up to 2**-53 for any n below 2**53, at a fraction of the cost.
def fast_sample(rng: random.Random, population: Sequence[T], k: int) -> list[T]:
    """`k` distinct entries of `population` in random order (a partial Fisher-Yates shuffle)."""
    pool = list(population)
    if not 0 <= k <= len(pool):
        raise ValueError(f"cannot sample {k} of {len(pool)} entries")
    draw, size = rng.random, len(pool)
    for i in range(k):
        j = i + int(draw() * (size - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def fast_shuffle(rng: random.Random, items: list[Any]) -> None:
    """Shuffle `items` in place (Fisher-Yates)."""
    draw = rng.random
    for i in range(len(items) - 1, 0, -1):
        j = int(draw() * (i + 1))
        items[i], items[j] = items[j], items[i]
