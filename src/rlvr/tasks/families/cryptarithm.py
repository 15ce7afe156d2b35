"""Cryptarithm: letters stand for distinct digits in a column addition.

Rule-checked: the checker replays the rules (distinct digits, no leading zero, given
digits kept, the sum holds), so ANY assignment that satisfies them scores 1, never by
string equality with the gold; the prompt says so. A planted sum guarantees one exists.

Uniqueness is opt-in (`unique=True`): then a column-wise solver counts solutions and,
while two exist, reveals a letter on which they disagree as a hint, until it proves
one solution. Off by default because scoring does not need it and the proof costs far
more than making the puzzle (0.3 to 3 ms per item, against about 15 us).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, register
from rlvr.tasks.families._kit import CachedConfig, fast_sample, invalid, require, take_answer, valid, violation
from rlvr.verify.verdict import Verdict


@dataclass(frozen=True)
class Config:
    addends: int  # how many words are added
    min_digits: int  # length of the shortest addend
    max_digits: int  # length of the longest addend
    unique: bool = False  # add hints until a solver proves exactly one solution

    def __post_init__(self) -> None:
        require(2 <= self.addends <= 4, "addends must be 2..4")
        require(1 <= self.min_digits <= self.max_digits <= 6, "need 1 <= min_digits <= max_digits <= 6")


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_PAIR = re.compile(r"([A-Za-z])(?:=|:|->)([0-9])")
# Matched after all whitespace is removed: letter, '=' (or ':' / '->'), digit, optional ',' or ';'.
_PAIR_LIST = re.compile(r"(?:[A-Za-z](?:=|:|->)[0-9][,;]?)+\.?")
_SPACE = re.compile(r"\s+")


class _Solver:
    """Column-by-column backtracking over letter indices, with forced digits derived, not guessed.

    In each column the result digit follows from the addends and the carry; and once the
    result digit is known, the column's last open addend letter is forced too.
    """

    def __init__(self, addends: list[str], result: str, fixed: dict[str, int]) -> None:
        if any(len(w) > len(result) for w in addends):
            raise ValueError("the result must be at least as long as every addend")
        self.letters = sorted(set("".join(addends) + result))
        index = {letter: i for i, letter in enumerate(self.letters)}
        self.columns: list[tuple[list[int], int]] = []
        for c in range(len(result)):
            column = [index[w[-1 - c]] for w in addends if c < len(w)]
            self.columns.append((column, index[result[-1 - c]]))
        self.low = [0] * len(self.letters)
        for word in addends + [result]:
            if len(word) > 1:
                self.low[index[word[0]]] = 1
        self.value = [-1] * len(self.letters)
        self.used = [False] * 10
        for letter, digit in fixed.items():
            self.value[index[letter]] = digit
            self.used[digit] = True
        self.solutions: list[dict[str, int]] = []
        self.nodes = 0
        self.limit = 2

    def run(self, limit: int = 2) -> list[dict[str, int]]:
        self.limit = limit
        self._column(0, 0)
        return self.solutions

    def _column(self, c: int, carry: int) -> None:
        if len(self.solutions) >= self.limit:
            return
        if c == len(self.columns):
            if carry == 0:
                self.solutions.append(dict(zip(self.letters, self.value)))
            return
        letters, result_letter = self.columns[c]
        self._assign(c, letters, 0, carry, result_letter)

    def _assign(self, c: int, letters: list[int], k: int, total: int, result_letter: int) -> None:
        self.nodes += 1
        value, used = self.value, self.used
        while k < len(letters) and value[letters[k]] >= 0:
            total += value[letters[k]]
            k += 1
        if k < len(letters):
            letter = letters[k]
            low = self.low[letter]
            rest = letters[k + 1:]
            if value[result_letter] >= 0 and letter not in rest and all(value[x] >= 0 for x in rest):
                digit = (value[result_letter] - total - sum(value[x] for x in rest)) % 10
                if digit >= low and not used[digit]:
                    value[letter] = digit
                    used[digit] = True
                    self._assign(c, letters, k + 1, total + digit, result_letter)
                    used[digit] = False
                    value[letter] = -1
                return
            for digit in range(low, 10):
                if used[digit]:
                    continue
                value[letter] = digit
                used[digit] = True
                self._assign(c, letters, k + 1, total + digit, result_letter)
                used[digit] = False
                value[letter] = -1
                if len(self.solutions) >= self.limit:
                    return
            return
        digit = total % 10
        if value[result_letter] >= 0:
            if value[result_letter] == digit:
                self._column(c + 1, total // 10)
            return
        if used[digit] or digit < self.low[result_letter]:
            return
        value[result_letter] = digit
        used[digit] = True
        self._column(c + 1, total // 10)
        used[digit] = False
        value[result_letter] = -1


def _word_value(word: str, value: dict[str, int]) -> int:
    number = 0
    for letter in word:
        number = number * 10 + value[letter]
    return number


@register
class Cryptarithm(CachedConfig, Task):
    """Letter-to-digit column additions; any valid assignment scores 1 (unique on request)."""

    name = "cryptarithm"
    description = "Find a digit for each letter so that a column addition holds (any valid assignment)."
    answer_format = "every letter with its digit, e.g. A=1, B=2"
    category = "arithmetic"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        # One knob grows at every level: the longer addend, then the shorter, then a third word.
        addends, min_digits, max_digits = ((2, 2, 2), (2, 2, 3), (2, 3, 3), (2, 3, 4), (2, 4, 4), (2, 4, 5),
                                           (3, 4, 5), (3, 5, 5), (3, 5, 6), (3, 6, 6))[difficulty - 1]
        return Config(addends=addends, min_digits=min_digits, max_digits=max_digits)

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        addends, result, answer = _plant(rng, config)
        hints: dict[str, int] = {}
        columns = len(result)
        # Without the proof, effort is the size of the search: unknown letters times columns.
        effort = answer.count("=") * columns
        if config.unique:
            gold = {pair[0]: int(pair[2]) for pair in answer.split(", ")}
            while True:
                solver = _Solver(addends, result, hints)
                found = solver.run(2)
                effort += solver.nodes
                if len(found) == 1:
                    break
                first, second = found[0], found[1]
                differing = sorted(letter for letter in first if first[letter] != second[letter])
                letter = rng.choice(differing)
                hints[letter] = gold[letter]
        width = columns + 2
        lines = [w.rjust(width) for w in addends[:-1]]
        lines += ["+ " + addends[-1].rjust(columns), "-" * width, result.rjust(width), ""]
        hint_text = ""
        if hints:
            hint_text = "Given: " + ", ".join(f"{k}={v}" for k, v in sorted(hints.items())) + "\n"
        prompt = "".join([_PROMPT_HEAD, "\n".join(lines), "\n", hint_text,
                          _PROMPT_TAIL_UNIQUE if config.unique else _PROMPT_TAIL_ANY])
        metadata = {"addends": addends, "result": result, "hints": hints, "effort": effort}
        return prompt, answer, metadata

    def check(self, problem: Problem, response: str) -> Verdict:
        text, failed = take_answer(response)
        if failed is not None:
            return failed
        compact = _SPACE.sub("", text)
        if not _PAIR_LIST.fullmatch(compact):
            return invalid(text, "expected letter=digit pairs separated by commas, e.g. A=1, B=2")
        meta = problem.metadata
        addends: list[str] = meta["addends"]
        result: str = meta["result"]
        letters = set("".join(addends) + result)
        value: dict[str, int] = {}
        for letter, digit in _PAIR.findall(compact):
            letter = letter.upper()
            if letter in value and value[letter] != int(digit):
                return violation(text, f"letter {letter} is given two digits")
            value[letter] = int(digit)
        missing = letters - set(value)
        if missing:
            return invalid(text, f"no digit given for {', '.join(sorted(missing))}")
        extra = set(value) - letters
        if extra:
            return invalid(text, f"letters not in the puzzle: {', '.join(sorted(extra))}")
        if len(set(value.values())) != len(value):
            return violation(text, "two letters share a digit")
        for word in addends + [result]:
            if len(word) > 1 and value[word[0]] == 0:
                return violation(text, f"{word} would start with 0")
        for letter, digit in meta["hints"].items():
            if value[letter] != digit:
                return violation(text, f"the puzzle gives {letter}={digit}")
        if sum(_word_value(w, value) for w in addends) != _word_value(result, value):
            return violation(text, "the addition does not hold with these digits")
        return valid(text)

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """Swap the digits of two letters so the addition fails; share a digit if no swap breaks it.

        Without uniqueness a swap can land on another valid solution (two letters that
        only ever meet in the same column of the two addends), so each swap is replayed.
        """
        pairs = [p.split("=") for p in problem.answer.split(", ")]
        meta = problem.metadata
        words = meta["addends"] + [meta["result"]]
        order = [(i, j) for i in range(len(pairs)) for j in range(i + 1, len(pairs))]
        rng.shuffle(order)
        for i, j in order:
            value = {k: int(v) for k, v in pairs}
            value[pairs[i][0]], value[pairs[j][0]] = value[pairs[j][0]], value[pairs[i][0]]
            if not _holds(meta["addends"], meta["result"], meta["hints"], words, value):
                pairs[i][1], pairs[j][1] = pairs[j][1], pairs[i][1]
                return ", ".join(f"{k}={v}" for k, v in pairs)
        pairs[0][1] = pairs[1][1]
        return ", ".join(f"{k}={v}" for k, v in pairs)


def _holds(addends: list[str], result: str, hints: dict[str, int], words: list[str], value: dict[str, int]) -> bool:
    """Whether a distinct-digit assignment keeps the hints, leading digits and the sum."""
    if any(value[k] != v for k, v in hints.items()):
        return False
    if any(len(w) > 1 and value[w[0]] == 0 for w in words):
        return False
    return sum(_word_value(w, value) for w in addends) == _word_value(result, value)


_SMALLEST = [10 ** (length - 1) for length in range(7)]  # smallest number with this many digits (index >= 1)


_PROMPT_HEAD = (
    "Solve this cryptarithm. Each letter stands for a different digit (0-9), different letters "
    "for different digits, and no number with two or more digits starts with 0.\n\n"
)
_ANSWER_FORMAT = ("Give every letter with its digit, separated by commas, e.g. <answer>A=1, B=2, C=3</answer> "
                  "(a format example only).\n" + ANSWER_INSTRUCTION)
_PROMPT_TAIL_UNIQUE = "The solution is unique. " + _ANSWER_FORMAT
_PROMPT_TAIL_ANY = "Any assignment that follows these rules and makes the addition hold is accepted. " + _ANSWER_FORMAT


def _plant(rng: random.Random, config: Config) -> tuple[list[str], str, str]:
    """A random true sum written in letters: (addend words, result word, gold answer 'A=1, B=2, ...')."""
    draw = rng.random  # int(random() * n) draws: see _kit.fast_sample
    low, lengths = config.min_digits, config.max_digits - config.min_digits + 1
    for attempt in range(200):
        numbers = []
        for _ in range(config.addends):
            smallest = _SMALLEST[low + int(draw() * lengths)]
            numbers.append(smallest + int(draw() * 9 * smallest))
        texts = list(map(str, numbers))
        texts.append(str(sum(numbers)))
        digits_used = set("".join(texts))
        if len(digits_used) >= 4 or attempt >= 100:  # tiny knob settings may never reach 4 digits
            break
    digits = "".join(sorted(digits_used))  # sorted: the letter drawn for each digit must not hang on set order
    letters = "".join(fast_sample(rng, _LETTERS, len(digits)))
    spell = str.maketrans(digits, letters)
    words = [t.translate(spell) for t in texts]
    answer = ", ".join(sorted([letter + "=" + digit for letter, digit in zip(letters, digits)]))  # by letter
    return words[:-1], words[-1], answer
