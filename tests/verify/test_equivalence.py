"""Equivalence categories: each with answers that must match the gold and answers that must not."""

from __future__ import annotations

import pytest

from rlvr.verify import Reason, check

EQUAL = [
    # integers and decimals
    ("5", "5"), ("5.0", "5"), ("+5", "5"), ("005", "5"), ("27", "27.0"), ("-3", "-3.00"),
    # thousands separators
    ("1,260", "1260"), ("1{,}260", "1260"), ("1\\,260", "1260"), ("1 260", "1260"), ("2,\\!400", "2400"),
    ("11,\\!111,\\!100", "11,\\! 111,\\! 100"),
    # number words
    ("twelve", "12"), ("\\text{twelve}", "12"), ("twenty-one", "21"), ("one hundred five", "105"),
    # fractions in every spelling
    ("\\frac{5}{9}", "\\frac59"), ("\\dfrac{5}{9}", "5/9"), ("\\tfrac59", "\\frac{5}{9}"), ("10/18", "\\frac{5}{9}"),
    ("-\\frac{1}{2}", "\\frac{-1}{2}"), ("2\\frac{1}{2}", "\\frac52"),
    # exact decimals of fractions
    ("0.5", "\\frac12"), ("0.125", "1/8"), ("0.\\overline{3}", "\\frac13"),
    # scientific notation
    ("1.5 \\times 10^{3}", "1500"), ("1.5e3", "1500"), ("2.5 \\cdot 10^{-2}", "0.025"),
    # percent
    ("50\\%", "50"), ("50%", "0.5"), ("12.5 percent", "12.5"),
    # currency and units
    ("18 \\text{ dollars}", "18"), ("\\$18", "18"), ("18 cm", "18"), ("\\$1,260", "1260"), ("12 \\text{cm}^2", "12"), ("160 chairs", "160"), ("66 \\text{ passengers}", "66"),
    # degrees
    ("145^\\circ", "145"), ("145\u00b0", "145"), ("145 degrees", "145"), ("145^{\\circ}", "145^\\circ"),
    # radicals and constants
    ("\\frac{1}{\\sqrt2}", "\\frac{\\sqrt2}{2}"), ("2\\sqrt{3}", "\\sqrt{12}"), ("\\pi", "\\pi"), ("\\frac{\\pi}{2}", "\\pi/2"),
    ("e", "e"), ("\\infty", "\\infty"), ("\\sqrt{16}", "4"), ("e^{2}", "e^2"), ("2\u221a113", "2\\sqrt{113}"), ("\u03c0", "\\pi"),
    # exact big numbers
    ("\\frac{1}{2004!}", "1/2004!"), ("2^{-100}", "\\frac{1}{2^{100}}"), ("100!", "100!"), ("2^{100}", "1267650600228229401496703205376"),
    # complex numbers
    ("3+4i", "4i+3"), ("i", "\\sqrt{-1}"), ("\\frac{1+i}{2}", "0.5+0.5i"),
    # polynomials and expressions
    ("(x-1)(x+1)", "x^2-1"), ("x^2+2x+1", "(x+1)^2"), ("\\frac{x^2-1}{x-1}", "x+1"), ("2(a+b)", "2a+2b"), ("\\frac{\\cos x}{\\sin x}", "\\cot x"),
    ("\\sin^2 x + \\cos^2 x", "1"), ("\\sin 2x", "2\\sin x\\cos x"), ("\\frac{1}{\\tan x}", "\\cot x"), ("\\ln(e^2)", "2"),
    # equations
    ("3x+4y+14=0", "3x+4y=-14"), ("6x+8y=-28", "3x+4y=-14"), ("y=2x+1", "2x+1"), ("2x+1", "y=2x+1"), ("x=5", "5"),
    # ordered tuples and points
    ("(1, 2)", "(1,2)"), ("(\\frac12, 3)", "(0.5, 3)"), ("(3, \\frac{\\pi}{2})", "\\left( 3, \\frac{\\pi}{2} \\right)"),
    # unordered sets and lists of roots
    ("x=1, x=-2", "-2, 1"), ("\\{1, 2\\}", "\\{2, 1\\}"), ("1 \\text{ and } -2", "-2,1"), ("3 + 2\\sqrt2, 3 - 2\\sqrt2", "3 \\pm 2\\sqrt{2}"),
    ("-2, 1 - \\sqrt{5}, 1 + \\sqrt{5}", "\\{1\\pm\\sqrt{5},-2\\}"), ("1 or -2", "1, -2"),
    # intervals and unions
    ("(-\\infty, 2] \\cup (3, 5)", "(-\\infty,2]\\cup(3,5)"), ("[1, 2)", "[1,2)"), ("x \\in (0, 9) \\cup (9, 36)", "(0,9)\\cup(9,36)"),
    ("(3, 5) \\cup (-\\infty, 2]", "(-\\infty, 2] \\cup (3, 5)"),
    # inequalities vs intervals
    ("1 < x \\le 2", "(1, 2]"), ("x \\geq 3", "[3, \\infty)"), ("x < 2 \\text{ or } x > 3", "(-\\infty, 2) \\cup (3, \\infty)"),
    ("2 \\ge x > -1", "(-1, 2]"),
    # matrices and vectors
    ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}"),
    ("\\begin{pmatrix} \\frac{1}{5} \\\\ -\\frac{18}{5} \\end{pmatrix}", "\\begin{pmatrix} 1/5 \\\\ -18/5 \\end{pmatrix}"),
    ("(-7, 16, 5)", "\\begin{pmatrix} -7 \\\\ 16 \\\\ 5 \\end{pmatrix}"),
    # base subscripts
    ("52_8", "52_8"), ("52_{8}", "52_8"), ("1011_2", "1011_2"), ("52", "52_8"), ("101010_2", "42"),
    # multiple-choice letters
    ("(E)", "E"), ("\\text{(E)}", "E"), ("E", "\\text{(E)}"), ("\\textbf{(E)}", "E"), ("(C) 15", "C"),
    # text answers
    ("Monday", "\\text{Monday}"), ("\\textbf{monday}", "Monday"), ("\\mathrm{Evelyn}", "Evelyn"), ("yes", "\\text{Yes}"),
]

NOT_EQUAL = [
    ("6", "5"), ("5.1", "5"), ("-5", "5"),
    ("1,261", "1260"), ("thirteen", "12"),
    ("\\frac{5}{8}", "\\frac59"), ("\\frac{1}{2}", "2"),
    ("0.333", "\\frac13"), ("0.33", "1/3"), ("0.6", "\\frac23"),
    ("1.5 \\times 10^{4}", "1500"), ("51\\%", "50"), ("19 \\text{ dollars}", "18"), ("5 million", "5"), ("161 chairs", "160"), ("146^\\circ", "145"),
    ("\\frac{1}{\\sqrt3}", "\\frac{\\sqrt2}{2}"), ("3.14159", "\\pi"), ("\\sqrt{2}", "1.41421356237"), ("-\\infty", "\\infty"),
    ("\\frac{1}{2006!}", "\\frac{1}{2004!}"), ("2^{-100}", "\\frac{1}{2^{99}}"), ("2^{100}+1", "2^{100}"),
    ("3-4i", "3+4i"), ("\\sin^2 x - \\cos^2 x", "1"), ("\\tan x", "\\cot x"), ("(x-1)^2", "x^2-1"), ("x^2+1", "x^2-1"),
    ("3x+4y=14", "3x+4y=-14"), ("y=2x+2", "y=2x+1"), ("x+y=1", "x-y=1"),
    ("(2, 1)", "(1, 2)"), ("(1, 2, 3)", "(1, 2)"),
    ("1, 2", "-2, 1"), ("1, -2, 3", "-2, 1"),
    ("(1, 2]", "(1, 2)"), ("[1, 2]", "(1, 2]"), ("(-\\infty, 2] \\cup (3, 6)", "(-\\infty, 2] \\cup (3, 5)"),
    ("1 \\le x \\le 2", "(1, 2]"), ("x > 3", "[3, \\infty)"),
    ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 5 \\end{pmatrix}", "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}"),
    ("\\begin{pmatrix} 1 & 3 \\\\ 2 & 4 \\end{pmatrix}", "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}"),
    ("53_8", "52_8"), ("42", "52_8"), ("52_9", "52_8"),
    ("(D)", "E"), ("D", "\\text{(E)}"), ("Tuesday", "Monday"), ("no", "yes"),
]


@pytest.mark.parametrize(("answer", "gold"), EQUAL)
def test_equivalent_answers_are_accepted(answer: str, gold: str) -> None:
    verdict = check(f"The final answer is $\\boxed{{{answer}}}$.", gold)
    assert verdict.correct, verdict
    assert verdict.reason.startswith("equal-")


@pytest.mark.parametrize(("answer", "gold"), NOT_EQUAL)
def test_different_answers_are_rejected(answer: str, gold: str) -> None:
    verdict = check(f"The final answer is $\\boxed{{{answer}}}$.", gold)
    assert not verdict.correct, verdict
    assert verdict.score == 0.0


def test_reasons_name_the_kind_of_match() -> None:
    assert check("\\boxed{5}", "5").reason == Reason.EQUAL_STRING
    assert check("\\boxed{5.0}", "5").reason == Reason.EQUAL_NUMERIC
    assert check("\\boxed{\\frac{1}{\\sqrt2}}", "\\frac{\\sqrt2}{2}").reason == Reason.EQUAL_SYMBOLIC
    assert check("\\boxed{x=1, x=-2}", "-2, 1").reason == Reason.EQUAL_SET
    assert check("\\boxed{(1,2.0)}", "(1,2)").reason == Reason.EQUAL_TUPLE
    assert check("\\boxed{1 < x \\le 2}", "(1, 2]").reason == Reason.EQUAL_INTERVAL
    assert check("\\boxed{3x+4y+14=0}", "3x+4y=-14").reason == Reason.EQUAL_EQUATION
    assert check("\\boxed{(E)}", "E").reason == Reason.EQUAL_CHOICE
    assert check("\\boxed{\\text{Monday}}", "monday").reason == Reason.EQUAL_TEXT


def test_exact_values_are_never_compared_by_rounding() -> None:
    # differ by about 1e-30 relative: any float comparison would call them equal
    assert not check("\\boxed{1 + 10^{-30}}", "1").correct
    assert not check("\\boxed{\\sqrt{2} + 10^{-40}}", "\\sqrt{2}").correct
    assert check("\\boxed{\\sqrt{8}}", "2\\sqrt{2}").correct


def test_numeric_gold_values_of_any_type() -> None:
    assert check("\\boxed{27}", 27.0).correct
    assert check("\\boxed{27}", 27).correct
    assert not check("\\boxed{28}", 27.0).correct


def test_gsm8k_gold_with_marker() -> None:
    assert check("So she makes \\$18 every day. \\boxed{18}", "She makes 9 * 2 = $18.\n#### 18").correct
