import random
import statistics

import pytest

from rlvr.tasks import get
from rlvr.tasks.families._expr import evaluate
from rlvr.tasks.families.operator_redefinition import _RULES
from rlvr.verify.verdict import Reason

TASK = get("operator_redefinition")


def tagged(text: str) -> str:
    return f"<answer>{text}</answer>"


@pytest.mark.parametrize("rule", [r for r in _RULES if "larger" not in r[0] and "smaller" not in r[0]])
def test_rule_text_matches_its_function(rule) -> None:
    text, function = rule
    for a, b, p, q in [(5, 2, 3, 4), (2, 7, 2, 2), (9, 9, 5, 3)]:
        formula = text.format(p=p, q=q).replace("a", f"({a})").replace("b", f"({b})")
        assert evaluate(formula.replace("(-", "(0-"))[0] == function(a, b, p, q)


def test_word_rules() -> None:
    larger = next(f for t, f in _RULES if "larger" in t)
    smaller = next(f for t, f in _RULES if "smaller" in t)
    assert larger(3, 8, 2, 0) == 10 and smaller(3, 8, 0, 4) == 12


def test_prompt_shows_the_expression_and_the_rules() -> None:
    p = TASK.problem(0, difficulty=8)
    assert p.metadata["expression"] in p.prompt
    assert p.prompt.count(" = ") >= 2


def test_checking() -> None:
    p = TASK.problem(1, difficulty=5)
    gold = p.metadata["value"]
    assert TASK.check(p, tagged(f" {gold}. ")).reason == Reason.EQUAL_NUMERIC
    assert TASK.check(p, tagged(str(gold + 1))).reason == Reason.NOT_EQUAL
    assert TASK.check(p, tagged("about 12")).reason == Reason.INVALID_FORMAT
    assert TASK.check(p, tagged("1e3")).reason == Reason.INVALID_FORMAT
    assert TASK.check(p, "no tags").reason == Reason.NO_ANSWER
    assert not TASK.check(p, tagged(TASK.corrupt(p, random.Random(0)))).correct


def test_values_stay_bounded() -> None:
    assert all(abs(p.metadata["value"]) <= 100_000 for p in TASK.generate(100, difficulty=10))


def test_difficulty_grows() -> None:
    def effort(d: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in TASK.generate(30, seed=2, difficulty=d))
    assert effort(9) > effort(2)
