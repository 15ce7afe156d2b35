"""Predicted values: bounded literal parsing (never eval) and strict comparison."""

from __future__ import annotations

import pytest

from rlvr.tasks.code.literals import LiteralError, literal_text, parse_literal, same_value


@pytest.mark.parametrize("text,value", [("[1, 2, 3]", [1, 2, 3]), ("'abc'", "abc"), ("(1, 'a', None)", (1, "a", None)),
                                        ("{1: [2]}", {1: [2]}), ("set()", set()), ("-7", -7), ("True", True),
                                        ("```python\n[1]\n```", [1]), ("  {3, 1}  ", {1, 3})])
def test_literals_parse(text: str, value: object) -> None:
    assert same_value(parse_literal(text), value)


@pytest.mark.parametrize("text", ["__import__('os').system('echo hi')", "[x for x in range(3)]", "1 +", "print(1)",
                                  "a", "", "9" * 5000, "[" * 500 + "]" * 500, "x" * 5000, "lambda: 1", "2 ** 10"])
def test_non_literals_and_oversized_text_are_refused(text: str) -> None:
    with pytest.raises(LiteralError):
        parse_literal(text)


def test_comparison_is_strict_about_types() -> None:
    assert not same_value(1, True) and not same_value(1, 1.0) and not same_value([1, 2], (1, 2))
    assert same_value({"a": (1, [2])}, {"a": (1, [2])}) and not same_value({"a": 1}, {"a": 2})
    assert same_value({3, 1, 2}, {1, 2, 3}) and not same_value({1}, {1.0})
    assert not same_value({1: 0}, {True: 0})


def test_literal_text_round_trips_and_refuses_objects() -> None:
    assert literal_text([1, "a", (2, None)]) == "[1, 'a', (2, None)]"
    for bad in (object(), float("nan"), frozenset({1}), range(3)):
        with pytest.raises(LiteralError):
            literal_text(bad)
