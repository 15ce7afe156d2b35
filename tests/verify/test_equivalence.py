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


# issue 23 (items 6 and 8): each reading next to the look-alike it must not accept
READINGS = [
    # mixed numbers keep their sign on the whole value
    ("-3\\frac{1}{2}", "-\\frac{7}{2}", True), ("-3\\frac{1}{2}", "-3.5", True), ("-3\\frac{1}{2}", "-\\frac{3}{2}", False),
    ("2\\frac{1}{2}", "\\frac{5}{2}", True), ("5-3\\frac{1}{2}", "\\frac{3}{2}", True),
    # units: compared when both sides name one, ignored when only one side does
    ("5\\text{ m}", "5\\text{ cm}", False), ("5 min", "5 m", False), ("12 \\text{cm}^2", "12 \\text{ cm}", False),
    ("18 euros", "\\$18", False), ("5\\text{ cm}", "5 centimeters", True), ("12 \\text{cm}^2", "12 square cm", True),
    ("18 dollars", "\\$18", True), ("3 hours", "3 h", True), ("5", "5\\text{ m}", True), ("5\\text{ m}", "5", True),
    ("6\\text{ m}", "5\\text{ m}", False),
    # a function head or a name before the value
    ("f(x) = 2x+1", "2x+1", True), ("f(x) = 2x+2", "2x+1", False), ("g(t) = t^2", "t^2", True), ("y = 2x+1", "2x+1", True),
    # golds that carry labels (NuminaMath / OpenThoughts style) against a bare answer, and back
    ("(3,2)", "(p,q)=(3,2)", True), ("(2,3)", "(p,q)=(3,2)", False), ("(p,q)=(3,2)", "(3,2)", True),
    ("(3,2,7)", "(p,q,r)=(3,2,7)", True), ("4, 5", "AB=4,CD=5", True), ("5, 4", "AB=4,CD=5", False),
    ("11:21", "V_{1}:V_{2}=11:21", True), ("11:20", "V_{1}:V_{2}=11:21", False), ("7:32", "S_{MBCN}:S=7:32", True),
    ("1", "|AB|=1", True), ("2", "|AB|=1", False), ("1", "A:B=1", True), ("1", "f(x)=1", True), ("2", "f(x)=1", False),
    ("\\frac{1}{\\sqrt{6}}", "\\frac{NO}{BO}=\\frac{1}{\\sqrt{6}}", True),
    # named values pair by name; subscripted roots stay a set
    ("q=2, p=5", "p=5, q=2", True), ("p=2, q=5", "p=5, q=2", False), ("x_1=2, x_2=1", "x_1=1, x_2=2", True),
    ("x=1, y=2", "x=2, y=1", False), ("-5, \\frac{14}{3}", "x = -5, p = \\frac{14}{3}", True),
    # an expression is not a label: these golds say something else than "the answer is 1 / 5"
    ("1", "x+z=1", False), ("11a+c", "7 = 11a+c", False), ("5", "|x| = 5", False),
    # relations compared as solution sets
    ("x \\geq 5", "x >= 5", True), ("x \\ge 5", "x > 5", False), ("5 \\le x", "x \\ge 5", True), ("x \\le 5", "x \\ge 5", False),
    ("x \\neq 3", "x != 3", True), ("3 \\ne x", "x \\neq 3", True), ("x \\ne 4", "x \\ne 3", False), ("x \\ne 3", "3", False),
    ("x \\ne 3", "(-\\infty, 3) \\cup (3, \\infty)", True),
    ("-x > -1", "x < 1", True), ("x > -1", "x < 1", False), ("-x > 1", "x < 1", False), ("-x \\ge -1", "x < 1", False),
    ("2x + 1 \\le 7", "x \\le 3", True), ("5 > 2x - 1", "x < 3", True), ("2x + 1 \\le 7", "x < 3", False),
    ("\\frac{1}{2}x > 2", "(4, \\infty)", True), ("-2x < 6", "x > -3", True), ("-2x < 6", "x < -3", False),
    # an approximation: the exact part counts, a rounding is not the value
    ("x = \\frac{1}{3} \\approx 0.33", "\\frac13", True), ("\\approx 0.33", "\\frac13", False), ("x \\approx 11", "11", True),
    ("\\approx 3.1416", "\\pi", False), ("5 \\approx 6", "6", False), ("x=1/3\\approx1.3", "\\frac13", True),
    # a bare TeX group around a list is only grouping
    ("1, 2, 3", "{1,2,3}", True), ("1, 2", "{1,2,3}", False),
    # semicolons separate whole labelled solutions; a gold's "or" lists its solutions (all are needed)
    ("(5,2),(7,2)", "p=5,q=2;p=7,q=2", True), ("(5,2),(7,3)", "p=5,q=2;p=7,q=2", False),
    ("(7,11),(11,7)", "(11,7)or(7,11)", True), ("(7,11)", "(11,7)or(7,11)", False),
    # an element written twice is one element; a wrong extra element is still wrong
    ("(3,7),(2,5),(3, 7)", "(3,7),(2,5)", True), ("(3,7),(2,5),(3,8)", "(3,7),(2,5)", False), ("1, 2", "1, 1, 2", False),
    # a function's value bounded like a variable
    ("(0,1)", "0<f(x)<1", True), ("[0,1)", "0<f(x)<1", False),
]


@pytest.mark.parametrize(("answer", "gold", "expected"), READINGS)
def test_readings_and_their_look_alikes(answer: str, gold: str, expected: bool) -> None:
    verdict = check(f"The final answer is $\\boxed{{{answer}}}$.", gold)
    assert verdict.correct is expected, verdict


_UNIT_SPELLINGS = {
    "m": ["m", "meters", "metre"], "cm": ["cm", "centimeters"], "km": ["km", "kilometers"], "mm": ["mm", "millimeter"],
    "ft": ["ft", "feet"], "in": ["inches"], "s": ["s", "seconds", "sec"], "min": ["min", "minutes"], "h": ["h", "hours"],
    "g": ["g", "grams"], "kg": ["kg", "kilograms"], "lb": ["lb", "pounds"], "l": ["liters"], "ml": ["ml"],
}


@pytest.mark.parametrize("unit", sorted(_UNIT_SPELLINGS))
def test_every_unit_matches_its_spellings_and_no_other_unit(unit: str) -> None:
    # the class behind "5 m accepted for 5 cm": every pair of different units is told apart
    for spelling in _UNIT_SPELLINGS[unit]:
        for other, other_spellings in _UNIT_SPELLINGS.items():
            for other_spelling in other_spellings:
                verdict = check(f"\\boxed{{7\\text{{ {spelling}}}}}", f"7\\text{{ {other_spelling}}}")
                assert verdict.correct is (other == unit), (spelling, other_spelling, verdict)


@pytest.mark.parametrize("label", ["x", "y_1", "f(x)", "g(2)", "AB", "|AB|", "(p,q)", "V_{1}:V_{2}", "\\frac{NO}{BO}", "S_{ABC}"])
def test_every_label_form_compares_by_its_value_both_ways(label: str) -> None:
    value, wrong = ("(3,2)", "(2,3)") if label == "(p,q)" else ("\\frac{7}{2}", "\\frac{2}{7}")
    assert check(f"\\boxed{{{value}}}", f"{label}={value}").correct
    assert check(f"\\boxed{{{label}={value}}}", value).correct
    assert not check(f"\\boxed{{{wrong}}}", f"{label}={value}").correct
    assert not check(f"\\boxed{{{label}={wrong}}}", value).correct


@pytest.mark.parametrize(("operator", "mirror", "negated"), [("<", ">", ">"), ("\\le", "\\ge", "\\ge"), (">", "<", "<"), ("\\ge", "\\le", "\\le")])
def test_every_inequality_form_reads_as_the_same_solution_set(operator: str, mirror: str, negated: str) -> None:
    gold = f"x {operator} 4"
    for same in (f"x {operator} 4", f"4 {mirror} x", f"-x {negated} -4", f"2x {operator} 8", f"x + 1 {operator} 5", f"-2x {negated} -8"):
        assert check(f"\\boxed{{{same}}}", gold).correct, same
    strict = {"<": "\\le", "\\le": "<", ">": "\\ge", "\\ge": ">"}[operator]
    for different in (f"x {strict} 4", f"x {mirror} 4", f"-x {operator} -4", f"x {operator} 5", f"2x {operator} 4"):
        assert not check(f"\\boxed{{{different}}}", gold).correct, different


def test_a_matrix_inside_its_own_brackets() -> None:
    gold = "\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}"
    assert check("The matrix is $ \\left[\\begin{array}{cc}1 & 2 \\\\3 & 4\\end{array}\\right] $.", gold).correct
    assert not check("\\boxed{\\left[\\begin{array}{cc}1 & 2 \\\\3 & 5\\end{array}\\right]}", gold).correct
    # two matrices joined by an operator are not one matrix
    sum_of_two = "\\boxed{\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix} + \\begin{pmatrix}0 & 0 \\\\ 0 & 0\\end{pmatrix}}"
    assert not check(sum_of_two, "\\begin{pmatrix}1 & 2 \\\\ 3 & 4 \\end{pmatrix} + \\begin{pmatrix}9 & 9 \\\\ 9 & 9\\end{pmatrix}").correct


def test_a_quad_that_lost_its_blank_and_a_spaced_braced_comma_still_read() -> None:
    from rlvr.verify import check

    gold = r"x_{1}=10^{\frac{-5+\sqrt{13}}{6}},\quadx_{2}=10^{-\frac{5+\sqrt{13}}{6}}"
    both = r"\boxed{10^{\frac{\sqrt{13} - 5}{6}}} \text{ and } \quad \boxed{10^{-\frac{5 + \sqrt{13}}{6}}}"
    assert check(both, gold).correct
    assert not check(r"\boxed{10^{\frac{\sqrt{13} - 5}{6}}}", gold).correct, "one root of two is not the answer"
    assert check(r"\boxed{14 {, }916}", "14916").correct
    assert not check(r"\boxed{14 {, }916}", "14").correct
