"""Operator redefinition: new operators defined by rules, then one expression to evaluate.

Unique by construction: the expression is fully parenthesised, so its value is a single
integer, computed here on the generated tree (never by evaluating text).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Callable

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, TaskError, register
from rlvr.tasks.families._kit import check_int, lerp, other_int, require
from rlvr.verify.verdict import Verdict


@dataclass(frozen=True)
class Config:
    operators: int  # how many new operators are defined
    operations: int  # operator applications in the expression
    max_operand: int  # leaves are drawn from 1..max_operand

    def __post_init__(self) -> None:
        require(1 <= self.operators <= len(_SYMBOLS), f"operators must be 1..{len(_SYMBOLS)}")
        require(0 <= self.operations <= 12, "operations must be 0..12")
        require(1 <= self.max_operand <= 50, "max_operand must be 1..50")


_SYMBOLS = ["⊕", "⊗", "◇", "★", "△", "⊙", "♦", "#"]
_MAX_MAGNITUDE = 100_000

# Each rule: (description with {p} and {q} filled in, function of (a, b, p, q)).
_RULES: list[tuple[str, Callable[[int, int, int, int], int]]] = [
    ("{p}*a + {q}*b", lambda a, b, p, q: p * a + q * b),
    ("a*b + {p}", lambda a, b, p, q: a * b + p),
    ("a*b - {p}*a", lambda a, b, p, q: a * b - p * a),
    ("{p}*a - b", lambda a, b, p, q: p * a - b),
    ("(a - b)*(a - b)", lambda a, b, p, q: (a - b) * (a - b)),
    ("a*a - {q}*b", lambda a, b, p, q: a * a - q * b),
    ("the larger of a and b, plus {p}", lambda a, b, p, q: max(a, b) + p),
    ("the smaller of a and b, times {q}", lambda a, b, p, q: min(a, b) * q),
    ("a + b + a*b", lambda a, b, p, q: a + b + a * b),
    ("{q}*(a + b) - a", lambda a, b, p, q: q * (a + b) - a),
]


@register
class OperatorRedefinition(Task):
    """Evaluate an expression built from operators defined in the prompt."""

    name = "operator_redefinition"
    description = "Evaluate a parenthesised expression whose operators are defined by custom rules."
    answer_format = "an integer"
    category = "arithmetic"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        return Config(operators=lerp(difficulty, 1, 4), operations=lerp(difficulty, 1, 7),
                      max_operand=lerp(difficulty, 5, 12))

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        symbols = rng.sample(_SYMBOLS, config.operators)
        rules = rng.sample(range(len(_RULES)), config.operators)
        params = [(rng.randint(2, 5), rng.randint(2, 4)) for _ in symbols]
        for _ in range(1000):
            text, value = self._tree(rng, config.operations, config.max_operand, symbols, rules, params)
            if value is not None:
                break
        else:
            raise TaskError("expressions keep exceeding 100,000 in size; lower operations or max_operand")
        definitions = "\n".join(
            f"  a {sym} b = " + _RULES[r][0].format(p=p, q=q) for sym, r, (p, q) in zip(symbols, rules, params)
        )
        prompt = (
            f"New operators are defined for integers a and b:\n{definitions}\n"
            "(* is ordinary multiplication, + and - are ordinary addition and subtraction.)\n\n"
            f"Evaluate: {text}\n\n"
            "Work inside the parentheses first. Give a single integer, e.g. <answer>-17</answer> "
            "(a format example only).\n" + ANSWER_INSTRUCTION
        )
        metadata = {"expression": text, "value": value, "effort": config.operations}
        return prompt, str(value), metadata

    def _tree(self, rng: random.Random, operations: int, max_operand: int, symbols: list[str],
              rules: list[int], params: list[tuple[int, int]]) -> tuple[str, int | None]:
        """A random expression with `operations` applications; value None when it grows too large."""
        if operations == 0:
            leaf = rng.randint(1, max_operand)
            return str(leaf), leaf
        left_ops = rng.randint(0, operations - 1)
        left_text, left = self._tree(rng, left_ops, max_operand, symbols, rules, params)
        right_text, right = self._tree(rng, operations - 1 - left_ops, max_operand, symbols, rules, params)
        if left is None or right is None:
            return "", None
        k = rng.randrange(len(symbols))
        p, q = params[k]
        value = _RULES[rules[k]][1](left, right, p, q)
        if abs(value) > _MAX_MAGNITUDE:
            return "", None
        if left_ops:
            left_text = f"({left_text})"
        if operations - 1 - left_ops:
            right_text = f"({right_text})"
        return f"{left_text} {symbols[k]} {right_text}", value

    def check(self, problem: Problem, response: str) -> Verdict:
        return check_int(response, problem.metadata["value"])

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        return other_int(problem.metadata["value"], rng)
