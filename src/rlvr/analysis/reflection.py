"""Reflection-word rates: how often a response says "wait", "recheck", "alternatively", ...

Keyword list: SimpleRL-Zoo (Zeng et al. 2025, "SimpleRL-Zoo: Investigating and Taming Zero
Reinforcement Learning for Open Base Models in the Wild"), as released in
hkust-nlp/simpleRL-reason, examples/simplelr_math_eval/sh/collect_results.py:
{recheck, rethink, try again, wait, alternatively, retry, however}.

Formula, per response r: count(r) = number of keyword matches; rate = count / 1 response;
`has_reflection(r)` = count(r) > 0. Per step: mean count per response and the share of
responses with at least one match.

Where rlvr differs from the released code: SimpleRL-Zoo counts substrings of the lower-cased
text (so "awaiting" counts as "wait" and "however" inside "whosoever" would too); rlvr matches
whole words only (``\\b``), case-insensitively, with any run of blanks inside "try again".
One compiled alternation of literals, no nested repetition: linear in the response length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from rlvr.analysis.errors import AnalysisError

REFLECTION_WORDS: tuple[str, ...] = ("recheck", "rethink", "try again", "wait", "alternatively", "retry", "however")

_PATTERN = re.compile(
    r"\b(?:" + "|".join(re.escape(word).replace(r"\ ", r"[ \t]+") for word in REFLECTION_WORDS) + r")\b",
    re.IGNORECASE,
)


def reflection_counts(response: str) -> dict[str, int]:
    """Matches of each SimpleRL-Zoo reflection word in `response` (whole words, any case)."""
    if not isinstance(response, str):
        raise AnalysisError(f"response must be a string, got {type(response).__name__}")
    counts = dict.fromkeys(REFLECTION_WORDS, 0)
    for match in _PATTERN.finditer(response):
        counts[" ".join(match.group(0).lower().split())] += 1
    return counts


def reflection_count(response: str) -> int:
    """Total matches of the reflection words in `response`."""
    return sum(reflection_counts(response).values())


@dataclass(frozen=True)
class ReflectionRates:
    """Per-step reflection summary: `rate` is the share of responses with any reflection word,
    `per_response` the mean number of matches per response, `words` the mean per word."""

    count: int
    rate: float
    per_response: float
    words: dict[str, float]

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def reflection_rates(responses: Iterable[str]) -> ReflectionRates:
    """Reflection rates over the responses of one step (or any set of responses)."""
    per: Sequence[dict[str, int]] = [reflection_counts(text) for text in responses]
    if not per:
        raise AnalysisError("reflection rates of no responses are undefined")
    n = len(per)
    totals = [sum(c.values()) for c in per]
    return ReflectionRates(
        count=n,
        rate=sum(1 for t in totals if t) / n,
        per_response=sum(totals) / n,
        words={word: sum(c[word] for c in per) / n for word in REFLECTION_WORDS},
    )
