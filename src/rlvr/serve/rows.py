"""Checkers for the rows a request names (gold answers, task problems), cached by size.

Trainers send each row many times (G samples a prompt, then again every epoch), so parsed
rows are kept. The cache is bounded by an estimate of the memory it holds, not by a count
of entries, and keyed by a digest, so a stream of distinct large problems cannot grow the
server's memory: the oldest rows are dropped first, and a row too large to be worth
keeping is parsed per request.
"""

from __future__ import annotations

import json
from typing import Any

from rlvr.engines.scoring import PROBLEM_SIZE_FACTOR, RowChecker, problem_checker
from rlvr.engines.sized_cache import SizedCache
from rlvr.rewards.base import RewardError

_NO_GOLD = ("dataset row has neither problem_json nor a gold answer; send each item's reference answer "
            "(OpenRLHF: point --label_key at the answer or problem_json column)")


class RowCache:
    """Row checkers for one server (one timeout), an LRU bounded by `max_bytes` (approximate)."""

    def __init__(self, max_bytes: int, timeout: float, max_gold_chars: int, max_problem_chars: int) -> None:
        self.timeout = float(timeout)
        self.max_gold_chars = max_gold_chars
        self.max_problem_chars = max_problem_chars
        self._cache: SizedCache[RowChecker] = SizedCache(max_bytes)

    @property
    def max_bytes(self) -> int:
        """The cache's bound, in estimated bytes."""
        return self._cache.max_bytes

    @property
    def bytes(self) -> int:
        """Estimated bytes held now."""
        return self._cache.bytes

    def __len__(self) -> int:
        return len(self._cache)

    def gold(self, gold: str | int | float) -> RowChecker:
        """The checker of a gold math answer; raises `RewardError` for an empty one."""
        text = gold if isinstance(gold, str) else str(gold)
        _within(text, self.max_gold_chars, "the gold answer", "--max-gold-chars")
        return self._cache.get("g" + text, len(text), lambda: self._gold_checker(text))

    def problem(self, problem_json: str) -> RowChecker:
        """The checker of an rlvr task problem; raises `RewardError` naming what is wrong with it."""
        _within(problem_json, self.max_problem_chars, "problem_json", "--max-problem-chars")
        return self._cache.get("p" + problem_json, PROBLEM_SIZE_FACTOR * len(problem_json), lambda: problem_checker(problem_json, self.timeout))

    def label(self, label: Any) -> RowChecker:
        """An OpenRLHF label: rlvr's problem_json (a JSON object with a `task`) or a gold answer."""
        if isinstance(label, str) and label.lstrip().startswith("{") and _names_a_task(label):
            return self.problem(label)
        if label is None:
            raise RewardError(_NO_GOLD)
        return self.gold(label)

    def _gold_checker(self, text: str) -> RowChecker:
        if not text.strip():
            raise RewardError(_NO_GOLD)
        return RowChecker(gold=text, problem=None, timeout=self.timeout)



def _within(text: str, limit: int, what: str, option: str) -> None:
    # Says how long, never what: the text may be megabytes, and a reply must not echo it.
    if len(text) > limit:
        raise RewardError(f"{what} is {len(text)} characters long; the limit is {limit} (raise {option} if your data needs it)")


def _names_a_task(label: str) -> bool:
    try:
        data = json.loads(label)
    except (json.JSONDecodeError, RecursionError):
        return False
    return isinstance(data, dict) and "task" in data
