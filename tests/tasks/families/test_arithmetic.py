from __future__ import annotations

import re

import pytest

from rlvr.tasks import get
from rlvr.tasks.families.arithmetic import parse_integer, render, value_of
from rlvr.verify.verdict import Reason

TASK = get("arithmetic")


def mean_effort(difficulty: int, n: int = 60) -> float:
    return sum(p.metadata["effort"] for p in TASK.generate(n, difficulty=difficulty)) / n


def test_difficulty_grows() -> None:
    assert mean_effort(9) > mean_effort(5) > mean_effort(2)


def test_low_levels_are_plain_sums() -> None:
    for problem in TASK.generate(50, difficulty=1):
        a, b = map(int, re.fullmatch(r"What is (\d) \+ (\d)\? Put the final answer in \\boxed\{\}\.", problem.prompt).groups())
        assert int(problem.answer) == a + b
    for problem in TASK.generate(50, difficulty=2):
        assert re.fullmatch(r"What is \d{2} \+ \d{2}\?.*", problem.prompt)


def test_answer_is_the_value_of_the_shown_expression() -> None:
    # Re-evaluate the rendered text with an independent precedence parser over the generated tokens.
    for difficulty in (5, 8, 10):
        for problem in TASK.generate(30, difficulty=difficulty):
            assert independent_value(problem.metadata["expression"]) == int(problem.answer)


def independent_value(text: str) -> int:
    tokens = re.findall(r"\d+|[-+*/()]", text)
    position = 0

    def expr() -> int:
        nonlocal position
        value = term()
        while position < len(tokens) and tokens[position] in "+-":
            op = tokens[position]
            position += 1
            value = value + term() if op == "+" else value - term()
        return value

    def term() -> int:
        nonlocal position
        value = atom()
        while position < len(tokens) and tokens[position] in "*/":
            op = tokens[position]
            position += 1
            right = atom()
            assert op == "*" or value % right == 0
            value = value * right if op == "*" else value // right
        return value

    def atom() -> int:
        nonlocal position
        token = tokens[position]
        position += 1
        if token == "(":
            value = expr()
            position += 1
            return value
        return int(token)

    return expr()


def test_render_keeps_needed_brackets() -> None:
    expr = ("-", 10, ("-", 4, 3))
    assert render(expr) == "10 - (4 - 3)" and value_of(expr) == 9
    assert render(("*", ("+", 1, 2), 3)) == "(1 + 2) * 3"
    assert render(("+", 1, ("*", 2, 3))) == "1 + 2 * 3"


def test_accepts_boxed_tagged_and_formatting() -> None:
    problem = TASK.problem(0, difficulty=6)
    gold = int(problem.answer)
    for response in (f"\\boxed{{{gold}}}", f"<answer>{gold}</answer>", f"<answer> {gold}. </answer>",
                     f"<answer>\\boxed{{{gold}}}</answer>", f"<answer>${gold}$</answer>"):
        assert TASK.check(problem, response).correct, response
    if abs(gold) >= 1000:
        assert TASK.check(problem, f"<answer>{gold:,}</answer>").correct


@pytest.mark.parametrize("junk", ["twelve", "1.5", "1e3", "12 13", "9" * 100, "0x1F"])
def test_malformed_is_invalid_format(junk: str) -> None:
    verdict = TASK.check(TASK.problem(0), f"<answer>{junk}</answer>")
    assert not verdict.correct and verdict.reason == Reason.INVALID_FORMAT


def test_wrong_value_is_not_equal() -> None:
    problem = TASK.problem(3)
    verdict = TASK.check(problem, f"\\boxed{{{int(problem.answer) + 1}}}")
    assert verdict.reason == Reason.NOT_EQUAL


def test_parse_integer() -> None:
    assert parse_integer(" -1,234 ") == -1234
    assert parse_integer("12,34") is None and parse_integer("") is None


def _chain_tree(rng, config):  # type: ignore[no-untyped-def]
    """Reference: the flat chain as an expression tree, drawing from `rng` in the same order
    (the first number, then an operator and its number at a time)."""
    choices = config.ops.replace("/", "") or "+"
    low = 0 if config.digits == 1 else 10 ** (config.digits - 1)
    numbers = [rng.randint(low, 10**config.digits - 1)]
    ops = []
    for _ in range(config.operands - 1):
        ops.append(rng.choice(choices))
        numbers.append(rng.randint(2, 12) if ops[-1] == "*" else rng.randint(low, 10**config.digits - 1))
    # Bind products left to right, then sums and differences left to right.
    terms = [numbers[0]]
    joins = []
    for op, number in zip(ops, numbers[1:]):
        if op == "*":
            terms[-1] = ("*", terms[-1], number)
        else:
            terms.append(number)
            joins.append(op)
    expr = terms[0]
    for op, term in zip(joins, terms[1:]):
        expr = (op, expr, term)
    return expr


def test_flat_fast_path_matches_the_expression_tree() -> None:
    """The flat levels skip building a tree; text, value and digit count must be what the tree gives."""
    import random

    from rlvr.tasks.base import LightRandom
    from rlvr.tasks.families.arithmetic import _LEVELS, _flat_text_and_value, render, value_of

    for level in (1, 2, 3, 4, 5, 6):
        config = _LEVELS[level]
        for seed in range(200):
            for make_rng in (random.Random, LightRandom):
                expr = _chain_tree(make_rng(seed), config)
                text = render(expr)
                assert _flat_text_and_value(make_rng(seed), config) == (text, value_of(expr), sum(map(str.isdigit, text)))
