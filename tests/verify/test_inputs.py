"""Bad input to the Python API is a clear ValueError, never a traceback from deep inside."""

from __future__ import annotations

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
