"""A safe LaTeX expression parser into a small tree (no eval, no sympy), for the in-process fast stage.

Nodes are tuples: `("num", Fraction)`, `("sym", name)`, `("const", "pi" | "e" | "i")`,
`("add", (a, b, ...))`, `("mul", (a, b, ...))`, `("neg", a)`, `("div", a, b)`,
`("pow", base, exponent)`, `("fact", a)`, `("root", a, degree)`, `("func", name, a)`.
Anything outside this grammar raises `Unsupported`, and the caller falls back to the
symbolic worker. Parsing is linear in the (capped) input length.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache
from typing import Any

from rlvr.verify.numeric import MAX_LITERAL_DIGITS, TooLarge

Node = tuple[Any, ...]
MAX_TOKENS = 300
MAX_DEPTH = 60

FUNCTIONS = {
    "\\sin": "sin", "\\cos": "cos", "\\tan": "tan", "\\cot": "cot", "\\sec": "sec", "\\csc": "csc",
    "\\arcsin": "asin", "\\arccos": "acos", "\\arctan": "atan", "\\sinh": "sinh", "\\cosh": "cosh", "\\tanh": "tanh",
    "\\ln": "ln", "\\log": "log", "\\exp": "exp",
}
_CONSTANTS = {"\\pi": "pi", "\\mathrm{e}": "e"}
_GREEK = {
    "\\alpha", "\\beta", "\\gamma", "\\delta", "\\theta", "\\lambda", "\\mu", "\\phi", "\\varphi", "\\psi", "\\omega",
    "\\sigma", "\\tau", "\\rho", "\\eta", "\\xi", "\\zeta", "\\epsilon", "\\varepsilon", "\\kappa", "\\nu", "\\chi",
}
# (?<!\s): a search tries a blank run once, not once per blank (match() calls start after a token anyway)
_TOKEN = re.compile(
    r"(?<!\s)\s*(?:(?P<num>\d+(?:\.\d*)?|\.\d+)"
    r"|(?P<cmd>\\[A-Za-z]+)|(?P<sym>[A-Za-z])(?P<sub>_(?:\{[A-Za-z0-9]{1,4}\}|[A-Za-z0-9]))?"
    r"|(?P<op>[-+*/^_!(){}\[\]|]))"
)
_MULTIPLY = {"\\cdot", "\\times", "*"}
_DIVIDE = {"\\div", "/"}
_OPENERS = {"(": ")", "{": "}", "[": "]"}


class Unsupported(ValueError):
    """The expression uses LaTeX this parser does not read; the symbolic worker will try."""


@lru_cache(maxsize=8192)
def parse_expression(text: str) -> Node:
    """Parse `text` into a tree, or raise `Unsupported` / `TooLarge`."""
    tokens = _tokenize(text)
    parser = _Parser(tokens)
    node = parser.expression()
    if parser.position != len(tokens):
        raise Unsupported(f"unexpected {tokens[parser.position][1]!r}")
    return node


def symbols_of(node: Node) -> frozenset[str]:
    """The variable names in a tree."""
    kind = node[0]
    if kind == "sym":
        return frozenset((node[1],))
    if kind in {"num", "const"}:
        return frozenset()
    found: set[str] = set()
    for child in _children(node):
        found |= symbols_of(child)
    return frozenset(found)


def size_of(node: Node) -> int:
    """Digits in all literals plus node count: a bound on how much precision a comparison needs."""
    kind = node[0]
    if kind == "num":
        value: Fraction = node[1]
        return len(str(abs(value.numerator))) + len(str(value.denominator))
    if kind in {"sym", "const"}:
        return 1
    return 1 + sum(size_of(child) for child in _children(node))


def _children(node: Node) -> tuple[Node, ...]:
    kind = node[0]
    if kind in {"add", "mul"}:
        return node[1]
    if kind in {"neg", "fact"}:
        return (node[1],)
    if kind in {"div", "pow", "root"}:
        return (node[1], node[2])
    if kind == "func":
        return (node[2],)
    return ()


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    index = 0
    stripped = text.strip()
    length = len(stripped)
    while index < length:
        match = _TOKEN.match(stripped, index)
        if match is None or match.end() == index:
            raise Unsupported(f"cannot read {stripped[index:index + 10]!r}")
        if match.group("num") is not None:
            if len(match.group("num")) > MAX_LITERAL_DIGITS:
                raise TooLarge("literal too long")
            tokens.append(("num", match.group("num")))
        elif match.group("cmd") is not None:
            tokens.append(("cmd", match.group("cmd")))
        elif match.group("sym") is not None:
            name = match.group("sym") + (match.group("sub") or "").replace("{", "").replace("}", "")
            tokens.append(("sym", name))
        else:
            tokens.append(("op", match.group("op")))
        index = match.end()
        if len(tokens) > MAX_TOKENS:
            raise TooLarge("expression too long")
    if not tokens:
        raise Unsupported("empty")
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.position = 0
        self.depth = 0
        self.abs_open = False

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, value: str) -> bool:
        token = self.peek()
        if token is not None and token[1] == value and token[0] in {"op", "cmd"}:
            self.position += 1
            return True
        return False

    def expect(self, value: str) -> None:
        if not self.take(value):
            raise Unsupported(f"expected {value!r}")

    def expression(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise TooLarge("nested too deeply")
        terms = [self.term()]
        while True:
            if self.take("+"):
                terms.append(self.term())
            elif self.take("-"):
                terms.append(("neg", self.term()))
            else:
                break
        self.depth -= 1
        return terms[0] if len(terms) == 1 else ("add", tuple(terms))

    def term(self) -> Node:
        start = self.position
        factors = [self.unary()]
        single_integer = self.position == start + 1 and self.tokens[start][0] == "num" and "." not in self.tokens[start][1]
        while True:
            token = self.peek()
            if token is None:
                break
            kind, text = token
            if text in _MULTIPLY:
                self.position += 1
                factors.append(self.unary())
            elif text in _DIVIDE:
                self.position += 1
                factors = [("div", _product(factors), self.unary())]
            elif text == "\\frac" and single_integer and len(factors) == 1:
                # `2\frac{1}{2}` is the mixed number 5/2
                fraction = self.unary()
                factors = [("add", (factors[0], fraction))]
            elif kind in {"num", "sym"} or (kind == "cmd" and text not in _MULTIPLY | _DIVIDE) or text in {"(", "{", "["}:
                if kind == "cmd" and text in {"\\right", "\\le", "\\ge", "\\cup"}:
                    break
                factors.append(self.unary())
            elif text == "|" and not self.abs_open:
                factors.append(self.unary())
            else:
                break
            single_integer = False
        return _product(factors)

    def unary(self) -> Node:
        if self.take("-"):
            return ("neg", self.unary())
        if self.take("+"):
            return self.unary()
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        if self.take("^"):
            return ("pow", base, self.exponent())
        return base

    def exponent(self) -> Node:
        if self.take("-"):
            return ("neg", self.exponent())
        # `x^10` is read as x^{10}, the way models mean it
        return self.postfix()

    def postfix(self) -> Node:
        node = self.atom()
        while self.take("!"):
            node = ("fact", node)
        return node

    def atom(self) -> Node:
        token = self.peek()
        if token is None:
            raise Unsupported("unexpected end")
        kind, text = token
        self.position += 1
        if kind == "num":
            return ("num", Fraction(text))
        if kind == "sym":
            if text == "e":
                return ("const", "e")
            if text == "i":
                return ("const", "i")
            return ("sym", text)
        if text in _OPENERS:
            node = self.expression()
            self.expect(_OPENERS[text])
            return node
        if text == "|":
            if self.abs_open:
                raise Unsupported("nested absolute values")
            self.abs_open = True
            node = self.expression()
            self.abs_open = False
            self.expect("|")
            return ("func", "abs", node)
        if text == "\\frac":
            return ("div", self.group(), self.group())
        if text == "\\sqrt":
            degree: Node = ("num", Fraction(2))
            if self.take("["):
                degree = self.expression()
                self.expect("]")
            return ("root", self.group(), degree)
        if text == "\\pi":
            return ("const", "pi")
        if text in _GREEK:
            return ("sym", text[1:])
        if text in FUNCTIONS:
            return self.function(FUNCTIONS[text])
        raise Unsupported(f"unsupported command {text!r}")

    def group(self) -> Node:
        token = self.peek()
        if token is not None and token[1] == "{":
            self.position += 1
            node = self.expression()
            self.expect("}")
            return node
        if token is not None and token[0] == "num" and len(token[1]) > 1 and token[1].isdigit():
            # `\frac12`: each argument is a single digit
            self.position += 1
            self.tokens.insert(self.position, ("num", token[1][1:]))
            return ("num", Fraction(int(token[1][0])))
        return self.atom()

    def function(self, name: str) -> Node:
        power: Node | None = None
        base: Node | None = None
        if name == "log" and self.take("_"):
            base = self.group()
        if self.take("^"):
            power = self.exponent()
        token = self.peek()
        if token is not None and token[1] in {"(", "{", "["}:
            argument = self.atom()
        else:
            # `\sin 2x` is sin(2x): the argument runs over the following numbers and letters
            factors = [self.power()]
            while (following := self.peek()) is not None and following[0] in {"num", "sym"}:
                factors.append(self.power())
            argument = _product(factors)
        node: Node = ("func", name, argument)
        if base is not None:
            node = ("div", ("func", "ln", argument), ("func", "ln", base))
        if power is not None:
            if power == ("neg", ("num", Fraction(1))):
                raise Unsupported("inverse function written as a power")
            node = ("pow", node, power)
        return node


def _product(factors: list[Node]) -> Node:
    return factors[0] if len(factors) == 1 else ("mul", tuple(factors))
