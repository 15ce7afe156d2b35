"""Bad input to the Python API is a clear ValueError, never a traceback from deep inside."""

from __future__ import annotations

from fractions import Fraction

import pytest

from rlvr.verify import Reason, VerifyError, check, check_many


@pytest.mark.parametrize("response", [None, 5, b"\\boxed{5}", ["\\boxed{5}"]])
def test_response_must_be_a_string(response: object) -> None:
    with pytest.raises(VerifyError, match="response must be a string"):
        check(response, "5")  # type: ignore[arg-type]


@pytest.mark.parametrize("gold", [None, True, ["5"], {"a": 1}, float("nan")])
def test_gold_must_be_a_string_or_number(gold: object) -> None:
    with pytest.raises(VerifyError, match="gold"):
        check("\\boxed{5}", gold)  # type: ignore[arg-type]


def test_unusable_gold_is_a_verdict_not_an_exception() -> None:
    assert check("\\boxed{5}", "   ").reason == Reason.INVALID_GOLD
    assert check("\\boxed{5}", "x" * 5000).reason == Reason.INVALID_GOLD


def test_check_many_validates_its_arguments() -> None:
    with pytest.raises(VerifyError, match="workers"):
        check_many([("\\boxed{5}", "5")], workers=0)
    with pytest.raises(VerifyError, match="pair 1"):
        check_many([("\\boxed{5}", "5"), "oops"])  # type: ignore[list-item]


def test_check_many_keeps_order() -> None:
    pairs = [(f"\\boxed{{{n}}}", str(n if n % 2 else n + 1)) for n in range(10)]
    assert [verdict.correct for verdict in check_many(pairs)] == [n % 2 == 1 for n in range(10)]


def test_verdict_is_json_ready() -> None:
    verdict = check("\\boxed{\\frac{1}{2}}", "0.5")
    assert verdict.to_dict() == {
        "correct": True, "reason": Reason.EQUAL_NUMERIC, "extracted": "\\frac{1}{2}", "normalized": "\\frac{1}{2}",
        "gold_normalized": "0.5", "detail": None, "score": 1.0,
    }


# issue 23: every input gets a verdict; bad arguments are refused before any work ------------------
@pytest.mark.parametrize("timeout", [float("inf"), -float("inf"), 0.0, -2, True, 10**400], ids=["inf", "-inf", "zero", "negative", "bool", "huge-int"])
def test_non_finite_or_non_positive_timeout_is_refused(timeout: object) -> None:
    with pytest.raises(VerifyError, match="timeout"):
        check("\\boxed{\\frac{1}{\\sqrt2}}", "\\frac{\\sqrt2}{2}", timeout=timeout)  # type: ignore[arg-type]
    with pytest.raises(VerifyError, match="timeout"):
        check_many([("\\boxed{5}", "5")] * 2, timeout=timeout)  # type: ignore[arg-type]


def test_answers_needing_sympy_verify_after_bad_arguments() -> None:
    for timeout in (float("inf"), float("nan"), -1.0):
        with pytest.raises(VerifyError):
            check("\\boxed{\\sin^2 x+\\cos^2 x}", "1", timeout=timeout)
    for gold in ("(" * 990 + "5" + ")" * 990, 10**5000):
        check("\\boxed{5}", gold)
    verdict = check("\\boxed{\\sin^2 y+\\cos^2 y}", "1", timeout=30)
    assert verdict.correct, verdict


@pytest.mark.parametrize(
    "gold",
    ["(" * 990 + "5" + ")" * 990, "{" * 990 + "5" + "}" * 990, "\\frac{" * 300 + "1" + "}{2}" * 300, "[" * 120 + "1" + "]" * 120],
    ids=["parens", "braces", "fractions", "brackets"],
)
def test_deeply_nested_gold_is_a_verdict(gold: str) -> None:
    verdict = check("\\boxed{5}", gold)
    assert verdict.reason == Reason.INVALID_GOLD and not verdict.correct


def test_deeply_nested_answer_is_a_verdict() -> None:
    verdict = check("\\boxed{" + "(" * 700 + "5" + ")" * 700 + "}", "5")
    assert not verdict.correct


@pytest.mark.parametrize("gold", [10**5000, -(10**5000), Fraction(10**5000, 3), Fraction(1, 10**5000)], ids=["int", "negative", "fraction", "reciprocal"])
def test_huge_numeric_gold_is_a_verdict(gold: int | Fraction) -> None:
    verdict = check("\\boxed{5}", gold)
    assert verdict.reason == Reason.INVALID_GOLD and "digits" in (verdict.detail or "")


def test_large_but_writable_numeric_gold_still_compares() -> None:
    assert check(f"\\boxed{{{10**300}}}", 10**300).correct
    assert check("\\boxed{1.5}", 1.5).correct


def test_digits_separated_by_a_blank_are_not_one_number() -> None:
    from rlvr.verify import check

    assert not check(r"\boxed{2 7}", "27").correct
    assert not check(r"\boxed{2 6000}", "26000").correct
    assert check(r"\boxed{1 260}", "1260").correct, "a thousands group is still one number"
    assert check(r"\boxed{1\,260}", "1260").correct
    assert check(r"\boxed{x + 1}", "x+1").correct, "blanks elsewhere still do not matter"


def test_a_lone_surrogate_never_reaches_the_verdict_text() -> None:
    import json

    from rlvr.verify import check

    for response, gold in [("\\boxed{5}\ud83d", "5"), ("\\boxed{\ud83d5}", "5"), ("\\boxed{5}", "5\udc00"), ("\ud800", "\udfff")]:
        verdict = check(response, gold)
        for field in (verdict.extracted, verdict.normalized, verdict.gold_normalized, verdict.detail):
            if field is not None:
                field.encode("utf-8")  # raises on a surrogate
        json.dumps(verdict.to_dict(), ensure_ascii=False).encode("utf-8")
    assert check("\\boxed{5}\ud83d", "5").correct


def test_long_golds_are_not_kept_in_the_gold_cache() -> None:
    from rlvr.verify import check
    from rlvr.verify.pipeline import _prepare_gold

    before = _prepare_gold.cache_info().currsize
    for i in range(50):
        check("\\boxed{1}", f"{i}+" + "0+" * 600 + "1")
    assert _prepare_gold.cache_info().currsize == before, "golds over the cached length are prepared per call"
    check("\\boxed{1}", "short gold 12345")
    assert _prepare_gold.cache_info().currsize == before + 1
