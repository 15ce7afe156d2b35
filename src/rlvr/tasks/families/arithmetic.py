"""Integer arithmetic with fine difficulty steps, from single-digit sums to nested expressions.

The answer is unique (an exact integer); the prompt is deliberately short and plain so
that small models can be trained on the easy levels.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from rlvr.tasks.answers import tagged_or_boxed
from rlvr.tasks.base import Problem, Task, TaskError, register
from rlvr.verify.verdict import Reason, Verdict

MAX_ANSWER_CHARS = 64
_INTEGER = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+|[+-]?[0-9]+")  # ASCII: \d also matches other scripts
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
_SHOWN = {"+": "+", "-": "-", "*": "*", "/": "/"}


@dataclass(frozen=True)
class ArithmeticConfig:
    """`operands` numbers of up to `digits` digits joined by `ops`; `nested` allows parentheses."""

    operands: int
    digits: int
    ops: str
    nested: bool


_LEVELS = {
    1: ArithmeticConfig(2, 1, "+", False),
    2: ArithmeticConfig(2, 2, "+", False),
    3: ArithmeticConfig(2, 2, "+-", False),
    4: ArithmeticConfig(3, 2, "+-", False),
    5: ArithmeticConfig(3, 2, "+-*", False),
    6: ArithmeticConfig(4, 2, "+-*", False),
    7: ArithmeticConfig(4, 2, "+-*", True),
    8: ArithmeticConfig(4, 2, "+-*/", True),
    9: ArithmeticConfig(5, 3, "+-*/", True),
    10: ArithmeticConfig(6, 3, "+-*/", True),
}


# An expression is an int or a tuple (op, left, right); values are exact ints.
Expr = Any


def value_of(expr: Expr) -> int:
    """Exact value of a generated expression (division is always exact by construction)."""
    if isinstance(expr, int):
        return expr
    op, left, right = expr
    a, b = value_of(left), value_of(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return a // b


def render(expr: Expr) -> str:
    """Infix text with only the parentheses precedence requires."""
    if isinstance(expr, int):
        return str(expr)
    op, left, right = expr
    left_text, right_text = render(left), render(right)
    if not isinstance(left, int) and _PRECEDENCE[left[0]] < _PRECEDENCE[op]:
        left_text = f"({left_text})"
    # The right side also needs brackets at equal precedence: a - (b + c), a / (b * c).
    if not isinstance(right, int) and (
        _PRECEDENCE[right[0]] < _PRECEDENCE[op] or (_PRECEDENCE[right[0]] == _PRECEDENCE[op] and op in "-/")
    ):
        right_text = f"({right_text})"
    return f"{left_text} {_SHOWN[op]} {right_text}"


def _lowest(digits: int) -> int:
    """The smallest operand with `digits` digits (0 for single digits)."""
    return 0 if digits == 1 else 10 ** (digits - 1)


def _number(rng: random.Random, digits: int) -> int:
    return rng.randint(_lowest(digits), 10**digits - 1)


def _combine(rng: random.Random, config: ArithmeticConfig, left: Expr, right_size: int) -> Expr:
    """`left op right` with a fresh right side; division only where it is exact."""
    op = rng.choice(config.ops)
    if op == "/":
        dividend = value_of(left)
        divisors = [d for d in range(2, 13) if dividend % d == 0]
        if divisors and dividend != 0:
            return ("/", left, rng.choice(divisors))
        op = rng.choice([o for o in config.ops if o != "/"])
    if op == "*":
        # Products of two large operands swamp the rest; keep one factor small.
        right: Expr = rng.randint(2, 12) if right_size == 1 else _tree(rng, config, right_size)
        return ("*", left, right)
    right = _number(rng, config.digits) if right_size == 1 else _tree(rng, config, right_size)
    return (op, left, right)


def _tree(rng: random.Random, config: ArithmeticConfig, size: int) -> Expr:
    """A random binary expression tree: any shape, so parentheses appear where needed."""
    if size == 1:
        return _number(rng, config.digits)
    left_size = rng.randint(1, size - 1)
    return _combine(rng, config, _tree(rng, config, left_size), size - left_size)


def _flat_text_and_value(rng: random.Random, config: ArithmeticConfig) -> tuple[str, int, int]:
    """A bracket-free chain `a op b op c ...` as text, exact value and digit count, without a tree.

    Grouped by the usual precedence, such a chain renders without brackets, so the text is the
    numbers and operators in order; the value sums the signed products. This is the whole item
    at the easy levels, so it draws with `_randbelow` directly (what `randint` and `choice` call).
    """
    choices = config.ops.replace("/", "") or "+"
    below, width = rng._randbelow, len(choices)
    low = _lowest(config.digits)
    span = 10**config.digits - low
    first = low + below(span)
    text = str(first)
    parts = [text]
    digits = len(text)
    total, term, sign = 0, first, 1
    for _ in range(config.operands - 1):
        op = choices[below(width)]
        # Products of two large operands swamp the rest; keep one factor small.
        number = 2 + below(11) if op == "*" else low + below(span)
        text = str(number)
        parts += (op, text)
        digits += len(text)
        if op == "*":
            term *= number
        else:
            total += sign * term
            term, sign = number, (1 if op == "+" else -1)
    return " ".join(parts), total + sign * term, digits


def parse_integer(text: str) -> int | None:
    """A plain integer (commas as thousands separators allowed), else None."""
    compact = text.strip().rstrip(".").strip()
    if len(compact) > MAX_ANSWER_CHARS or not _INTEGER.fullmatch(compact):
        return None
    return int(compact.replace(",", ""))


@register
class Arithmetic(Task):
    """Evaluate an integer expression; exactly one answer (the value)."""

    name: ClassVar[str] = "arithmetic"
    description: ClassVar[str] = "Evaluate an integer expression: single-digit sums up to nested mixed operations"
    answer_format: ClassVar[str] = "an integer in \\boxed{} or <answer></answer>"
    category: ClassVar[str] = "arithmetic"
    Config: ClassVar[type] = ArithmeticConfig
    light_rng: ClassVar[bool] = True

    def config_for(self, difficulty: int) -> ArithmeticConfig:
        return _LEVELS[difficulty]

    def make(self, rng: random.Random, config: ArithmeticConfig) -> tuple[str, str, dict[str, Any]]:
        if config.operands < 2 or config.digits < 1 or not set(config.ops) <= set(_PRECEDENCE) or not config.ops:
            raise TaskError("arithmetic needs operands >= 2, digits >= 1 and ops drawn from '+-*/'")
        if config.nested:
            expr = _tree(rng, config, config.operands)
            text, value = render(expr), value_of(expr)
            effort = config.operands - 1 + sum(map(str.isdigit, text)) + 2 * text.count("(")
        else:
            text, value, digits = _flat_text_and_value(rng, config)
            effort = config.operands - 1 + digits
        prompt = f"What is {text}? Put the final answer in \\boxed{{}}."
        return prompt, str(value), {"expression": text, "effort": effort}

    def check(self, problem: Problem, response: str) -> Verdict:
        """Exact integer comparison of the boxed or tagged answer."""
        answer = tagged_or_boxed(response)
        if answer is None:
            return self.no_answer("no \\boxed{} answer and no <answer></answer> tag in the response")
        got = parse_integer(answer)
        if got is None:
            return Verdict(False, Reason.INVALID_FORMAT, extracted=answer[:MAX_ANSWER_CHARS],
                           detail="the answer must be a single integer")
        gold = int(problem.answer)
        if got == gold:
            return Verdict(True, Reason.EQUAL_NUMERIC, extracted=answer, normalized=str(got), gold_normalized=str(gold))
        return Verdict(False, Reason.NOT_EQUAL, extracted=answer, normalized=str(got), gold_normalized=str(gold))

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """The value off by a small non-zero amount."""
        return str(int(problem.answer) + rng.choice((-1, 1)) * rng.randint(1, 10))
