"""Exact rational evaluation of plain-number LaTeX (`\\frac{3}{4}`, `2^{10}`, `1.5\\times10^3`, `5!`).

A recursive-descent parser over a token list; values are `fractions.Fraction`, so equality
is exact. Anything that is not a rational constant (a symbol, `\\pi`, `\\sqrt2`) raises
`NotNumeric`; values that would be too big to compute quickly raise `TooLarge`, so the
parser is bounded in time by construction.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

MAX_LITERAL_DIGITS = 400
MAX_RESULT_BITS = 60_000
MAX_FACTORIAL = 3000
MAX_TOKENS = 400
MAX_DEPTH = 60  # bracket levels: the parser recurses a few frames per level

WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
# (?<!\s): a search tries a blank run once, not once per blank (match() calls start after a token anyway)
_TOKEN = re.compile(
    r"(?<!\s)\s*(?:(?P<num>\d+(?:\.\d*)?(?:\\overline\{\d+\})?|\.\d+(?:\\overline\{\d+\})?)(?P<sci>[eE][-+]?\d{1,4}(?![A-Za-z]))?"
    r"|(?P<cmd>\\[A-Za-z]+)|(?P<op>[-+*/^!(){}\[\]:]))"
)
_MULTIPLY = {"\\cdot", "\\times", "*"}
_DIVIDE = {"\\div", "/", ":"}


class NotNumeric(ValueError):
    """The text is not a plain rational constant (it has symbols, radicals, functions...)."""


class TooLarge(ValueError):
    """The value is too large to compute exactly within the time bound."""


def parse_number(text: str) -> Fraction:
    """Evaluate `text` exactly, or raise `NotNumeric` / `TooLarge`."""
    words = parse_number_words(text)
    if words is not None:
        return Fraction(words)
    tokens = _tokenize(text)
    parser = _Parser(tokens)
    value = parser.expression()
    if parser.position != len(tokens):
        raise NotNumeric(f"unexpected {tokens[parser.position]!r}")
    return value


def is_plain_number(text: str) -> bool:
    """True for a bare literal such as `-12`, `3.5`, `1/2` (the forms a judge never needs)."""
    return re.fullmatch(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:\s*/\s*\d+)?", text.strip()) is not None


def parse_number_words(text: str) -> int | None:
    """`twelve` -> 12, `twenty-one` -> 21, `one hundred five` -> 105; None when not number words."""
    words = re.split(r"[\s-]+", text.strip().lower().replace(" and ", " "))
    if not words or not all(word in WORD_NUMBERS or word in _SCALES for word in words):
        return None
    total = 0
    current = 0
    for word in words:
        if word in WORD_NUMBERS:
            current += WORD_NUMBERS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        else:
            total += max(current, 1) * _SCALES[word]
            current = 0
    return total + current


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    index = 0
    stripped = text.rstrip()
    length = len(stripped)
    while index < length:
        match = _TOKEN.match(stripped, index)
        if match is None or match.end() == index:
            raise NotNumeric(f"cannot read {stripped[index:index + 10]!r}")
        if match.group("num") is not None:
            tokens.append(("num", match.group("num") + "|" + (match.group("sci") or "")[1:]))
        elif match.group("cmd") is not None:
            tokens.append(("cmd", match.group("cmd")))
        else:
            tokens.append(("op", match.group("op")))
        index = match.end()
        if len(tokens) > MAX_TOKENS:
            raise TooLarge("expression too long")
    if not tokens:
        raise NotNumeric("empty")
    return tokens


def _literal(text: str) -> Fraction:
    mantissa, _, exponent = text.partition("|")
    repeating = ""
    if "\\overline{" in mantissa:
        mantissa, _, rest = mantissa.partition("\\overline{")
        repeating = rest.rstrip("}")
    digits = len(mantissa) + len(repeating)
    if digits > MAX_LITERAL_DIGITS:
        raise TooLarge("literal too long")
    value = Fraction(mantissa if mantissa not in {"", "."} else "0")
    if repeating:
        decimals = len(mantissa.partition(".")[2]) if "." in mantissa else 0
        value += Fraction(int(repeating), (10 ** len(repeating) - 1) * 10**decimals)
    if exponent:
        power = int(exponent)
        if abs(power) > 1000:
            raise TooLarge("exponent too large")
        value *= Fraction(10) ** power
    return value


def _bits(value: Fraction) -> int:
    return value.numerator.bit_length() + value.denominator.bit_length()


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.position = 0
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, value: str) -> bool:
        token = self.peek()
        if token is not None and token[1] == value:
            self.position += 1
            return True
        return False

    def expect(self, value: str) -> None:
        if not self.take(value):
            raise NotNumeric(f"expected {value!r}")

    def expression(self) -> Fraction:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise TooLarge("nested too deeply")
        value = self.term()
        while True:
            if self.take("+"):
                value += self.term()
            elif self.take("-"):
                value -= self.term()
            else:
                self.depth -= 1
                return value

    def term(self) -> Fraction:
        start = self.position
        value = self.unary()
        # a signed literal counts too: `-3\frac{1}{2}` is the mixed number -7/2, not -3 times 1/2
        signed = self.tokens[start][1] in {"-", "+"}
        literal_at = start + 1 if signed else start
        single_literal = self.position == literal_at + 1 and self.tokens[literal_at][0] == "num"
        while True:
            token = self.peek()
            if token is None:
                return value
            kind, text = token
            if text in _MULTIPLY:
                self.position += 1
                value = self._checked(value * self.unary())
            elif text in _DIVIDE:
                self.position += 1
                divisor = self.unary()
                if divisor == 0:
                    raise NotNumeric("division by zero")
                value = self._checked(value / divisor)
            elif text == "\\frac" and single_literal and value.denominator == 1:
                # `2\frac{1}{2}` is the mixed number 5/2
                part = self.unary()
                value = value + part if value >= 0 else value - part
                single_literal = False
            elif kind == "num" or text in {"(", "\\frac", "\\sqrt", "{", "\\binom"}:
                value = self._checked(value * self.unary())
                single_literal = False
            else:
                return value

    def unary(self) -> Fraction:
        if self.take("-"):
            return -self.unary()
        if self.take("+"):
            return self.unary()
        return self.power()

    def power(self) -> Fraction:
        base = self.postfix()
        if self.take("^"):
            exponent = self.unary_exponent()
            return self._pow(base, exponent)
        return base

    def unary_exponent(self) -> Fraction:
        if self.take("-"):
            return -self.unary_exponent()
        if self.take("+"):
            return self.unary_exponent()
        return self.power()

    def postfix(self) -> Fraction:
        value = self.atom()
        while self.take("!"):
            if value.denominator != 1 or value < 0:
                raise NotNumeric("factorial of a non-natural number")
            if value > MAX_FACTORIAL:
                raise TooLarge("factorial too large")
            value = Fraction(math.factorial(int(value)))
        return value

    def atom(self) -> Fraction:
        token = self.peek()
        if token is None:
            raise NotNumeric("unexpected end")
        kind, text = token
        self.position += 1
        if kind == "num":
            return _literal(text)
        if text in {"(", "{", "["}:
            closing = {"(": ")", "{": "}", "[": "]"}[text]
            value = self.expression()
            self.expect(closing)
            return value
        if text == "\\frac":
            numerator = self.braced()
            denominator = self.braced()
            if denominator == 0:
                raise NotNumeric("division by zero")
            return self._checked(numerator / denominator)
        if text == "\\binom":
            top = self.braced()
            bottom = self.braced()
            if top.denominator != 1 or bottom.denominator != 1 or top < 0 or top > MAX_FACTORIAL:
                raise NotNumeric("binomial of non-natural numbers")
            return Fraction(math.comb(int(top), int(bottom))) if bottom >= 0 else Fraction(0)
        if text == "\\sqrt":
            if self.peek() == ("op", "["):
                raise NotNumeric("higher roots go to the symbolic stage")
            radicand = self.braced()
            root = _exact_root(radicand, 2)
            if root is None:
                raise NotNumeric("irrational square root")
            return root
        raise NotNumeric(f"not a number: {text!r}")

    def braced(self) -> Fraction:
        token = self.peek()
        if token is not None and token[0] == "num" and token[1].endswith("|") and token[1][:-1].isdigit():
            # `\frac34`: without braces each argument is one digit
            self.position += 1
            if len(token[1]) > 2:
                self.tokens.insert(self.position, ("num", token[1][1:]))
            return Fraction(int(token[1][0]))
        self.expect("{")
        value = self.expression()
        self.expect("}")
        return value

    def _pow(self, base: Fraction, exponent: Fraction) -> Fraction:
        if exponent.denominator != 1:
            root = _exact_root(base, exponent.denominator) if base >= 0 and exponent.denominator <= 12 else None
            if root is None:
                raise NotNumeric("irrational power")
            base, exponent = root, Fraction(exponent.numerator)
        power = int(exponent)
        if base == 0 and power < 0:
            raise NotNumeric("division by zero")
        if abs(base) != 1 and base != 0 and abs(power) * max(_bits(base), 1) > MAX_RESULT_BITS:
            raise TooLarge("power too large")
        return base**power

    @staticmethod
    def _checked(value: Fraction) -> Fraction:
        if _bits(value) > 2 * MAX_RESULT_BITS:
            raise TooLarge("value too large")
        return value


def _exact_root(value: Fraction, degree: int) -> Fraction | None:
    if value < 0:
        return None
    numerator = _integer_root(value.numerator, degree)
    denominator = _integer_root(value.denominator, degree)
    if numerator is None or denominator is None:
        return None
    return Fraction(numerator, denominator)


def _integer_root(value: int, degree: int) -> int | None:
    if value.bit_length() > 4 * MAX_RESULT_BITS:
        raise TooLarge("radicand too large")
    root = math.isqrt(value) if degree == 2 else int(round(value ** (1.0 / degree))) if value < 2**1000 else None
    if root is None:
        return None
    for candidate in (root - 1, root, root + 1):
        if candidate >= 0 and candidate**degree == value:
            return candidate
    return None
