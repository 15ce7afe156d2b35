"""Numeric evaluation of expression trees with mpmath that never lets a term vanish below its precision.

`constants_equal` decides equality of two constant trees: evaluated at P and 2P digits,
accepted when the difference keeps shrinking with the precision, rejected when it stays put.
Its evaluator refuses, rather than rounds away, anything the working precision cannot
resolve: a term of a sum far below the largest (`1+e^{-1000}`), a function of a tiny argument
that moves off its value at zero (`\\cos(10^{-300})`), a large-argument tail
(`\\arctan(10^{100})`, `\\cosh(1000)`); the precision then rises until the term shows, up to
`MAX_DIGITS`, and past that the caller gets `NeedSymbolic`. `sampled_nonzero` is a rejection
test at random points for trees with variables.

Time: both run in the caller's process, so no function is evaluated at an argument it cannot
reduce in milliseconds (`\\sin(10^{10^6})`, `\\tan(x^{999999})`, `e^{10^{40}}`), the precision
is capped, and a deadline is checked at every node (`OutOfTime`).
"""

from __future__ import annotations

import random
import time
import zlib
from typing import Any

from rlvr.verify.compare import NeedSymbolic
from rlvr.verify.expr import Node, Unsupported

MAX_DIGITS = 1500  # above this the two evaluations cost too much of the time bound; sympy decides
ABSORB_GUARD = 40  # digits a tiny term must show above the working precision before anything is accepted
ARGUMENT_GUARD = 10  # digits a function's argument must keep after its integer part
MAX_EXP_ARGUMENT_DIGITS = 30  # exp(10^30) is quick to evaluate; exp(10^1000) takes seconds
SAMPLE_DIGITS = 30


def constants_equal(left: Node, right: Node, budget: int, deadline: float | None = None) -> bool:
    """Equal constants (see the module docstring); `budget` is the digits the literals alone need."""
    import mpmath

    digits = max(60, 40 + budget)
    for _ in range(4):
        try:
            differences = [_difference(left, right, mpmath, precision, deadline) for precision in (digits, 2 * digits)]
            break
        except _Imprecise as error:
            # a term fell below the working precision: redo the evaluation where it shows, if that is affordable
            if error.digits > MAX_DIGITS:
                raise NeedSymbolic from error
            digits = max(error.digits, digits + ABSORB_GUARD)
    else:
        raise NeedSymbolic
    with mpmath.workdps(2 * digits):
        (coarse, scale), (fine, _) = differences
        tiny = mpmath.mpf(10)
        # a true zero keeps shrinking as the precision doubles; a real difference stays put
        if fine == 0 or (coarse <= scale * tiny ** (15 - digits) and fine <= scale * tiny ** (15 - 2 * digits)):
            return True
        if coarse > scale * tiny ** (25 - digits) and abs(coarse - fine) <= fine / 100:
            return False
    raise NeedSymbolic


def _difference(left: Node, right: Node, mp: Any, digits: int, deadline: float | None) -> tuple[Any, Any]:
    with mp.workdps(digits):
        evaluator = _Evaluator(mp, digits, strict=True, deadline=deadline)
        try:
            a, b = evaluator.value(left), evaluator.value(right)
        except (Unsupported, ZeroDivisionError, ValueError, OverflowError, TypeError) as error:
            raise NeedSymbolic from error
        if not (mp.isfinite(a) and mp.isfinite(b)):
            raise NeedSymbolic
        return abs(a - b), max(abs(a), abs(b))


class _Imprecise(Exception):
    """The working precision cannot resolve a term of this evaluation; `digits` would."""

    def __init__(self, digits: int) -> None:
        super().__init__(f"needs {digits} digits")
        self.digits = digits


class OutOfTime(NeedSymbolic):
    """The in-process evaluation ran into the check's deadline (the caller then has no time left)."""


_PERIODIC = frozenset({"sin", "cos", "tan", "cot", "sec", "csc"})
_GROWING = frozenset({"exp", "sinh", "cosh", "tanh"})
# Near zero (or, for atan, near infinity) each function is its leading term times 1 + a
# correction; the correction's digits must be resolved, and enough of the next one that a
# truncated series on the other side shows at twice the precision (the second evaluation).
# Digits per digit of the argument: sin x = x(1 - x^2/6 ...) needs 2; exp x = 1 + x + x^2/2
# needs 1 (its next term, 2, is covered at twice the precision); acos x = pi/2 - x - x^3/6 needs 3.
_TINY_ARGUMENT_DIGITS = {
    "sin": 2, "tan": 2, "sinh": 2, "tanh": 2, "asin": 2, "atan": 2, "cot": 2, "csc": 2,
    "cos": 2, "sec": 2, "cosh": 2, "exp": 1, "acos": 3,
}
_LOG10_2 = 0.30103


class _Evaluator:
    """Evaluates a tree with mpmath at a fixed precision and refuses to lose anything below it.

    Strict mode (constants) raises `_Imprecise` wherever a term would vanish below the working
    precision, so equality is accepted only when every term the literals build was resolved:
    a sum with a term far smaller than its largest (`1 + e^{-1000}`), a function of a tiny
    argument that differs from its value at zero (`\\cos(10^{-300})`), or a function whose
    large-argument tail is absorbed (`\\arctan(10^{100})`, `\\cosh(1000)`). Both modes refuse
    arguments whose absolute error would exceed `ARGUMENT_GUARD` digits (`\\sin(10^{10^6})`,
    `\\tan(x^{999999})`) and arguments too large to evaluate in milliseconds; that is what
    bounds the in-process time, together with the deadline checked at every node.
    """

    def __init__(self, mp: Any, digits: int, *, strict: bool, deadline: float | None, point: dict[str, Any] | None = None) -> None:
        self.mp = mp
        self.digits = digits
        self.strict = strict
        self.deadline = deadline
        self.point = point

    def need(self, digits: float) -> None:
        if digits > self.digits:
            raise _Imprecise(int(min(digits, 10**9)) + 1)

    def resolve(self, digits: float) -> None:
        """A tiny term must show `digits` below the largest one (constants mode only)."""
        if self.strict:
            self.need(digits + ABSORB_GUARD)

    def log10(self, value: Any) -> float:
        magnitude = self.mp.mag(value)
        return float("-inf") if magnitude == self.mp.ninf else magnitude * _LOG10_2

    def value(self, node: Node) -> Any:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise OutOfTime("the numeric comparison ran into the time limit")
        mp = self.mp
        kind = node[0]
        if kind == "num":
            return mp.mpf(node[1].numerator) / node[1].denominator
        if kind == "sym":
            if self.point is None or node[1] not in self.point:
                raise Unsupported("free variable")
            return self.point[node[1]]
        if kind == "const":
            return {"pi": mp.pi, "e": mp.e, "i": mp.mpc(0, 1)}[node[1]] + 0
        if kind == "neg":
            return -self.value(node[1])
        if kind == "add":
            terms = [self.value(child) for child in node[1]]
            sizes = [self.log10(term) for term in terms if term != 0]
            if sizes:
                largest = max(sizes)
                self.resolve(largest - min(sizes))
            return mp.fsum(terms)
        if kind == "mul":
            result = mp.mpf(1)
            for child in node[1]:
                result *= self.value(child)
            return result
        if kind == "div":
            return self.value(node[1]) / self.value(node[2])
        if kind == "pow":
            return self.power(self.value(node[1]), self.value(node[2]))
        if kind == "fact":
            value = self.value(node[1])
            if abs(value) > 10**6:
                raise Unsupported("huge factorial")
            return mp.factorial(value)
        if kind == "root":
            value, degree = self.value(node[1]), self.value(node[2])
            if degree == 2:
                return mp.sqrt(value)
            if value < 0 and degree == int(degree) and int(degree) % 2 == 1:
                return -mp.root(-value, int(degree))
            return mp.root(value, int(degree)) if degree == int(degree) else self.power(value, 1 / degree)
        if kind == "func":
            return self.function(node[1], self.value(node[2]))
        raise Unsupported(kind)

    def power(self, base: Any, exponent: Any) -> Any:
        mp = self.mp
        if abs(exponent) > 10**6:
            raise Unsupported("huge exponent")
        if exponent == 0 or base == 0:
            return mp.power(base, exponent)
        if mp.im(exponent) == 0 and exponent == int(mp.re(exponent)):
            # repeated squaring: each factor's rounding grows with the exponent
            self.need(self.log10(exponent) + ARGUMENT_GUARD)
            return mp.power(base, exponent)
        # base^x = exp(x ln base): the same limits as exp of that argument
        argument = exponent * mp.log(base)
        self.exp_argument(argument)
        return mp.power(base, exponent)

    def exp_argument(self, argument: Any) -> None:
        size = self.log10(argument)
        if size > MAX_EXP_ARGUMENT_DIGITS:
            raise Unsupported("argument too large")
        self.need(size + ARGUMENT_GUARD)
        if argument != 0:
            self.resolve(-size)

    def function(self, name: str, argument: Any) -> Any:
        mp = self.mp
        size = self.log10(argument) if argument != 0 else float("-inf")
        if name in _PERIODIC:
            # reducing x modulo pi needs x to an absolute precision, and costs digits of pi in proportion to x
            if size > MAX_DIGITS:
                raise Unsupported("argument too large")
            self.need(size + ARGUMENT_GUARD)
        if name in _GROWING:
            self.exp_argument(argument)
            if name != "exp" and size > 0:
                # cosh x = (e^x + e^-x)/2: the e^-x half vanishes below e^x unless resolved
                self.resolve(2 * abs(float(mp.re(argument))) * 0.4343)
        if argument != 0 and size < 0 and name in _TINY_ARGUMENT_DIGITS:
            self.resolve(-_TINY_ARGUMENT_DIGITS[name] * size)
        if name == "atan" and size > 0:
            self.resolve(3 * size)  # atan x = pi/2 - 1/x + 1/(3x^3) ...: the same as acos at 1/x
        functions = {
            "sin": mp.sin, "cos": mp.cos, "tan": mp.tan, "cot": mp.cot, "sec": mp.sec, "csc": mp.csc,
            "asin": mp.asin, "acos": mp.acos, "atan": mp.atan, "sinh": mp.sinh, "cosh": mp.cosh, "tanh": mp.tanh,
            "ln": mp.ln, "log": mp.ln, "exp": mp.exp, "abs": abs,
        }
        return functions[name](argument)


def sampled_nonzero(left: Node, right: Node, symbols: list[str], deadline: float | None = None) -> bool:
    """True when the two sides clearly differ at some random point (a rejection test only)."""
    import mpmath

    generator = random.Random(zlib.crc32(repr((left, right)).encode()))
    with mpmath.workdps(SAMPLE_DIGITS):
        for _ in range(3):
            point = {name: mpmath.mpf(generator.randint(2, 97)) / generator.randint(3, 19) for name in symbols}
            evaluator = _Evaluator(mpmath, SAMPLE_DIGITS, strict=False, deadline=deadline, point=point)
            try:
                a, b = evaluator.value(left), evaluator.value(right)
            except (_Imprecise, Unsupported, ZeroDivisionError, ValueError, OverflowError, TypeError):
                continue  # a point where the values cannot be trusted proves nothing
            if not (mpmath.isfinite(a) and mpmath.isfinite(b)):
                continue
            if abs(a - b) > mpmath.mpf(10) ** -15 * max(abs(a), abs(b), 1):
                return True
    return False
