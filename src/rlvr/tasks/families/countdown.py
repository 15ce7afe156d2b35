"""Countdown: reach a target from given numbers with + - * / and parentheses.

Rule-checked: ANY expression that uses each given number at most once (all of them
at game-of-24 difficulty) and evaluates exactly to the target scores 1. Expressions are
parsed by `_expr` with exact fractions, never evaluated by Python.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, TaskError, register
from rlvr.tasks.families._expr import ExprError, evaluate
from rlvr.tasks.families._kit import invalid, lerp, require, take_answer, valid, violation
from rlvr.verify.verdict import Verdict


@dataclass(frozen=True)
class Config:
    count: int  # how many numbers are given
    max_small: int  # small numbers are drawn from 1..max_small
    large_count: int  # how many numbers come from the large pool (25, 50, 75, 100)
    min_target: int
    max_target: int
    use_all: bool  # every number must be used exactly once (game of 24); solvability is searched
    min_used: int  # the planted solution uses at least this many numbers

    def __post_init__(self) -> None:
        require(2 <= self.count <= 8, "count must be 2..8")
        require(not self.use_all or self.count <= 5, "use_all needs count <= 5 (the exact search grows too fast)")
        require(1 <= self.max_small <= 100, "max_small must be 1..100")
        require(0 <= self.large_count <= min(4, self.count), "large_count must be 0..4 and at most count")
        require(1 <= self.min_target <= self.max_target, "need 1 <= min_target <= max_target")
        require(1 <= self.min_used <= self.count, "min_used must be 1..count")


_LARGE = [25, 50, 75, 100]
_MAX_TRIES = 10_000  # planted targets: cheap draws
_MAX_SEARCHES = 500  # game-of-24 draws: each may need an exhaustive search


def _solve(values: list[Fraction], exprs: list[str], target: Fraction, dead: set[tuple[Fraction, ...]]) -> str | None:
    """Depth-first search combining pairs; returns an expression using all values, or None.

    `dead` remembers value multisets already shown to miss the target, so repeats are skipped.
    """
    if len(values) == 1:
        return exprs[0] if values[0] == target else None
    key = tuple(sorted(values))
    if key in dead:
        return None
    n = len(values)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = values[i], values[j]
            ea, eb = exprs[i], exprs[j]
            rest_v = [values[k] for k in range(n) if k != i and k != j]
            rest_e = [exprs[k] for k in range(n) if k != i and k != j]
            options = [(a + b, f"({ea} + {eb})"), (a * b, f"({ea} * {eb})"),
                       (a - b, f"({ea} - {eb})"), (b - a, f"({eb} - {ea})")]
            if b != 0:
                options.append((a / b, f"({ea} / {eb})"))
            if a != 0:
                options.append((b / a, f"({eb} / {ea})"))
            for value, text in options:
                found = _solve(rest_v + [value], rest_e + [text], target, dead)
                if found is not None:
                    return found
    dead.add(key)
    return None


def _strip_outer(text: str) -> str:
    if text.startswith("(") and text.endswith(")"):
        depth = 0
        for pos, ch in enumerate(text):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0 and pos < len(text) - 1:
                return text
        return text[1:-1]
    return text


def _plant(rng: random.Random, numbers: list[int], used: int) -> tuple[int, str]:
    """Combine `used` of the numbers at random with integer-only steps; (value, expression)."""
    picks = rng.sample(numbers, used)
    items: list[tuple[int, str]] = [(v, str(v)) for v in picks]
    while len(items) > 1:
        i, j = rng.sample(range(len(items)), 2)
        (a, ea), (b, eb) = items[i], items[j]
        if a < b:
            (a, ea), (b, eb) = (b, eb), (a, ea)
        choices = ["+", "*"]
        if a > b:
            choices.append("-")
        if b > 1 and a % b == 0:
            choices.append("/")
        op = rng.choice(choices)
        value = {"+": a + b, "*": a * b, "-": a - b, "/": a // b}[op]
        items = [items[k] for k in range(len(items)) if k not in (i, j)] + [(value, f"({ea} {op} {eb})")]
    value, text = items[0]
    return value, _strip_outer(text)


@register
class Countdown(Task):
    """Make the target from the given numbers; any correct expression scores 1."""

    name = "countdown"
    description = "Combine given numbers with + - * / and parentheses to hit a target (game of 24 at low difficulty)."
    answer_format = "an arithmetic expression, e.g. (9 - 2) * 5"
    category = "arithmetic"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        if difficulty <= 2:
            return Config(count=4, max_small=9 + (difficulty - 1), large_count=0, min_target=24,
                          max_target=24, use_all=True, min_used=4)
        return Config(count=lerp(difficulty, 4, 7), max_small=10, large_count=lerp(difficulty, 0, 2),
                      min_target=lerp(difficulty, 10, 101), max_target=lerp(difficulty, 60, 999),
                      use_all=False, min_used=lerp(difficulty, 4, 6))

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        if config.use_all:
            for _ in range(_MAX_SEARCHES):
                numbers = [rng.randint(1, config.max_small) for _ in range(config.count)]
                target = rng.randint(config.min_target, config.max_target)
                found = _solve([Fraction(v) for v in numbers], [str(v) for v in numbers], Fraction(target), set())
                if found is not None:
                    answer, effort = _strip_outer(found), config.count
                    break
            else:
                raise TaskError(f"no way to make a target in {config.min_target}..{config.max_target} from "
                                f"{config.count} numbers up to {config.max_small}; raise max_small")
        else:
            for _ in range(_MAX_TRIES):
                large = rng.sample(_LARGE, config.large_count)
                numbers = large + [rng.randint(1, config.max_small) for _ in range(config.count - len(large))]
                rng.shuffle(numbers)
                used = rng.randint(min(config.min_used, config.count), config.count)
                target, answer = _plant(rng, numbers, used)
                if config.min_target <= target <= config.max_target and target not in numbers:
                    effort = used
                    break
            else:
                raise TaskError(f"no target between {config.min_target} and {config.max_target} came up; "
                                "widen the range")
        rule = ("use every number exactly once" if config.use_all
                else "use each number at most once (you need not use them all)")
        prompt = (
            f"Numbers: {' '.join(map(str, numbers))}\nTarget: {target}\n\n"
            f"Write an arithmetic expression that equals the target. Rules: {rule}; only + - * / and "
            "parentheses; no other numbers, no concatenating digits, no unary minus; division is exact "
            "(fractions are allowed in intermediate steps).\n"
            "Give just the expression, e.g. <answer>(9 - 2) * 5</answer> (a format example only).\n"
            f"{ANSWER_INSTRUCTION}"
        )
        # effort: how many numbers the planted solution combines
        metadata = {"numbers": numbers, "target": target, "use_all": config.use_all, "effort": effort}
        return prompt, answer, metadata

    def check(self, problem: Problem, response: str) -> Verdict:
        text, failed = take_answer(response)
        if failed is not None:
            return failed
        meta = problem.metadata
        target = meta["target"]
        expression = text
        if "=" in expression:
            left, _, right = expression.partition("=")
            if right.strip() != str(target):
                return invalid(text, "write only the expression (an '= target' suffix must name the target)")
            expression = left
        try:
            value, literals = evaluate(expression)
        except ExprError as error:
            return invalid(text, str(error))
        available = Counter(meta["numbers"])
        used = Counter(literals)
        extra = used - available
        if extra:
            return violation(text, f"uses numbers not available (or too often): {sorted(extra.elements())}")
        if meta["use_all"] and used != available:
            return violation(text, "every number must be used exactly once")
        if value != target:
            return violation(text, f"the expression equals {value}, not {target}")
        return valid(text)

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """A well-formed expression that misses the target by one."""
        return f"({problem.answer}) + 1"
