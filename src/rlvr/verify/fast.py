"""The in-process fast stage for expressions: exact polynomial algebra and high-precision constants.

- Rational functions of variables with Gaussian-rational coefficients (`(x-1)(x+1)`,
  `\\frac{1+i}{2}`, `3x+4y=-14`) are expanded exactly and compared exactly.
- Constants with radicals, `\\pi`, `e` and elementary functions are evaluated with mpmath
  at a precision chosen from the size of the inputs, twice (P and 2P digits); they are
  accepted only when the difference vanishes to about P digits at both precisions, and
  rejected when it is clearly nonzero at both. Differences of 1e-30 are never accepted.
- Expressions with variables that are not rational functions are only *rejected* here,
  by evaluating at random points; proving them equal is left to sympy in the worker.
Whatever cannot be decided raises `NeedSymbolic`.
"""

from __future__ import annotations

import random
import time
import zlib
from fractions import Fraction
from typing import Any

from rlvr.verify.answer import Equation
from rlvr.verify.compare import NeedSymbolic
from rlvr.verify.expr import Node, Unsupported, parse_expression, symbols_of
from rlvr.verify.numeric import MAX_FACTORIAL, TooLarge

Monomial = tuple[tuple[str, int], ...]
Poly = dict[Monomial, Fraction]
MAX_TERMS = 4000
MAX_POWER = 64
MAX_COEFFICIENT_BITS = 200_000
MAX_DIGITS = 1500  # above this the two evaluations cost too much of the time bound; sympy decides
ABSORB_GUARD = 40  # digits a tiny term must show above the working precision before anything is accepted
ARGUMENT_GUARD = 10  # digits a function's argument must keep after its integer part
MAX_EXP_ARGUMENT_DIGITS = 30  # exp(10^30) is quick to evaluate; exp(10^1000) takes seconds
SAMPLE_DIGITS = 30
_ONE: Monomial = ()
_I = "\u2148"  # the imaginary unit as a polynomial variable with i^2 = -1


class FastBackend:
    """Implements `rlvr.verify.compare.SymbolicBackend` without sympy; raises `NeedSymbolic` when unsure.

    With a `deadline` (a `time.monotonic()` value), evaluation stops there with `OutOfTime`.
    """

    def __init__(self, deadline: float | None = None) -> None:
        self.deadline = deadline

    def equal(self, answer: str, gold: str) -> bool:
        """Exact equality where the fast stage can decide it."""
        left, right = _trees(answer, gold)
        if left == right:
            return True
        rational = _rational_pair(left, right)
        if rational is not None:
            (a_num, a_den), (g_num, g_den) = rational
            return _poly_equal(_mul(a_num, g_den), _mul(g_num, a_den))
        symbols = symbols_of(left) | symbols_of(right)
        if not symbols:
            return _constants_equal(left, right, self.deadline)
        if _sampled_nonzero(left, right, sorted(symbols), self.deadline):
            return False
        raise NeedSymbolic

    def equations_equal(self, answer: Equation, gold: Equation) -> bool:
        """Same equation up to moving terms and scaling, for polynomial equations."""
        answer_poly = _equation_polynomial(answer)
        gold_poly = _equation_polynomial(gold)
        if not gold_poly or not any(monomial for monomial in gold_poly):
            raise NeedSymbolic
        if not answer_poly:
            return False
        monomial, coefficient = next(iter(gold_poly.items()))
        factor = answer_poly.get(monomial, Fraction(0)) / coefficient
        if factor == 0:
            return False
        return _poly_equal(answer_poly, _scale(gold_poly, factor))


def _trees(answer: str, gold: str) -> tuple[Node, Node]:
    try:
        return parse_expression(answer), parse_expression(gold)
    except (Unsupported, TooLarge, RecursionError) as error:
        raise NeedSymbolic from error


def _equation_polynomial(equation: Equation) -> Poly:
    left, right = _trees(equation.lhs, equation.rhs)
    pair = _rational_pair(left, right)
    if pair is None:
        raise NeedSymbolic
    (l_num, l_den), (r_num, r_den) = pair
    if any(monomial for monomial in l_den) or any(monomial for monomial in r_den):
        raise NeedSymbolic  # variable denominators change the solution set
    return _add(_mul(l_num, r_den), _scale(_mul(r_num, l_den), Fraction(-1)))


# exact rational functions -----------------------------------------------------------------
def _rational_pair(left: Node, right: Node) -> tuple[tuple[Poly, Poly], tuple[Poly, Poly]] | None:
    try:
        return _rational(left), _rational(right)
    except (Unsupported, TooLarge):
        return None


def _rational(node: Node) -> tuple[Poly, Poly]:
    kind = node[0]
    if kind == "num":
        return {_ONE: node[1]} if node[1] else {}, {_ONE: Fraction(1)}
    if kind == "sym":
        return {((node[1], 1),): Fraction(1)}, {_ONE: Fraction(1)}
    if kind == "const":
        if node[1] == "i":
            return {((_I, 1),): Fraction(1)}, {_ONE: Fraction(1)}
        raise Unsupported("transcendental constant")
    if kind == "neg":
        num, den = _rational(node[1])
        return _scale(num, Fraction(-1)), den
    if kind == "add":
        num, den = _rational(node[1][0])
        for child in node[1][1:]:
            c_num, c_den = _rational(child)
            if den == c_den:
                num = _add(num, c_num)
            else:
                num, den = _add(_mul(num, c_den), _mul(c_num, den)), _mul(den, c_den)
        return num, den
    if kind == "mul":
        num, den = {_ONE: Fraction(1)}, {_ONE: Fraction(1)}
        for child in node[1]:
            c_num, c_den = _rational(child)
            num, den = _mul(num, c_num), _mul(den, c_den)
        return num, den
    if kind == "div":
        a_num, a_den = _rational(node[1])
        b_num, b_den = _rational(node[2])
        if not b_num:
            raise Unsupported("division by zero")
        return _mul(a_num, b_den), _mul(a_den, b_num)
    if kind == "pow":
        exponent = _constant_integer(node[2])
        if abs(exponent) > MAX_POWER:
            raise Unsupported("large power")
        num, den = _rational(node[1])
        if exponent < 0:
            if not num:
                raise Unsupported("division by zero")
            num, den, exponent = den, num, -exponent
        return _power(num, exponent), _power(den, exponent)
    if kind == "fact":
        value = _constant_integer(node[1])
        if value < 0 or value > MAX_FACTORIAL:
            raise TooLarge("factorial too large")
        import math

        return {_ONE: Fraction(math.factorial(value))}, {_ONE: Fraction(1)}
    if kind == "root":
        degree = _constant_integer(node[2])
        num, den = _rational(node[1])
        if any(monomial for monomial in num) or any(monomial for monomial in den) or degree < 1:
            raise Unsupported("root of a variable")
        value = num.get(_ONE, Fraction(0)) / den[_ONE]
        from rlvr.verify.numeric import _exact_root

        root = _exact_root(value, degree) if degree <= 12 else None
        if root is None:
            raise Unsupported("irrational root")
        return ({_ONE: root} if root else {}), {_ONE: Fraction(1)}
    raise Unsupported(kind)


def _constant_integer(node: Node) -> int:
    num, den = _rational(node)
    if any(monomial for monomial in num) or any(monomial for monomial in den):
        raise Unsupported("not a constant")
    value = num.get(_ONE, Fraction(0)) / den[_ONE]
    if value.denominator != 1:
        raise Unsupported("not an integer")
    return int(value)


def _add(left: Poly, right: Poly) -> Poly:
    result = dict(left)
    for monomial, coefficient in right.items():
        total = result.get(monomial, Fraction(0)) + coefficient
        if total:
            result[monomial] = total
        else:
            result.pop(monomial, None)
    return result


def _scale(poly: Poly, factor: Fraction) -> Poly:
    return {monomial: coefficient * factor for monomial, coefficient in poly.items()} if factor else {}


def _mul(left: Poly, right: Poly) -> Poly:
    if len(left) * len(right) > MAX_TERMS * 4:
        raise TooLarge("polynomial too large")
    if _coefficient_bits(left) + _coefficient_bits(right) > MAX_COEFFICIENT_BITS:
        raise TooLarge("coefficients too large")  # `(3000!)^{64}`: exact but seconds of big-integer work
    result: Poly = {}
    for m1, c1 in left.items():
        for m2, c2 in right.items():
            monomial, sign = _monomial_product(m1, m2)
            total = result.get(monomial, Fraction(0)) + sign * c1 * c2
            if total:
                result[monomial] = total
            else:
                result.pop(monomial, None)
    if len(result) > MAX_TERMS:
        raise TooLarge("polynomial too large")
    return result


def _coefficient_bits(poly: Poly) -> int:
    return max((value.numerator.bit_length() + value.denominator.bit_length() for value in poly.values()), default=0)


def _monomial_product(left: Monomial, right: Monomial) -> tuple[Monomial, int]:
    if not left:
        return right, 1
    if not right:
        return left, 1
    powers = dict(left)
    for name, exponent in right:
        powers[name] = powers.get(name, 0) + exponent
    sign = 1
    if _I in powers:
        exponent = powers.pop(_I) % 4
        if exponent >= 2:
            sign = -1
            exponent -= 2
        if exponent:
            powers[_I] = exponent
    return tuple(sorted(powers.items())), sign


def _power(poly: Poly, exponent: int) -> Poly:
    result: Poly = {_ONE: Fraction(1)}
    base = poly
    while exponent:
        if exponent & 1:
            result = _mul(result, base)
        exponent >>= 1
        if exponent:
            base = _mul(base, base)
    return result


def _poly_equal(left: Poly, right: Poly) -> bool:
    return left == right


# high-precision constants --------------------------------------------------------------------
def _constants_equal(left: Node, right: Node, deadline: float | None = None) -> bool:
    import mpmath

    budget = _precision_budget(left) + _precision_budget(right)
    if budget > MAX_DIGITS:
        raise NeedSymbolic
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


def _precision_budget(node: Node) -> int:
    """Digits needed so that no nonzero difference these literals can build hides below the precision."""
    kind = node[0]
    if kind == "num":
        value: Fraction = node[1]
        return len(str(abs(value.numerator))) + len(str(value.denominator))
    if kind in {"sym", "const"}:
        return 1
    if kind == "pow":
        base, exponent = node[1], node[2]
        extra = 0
        if exponent[0] == "num" or (exponent[0] == "neg" and exponent[1][0] == "num"):
            value = exponent[1] if exponent[0] == "num" else exponent[1][1]
            extra = int(abs(value) * max(_precision_budget(base), 1))
        else:
            extra = 4 * _precision_budget(exponent) * max(_precision_budget(base), 1)
        return 1 + _precision_budget(base) + _precision_budget(exponent) + extra
    if kind == "fact":
        try:
            return 1 + 4 * _constant_integer(node[1])
        except (Unsupported, TooLarge):
            return MAX_DIGITS + 1
    children = node[1] if kind in {"add", "mul"} else (node[1],) if kind == "neg" else (node[2],) if kind == "func" else (node[1], node[2])
    return 1 + sum(_precision_budget(child) for child in children)


class _Imprecise(Exception):
    """The working precision cannot resolve a term of this evaluation; `digits` would."""

    def __init__(self, digits: int) -> None:
        super().__init__(f"needs {digits} digits")
        self.digits = digits


class OutOfTime(NeedSymbolic):
    """The in-process evaluation ran into the check's deadline (the caller then has no time left)."""


_PERIODIC = frozenset({"sin", "cos", "tan", "cot", "sec", "csc"})
_GROWING = frozenset({"exp", "sinh", "cosh", "tanh"})
_EVEN_AT_ZERO = frozenset({"cos", "sec", "cosh"})  # f(x) - f(0) ~ x^2: a tiny x needs twice the digits
_SHIFTED_AT_ZERO = frozenset({"exp", "acos"})  # f(x) - f(0) ~ x
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
        if argument != 0:
            if name in _EVEN_AT_ZERO:
                self.resolve(-2 * size)
            elif name in _SHIFTED_AT_ZERO:
                self.resolve(-size)
        if name == "atan" and size > 0:
            self.resolve(size)  # atan x = pi/2 - 1/x + ...
        functions = {
            "sin": mp.sin, "cos": mp.cos, "tan": mp.tan, "cot": mp.cot, "sec": mp.sec, "csc": mp.csc,
            "asin": mp.asin, "acos": mp.acos, "atan": mp.atan, "sinh": mp.sinh, "cosh": mp.cosh, "tanh": mp.tanh,
            "ln": mp.ln, "log": mp.ln, "exp": mp.exp, "abs": abs,
        }
        return functions[name](argument)


def _sampled_nonzero(left: Node, right: Node, symbols: list[str], deadline: float | None = None) -> bool:
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
