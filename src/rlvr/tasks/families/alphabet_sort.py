"""Sort words by a made-up alphabet order.

The answer is unique: the words are distinct and the order is total (letter by letter,
a word that is a prefix of another comes first).
"""

from __future__ import annotations

import random
import string
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, TaskError, register
from rlvr.tasks.families._text import invalid, quick_sample, take, violation, words, wrong
from rlvr.verify.verdict import Reason, Verdict


@dataclass(frozen=True)
class AlphabetSortConfig:
    """Sort `words` words; `first_letters` distinct initials among them (fewer = deeper comparisons)."""

    words: int
    first_letters: int


@lru_cache(maxsize=1)
def _by_initial() -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for word in words():
        groups[word[0]].append(word)
    return {letter: tuple(group) for letter, group in groups.items() if len(group) >= 12}


@lru_cache(maxsize=1)
def _initials() -> list[str]:
    return sorted(_by_initial())


def word_at(groups: dict[str, tuple[str, ...]], initials: list[str], sizes: list[int], index: int) -> str:
    """Word `index` of the chosen groups laid end to end (without building that list)."""
    for letter, size in zip(initials, sizes):
        if index < size:
            return groups[letter][index]
        index -= size
    raise IndexError(index)


def comparisons(ordered: list[str]) -> int:
    """Letters compared to confirm the order of neighbours (a size measure of the work)."""
    total = 0
    for a, b in zip(ordered, ordered[1:]):
        common = 0
        for x, y in zip(a, b):
            if x != y:
                break
            common += 1
        total += common + 1
    return total


@register
class AlphabetSort(Task):
    """Sort distinct words in a custom alphabet (unique answer)."""

    name: ClassVar[str] = "alphabet_sort"
    description: ClassVar[str] = "Sort words in the order of a made-up alphabet"
    answer_format: ClassVar[str] = "the words in sorted order, separated by spaces"
    category: ClassVar[str] = "strings"
    Config: ClassVar[type] = AlphabetSortConfig

    def config_for(self, difficulty: int) -> AlphabetSortConfig:
        return AlphabetSortConfig(words=3 + 2 * difficulty, first_letters=max(2, 8 - difficulty * 2 // 3))

    def make(self, rng: random.Random, config: AlphabetSortConfig) -> tuple[str, str, dict[str, Any]]:
        groups = _by_initial()
        if not 2 <= config.words <= 100 or not 1 <= config.first_letters <= len(groups):
            raise TaskError(f"alphabet_sort needs 2..100 words and 1..{len(groups)} first letters")
        initials = quick_sample(rng, _initials(), config.first_letters)
        sizes = [len(groups[letter]) for letter in initials]
        if sum(sizes) < config.words:
            raise TaskError("alphabet_sort: not enough words for these knobs")
        chosen = [word_at(groups, initials, sizes, i) for i in quick_sample(rng, range(sum(sizes)), config.words)]
        alphabet = quick_sample(rng, string.ascii_lowercase, 26)
        # Translating into the ordinary alphabet turns custom order into plain string order.
        to_plain = str.maketrans("".join(alphabet), string.ascii_lowercase)
        ordered = sorted(chosen, key=lambda w: w.translate(to_plain))
        prompt = (
            f"In a made-up alphabet the 26 letters come in this order:\n{' '.join(alphabet)}\n\n"
            f"Sort these words in that alphabet's order, comparing letter by letter (a word that is the "
            f"start of a longer word comes first):\n{' '.join(chosen)}\n\n"
            f"Answer with all the words in sorted order, separated by spaces (for example: bat cab ace).\n"
            f"{ANSWER_INSTRUCTION}"
        )
        metadata = {"alphabet": "".join(alphabet), "words": chosen, "effort": comparisons(ordered)}
        return prompt, " ".join(ordered), metadata

    def check(self, problem: Problem, response: str) -> Verdict:
        """Same words, in the alphabet's order."""
        text, failed = take(response, limit=4096)
        if text is None:
            return failed
        given = text.replace(",", " ").lower().split()
        if not given:
            return invalid(text, "the answer must be words separated by spaces")
        if sorted(given) != sorted(problem.metadata["words"]):
            return violation(text, "the answer must contain each given word exactly once")
        gold = problem.answer.split()
        if given == gold:
            return Verdict(True, Reason.EQUAL_STRING, extracted=text, normalized=" ".join(given), gold_normalized=problem.answer)
        return wrong(text, " ".join(given), problem.answer, "the words are not in the alphabet's order")

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """Two neighbouring words swapped."""
        ordered = problem.answer.split()
        i = rng.randrange(len(ordered) - 1)
        ordered[i], ordered[i + 1] = ordered[i + 1], ordered[i]
        return " ".join(ordered)
