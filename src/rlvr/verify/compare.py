"""Compare a parsed answer with a parsed gold answer.

The comparison is exact. Plain numbers compare as `Fraction`s in the caller's process;
whenever a symbolic question comes up (is `\\frac{1}{\\sqrt2}` equal to `\\frac{\\sqrt2}{2}`?)
the in-process comparison raises `NeedSymbolic` and the whole comparison is re-run in a
worker process with a sympy backend (`rlvr.verify.symbolic`), under a deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

from rlvr.verify.answer import (
    Answer,
    BaseNumber,
    BigValue,
    Chain,
    Choice,
    Collection,
    Equation,
    Expr,
    Hedge,
    Interval,
    Matrix,
    Number,
    Text,
    Tuple,
    Unequal,
    Union,
    is_symbol,
    parse_choice,
)
from rlvr.verify.verdict import Reason


_FUNCTION_HEAD = re.compile(r"^[A-Za-z](?:_\{?\w+\}?)?\s*\([A-Za-z, ]*\)$")


class NeedSymbolic(Exception):
    """Raised by the in-process comparison when only the symbolic stage can decide."""


class SymbolicBackend(Protocol):
    """What the worker's sympy stage provides."""

    def equal(self, answer: str, gold: str) -> bool:
        """Exact equality of two scalar LaTeX expressions."""

    def equations_equal(self, answer: Equation, gold: Equation) -> bool:
        """Same solution set: the sides' differences are proportional by a nonzero constant."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """The decision of a comparison."""

    equal: bool
    reason: str
    detail: str | None = None


def compare(answer: Answer, gold: Answer, backend: SymbolicBackend | None = None) -> Outcome:
    """Decide whether `answer` equals `gold`; raises `NeedSymbolic` when `backend` is None and sympy is needed."""
    return _Comparer(backend).compare(answer, gold)


def _not_equal(detail: str | None = None) -> Outcome:
    return Outcome(False, Reason.NOT_EQUAL, detail)


class _Comparer:
    def __init__(self, backend: SymbolicBackend | None) -> None:
        self.backend = backend

    # scalars --------------------------------------------------------------------------
    def scalar_equal(self, answer: Answer, gold: Answer) -> bool:
        if isinstance(answer, Number) and isinstance(gold, Number):
            return _numbers_equal(answer, gold)
        if isinstance(answer, BaseNumber) or isinstance(gold, BaseNumber):
            return _base_equal(answer, gold)
        if isinstance(answer, BigValue) or isinstance(gold, BigValue):
            # values too big to evaluate are equal only when written the same way
            return _text_of(answer).replace(" ", "") == _text_of(gold).replace(" ", "")
        if isinstance(answer, Text) or isinstance(gold, Text):
            return isinstance(answer, Text) and isinstance(gold, Text) and answer.words == gold.words
        if isinstance(answer, (Number, Expr)) and isinstance(gold, (Number, Expr)):
            if _infinity(answer) is not None or _infinity(gold) is not None:
                return _infinity(answer) == _infinity(gold)
            if self.backend is None:
                raise NeedSymbolic
            return self.backend.equal(_text_of(answer), _text_of(gold))
        return False

    # dispatch -------------------------------------------------------------------------
    def compare(self, answer: Answer, gold: Answer) -> Outcome:
        if isinstance(answer, Hedge):
            return Outcome(False, Reason.HEDGED, "several alternative answers")
        if isinstance(answer, Unequal) or isinstance(gold, Unequal):
            same = isinstance(answer, Unequal) and isinstance(gold, Unequal) and answer.text.replace(" ", "") == gold.text.replace(" ", "")
            return Outcome(True, Reason.EQUAL_STRING) if same else _not_equal("a relation, not a value")
        if isinstance(answer, Chain):
            return self.chain(answer, gold)
        if isinstance(gold, Choice):
            return self.choice(answer, gold)
        if isinstance(gold, Text):
            if isinstance(answer, Text) and answer.words == gold.words:
                return Outcome(True, Reason.EQUAL_TEXT)
            return _not_equal()
        if isinstance(gold, (Number, Expr, BigValue, BaseNumber)):
            return self.against_scalar(answer, gold)
        if isinstance(gold, Equation):
            return self.against_equation(answer, gold)
        if isinstance(gold, (Interval, Union)):
            return self.against_intervals(answer, gold)
        if isinstance(gold, Tuple):
            return self.against_tuple(answer, gold)
        if isinstance(gold, Collection):
            return self.against_collection(answer, gold)
        if isinstance(gold, Matrix):
            return self.against_matrix(answer, gold)
        if isinstance(gold, Chain):
            return self.compare(answer, _last_side(gold))
        return _not_equal()

    def chain(self, answer: Chain, gold: Answer) -> Outcome:
        sides = list(answer.sides)
        if is_symbol(sides[0]) or _FUNCTION_HEAD.match(sides[0]):
            sides = sides[1:]  # `x = a = b`: the name is not a value
        parsed = [_parse_side(side) for side in sides]
        for left, right in zip(parsed, parsed[1:]):
            if not self.scalar_equal(left, right):
                return Outcome(False, Reason.HACKING, "an equation chain whose sides differ")
        return self.compare(parsed[-1], gold)

    def choice(self, answer: Answer, gold: Choice) -> Outcome:
        letter = answer.letter if isinstance(answer, Choice) else None
        if letter is None and isinstance(answer, (Expr, Text)):
            found = parse_choice(answer.text if isinstance(answer, Expr) else answer.words.upper())
            letter = found.letter if found else None
        if letter == gold.letter:
            return Outcome(True, Reason.EQUAL_CHOICE)
        return _not_equal("a different choice" if letter else "not a choice letter")

    def against_scalar(self, answer: Answer, gold: Answer) -> Outcome:
        if isinstance(answer, Equation):
            if is_symbol(answer.lhs):
                return self.against_scalar(_parse_side(answer.rhs), gold)
            return _not_equal("an equation, not a value")
        if isinstance(answer, Collection):
            distinct = len(answer.items) > 1
            if distinct:
                return Outcome(False, Reason.HEDGED, "several candidates for a single answer")
            return self.against_scalar(answer.items[0], gold) if answer.items else _not_equal()
        if isinstance(answer, Tuple) and len(answer.items) == 1:
            return self.against_scalar(answer.items[0], gold)
        if not isinstance(answer, (Number, Expr, BigValue, BaseNumber)):
            return _not_equal("a different kind of answer")
        if isinstance(answer, Expr) and _bare_variable(answer.text) and not (isinstance(gold, Expr) and is_symbol(gold.text)):
            return Outcome(False, Reason.HACKING, "a bare variable is not an answer")
        if self.scalar_equal(answer, gold):
            numeric = isinstance(answer, (Number, BaseNumber)) and isinstance(gold, (Number, BaseNumber))
            return Outcome(True, Reason.EQUAL_NUMERIC if numeric else Reason.EQUAL_SYMBOLIC)
        return _not_equal()

    def against_equation(self, answer: Answer, gold: Equation) -> Outcome:
        if isinstance(answer, Equation):
            if is_symbol(answer.lhs) and is_symbol(gold.lhs) and answer.lhs == gold.lhs:
                if self.scalar_equal(_parse_side(answer.rhs), _parse_side(gold.rhs)):
                    return Outcome(True, Reason.EQUAL_EQUATION)
            if self.backend is None:
                raise NeedSymbolic
            if self.backend.equations_equal(answer, gold):
                return Outcome(True, Reason.EQUAL_EQUATION)
            return _not_equal()
        if is_symbol(gold.lhs) and isinstance(answer, (Number, Expr, BaseNumber, BigValue)):
            outcome = self.against_scalar(answer, _parse_side(gold.rhs))
            return outcome
        return _not_equal("not an equation")

    def against_intervals(self, answer: Answer, gold: Interval | Union) -> Outcome:
        answer_parts = _intervals_of(answer)
        gold_parts = _intervals_of(gold)
        if answer_parts is None or gold_parts is None or len(answer_parts) != len(gold_parts):
            return _not_equal("a different kind of answer")
        if self.unordered_match(answer_parts, gold_parts, self.intervals_equal):
            return Outcome(True, Reason.EQUAL_INTERVAL)
        return _not_equal()

    def intervals_equal(self, answer: Answer, gold: Answer) -> bool:
        assert isinstance(answer, Interval) and isinstance(gold, Interval)
        return (
            answer.left_closed == gold.left_closed
            and answer.right_closed == gold.right_closed
            and self.scalar_equal(answer.left, gold.left)
            and self.scalar_equal(answer.right, gold.right)
        )

    def against_tuple(self, answer: Answer, gold: Tuple) -> Outcome:
        if isinstance(answer, Interval) and len(gold.items) == 2 and not answer.left_closed and not answer.right_closed:
            answer = Tuple((answer.left, answer.right))
        if isinstance(answer, Collection) and not answer.braces:
            answer = Tuple(answer.items)
        if isinstance(answer, Matrix) and _is_vector(answer):
            answer = Tuple(tuple(cell for row in answer.rows for cell in row))
        if not isinstance(answer, Tuple) or len(answer.items) != len(gold.items):
            return _not_equal("a different kind of answer" if not isinstance(answer, Tuple) else "a different length")
        for answer_item, gold_item in zip(answer.items, gold.items):
            if not self.compare(answer_item, gold_item).equal:
                return _not_equal()
        return Outcome(True, Reason.EQUAL_TUPLE)

    def against_collection(self, answer: Answer, gold: Collection) -> Outcome:
        if isinstance(answer, Tuple) and not gold.braces:
            answer = Collection(answer.items)
        if not isinstance(answer, Collection):
            answer = Collection((answer,))
        if len(answer.items) != len(gold.items):
            return _not_equal("a different number of elements")
        if self.unordered_match(list(answer.items), list(gold.items), lambda a, g: self.compare(a, g).equal):
            return Outcome(True, Reason.EQUAL_SET)
        return _not_equal()

    def against_matrix(self, answer: Answer, gold: Matrix) -> Outcome:
        if isinstance(answer, Tuple) and _is_vector(gold):
            answer = Matrix(tuple((item,) for item in answer.items)) if len(gold.rows) > 1 else Matrix((answer.items,))
        if not isinstance(answer, Matrix):
            return _not_equal("not a matrix")
        shape = [len(row) for row in answer.rows]
        if shape != [len(row) for row in gold.rows]:
            return _not_equal("a different shape")
        for answer_row, gold_row in zip(answer.rows, gold.rows):
            for answer_cell, gold_cell in zip(answer_row, gold_row):
                if not self.scalar_equal(answer_cell, gold_cell):
                    return _not_equal()
        return Outcome(True, Reason.EQUAL_MATRIX)

    @staticmethod
    def unordered_match(answers: list, golds: list, equal) -> bool:  # type: ignore[type-arg]
        """Every gold item matched by a distinct answer item (equality is transitive, so greedy works)."""
        remaining = list(answers)
        for gold_item in golds:
            for index, answer_item in enumerate(remaining):
                if equal(answer_item, gold_item):
                    del remaining[index]
                    break
            else:
                return False
        return not remaining


def _bare_variable(text: str) -> bool:
    """A lone variable name; `i` and `e` are the constants, not variables."""
    return is_symbol(text) and text.strip() not in {"i", "e"}


def _numbers_equal(answer: Number, gold: Number) -> bool:
    if answer.value == gold.value:
        return True
    # "50%" and "0.5" say the same; a bare "50" for a gold "50\%" is accepted above
    if answer.percent != gold.percent:
        percent_side, other = (answer, gold) if answer.percent else (gold, answer)
        return percent_side.value / 100 == other.value
    return False


def _base_equal(answer: Answer, gold: Answer) -> bool:
    if isinstance(answer, BaseNumber) and isinstance(gold, BaseNumber):
        return answer.base == gold.base and answer.digits == gold.digits
    if isinstance(gold, BaseNumber) and isinstance(answer, Number):
        # the digits written without the subscript
        return answer.value.denominator == 1 and answer.text.strip().lstrip("0") == gold.digits.lstrip("0")
    if isinstance(answer, BaseNumber) and isinstance(gold, Number):
        return gold.value == Fraction(answer.value)
    return False


def _text_of(answer: Answer) -> str:
    if isinstance(answer, (Number, Expr, BigValue)):
        return answer.text
    if isinstance(answer, BaseNumber):
        return f"{answer.digits}_{answer.base}"
    return str(answer)


def _infinity(answer: Answer) -> int | None:
    if not isinstance(answer, Expr):
        return None
    text = answer.text.replace(" ", "")
    if text in {"\\infty", "+\\infty", "\\infin", "oo"}:
        return 1
    if text in {"-\\infty", "-oo"}:
        return -1
    return None


def _intervals_of(answer: Answer) -> list[Interval] | None:
    if isinstance(answer, Interval):
        return [answer]
    if isinstance(answer, Union):
        return list(answer.parts)
    if isinstance(answer, Tuple) and len(answer.items) == 2:
        left, right = answer.items
        if isinstance(left, (Number, Expr)) and isinstance(right, (Number, Expr)):
            return [Interval(left, right, False, False)]
    return None


def _is_vector(matrix: Matrix) -> bool:
    return len(matrix.rows) == 1 or all(len(row) == 1 for row in matrix.rows)


def _parse_side(text: str) -> Answer:
    from rlvr.verify.answer import parse

    return parse(text)


def _last_side(chain: Chain) -> Answer:
    return _parse_side(chain.sides[-1])
