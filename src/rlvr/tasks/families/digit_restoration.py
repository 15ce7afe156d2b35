"""Digit restoration: an arithmetic equation with some digits hidden as '?'.

Unique: digits are hidden one at a time and a hide is kept only if a solver that
enumerates every completion of the operands still finds exactly one equation that
fits. The checker replays the rules (pattern kept, no leading zero, equation true).
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass
from typing import Any

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, register
from rlvr.tasks.families._kit import invalid, lerp, require, take_answer, valid, violation
from rlvr.verify.verdict import Verdict


@dataclass(frozen=True)
class Config:
    operations: str  # which of + - * may appear
    min_digits: int  # digits of the smaller operand
    max_digits: int  # digits of the larger operand
    hidden: int  # digits to hide (fewer if uniqueness forbids more)
    max_operand_unknowns: int  # caps solver work: 10**this completions per check

    def __post_init__(self) -> None:
        require(self.operations and set(self.operations) <= set("+-*"), "operations must use only + - *")
        require(1 <= self.min_digits <= self.max_digits <= 6, "need 1 <= min_digits <= max_digits <= 6")
        require(self.hidden >= 0, "hidden must be >= 0")
        require(0 <= self.max_operand_unknowns <= 4, "max_operand_unknowns must be 0..4 (10**4 completions per check)")


_SYMBOL = {"+": "+", "-": "-", "*": "×"}
# Matched against stripped text, so no two unbounded whitespace runs touch.
_EQUATION = re.compile(r"([0-9]{1,12})\s*([+\-*×x−])\s*([0-9]{1,12})\s*=\s*([0-9]{1,24})\.?")
_OP_ALIASES = {"+": "+", "-": "-", "−": "-", "*": "*", "×": "*", "x": "*"}


def _apply(op: str, a: int, b: int) -> int:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    return a * b


def _fits(number: int, pattern: str) -> bool:
    text = str(number)
    if len(text) != len(pattern):
        return False
    return all(p == "?" or p == t for p, t in zip(pattern, text))


def _completions(pattern: str) -> list[int]:
    slots = [i for i, ch in enumerate(pattern) if ch == "?"]
    out = []
    for digits in itertools.product("0123456789", repeat=len(slots)):
        chars = list(pattern)
        for i, d in zip(slots, digits):
            chars[i] = d
        if len(chars) > 1 and chars[0] == "0":
            continue
        out.append(int("".join(chars)))
    return out


def count_solutions(op: str, patterns: list[str], limit: int = 2) -> tuple[int, int]:
    """(number of completions that make a true equation, capped at `limit`; candidates tried)."""
    left, right, result = patterns
    found = 0
    tried = 0
    rights = _completions(right)
    for a in _completions(left):
        for b in rights:
            tried += 1
            c = _apply(op, a, b)
            if c >= 0 and _fits(c, result):
                found += 1
                if found >= limit:
                    return found, tried
    return found, tried


@register
class DigitRestoration(Task):
    """Restore the hidden digits of an equation; the solver proves one restoration."""

    name = "digit_restoration"
    description = "Fill in the hidden digits (?) of an arithmetic equation (unique restoration)."
    answer_format = "the full equation with every digit, e.g. 12 + 34 = 46"
    category = "arithmetic"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        operations = "+" if difficulty <= 2 else "+-" if difficulty <= 4 else "+-*"
        return Config(operations=operations, min_digits=lerp(difficulty, 2, 3), max_digits=lerp(difficulty, 2, 4),
                      hidden=(2, 3, 3, 4, 4, 5, 6, 6, 7, 8)[difficulty - 1],
                      max_operand_unknowns=lerp(difficulty, 2, 4))

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        op = rng.choice(config.operations)
        a = rng.randint(10 ** (config.max_digits - 1), 10**config.max_digits - 1)
        length_b = rng.randint(config.min_digits, config.max_digits)
        b = rng.randint(10 ** (length_b - 1), 10**length_b - 1)
        if op == "-" and b > a:
            a, b = b, a
        c = _apply(op, a, b)
        patterns = [list(str(a)), list(str(b)), list(str(c))]
        slots = [(k, i) for k in range(3) for i in range(len(patterns[k]))]
        rng.shuffle(slots)
        hidden = 0
        effort = 0
        for k, i in slots:
            if hidden >= config.hidden:
                break
            operand_unknowns = patterns[0].count("?") + patterns[1].count("?") + (k < 2)
            if operand_unknowns > config.max_operand_unknowns:
                continue
            keep = patterns[k][i]
            patterns[k][i] = "?"
            count, tried = count_solutions(op, ["".join(p) for p in patterns])
            effort += tried
            if count == 1:
                hidden += 1
            else:
                patterns[k][i] = keep
        shown = [("".join(p)) for p in patterns]
        symbol = _SYMBOL[op]
        puzzle = f"{shown[0]} {symbol} {shown[1]} = {shown[2]}"
        answer = f"{a} {symbol} {b} = {c}"
        prompt = (
            f"Some digits of this equation are hidden as '?':\n\n    {puzzle}\n\n"
            "Replace every '?' with a digit so that the equation is true. Numbers keep their length and "
            "no number with two or more digits starts with 0.\n"
            "Give the complete equation, e.g. <answer>12 + 34 = 46</answer> (a format example only).\n"
            + ANSWER_INSTRUCTION
        )
        metadata = {"operation": op, "patterns": shown, "hidden_digits": hidden, "effort": hidden}
        return prompt, answer, metadata

    def check(self, problem: Problem, response: str) -> Verdict:
        text, failed = take_answer(response)
        if failed is not None:
            return failed
        match = _EQUATION.fullmatch(text.strip())
        if not match:
            return invalid(text, "expected the complete equation, e.g. 12 + 34 = 46")
        meta = problem.metadata
        op = _OP_ALIASES[match.group(2)]
        if op != meta["operation"]:
            return violation(text, "the operation must stay as given")
        numbers = [match.group(1), match.group(3), match.group(4)]
        for written, pattern in zip(numbers, meta["patterns"]):
            if len(written) > 1 and written[0] == "0":
                return violation(text, f"{written} starts with 0")
            if not _fits(int(written), pattern) or len(written) != len(pattern):
                return violation(text, f"{written} does not fit the pattern {pattern}")
        a, b, c = (int(n) for n in numbers)
        if _apply(op, a, b) != c:
            return violation(text, "the equation is not true")
        return valid(text)

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """The gold equation with the result off by one (well-formed, false)."""
        left, _, result = problem.answer.rpartition(" = ")
        return f"{left} = {int(result) + 1}"
