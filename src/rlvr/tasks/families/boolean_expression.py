"""Evaluate a nested boolean expression (constants, or variables with given values).

The answer is unique (true or false). Expressions are built and evaluated as trees by
rlvr itself; model output is only ever compared with the words true/false.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, ClassVar

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, TaskError, register
from rlvr.tasks.families._text import invalid, take, wrong
from rlvr.verify.verdict import Reason, Verdict

OPERATORS = ("and", "or", "not", "xor", "implies", "iff")
_TRUE_WORDS = {"true", "t", "1", "yes"}
_FALSE_WORDS = {"false", "f", "0", "no"}
_VARIABLES = "pqrstuvw"

# An expression: bool, a variable name, ("not", e) or (op, left, right).
Expr = Any


def evaluate(expr: Expr, values: dict[str, bool]) -> bool:
    if isinstance(expr, bool):
        return expr
    if isinstance(expr, str):
        return values[expr]
    if expr[0] == "not":
        return not evaluate(expr[1], values)
    op, left, right = expr
    a, b = evaluate(left, values), evaluate(right, values)
    if op == "and":
        return a and b
    if op == "or":
        return a or b
    if op == "xor":
        return a != b
    if op == "implies":
        return (not a) or b
    return a == b


def render(expr: Expr) -> str:
    if isinstance(expr, bool):
        return "True" if expr else "False"
    if isinstance(expr, str):
        return expr
    if expr[0] == "not":
        return f"not {render(expr[1])}"
    op, left, right = expr
    return f"({_operand(left)} {op} {_operand(right)})"


def _operand(expr: Expr) -> str:
    # `not` gets its own brackets inside a binary operation, so "(not p) xor q" cannot be misread.
    text = render(expr)
    return f"({text})" if isinstance(expr, tuple) and expr[0] == "not" else text


def size(expr: Expr) -> int:
    if isinstance(expr, (bool, str)):
        return 1
    return 1 + sum(size(part) for part in expr[1:])


def build(rng: random.Random, depth: int, ops: list[str], leaves: list[Any]) -> Expr:
    """A random tree exactly `depth` operators deep along its first branch."""
    if depth == 0:
        return rng.choice(leaves)
    op = rng.choice(ops)
    if op == "not":
        return ("not", build(rng, depth - 1, ops, leaves))
    deep = build(rng, depth - 1, ops, leaves)
    other = build(rng, rng.randint(0, depth - 1), ops, leaves)
    return (op, deep, other) if rng.random() < 0.5 else (op, other, deep)


@dataclass(frozen=True)
class BooleanConfig:
    """Trees `depth` deep over `ops`; `variables` > 0 uses named variables with given values."""

    depth: int
    ops: str
    variables: int


@register
class BooleanExpression(Task):
    """Value of a boolean expression (unique)."""

    name: ClassVar[str] = "boolean_expression"
    description: ClassVar[str] = "Evaluate a nested boolean expression with and/or/not/xor/implies/iff"
    answer_format: ClassVar[str] = "true or false"
    category: ClassVar[str] = "logic"
    Config: ClassVar[type] = BooleanConfig

    def config_for(self, difficulty: int) -> BooleanConfig:
        ops = "and,or,not" if difficulty <= 3 else "and,or,not,xor" if difficulty <= 6 else ",".join(OPERATORS)
        return BooleanConfig(depth=1 + difficulty * 7 // 10, ops=ops, variables=0 if difficulty <= 4 else min(8, difficulty - 2))

    def make(self, rng: random.Random, config: BooleanConfig) -> tuple[str, str, dict[str, Any]]:
        ops = [o.strip() for o in config.ops.split(",") if o.strip()]
        if not ops or set(ops) - set(OPERATORS) or not 1 <= config.depth <= 12 or not 0 <= config.variables <= len(_VARIABLES):
            raise TaskError(f"boolean_expression needs ops from {OPERATORS}, depth 1..12, variables 0..8")
        names = list(_VARIABLES[: config.variables])
        values = {name: rng.random() < 0.5 for name in names}
        leaves: list[Any] = names or [True, False]
        # Draw the value first so the answers are balanced between true and false.
        target = rng.random() < 0.5
        for _ in range(30):
            expr = build(rng, config.depth, ops, leaves)
            if evaluate(expr, values) == target:
                break
        value = evaluate(expr, values)
        given = ""
        if names:
            given = "where " + ", ".join(f"{n} = {'True' if values[n] else 'False'}" for n in names) + "\n\n"
        prompt = (
            f"Evaluate this boolean expression. `a implies b` is false only when a is true and b is false; "
            f"`a iff b` is true when both sides are equal; `xor` is true when exactly one side is true.\n\n"
            f"{render(expr)}\n{given}\nAnswer with true or false.\n{ANSWER_INSTRUCTION}"
        )
        metadata = {"expression": render(expr), "values": values, "effort": size(expr)}
        return prompt, "true" if value else "false", metadata

    def check(self, problem: Problem, response: str) -> Verdict:
        """Exact comparison with the value (true/false, also t/f, 1/0, yes/no)."""
        text, failed = take(response, limit=64)
        if text is None:
            return failed
        word = text.strip().strip(".`*").lower()
        if word in _TRUE_WORDS:
            got = "true"
        elif word in _FALSE_WORDS:
            got = "false"
        else:
            return invalid(text, "the answer must be true or false")
        if got == problem.answer:
            return Verdict(True, Reason.EQUAL_STRING, extracted=text, normalized=got, gold_normalized=problem.answer)
        return wrong(text, got, problem.answer)

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """The opposite value."""
        return "false" if problem.answer == "true" else "true"
