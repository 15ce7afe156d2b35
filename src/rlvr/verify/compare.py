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
from typing import Callable, Iterable, Protocol

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
    is_label,
    is_symbol,
    parse_choice,
)
from rlvr.verify.numeric import TooLarge
from rlvr.verify.verdict import Reason


_FUNCTION_HEAD = re.compile(r"^[A-Za-z](?:_\{?\w+\}?)?\s*\([A-Za-z, ]*\)$")


class Unparsable(ValueError):
    """A backend's parser could not read one side: the rules cannot decide, so a judge may."""


class NeedSymbolic(Exception):
    """Raised by the in-process comparison when only the symbolic stage can decide."""


class _Unreadable(Exception):
    """A side the rules cannot read (free text, a form no parser takes): no proof either way."""


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
    # True when "not equal" only means the rules could not read a side; only then may a judge decide
    unread: bool = False


def compare(answer: Answer, gold: Answer, backend: SymbolicBackend | None = None) -> Outcome:
    """Decide whether `answer` equals `gold`; raises `NeedSymbolic` when `backend` is None and sympy is needed.

    A "not equal" outcome has `unread=True` when no part of the answer was shown different and some
    part could not be read (free text, a form the parsers reject); otherwise the rules proved it wrong.
    """
    try:
        return _Comparer(backend).compare(answer, gold)
    except _Unreadable as error:
        return Outcome(False, Reason.NOT_EQUAL, str(error) or "a side the rules cannot read", unread=True)


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
            if isinstance(answer, Text) and isinstance(gold, Text) and (answer.words == gold.words or _words_differ(answer, gold)):
                return answer.words == gold.words
            raise _Unreadable("free text")
        if isinstance(answer, (Number, Expr)) and isinstance(gold, (Number, Expr)):
            if _infinity(answer) is not None or _infinity(gold) is not None:
                return _infinity(answer) == _infinity(gold)
            if _text_of(answer).replace(" ", "") == _text_of(gold).replace(" ", ""):
                return True
            if self.backend is None:
                raise NeedSymbolic
            return self.read(lambda backend: backend.equal(_text_of(answer), _text_of(gold)))
        return False

    def read(self, decide: Callable[[SymbolicBackend], bool]) -> bool:
        """Run a backend decision; a side its parser cannot read makes the pair unreadable, not different.

        Any other failure (inside simplification, say) read both sides and decided nothing:
        that is "not shown equal", and no judge is asked to overrule it.
        """
        assert self.backend is not None
        try:
            return decide(self.backend)
        except (NeedSymbolic, TooLarge, RecursionError, MemoryError):
            raise
        except Unparsable as error:
            raise _Unreadable(str(error) or "could not read a side") from error
        except Exception:  # noqa: BLE001 - a failure after both sides were read is not a proof of equality
            return False

    def equal(self, answer: Answer, gold: Answer) -> bool:
        """Equality of parts; raises `_Unreadable` when the rules cannot decide."""
        return self.compare(answer, gold).equal

    @staticmethod
    def all_equal(pairs: Iterable[tuple[Answer, Answer]], equal: Callable[[Answer, Answer], bool]) -> bool:
        """Every pair equal; one pair shown different decides "no" even when another pair is unreadable."""
        unreadable: _Unreadable | None = None
        for answer, gold in pairs:
            try:
                if not equal(answer, gold):
                    return False
            except _Unreadable as error:
                unreadable = error
        if unreadable is not None:
            raise unreadable
        return True

    # dispatch -------------------------------------------------------------------------
    def compare(self, answer: Answer, gold: Answer) -> Outcome:
        if isinstance(gold, Hedge):
            # a gold does not hedge: "(11,7) or (7,11)" lists its solutions
            gold = _parse_list(gold.options)
        if isinstance(answer, Hedge):
            return Outcome(False, Reason.HEDGED, "several alternative answers")
        if isinstance(answer, Unequal) or isinstance(gold, Unequal):
            same = isinstance(answer, Unequal) and isinstance(gold, Unequal) and _relation_key(answer.text) == _relation_key(gold.text)
            return Outcome(True, Reason.EQUAL_STRING) if same else _not_equal("a relation, not a value")
        if isinstance(answer, Chain):
            return self.chain(answer, gold)
        labelled = self.labelled(answer, gold)
        if labelled is not None:
            return labelled
        if isinstance(gold, Choice):
            return self.choice(answer, gold)
        if isinstance(gold, Text):
            if isinstance(answer, Text) and answer.words == gold.words:
                return Outcome(True, Reason.EQUAL_TEXT)
            if isinstance(answer, Text) and _words_differ(answer, gold):
                return _not_equal("a different word")
            raise _Unreadable("free text")
        if isinstance(answer, Text):
            raise _Unreadable("free text")
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

    def labelled(self, answer: Answer, gold: Answer) -> Outcome | None:
        """`label = value` on one side (`f(x) = 2x+1`, `(p,q) = (3,2)`, `AB = 4`) is compared by its value.

        Two equations compare by value only under the same label; otherwise as equations.
        """
        answer_label = isinstance(answer, Equation) and is_label(answer.lhs)
        gold_label = isinstance(gold, Equation) and is_label(gold.lhs)
        if answer_label and gold_label:
            assert isinstance(answer, Equation) and isinstance(gold, Equation)
            if _compact(answer.lhs) == _compact(gold.lhs):
                outcome = self.compare(_parse_side(answer.rhs), _parse_side(gold.rhs))
                return Outcome(True, Reason.EQUAL_EQUATION) if outcome.equal else outcome
            return None
        if answer_label and not isinstance(gold, Equation):
            assert isinstance(answer, Equation)
            return self.compare(_parse_side(answer.rhs), gold)
        if gold_label and not isinstance(answer, Equation):
            assert isinstance(gold, Equation)
            return self.compare(answer, _parse_side(gold.rhs))
        return None

    def chain(self, answer: Chain, gold: Answer) -> Outcome:
        sides = list(answer.sides)
        if is_label(sides[0]) or _FUNCTION_HEAD.match(sides[0]):
            sides = sides[1:]  # `x = a = b`: the name is not a value
        parsed = [_parse_side(side) for side in sides]
        for left, right in zip(parsed, parsed[1:]):
            try:
                same = self.scalar_equal(left, right)
            except _Unreadable:
                same = False  # a chain is rewarded only when every link is shown equal
            if not same:
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
            if self.read(lambda backend: backend.equations_equal(answer, gold)):
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
        if answer.left_closed != gold.left_closed or answer.right_closed != gold.right_closed:
            return False
        return self.all_equal([(answer.left, gold.left), (answer.right, gold.right)], self.scalar_equal)

    def against_tuple(self, answer: Answer, gold: Tuple) -> Outcome:
        if isinstance(answer, Interval) and len(gold.items) == 2 and not answer.left_closed and not answer.right_closed:
            answer = Tuple((answer.left, answer.right))
        if isinstance(answer, Collection) and not answer.braces:
            answer = Tuple(answer.items)
        if isinstance(answer, Matrix) and _is_vector(answer):
            answer = Tuple(tuple(cell for row in answer.rows for cell in row))
        if not isinstance(answer, Tuple) or len(answer.items) != len(gold.items):
            return _not_equal("a different kind of answer" if not isinstance(answer, Tuple) else "a different length")
        answer = _by_labels(answer, gold)
        if not self.all_equal(zip(answer.items, gold.items), self.equal):
            return _not_equal()
        return Outcome(True, Reason.EQUAL_TUPLE)

    def against_collection(self, answer: Answer, gold: Collection) -> Outcome:
        if isinstance(answer, Tuple) and (not gold.braces or answer.labels is not None):
            answer = Collection(answer.items)
        if not isinstance(answer, Collection):
            answer = Collection((answer,))
        if len(answer.items) > len(gold.items):
            # an element written twice (`(3,17,3,7)` and `(3, 17, 3, 7)`) is still one element
            answer = Collection(_distinct(answer.items), answer.braces)
        if len(answer.items) != len(gold.items):
            return _not_equal("a different number of elements")
        if self.unordered_match(list(answer.items), list(gold.items), self.equal):
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
        cells = [pair for answer_row, gold_row in zip(answer.rows, gold.rows) for pair in zip(answer_row, gold_row)]
        if not self.all_equal(cells, self.scalar_equal):
            return _not_equal()
        return Outcome(True, Reason.EQUAL_MATRIX)

    @staticmethod
    def unordered_match(answers: list, golds: list, equal) -> bool:  # type: ignore[type-arg]
        """Every gold item matched by a distinct answer item (equality is transitive, so greedy works).

        When no match is found and some pair could not be read, that is unreadable, not a proof.
        """
        remaining = list(answers)
        unreadable: _Unreadable | None = None
        for gold_item in golds:
            for index, answer_item in enumerate(remaining):
                try:
                    same = equal(answer_item, gold_item)
                except _Unreadable as error:
                    unreadable, same = error, False
                if same:
                    del remaining[index]
                    break
            else:
                if unreadable is not None:
                    raise unreadable
                return False
        return not remaining


def _distinct(items: tuple[Answer, ...]) -> tuple[Answer, ...]:
    """Items without repeats of the same written value (same number, or same text up to spacing)."""
    seen: set[object] = set()
    kept: list[Answer] = []
    for item in items:
        key = _written_key(item)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return tuple(kept)


def _written_key(item: Answer) -> object:
    if isinstance(item, Number):
        return ("number", item.value, item.percent)
    if isinstance(item, Tuple):
        return ("tuple", tuple(_written_key(part) for part in item.items))
    if isinstance(item, (Expr, BigValue)):
        return ("text", item.text.replace(" ", ""))
    return ("other", repr(item))


def _words_differ(answer: Text, gold: Text) -> bool:
    """Two different single words (`east` / `west`, two names) are read, and differ; phrases may be synonyms."""
    return answer.words != gold.words and " " not in answer.words and " " not in gold.words


def _compact(text: str) -> str:
    return re.sub(r"[\s{}]", "", text)


def _relation_key(text: str) -> str:
    return _compact(re.sub(r"\\neq?(?![A-Za-z])|!=|\u2260", "\\\\ne ", text))


def _by_labels(answer: Tuple, gold: Tuple) -> Tuple:
    """Pair a labelled answer's values with the gold's by name (`q = 2, p = 5` against `p = 5, q = 2`)."""
    if answer.labels is None or gold.labels is None or answer.labels == gold.labels:
        return answer
    if sorted(answer.labels) != sorted(gold.labels):
        return answer
    by_name = dict(zip(answer.labels, answer.items))
    return Tuple(tuple(by_name[label] for label in gold.labels), gold.labels)


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


def _parse_list(options: tuple[str, ...]) -> Answer:
    from rlvr.verify.answer import parse

    return parse(", ".join(options), list_context=True)


def _last_side(chain: Chain) -> Answer:
    return _parse_side(chain.sides[-1])
