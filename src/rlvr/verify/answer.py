"""The typed answer model and the parser from a normalised string into it.

An answer is one of: `Number` (exact `Fraction`), `Expr` (LaTeX left for the symbolic
stage), `BigValue` (a constant too large to evaluate), `BaseNumber` (`52_8`), `Equation`,
`Interval` / `Union` (also from inequalities such as `1 < x \\le 2`), `Tuple` (ordered),
`Collection` (unordered: sets and lists of roots), `Matrix`, `Choice` (a multiple-choice
letter), `Text`, `Hedge` (alternatives joined by "or") and `Chain` (`a = b = c`).
Parsing uses only string scans and the exact number parser: no sympy, no eval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Union as TypingUnion

from rlvr.verify.latex import outer_brackets, split_top_level
from rlvr.verify.numeric import NotNumeric, TooLarge, parse_number

MAX_ITEMS = 64


@dataclass(frozen=True, slots=True)
class Number:
    value: Fraction
    text: str
    percent: bool = False


@dataclass(frozen=True, slots=True)
class Expr:
    text: str


@dataclass(frozen=True, slots=True)
class BigValue:
    text: str


@dataclass(frozen=True, slots=True)
class BaseNumber:
    digits: str
    base: int
    value: int


@dataclass(frozen=True, slots=True)
class Equation:
    lhs: str
    rhs: str


@dataclass(frozen=True, slots=True)
class Chain:
    sides: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Interval:
    left: "Scalar"
    right: "Scalar"
    left_closed: bool
    right_closed: bool


@dataclass(frozen=True, slots=True)
class Union:
    parts: tuple[Interval, ...]


@dataclass(frozen=True, slots=True)
class Tuple:
    items: tuple["Answer", ...]


@dataclass(frozen=True, slots=True)
class Collection:
    items: tuple["Answer", ...]
    braces: bool = False


@dataclass(frozen=True, slots=True)
class Matrix:
    rows: tuple[tuple["Answer", ...], ...]


@dataclass(frozen=True, slots=True)
class Choice:
    letter: str


@dataclass(frozen=True, slots=True)
class Text:
    words: str


@dataclass(frozen=True, slots=True)
class Unequal:
    """A `\\ne` relation: says what something is not, which is no value."""

    text: str


@dataclass(frozen=True, slots=True)
class Hedge:
    options: tuple[str, ...]


Scalar = TypingUnion[Number, Expr, BigValue, BaseNumber]
Answer = TypingUnion[
    Number, Expr, BigValue, BaseNumber, Equation, Chain, Interval, Union, Tuple, Collection, Matrix, Choice, Text, Hedge, Unequal
]

_SYMBOL = re.compile(r"^(?:[A-Za-z]|\\(?:alpha|beta|gamma|delta|theta|lambda|mu|phi|psi|omega|sigma|tau|rho|eta|xi|zeta))(?:_\{?[A-Za-z0-9]+\}?)?'?$")
_FUNCTIONS = frozenset(
    "sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh log ln exp lg max min gcd lcm det mod sqrt frac "
    "pi infty cdot times div binom left right dfrac tfrac circ deg int sum prod lim".split()
)
_CHOICE = re.compile(r"^\(?\s*([A-E])\s*\)?(?:[\s.:)].*)?$", re.DOTALL)
_GOLD_CHOICE = re.compile(r"^\(?\s*([A-E])\s*\)?$")
_BASE = re.compile(r"^(\w+)_\{?(\d{1,2})\}?$")
_INEQUALITY = re.compile(r"\\le(?![A-Za-z])|\\ge(?![A-Za-z])|\\lt(?![A-Za-z])|\\gt(?![A-Za-z])|<|>")
_PLUS_MINUS = re.compile(r"\\pm(?![A-Za-z])|\\mp(?![A-Za-z])")
_UNEQUAL = re.compile(r"\\ne(?![A-Za-z])|\\neq(?![A-Za-z])|!=|\u2260")
_AND = re.compile(r"\s+and\s+|\s*\\land(?![A-Za-z])\s*", re.IGNORECASE)
_OR = re.compile(r"\s+or\s+|\\lor(?![A-Za-z])|\\vee(?![A-Za-z])", re.IGNORECASE)
_MATRIX = re.compile(r"\\begin\{([pbvBV]?matrix|array)\}(?:\{[^}]*\})?(.*?)\\end\{\1\}", re.DOTALL)


def expand_plus_minus(text: str) -> list[str]:
    """`a \\pm b` -> [`a + b`, `a - b`] (every sign flips together); other text unchanged."""
    if not _PLUS_MINUS.search(text):
        return [text]
    plus = _PLUS_MINUS.sub(lambda match: "+" if match.group(0) == "\\pm" else "-", text)
    minus = _PLUS_MINUS.sub(lambda match: "-" if match.group(0) == "\\pm" else "+", text)
    return [plus, minus]


def is_symbol(text: str) -> bool:
    """A bare variable name such as `x`, `y_1` or `\\theta`."""
    return _SYMBOL.match(text.strip()) is not None


def parse_gold_choice(text: str) -> Choice | None:
    """A gold answer that is a multiple-choice letter: `C`, `(C)` (after normalisation)."""
    match = _GOLD_CHOICE.match(text.strip())
    return Choice(match.group(1)) if match else None


def parse_choice(text: str) -> Choice | None:
    """A response's choice letter: `(C)`, `C`, `C) 15`, `(C) 15`."""
    match = _CHOICE.match(text.strip())
    return Choice(match.group(1).upper()) if match else None


def parse(text: str, *, percent: bool = False, list_context: bool = False) -> Answer:
    """Parse a normalised answer string into the answer model.

    `list_context` says the other side is a list, so "a or b" reads as a list, not a hedge.
    """
    text = text.strip()
    matrix = _MATRIX.fullmatch(text)
    if matrix:
        return _matrix(matrix.group(2))
    if _UNEQUAL.search(text):
        return Unequal(text)
    if "\\in" in text:
        head, _, tail = text.partition("\\in")
        if is_symbol(head) and tail.strip():
            return parse(tail.strip(), percent=percent, list_context=list_context)
    if _OR.search(text):
        options = tuple(part.strip() for part in _OR.split(text) if part.strip())
        if len(options) > 1:
            if all(_INEQUALITY.search(option) for option in options):
                parts = [parse(option) for option in options]
                if all(isinstance(part, Interval) for part in parts):
                    return Union(tuple(parts))  # type: ignore[arg-type]
            if list_context:
                return Collection(tuple(_root(option) for option in options[:MAX_ITEMS]))
            return Hedge(options)
    if _AND.search(text):
        items = [part.strip() for part in _AND.split(text) if part.strip()]
        if len(items) > 1:
            return Collection(tuple(_root(item) for item in items[:MAX_ITEMS]))
    union_parts = _split_union(text)
    if len(union_parts) > 1:
        intervals = [_as_interval(parse(part)) for part in union_parts]
        if all(isinstance(part, Interval) for part in intervals):
            return Union(tuple(intervals))  # type: ignore[arg-type]
        return Expr(text)
    inequality = _inequality(text)
    if inequality is not None:
        return inequality
    if text.startswith("\\{") and text.endswith("\\}") and outer_brackets(text):
        items = _items(text[2:-2])
        return Collection(tuple(parse(item) for item in items), braces=True)
    brackets = outer_brackets(text)
    if brackets is not None:
        opening, inner, closing = brackets
        items = _items(inner)
        if len(items) == 1:
            if opening == "(" and closing == ")":
                return parse(inner, percent=percent, list_context=list_context)
            return Tuple((parse(inner),))
        if len(items) == 2 and (opening != "(" or closing != ")" or opening + closing == "[]"):
            if opening + closing == "[]":
                return Interval(_scalar(items[0]), _scalar(items[1]), True, True)
            return Interval(_scalar(items[0]), _scalar(items[1]), opening == "[", closing == "]")
        return Tuple(tuple(parse(item) for item in items))
    items = _items(text)
    if len(items) > 1:
        return Collection(tuple(_root(item) for item in items))
    sides = [side.strip() for side in _equation_sides(text)]
    if len(sides) == 2 and not (_is_constant(sides[0]) and _is_constant(sides[1])):
        return Equation(sides[0], sides[1])
    if len(sides) >= 2:
        return Chain(tuple(sides))
    base = _BASE.match(text)
    if base and 2 <= int(base.group(2)) <= 36:
        digits, radix = base.group(1).lower(), int(base.group(2))
        try:
            return BaseNumber(digits.lstrip("0") or "0", radix, int(digits, radix))
        except ValueError:
            pass
    return _scalar(text, percent=percent)


def _scalar(text: str, *, percent: bool = False) -> Answer:
    text = text.strip()
    try:
        return Number(parse_number(text), text, percent)
    except TooLarge:
        return BigValue(text)
    except NotNumeric:
        pass
    if _is_text(text):
        return Text(_text_key(text))
    return Expr(text)


def _as_interval(answer: Answer) -> Answer:
    """Inside a union, `(a, b)` is an open interval, not a pair."""
    if isinstance(answer, Tuple) and len(answer.items) == 2:
        left, right = answer.items
        if isinstance(left, (Number, Expr)) and isinstance(right, (Number, Expr)):
            return Interval(left, right, False, False)
    return answer


def _is_constant(text: str) -> bool:
    try:
        parse_number(text)
    except (NotNumeric, TooLarge):
        return False
    return True


def _root(item: str) -> Answer:
    """A list element; `x = 3` in a list of roots stands for 3."""
    sides = _equation_sides(item)
    if len(sides) == 2 and is_symbol(sides[0]):
        return parse(sides[1])
    return parse(item)


def _items(text: str) -> list[str]:
    parts = [part.strip() for part in split_top_level(text, ",;")]
    if "\\pm" in text or "\\mp" in text:
        parts = [expanded for part in parts for expanded in expand_plus_minus(part)]
    if len(parts) > MAX_ITEMS:
        raise TooLarge("too many items")
    if len(parts) > 1 and any(not part for part in parts):
        parts = [part for part in parts if part]
    return parts


def _split_union(text: str) -> list[str]:
    if "\\cup" not in text:
        return [text]
    return [part.strip() for part in split_top_level(text.replace("\\cup", "\u222a"), "\u222a")]


def _equation_sides(text: str) -> list[str]:
    if "=" not in text:
        return [text]
    return [part for part in split_top_level(text, "=")]


def _matrix(body: str) -> Matrix:
    rows = [row for row in re.split(r"\\\\", body) if row.strip() and not row.strip().startswith("\\hline")]
    if len(rows) > MAX_ITEMS:
        raise TooLarge("matrix too large")
    return Matrix(tuple(tuple(_scalar(cell) for cell in row.split("&")) for row in rows))


def _inequality(text: str) -> Interval | None:
    """`1 < x \\le 2`, `x > 3`, `3 \\ge x` as an interval over the single variable."""
    if not _INEQUALITY.search(text):
        return None
    pieces: list[str] = []
    operators: list[str] = []
    position = 0
    for match in _INEQUALITY.finditer(text):
        pieces.append(text[position : match.start()].strip())
        operators.append(match.group(0))
        position = match.end()
    pieces.append(text[position:].strip())
    if any(not piece for piece in pieces) or len(operators) > 2:
        return None
    less = {"<": (True, False), "\\lt": (True, False), "\\le": (True, True), ">": (False, False), "\\gt": (False, False), "\\ge": (False, True)}
    infinity_low, infinity_high = Expr("-\\infty"), Expr("\\infty")
    if len(operators) == 1:
        left, right = pieces
        is_less, closed = less[operators[0]]
        if is_symbol(left):
            return Interval(infinity_low, _scalar(right), False, closed) if is_less else Interval(_scalar(right), infinity_high, closed, False)
        if is_symbol(right):
            return Interval(_scalar(left), infinity_high, closed, False) if is_less else Interval(infinity_low, _scalar(left), False, closed)
        return None
    low, variable, high = pieces
    first_less, first_closed = less[operators[0]]
    second_less, second_closed = less[operators[1]]
    if not is_symbol(variable) or first_less != second_less:
        return None
    if first_less:
        return Interval(_scalar(low), _scalar(high), first_closed, second_closed)
    return Interval(_scalar(high), _scalar(low), second_closed, first_closed)


def _is_text(text: str) -> bool:
    words = re.findall(r"(?<![\\A-Za-z])[A-Za-z]{3,}", text)
    return any(word.lower() not in _FUNCTIONS for word in words)


def _text_key(text: str) -> str:
    key = text.lower()
    key = re.sub(r"[^a-z0-9]+", " ", key)
    key = re.sub(r"\b(?:the|a|an)\b", " ", key)
    return " ".join(key.split())
