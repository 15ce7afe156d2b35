"""A small, safe parser for arithmetic answers: + - * / and parentheses over integers.

Model output is parsed here, never evaluated by Python: a recursive-descent parser
builds the value with exact `Fraction`s and records the integer literals used, so a
checker can confirm which numbers an expression consumed. Sizes are capped (length,
literal digits, literal count, nesting) so every parse is bounded in time.
"""

from __future__ import annotations

from fractions import Fraction

MAX_EXPR_CHARS = 300
MAX_LITERAL_DIGITS = 6
MAX_LITERALS = 16
MAX_DEPTH = 24

_DIGITS = frozenset("0123456789")  # ASCII only: str.isdigit() also accepts digits such as '¹'
_SYMBOLS = {"×": "*", "x": "*", "X": "*", "·": "*", "÷": "/", "−": "-", "–": "-", "[": "(", "]": ")"}


class ExprError(ValueError):
    """The text is not a well-formed arithmetic expression within the caps."""


def tokenize(text: str) -> list[str]:
    """Split into integer literals, operators and parentheses; reject anything else."""
    if len(text) > MAX_EXPR_CHARS:
        raise ExprError(f"expression longer than {MAX_EXPR_CHARS} characters")
    tokens: list[str] = []
    i = 0
    while i < len(text):
        ch = _SYMBOLS.get(text[i], text[i])
        if ch.isspace():
            i += 1
        elif ch in _DIGITS:
            j = i
            while j < len(text) and text[j] in _DIGITS:
                j += 1
            if j - i > MAX_LITERAL_DIGITS:
                raise ExprError(f"number {text[i:j]} has more than {MAX_LITERAL_DIGITS} digits")
            tokens.append(str(int(text[i:j])))
            i = j
        elif ch in "+-*/()":
            tokens.append(ch)
            i += 1
        else:
            raise ExprError(f"unexpected character {text[i]!r}")
    return tokens


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.literals: list[int] = []
        self.operators = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expr(self, depth: int) -> Fraction:
        value = self.term(depth)
        while self.peek() in ("+", "-"):
            op = self.take()
            right = self.term(depth)
            value = value + right if op == "+" else value - right
            self.operators += 1
        return value

    def term(self, depth: int) -> Fraction:
        value = self.factor(depth)
        while self.peek() in ("*", "/"):
            op = self.take()
            right = self.factor(depth)
            if op == "*":
                value = value * right
            else:
                if right == 0:
                    raise ExprError("division by zero")
                value = value / right
            self.operators += 1
        return value

    def factor(self, depth: int) -> Fraction:
        token = self.peek()
        if token is None:
            raise ExprError("expression ends too early")
        if token == "(":
            if depth >= MAX_DEPTH:
                raise ExprError(f"parentheses nested deeper than {MAX_DEPTH}")
            self.take()
            value = self.expr(depth + 1)
            if self.peek() != ")":
                raise ExprError("missing closing parenthesis")
            self.take()
            return value
        if token[0] in _DIGITS:
            self.take()
            self.literals.append(int(token))
            if len(self.literals) > MAX_LITERALS:
                raise ExprError(f"more than {MAX_LITERALS} numbers")
            return Fraction(int(token))
        if token in "+-":
            raise ExprError("signs in front of numbers (unary + or -) are not allowed")
        raise ExprError(f"unexpected {token!r}")


def evaluate(text: str) -> tuple[Fraction, list[int]]:
    """Parse `text` and return (exact value, integer literals in order of appearance)."""
    tokens = tokenize(text)
    if not tokens:
        raise ExprError("empty expression")
    parser = _Parser(tokens)
    value = parser.expr(0)
    if parser.pos != len(tokens):
        raise ExprError(f"unexpected {tokens[parser.pos]!r} after a complete expression")
    return value, parser.literals
