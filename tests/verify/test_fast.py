"""The in-process stages: exact numbers, the expression parser, exact polynomials, precise constants."""

from __future__ import annotations

from fractions import Fraction

import pytest

from rlvr.verify.answer import Equation
from rlvr.verify.compare import NeedSymbolic
from rlvr.verify.expr import Unsupported, parse_expression, symbols_of
from rlvr.verify.fast import FastBackend
from rlvr.verify.numeric import NotNumeric, TooLarge, parse_number

fast = FastBackend()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("\\frac{3}{4}", Fraction(3, 4)), ("\\frac34", Fraction(3, 4)), ("2^{10}", Fraction(1024)), ("-2^2", Fraction(-4)),
        ("1.5\\times10^{3}", Fraction(1500)), ("1.5e-3", Fraction(3, 2000)), ("5!", Fraction(120)), ("\\binom{5}{2}", Fraction(10)),
        ("2\\frac{1}{2}", Fraction(5, 2)), ("\\sqrt{\\frac{9}{4}}", Fraction(3, 2)), ("0.\\overline{12}", Fraction(12, 99)),
        ("2(3+4)", Fraction(14)), ("8^{1/3}", Fraction(2)), ("twenty-one", Fraction(21)), ("\\frac{1}{2^{-3}}", Fraction(8)),
    ],
)
def test_exact_number_parser(text: str, value: Fraction) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["x", "\\pi", "\\sqrt{2}", "1/0", "2^{1/2}", "\\sin 1", "(-1)!", ""])
def test_non_rational_input_is_not_numeric(text: str) -> None:
    with pytest.raises(NotNumeric):
        parse_number(text)


@pytest.mark.parametrize("text", ["10^{10^{10}}", "100000!", "9^{9^{9}}", "1" * 500])
def test_huge_values_are_refused_before_computing(text: str) -> None:
    with pytest.raises(TooLarge):
        parse_number(text)


def test_expression_parser_reads_common_latex() -> None:
    assert symbols_of(parse_expression("\\frac{x^2-1}{x-1} + \\sin^2\\theta + |y|")) == {"x", "theta", "y"}
    assert symbols_of(parse_expression("2\\pi r + e^{i\\pi}")) == {"r"}
    with pytest.raises(Unsupported):
        parse_expression("\\int_0^1 x\\,dx")


@pytest.mark.parametrize(
    ("answer", "gold"),
    [("(x-1)(x+1)", "x^2-1"), ("\\frac{1+i}{2}", "0.5+0.5i"), ("i^2", "-1"), ("(a+b)^3", "a^3+3a^2b+3ab^2+b^3"), ("\\frac{x}{2}", "0.5x")],
)
def test_rational_functions_are_compared_exactly(answer: str, gold: str) -> None:
    assert fast.equal(answer, gold)


@pytest.mark.parametrize(("answer", "gold"), [("(x-1)^2", "x^2-1"), ("3+4i", "3-4i"), ("x^{10}", "x^{11}")])
def test_different_rational_functions(answer: str, gold: str) -> None:
    assert not fast.equal(answer, gold)


@pytest.mark.parametrize(
    ("answer", "gold"),
    [("\\frac{1}{\\sqrt2}", "\\frac{\\sqrt2}{2}"), ("\\sqrt{8}", "2\\sqrt2"), ("e^{i\\pi}", "-1"), ("\\sin\\frac{\\pi}{6}", "\\frac12"), ("\\sqrt[3]{27}", "3")],
)
def test_constants_equal_at_high_precision(answer: str, gold: str) -> None:
    assert fast.equal(answer, gold)


@pytest.mark.parametrize(
    ("answer", "gold"),
    [("\\sqrt2 + 10^{-30}", "\\sqrt2"), ("\\pi + 10^{-50}", "\\pi"), ("\\frac{\\pi}{3}", "1.0471975511965976"), ("\\sqrt{3}", "1.7320508")],
)
def test_nearly_equal_constants_are_not_equal(answer: str, gold: str) -> None:
    assert not fast.equal(answer, gold)


def test_transcendental_identities_with_variables_go_to_sympy() -> None:
    with pytest.raises(NeedSymbolic):
        fast.equal("\\sin^2 x + \\cos^2 x", "1")
    assert not fast.equal("\\sin x", "\\cos x")  # rejected by sampling


def test_equations_up_to_scaling() -> None:
    assert fast.equations_equal(Equation("3x+4y", "-14"), Equation("6x+8y+28", "0"))
    assert not fast.equations_equal(Equation("3x+4y", "14"), Equation("3x+4y", "-14"))
    assert not fast.equations_equal(Equation("y", "2x+1"), Equation("y", "2x"))
    with pytest.raises(NeedSymbolic):
        fast.equations_equal(Equation("\\frac{1}{x}", "2"), Equation("x", "\\frac12"))
