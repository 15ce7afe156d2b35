"""The builder's exact label checks: they must accept true rewrites and reject near misses."""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import exact  # noqa: E402


@given(st.integers(min_value=-999_999_999, max_value=999_999_999))
def test_number_words_round_trip(n: int) -> None:
    assert exact.words_to_int(exact.int_to_words(n)) == n


@pytest.mark.parametrize(
    ("spelling", "value"),
    [
        ("1,260", Fraction(1260)),
        ("1{,}260", Fraction(1260)),
        ("1\\,260", Fraction(1260)),
        ("10,\\!080", Fraction(10080)),
        ("11,\\! 111,\\! 111,\\! 100", Fraction(11111111100)),
        ("\\frac 34", Fraction(3, 4)),
        ("\\frac9{19}", Fraction(9, 19)),
        ("\\dfrac{17}{50}", Fraction(17, 50)),
        ("-\\frac{24}{25}", Fraction(-24, 25)),
        ("137 \\frac{1}{2}", Fraction(275, 2)),
        (".0000672", Fraction(672, 10_000_000)),
        ("6.72 \\times 10^{-5}", Fraction(672, 10_000_000)),
        ("6.72e-5", Fraction(672, 10_000_000)),
        ("\\$18.90", Fraction(189, 10)),
        ("5.4 \\text{ cents}", Fraction(54, 10)),
        ("864 \\mbox{ inches}^2", Fraction(864)),
        ("145^\\circ", Fraction(145)),
        ("\\frac{270}7\\text{ degrees}", Fraction(270, 7)),
        ("25\\%", Fraction(25)),
        ("\\text{twelve}", Fraction(12)),
        ("\u22125", Fraction(-5)),
        ("n = 18", Fraction(18)),
    ],
)
def test_parse_number_reads_real_spellings(spelling: str, value: Fraction) -> None:
    assert exact.parse_number(spelling) == value


def test_parse_number_rejects_non_numbers() -> None:
    with pytest.raises(exact.LabelError):
        exact.parse_number("x^2 + 1")


@pytest.mark.parametrize(
    ("category", "gold", "answer", "same"),
    [
        ("radical-constant", "\\frac{\\sqrt{3}}{3}", "\\frac{1}{\\sqrt3}", True),
        ("radical-constant", "2\\sqrt{5}", "\\sqrt{20}", True),
        ("radical-constant", "\\sqrt{51}", "\\sqrt51", False),  # LaTeX reads \sqrt51 as sqrt(5)*1
        ("big-exact", "2^{-100}", "\\frac{1}{2^{99}}", False),
        ("big-exact", "2^{-100}", f"\\frac{{1}}{{{2**100 + 1}}}", False),
        ("big-exact", "\\frac{1}{2006!}", "\\frac{1}{2004!}", False),
        ("big-exact", "\\frac{1}{2006!}", "\\frac{1}{2006 \\cdot 2005!}", True),
        ("expression", "x^2-1", "(x-1)(x+1)", True),
        ("expression", "\\cot x", "\\frac{\\cos x}{\\sin x}", True),
        ("equation", "3x+4y=-14", "3x+4y+14=0", True),
        ("equation", "y = 2x + 3", "y = 2x - 3", False),
        ("complex", "-2 + 7i", "7i - 2", True),
        ("complex", "-2 + 7i", "-2 - 7i", False),
        ("tuple", "(8,-2)", "(-2, 8)", False),
        ("tuple", "\\left( \\frac{3}{2}, -13 \\right)", "(1.5, -13)", True),
        ("set-roots", "1 \\pm \\sqrt{19}", "1 - \\sqrt{19}, 1 + \\sqrt{19}", True),
        ("set-roots", "1 \\pm \\sqrt{19}", "1 + \\sqrt{19}", False),
        ("interval", "(1, 2]", "1 < x \\le 2", True),
        ("interval", "(1, 2]", "1 \\le x \\le 2", False),
        ("interval", "(-\\infty, 2) \\cup (3, \\infty)", "x < 2 \\text{ or } x > 3", True),
        ("interval", "(3,4]", "(3,4)", False),
        ("matrix-vector", "\\begin{pmatrix} -1/3 \\\\ 2/3 \\end{pmatrix}", "\\begin{bmatrix} -\\frac{1}{3} \\\\ \\frac{2}{3} \\end{bmatrix}", True),
        ("matrix-vector", "\\begin{pmatrix} -1/3 \\\\ 2/3 \\end{pmatrix}", "\\begin{pmatrix} 2/3 \\\\ -1/3 \\end{pmatrix}", False),
        ("base-subscript", "204_5", "204_{5}", True),
        ("base-subscript", "204_5", "204_{6}", False),
        ("choice", "\\text{(E)}", "\\textbf{(E)}", True),
        ("choice", "\\text{(E)}", "(D)", False),
        ("text", "\\text{east}", "East", True),
        ("decimal-of-fraction", "\\frac{2}{3}", "0.67", False),
        ("decimal-of-fraction", "0.5", "\\frac12", True),
        ("currency-units", "80", "80 \\text{ students}", True),
        ("currency-units", "80", "80 students", True),
        ("currency-units", "80", "81 students", False),
        ("radical-constant", "\\sqrt{53}", "\u221a53", True),
        ("radical-constant", "12\\pi", "12\u03c0", True),
        ("radical-constant", "2\\sqrt{5}", "4.47", False),
        ("radical-constant", "2\\sqrt{5}", "\\approx 4.4721", False),
        ("interval", "(-\\infty, 0]", "(-\u221e, 0]", True),
        ("interval", "(3,4]", "\\{3, 4\\}", False),
        ("set-roots", "1,-2", "x_1 = 1, x_2 = -2", True),
        ("set-roots", "1,-2", "x \\in \\{-2, 1\\}", True),
        ("matrix-vector", "\\begin{pmatrix} -7 \\\\ 16 \\end{pmatrix}", "\\left(\\begin{array}{c} -7 \\\\ 16 \\end{array}\\right)", True),
        ("equation", "y = 2x + 3", "x = \\frac{y - 3}{2}", True),
        ("equation", "y = 2x + 3", "x = 2y + 3", False),
    ],
)
def test_equivalent(category: str, gold: str, answer: str, same: bool) -> None:
    assert exact.equivalent(category, gold, answer) is same


def test_equivalent_refuses_unknown_category() -> None:
    with pytest.raises(exact.LabelError, match="no exact check"):
        exact.equivalent("hack-empty", "5", "")
