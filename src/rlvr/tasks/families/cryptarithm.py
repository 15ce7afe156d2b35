"""Cryptarithm: letters stand for distinct digits in a column addition.

Unique: after planting a sum, a column-wise solver counts solutions; while two exist, a
letter on which they disagree is revealed as a hint, until the solver proves one
solution. The checker still replays the rules (distinct digits, no leading zero,
hints kept, the sum holds), so it never depends on string equality with the gold.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, register
from rlvr.tasks.families._kit import invalid, lerp, require, take_answer, valid, violation
from rlvr.verify.verdict import Verdict


@dataclass(frozen=True)
class Config:
    addends: int  # how many words are added
    min_digits: int  # length of the shortest addend
    max_digits: int  # length of the longest addend

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
class Cryptarithm(Task):
    """Letter-to-digit column additions with a solver-proven unique solution."""

    name = "cryptarithm"
    description = "Find the digit each letter stands for in a column addition (unique solution)."
    answer_format = "every letter with its digit, e.g. A=1, B=2"
    category = "arithmetic"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        return Config(addends=2 if difficulty <= 6 else 3, min_digits=lerp(difficulty, 2, 4),
                      max_digits=lerp(difficulty, 3, 5))

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        for attempt in range(200):
            numbers = []
            for _ in range(config.addends):
                length = rng.randint(config.min_digits, config.max_digits)
                numbers.append(rng.randint(10 ** (length - 1), 10**length - 1))
            total = sum(numbers)
            digits_used = set("".join(map(str, numbers + [total])))
            if len(digits_used) >= 4 or attempt >= 100:  # tiny knob settings may never reach 4 digits
                break
        letters = rng.sample(_LETTERS, 10)
        by_digit = {str(d): letters[d] for d in range(10)}
        addends = ["".join(by_digit[ch] for ch in str(n)) for n in numbers]
        result = "".join(by_digit[ch] for ch in str(total))
        gold = {by_digit[ch]: int(ch) for ch in digits_used}
        hints: dict[str, int] = {}
        effort = 0
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
        width = len(result) + 2
        lines = [w.rjust(width) for w in addends[:-1]] + ["+ " + addends[-1].rjust(width - 2), "-" * width,
                                                          result.rjust(width)]
        hint_text = ""
        if hints:
            hint_text = "Given: " + ", ".join(f"{k}={v}" for k, v in sorted(hints.items())) + "\n"
        answer = ", ".join(f"{k}={v}" for k, v in sorted(gold.items()))
        prompt = (
            "Solve this cryptarithm. Each letter stands for a different digit (0-9), different letters "
            "for different digits, and no number with two or more digits starts with 0.\n\n"
            + "\n".join(lines) + "\n\n" + hint_text +
            "Give every letter with its digit, separated by commas, e.g. <answer>A=1, B=2, C=3</answer> "
            "(a format example only).\n" + ANSWER_INSTRUCTION
        )
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
        """Swap the digits of two letters: well-formed, but the unique solution is lost."""
        pairs = [p.split("=") for p in problem.answer.split(", ")]
        i, j = rng.sample(range(len(pairs)), 2)
        pairs[i][1], pairs[j][1] = pairs[j][1], pairs[i][1]
        return ", ".join(f"{k}={v}" for k, v in pairs)
