"""The in-process fast stage for expressions: exact polynomial algebra and high-precision constants.

- Rational functions of variables with Gaussian-rational coefficients (`(x-1)(x+1)`,
  `\\frac{1+i}{2}`, `3x+4y=-14`) are expanded exactly and compared exactly.
- Constants with radicals, `\\pi`, `e` and elementary functions are evaluated with mpmath
  at a precision chosen from the size of the inputs, twice (P and 2P digits); they are
  accepted only when the difference vanishes to about P digits at both precisions, and
  rejected when it is clearly nonzero at both. Differences of 1e-30 are never accepted.
  No term may vanish below the working precision (`1+e^{-1000}`, `\\cos(10^{-300})`,
  `\\arctan(10^{100})`): the precision rises until it shows (up to `MAX_DIGITS`), otherwise
  the question goes to sympy, which accepts only a proof.
- Expressions with variables that are not rational functions are only *rejected* here,
  by evaluating at random points; proving them equal is left to sympy in the worker.
Whatever cannot be decided raises `NeedSymbolic`.

Time: everything here runs in the caller's process, so it is bounded by construction (caps
on polynomial terms, coefficient sizes, powers and factorials; no function of an argument
mpmath cannot reduce in milliseconds, such as `\\sin(10^{10^6})`), and, given a deadline,
checks it at every evaluated node and every polynomial product (`OutOfTime`).
"""

from __future__ import annotations

import threading
import time
from fractions import Fraction

from rlvr.verify.answer import Equation
from rlvr.verify.compare import NeedSymbolic
from rlvr.verify.expr import Node, Unsupported, parse_expression, symbols_of
from rlvr.verify.mpeval import MAX_DIGITS, OutOfTime, constants_equal, sampled_nonzero
from rlvr.verify.numeric import MAX_FACTORIAL, TooLarge

Monomial = tuple[tuple[str, int], ...]
Poly = dict[Monomial, Fraction]
MAX_TERMS = 4000
MAX_POWER = 64
MAX_COEFFICIENT_BITS = 200_000
MAX_PRODUCT_WORK = 50_000_000  # term pairs times coefficient bits in one product: about a second of big-integer work
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
        with _Deadline(self.deadline):
            return self._equal(answer, gold)

    def equations_equal(self, answer: Equation, gold: Equation) -> bool:
        """Same equation up to moving terms and scaling, for polynomial equations."""
        with _Deadline(self.deadline):
            return self._equations_equal(answer, gold)

    def _equal(self, answer: str, gold: str) -> bool:
        left, right = _trees(answer, gold)
        if left == right:
            return True
        rational = _rational_pair(left, right)
        if rational is not None:
            (a_num, a_den), (g_num, g_den) = rational
            return _poly_equal(_mul(a_num, g_den), _mul(g_num, a_den))
        symbols = symbols_of(left) | symbols_of(right)
        if not symbols:
            budget = _precision_budget(left) + _precision_budget(right)
            if budget > MAX_DIGITS:
                raise NeedSymbolic
            return constants_equal(left, right, budget, self.deadline)
        if sampled_nonzero(left, right, sorted(symbols), self.deadline):
            return False
        raise NeedSymbolic

    def _equations_equal(self, answer: Equation, gold: Equation) -> bool:
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


class _Deadline:
    """Makes a deadline visible to the exact polynomial arithmetic of this thread, which has no backend at hand."""

    _local = threading.local()

    def __init__(self, deadline: float | None) -> None:
        self.deadline = deadline
        self.previous: float | None = None

    def __enter__(self) -> None:
        self.previous = getattr(self._local, "deadline", None)
        self._local.deadline = self.deadline

    def __exit__(self, *exc: object) -> None:
        self._local.deadline = self.previous

    @classmethod
    def check(cls) -> None:
        deadline = getattr(cls._local, "deadline", None)
        if deadline is not None and time.monotonic() > deadline:
            raise OutOfTime("the exact comparison ran into the time limit")


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
    bits = _coefficient_bits(left) + _coefficient_bits(right)
    if bits > MAX_COEFFICIENT_BITS or len(left) * len(right) * bits > MAX_PRODUCT_WORK:
        raise TooLarge("coefficients too large")  # `(3000!)^{64}`: exact but seconds of big-integer work
    _Deadline.check()
    result: Poly = {}
    for m1, c1 in left.items():
        _Deadline.check()
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


# precision budget ------------------------------------------------------------------------------
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

