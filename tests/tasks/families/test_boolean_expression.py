from __future__ import annotations

import re

from rlvr.tasks import get
from rlvr.tasks.families.boolean_expression import evaluate, render
from rlvr.verify.verdict import Reason

TASK = get("boolean_expression")


def independent_value(text: str, values: dict[str, bool]) -> bool:
    """Evaluate the rendered text with a separate recursive-descent reader (brackets are explicit)."""
    tokens = re.findall(r"\(|\)|\w+", text)
    position = 0

    def operand() -> bool:
        nonlocal position
        token = tokens[position]
        position += 1
        if token == "not":
            return not operand()
        if token == "(":
            left = operand()
            if tokens[position] == ")":
                position += 1
                return left
            op = tokens[position]
            position += 1
            right = operand()
            assert tokens[position] == ")"
            position += 1
            return {"and": left and right, "or": left or right, "xor": left != right,
                    "implies": (not left) or right, "iff": left == right}[op]
        if token in ("True", "False"):
            return token == "True"
        return values[token]

    result = operand()
    assert position == len(tokens)
    return result


def test_answer_matches_an_independent_reading_of_the_text() -> None:
    for difficulty in (1, 4, 7, 10):
        for problem in TASK.generate(40, difficulty=difficulty):
            value = independent_value(problem.metadata["expression"], problem.metadata["values"])
            assert problem.answer == ("true" if value else "false")


def test_answers_are_balanced() -> None:
    answers = [p.answer for p in TASK.generate(200, difficulty=6)]
    assert 60 < answers.count("true") < 140


def test_evaluate_and_render() -> None:
    expr = ("implies", ("not", "p"), ("xor", True, "q"))
    assert render(expr) == "((not p) implies (True xor q))"
    assert evaluate(expr, {"p": False, "q": True}) is False
    assert evaluate(expr, {"p": True, "q": True}) is True


def test_checks() -> None:
    problem = TASK.problem(0, difficulty=5)
    opposite = "false" if problem.answer == "true" else "true"
    assert TASK.check(problem, f"<answer>{problem.answer.upper()}</answer>").correct
    assert TASK.check(problem, f"<answer>{opposite}</answer>").reason == Reason.NOT_EQUAL
    assert TASK.check(problem, "<answer>true or false</answer>").reason == Reason.INVALID_FORMAT


def test_difficulty_grows() -> None:
    effort = lambda d: sum(p.metadata["effort"] for p in TASK.generate(40, difficulty=d)) / 40  # noqa: E731
    assert effort(9) > effort(2)
