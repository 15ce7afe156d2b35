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

from rlvr.verify.latex import group_end, outer_brackets, split_top_level
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
    """Ordered items; `labels` names them when written `p = 5, q = 2` (then the names, not the order, pair them)."""

    items: tuple["Answer", ...]
    labels: tuple[str, ...] | None = None


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

_CLOCK = re.compile(r"(\d{1,2}):([0-5]\d)(?::([0-5]\d))?(?:\s*([AaPp])\.?\s*[Mm]\.?)?")
_SYMBOL = re.compile(r"^(?:[A-Za-z]|\\(?:alpha|beta|gamma|delta|theta|lambda|mu|phi|psi|omega|sigma|tau|rho|eta|xi|zeta))(?:_\{?[A-Za-z0-9]+\}?)?'?$")
# names a gold or an answer writes before its value: `AB`, `S_{MBCN}`, `f(x)`, `g(2, 3)`
_UPPER_NAME = re.compile(r"^[A-Z]{1,4}(?:_\{?[A-Za-z0-9]+\}?)?'?$")
_FUNCTION_HEAD = re.compile(r"^[A-Za-z](?:_\{?\w+\}?)?\s*\(\s*[A-Za-z0-9]+(?:\s*,\s*[A-Za-z0-9]+)*\s*\)$")
_FRACTION_OF_NAMES = re.compile(r"^\\frac\{([^{}]+)\}\{([^{}]+)\}$")
_LINEAR = re.compile(r"^([+-]?)\s*(\d+(?:\.\d+)?|\\frac\{\d+\}\{\d+\})?\s*(?:\\cdot\s*)?([A-DF-HJ-Za-df-hj-z])\s*(?:([+-])\s*([^+\-]+))?$")
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
_APPROX = re.compile(r"\\approx(?![A-Za-z])|\u2248")
_AND = re.compile(r"\s+and\s+|\s*\\land(?![A-Za-z])\s*", re.IGNORECASE)
_OR = re.compile(r"\s+or\s+|(?<=[)\]])\s*or\s*(?=[(\[])|\\lor(?![A-Za-z])|\\vee(?![A-Za-z])", re.IGNORECASE)
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


def is_label(text: str) -> bool:
    """A name written before a value (`x`, `f(x)`, `AB`, `|AB|`, `(p,q)`, `V_1:V_2`, `\\frac{NO}{BO}`), not an expression.

    `|x|` and sums such as `x+z` are not labels: `|x| = 5` and `x + z = 1` say something other
    than "the answer is 5" / "the answer is 1".
    """
    text = text.strip()
    if _is_name(text) or _FUNCTION_HEAD.match(text):
        return True
    if len(text) > 2 and text[0] == "|" and text[-1] == "|":
        return _UPPER_NAME.match(text[1:-1].strip()) is not None
    fraction = _FRACTION_OF_NAMES.match(text)
    if fraction:
        return _is_name(fraction.group(1)) and _is_name(fraction.group(2))
    ratio = split_top_level(text, ":")
    if len(ratio) > 1:
        return all(_is_name(part) for part in ratio)
    brackets = outer_brackets(text)
    if brackets is not None and brackets[0] == "(" and brackets[2] == ")":
        names = split_top_level(brackets[1], ",")
        return len(names) > 1 and all(is_symbol(name) for name in names)
    return False


def _is_name(text: str) -> bool:
    text = text.strip()
    return is_symbol(text) or _UPPER_NAME.match(text) is not None


def label_of(item: str) -> str | None:
    """The label of `label = value` (compact), else None."""
    sides = _equation_sides(item)
    if len(sides) == 2 and sides[1].strip() and is_label(sides[0]):
        return re.sub(r"[\s{}]", "", sides[0])
    return None


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
    clock = _CLOCK.fullmatch(text)
    if clock is not None:
        # `12:30` is a time of day, not the ratio 12/30: read as a ratio, 3:45 would equal 1:15
        hours, minutes, seconds, half = clock.groups()
        return Text(f"{int(hours)}:{minutes}" + (f":{seconds}" if seconds else "") + (f" {half.lower()}m" if half else ""))
    matrix = _MATRIX.fullmatch(text)
    if matrix is None and text[:1] in "([" and text[-1:] in ")]":
        # `\left[\begin{array}{cc}...\end{array}\right]`: the brackets are the matrix's own
        matrix = _MATRIX.fullmatch(text[1:-1].strip())
    if matrix and "\\end{" not in matrix.group(2):  # not `A + B` read as one matrix
        return _matrix(matrix.group(2))
    if _APPROX.search(text):
        text = _exact_part(text)
    if _UNEQUAL.search(text):
        return _unequal(text)
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
    groups = split_top_level(text, ";") if ";" in text and "," in text else [text]
    if len(groups) > 1 and all(len(split_top_level(group, ",")) > 1 for group in groups):
        # `p=5,q=2; p=7,q=2`: semicolons separate whole solutions, commas their parts
        return Collection(tuple(parse(group) for group in groups[:MAX_ITEMS]))
    union_parts = _split_union(text)
    if len(union_parts) > 1:
        intervals = [_as_interval(parse(part)) for part in union_parts]
        if all(isinstance(part, Interval) for part in intervals):
            return Union(tuple(intervals))  # type: ignore[arg-type]
        return Expr(text)
    inequality = _inequality(text)
    if inequality is not None:
        return inequality
    if text.startswith("{") and group_end(text, 0) == len(text):
        # a bare TeX group around the whole answer (`{1,2,3}`) only groups
        return parse(text[1:-1], percent=percent, list_context=list_context)
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
        return _list(items)
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
    """A list element; `x = 3` (or `AB = 3`) in a list stands for 3."""
    sides = _equation_sides(item)
    if len(sides) == 2 and is_label(sides[0]):
        return parse(sides[1])
    return parse(item)


def _list(items: list[str]) -> Answer:
    """A comma list: values named by different labels (`p = 5, q = 2`) are ordered by name; others are a set.

    Labels that differ only by subscript (`x_1 = 2, x_2 = 3`) name interchangeable roots, so they stay a set.
    """
    values = tuple(_root(item) for item in items)
    labels = [label_of(item) for item in items]
    if all(labels):
        names = [label.split("_")[0] for label in labels if label]
        if len(set(labels)) == len(labels) and len(set(names)) == len(names):
            return Tuple(values, labels=tuple(label for label in labels if label))
    return Collection(values)


def _exact_part(text: str) -> str:
    """`x = \\frac13 \\approx 0.33` states 1/3, `\\approx 0.52` states 0.52: the part before the first `\\approx`
    unless that is empty or only a name. The value is then compared exactly, so a rounding is not the value,
    and only one part is ever the answer (`5 \\approx 6` answers 5, never 6).
    """
    parts = [part.strip() for part in _APPROX.split(text)]
    if parts[0] and not is_label(parts[0]):
        return parts[0]
    return next((part for part in parts[1:] if part), text)


def _unequal(text: str) -> Answer:
    """`x \\ne 3` (or `3 != x`) is the solution set (-oo, 3) u (3, oo); other `\\ne` relations stay a relation."""
    parts = [part.strip() for part in _UNEQUAL.split(text)]
    if len(parts) == 2 and all(parts):
        left, right = parts
        value = right if is_symbol(left) else left if is_symbol(right) else None
        if value is not None and not _UNEQUAL.search(value):
            scalar = _scalar(value)
            if isinstance(scalar, (Number, Expr)):
                low, high = Expr("-\\infty"), Expr("\\infty")
                return Union((Interval(low, scalar, False, False), Interval(scalar, high, False, False)))
    return Unequal(text)


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
        if _is_variable(left):
            return Interval(infinity_low, _scalar(right), False, closed) if is_less else Interval(_scalar(right), infinity_high, closed, False)
        if _is_variable(right):
            return Interval(_scalar(left), infinity_high, closed, False) if is_less else Interval(infinity_low, _scalar(left), False, closed)
        return _linear_inequality(left, right, is_less, closed)
    low, variable, high = pieces
    first_less, first_closed = less[operators[0]]
    second_less, second_closed = less[operators[1]]
    if not _is_variable(variable) or first_less != second_less:
        return None
    if first_less:
        return Interval(_scalar(low), _scalar(high), first_closed, second_closed)
    return Interval(_scalar(high), _scalar(low), second_closed, first_closed)


def _is_variable(text: str) -> bool:
    """What an inequality bounds: a variable (`x`) or a function's value (`0 < f(x) < 1`)."""
    return is_symbol(text) or _FUNCTION_HEAD.match(text.strip()) is not None


def _linear_inequality(left: str, right: str, is_less: bool, closed: bool) -> Interval | None:
    """`a x + b < c` with exact numbers (or `-x > y`): solved for x, the sign flipping for a < 0."""
    infinity_low, infinity_high = Expr("-\\infty"), Expr("\\infty")
    flipped = False
    match = _LINEAR.match(left)
    if match is None:
        match, left, right, flipped = _LINEAR.match(right), right, left, True
        if match is None:
            return None
    sign, coefficient_text, _, constant_sign, constant_text = match.groups()
    try:
        coefficient = parse_number(coefficient_text) if coefficient_text else Fraction(1)
        constant = parse_number(constant_text) if constant_text else Fraction(0)
    except (NotNumeric, TooLarge):
        return None
    coefficient = -coefficient if sign == "-" else coefficient
    constant = -constant if constant_sign == "-" else constant
    bound = _scalar(right)
    if coefficient == 0:
        return None
    if isinstance(bound, Number):
        value = (bound.value - constant) / coefficient
        bound = Number(value, str(value))
    elif isinstance(bound, Expr) and coefficient == -1 and constant == 0 and _infinity_free(bound.text):
        bound = Expr(f"-({bound.text})")
    elif not (coefficient == 1 and constant == 0):
        return None
    less = is_less != flipped  # `c < a x` reads as `a x > c`
    if coefficient < 0:
        less = not less
    return Interval(infinity_low, bound, False, closed) if less else Interval(bound, infinity_high, closed, False)  # type: ignore[arg-type]


def _infinity_free(text: str) -> bool:
    return "infty" not in text and "oo" not in text


def _is_text(text: str) -> bool:
    words = re.findall(r"(?<![\\A-Za-z])[A-Za-z]{3,}", text)
    return any(word.lower() not in _FUNCTIONS for word in words)


def _text_key(text: str) -> str:
    key = text.lower()
    key = re.sub(r"[^a-z0-9]+", " ", key)
    key = re.sub(r"\b(?:the|a|an)\b", " ", key)
    return " ".join(key.split())
