"""Property tests: arbitrary text never raises, always yields a Verdict, and stays within the bound."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rlvr.verify import Verdict, check, extract_answer, warm_up
from rlvr.verify.numeric import NotNumeric, TooLarge, parse_number

TIMEOUT = 0.5
MARGIN = 2.0

LATEX_PIECES = st.sampled_from(
    [
        "\\frac", "\\sqrt", "\\boxed", "{", "}", "(", ")", "[", "]", "^", "_", "=", ",", "\\pm", "\\cup", "\\infty", "\\pi",
        "x", "y", "i", "e", "1", "2", "0", "9", ".", "-", "+", "/", "!", "\\le", "<", "\\text{", "\\begin{pmatrix}",
        "\\end{pmatrix}", "&", "\\\\", "$", "%", "^\\circ", " or ", " and ", "</think>", "<think>", "<answer>", "**",
        "\\left(", "\\right)", "\\{", "\\}", "10^{", "\\cdot", "\\dfrac", "answer is ", "\\overline{", "_8", " ",
    ]
)
LATEXISH = st.lists(LATEX_PIECES, max_size=30).map("".join)
GOLDS = st.sampled_from(["5", "\\frac{1}{2}", "x^2-1", "(1,2]", "\\{1, 2\\}", "E", "\\text{Monday}", "3x+4y=-14", "2\\sqrt{3}"])


def _bounded(response: str, gold: str) -> None:
    started = time.monotonic()
    verdict = check(response, gold, timeout=TIMEOUT)
    elapsed = time.monotonic() - started
    assert isinstance(verdict, Verdict)
    assert verdict.score in (0.0, 1.0)
    assert isinstance(verdict.reason, str) and verdict.reason
    assert elapsed < TIMEOUT + MARGIN, (elapsed, response, gold)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200), GOLDS)
def test_random_unicode_never_raises(response: str, gold: str) -> None:
    warm_up()
    _bounded(response, gold)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LATEXISH, GOLDS)
def test_random_latex_never_raises(body: str, gold: str) -> None:
    warm_up()
    _bounded(f"The answer is $\\boxed{{{body}}}$", gold)
    _bounded(body, gold)


@settings(max_examples=100, deadline=None)
@given(LATEXISH, LATEXISH)
def test_random_gold_never_raises(response: str, gold: str) -> None:
    warm_up()
    _bounded(response, gold)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_extraction_is_total(response: str) -> None:
    answer = extract_answer(response)
    assert answer is None or isinstance(answer, str)


@settings(max_examples=300, deadline=None)
@given(LATEXISH)
def test_number_parser_raises_only_its_own_errors(text: str) -> None:
    try:
        parse_number(text)
    except (NotNumeric, TooLarge):
        pass


@settings(max_examples=200, deadline=None)
@given(st.fractions(max_denominator=10**6))
def test_fractions_round_trip_in_every_spelling(value) -> None:  # type: ignore[no-untyped-def]
    gold = f"\\frac{{{value.numerator}}}{{{value.denominator}}}"
    assert check(f"\\boxed{{{value.numerator}/{value.denominator}}}", gold).correct
    assert check(f"\\boxed{{\\dfrac{{{value.numerator}}}{{{value.denominator}}}}}", gold).correct
    assert not check(f"\\boxed{{{value.numerator + 1}/{value.denominator}}}", gold).correct


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1000, max_value=10**12))
def test_thousands_separators_keep_the_value(number: int) -> None:
    spelled = f"{number:,}"
    assert check(f"\\boxed{{{spelled}}}", str(number)).correct
    assert check(f"\\boxed{{{spelled.replace(',', '{,}')}}}", str(number)).correct
    assert not check(f"\\boxed{{{number + 1:,}}}", str(number)).correct
