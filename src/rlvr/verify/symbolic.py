"""The sympy stage: exact symbolic equality, run only inside the worker process.

LaTeX becomes sympy through latex2sympy2_extended's parser (a grammar, never eval), and
the resulting trees are screened for values too large to touch before any simplification.
Equality is accepted only when sympy proves the difference is zero (the fast stage it runs
first may accept constants numerically, with every tiny term resolved); numeric
evaluation and random sampling are used here only to reject quickly.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

import sympy
from latex2sympy2_extended import latex2sympy
from sympy.functions.elementary.trigonometric import TrigonometricFunction

from rlvr.verify.answer import Equation
from rlvr.verify.compare import NeedSymbolic, Unparsable
from rlvr.verify.fast import FastBackend
from rlvr.verify.numeric import TooLarge

MAX_EXPONENT = 10_000
MAX_FACTORIAL_ARGUMENT = 3000
MAX_NODES = 400
_NESTED_POWER = re.compile(r"\^\s*\{[^{}]*\^")
_IMAGINARY = sympy.Symbol("i")


class SympyBackend:
    """Implements `rlvr.verify.compare.SymbolicBackend` with sympy, after the fast stage."""

    def __init__(self) -> None:
        self.fast = FastBackend()

    def equal(self, answer: str, gold: str) -> bool:
        """Exact equality of two scalar LaTeX expressions."""
        try:
            return self.fast.equal(answer, gold)
        except NeedSymbolic:
            pass
        return expressions_equal(to_sympy(answer), to_sympy(gold))

    def equations_equal(self, answer: Equation, gold: Equation) -> bool:
        """Same equation up to moving terms across and scaling by a nonzero constant."""
        try:
            return self.fast.equations_equal(answer, gold)
        except NeedSymbolic:
            pass
        answer_difference = to_sympy(answer.lhs) - to_sympy(answer.rhs)
        gold_difference = to_sympy(gold.lhs) - to_sympy(gold.rhs)
        if not isinstance(answer_difference, sympy.Expr) or not isinstance(gold_difference, sympy.Expr):
            return False
        if answer_difference == 0 or gold_difference == 0:
            return False
        if not gold_difference.free_symbols:
            return False
        ratio = sympy.cancel(sympy.together(answer_difference / gold_difference))
        if ratio.free_symbols:
            ratio = sympy.simplify(ratio)
        return not ratio.free_symbols and ratio != 0 and ratio.is_finite is not False


@lru_cache(maxsize=4096)
def to_sympy(text: str) -> sympy.Basic:
    """Parse a scalar LaTeX expression safely; raise `TooLarge` for values that would explode."""
    if _NESTED_POWER.search(text) or re.search(r"\d{5,}\s*!", text) or len(text) > 1000:
        raise TooLarge("expression too large for the symbolic stage")
    try:
        expression = latex2sympy(text, normalization_config=None)
    except (TooLarge, RecursionError, MemoryError):
        raise
    except Exception as error:  # noqa: BLE001 - the grammar's failures have many types; all mean "cannot read"
        raise Unparsable(f"could not parse: {type(error).__name__}") from error
    if isinstance(expression, sympy.Basic):
        _guard(expression)
        if _IMAGINARY in expression.free_symbols:
            expression = expression.subs(_IMAGINARY, sympy.I)
    return expression


def _guard(expression: sympy.Basic) -> None:
    nodes = 0
    for node in sympy.preorder_traversal(expression):
        nodes += 1
        if nodes > MAX_NODES:
            raise TooLarge("expression too large")
        if isinstance(node, sympy.Pow):
            exponent = node.exp
            if exponent.is_Number and abs(exponent) > MAX_EXPONENT and node.base not in (1, -1, 0):
                raise TooLarge("exponent too large")
            if not exponent.is_Number and exponent.free_symbols == set() and exponent.is_Pow:
                raise TooLarge("nested powers")
        if isinstance(node, (sympy.factorial, sympy.gamma)):
            argument = node.args[0]
            if argument.is_Number and abs(argument) > MAX_FACTORIAL_ARGUMENT:
                raise TooLarge("factorial too large")


def expressions_equal(answer: sympy.Basic, gold: sympy.Basic) -> bool:
    """True only when the two expressions are provably the same value."""
    if any(isinstance(side, sympy.Basic) and side.has(sympy.zoo, sympy.nan) for side in (answer, gold)):
        return False  # `1:00` parses as 1/0: an undefined value equals nothing, itself included
    if answer == gold:
        return True
    if not isinstance(answer, sympy.Expr) or not isinstance(gold, sympy.Expr):
        return False
    difference = answer - gold
    if difference == 0:
        return True
    if difference.is_Rational:
        return False
    symbols = difference.free_symbols
    if not symbols:
        return _constants_equal(answer, gold, difference)
    if _sampled_nonzero(difference, symbols):
        return False
    if sympy.expand(difference) == 0:
        return True
    if difference.has(TrigonometricFunction):
        # cheap trigonometric normal forms first; simplify() tries far more and is slower
        rewritten = sympy.expand_trig(difference.rewrite(sympy.sin).rewrite(sympy.cos))
        if sympy.cancel(rewritten) == 0 or sympy.trigsimp(difference) == 0:
            return True
    return sympy.simplify(difference) == 0


def _constants_equal(answer: sympy.Expr, gold: sympy.Expr, difference: sympy.Expr) -> bool:
    """Equal only when sympy proves the difference zero.

    Numbers cannot prove it: a difference such as `\\sin(e^{-2000})` is nonzero far below any
    fixed precision, so a numerically vanishing difference that simplify cannot prove zero is
    "not shown equal". (The in-process stage accepts numerically, but only after resolving
    every tiny term the expression builds; see `rlvr.verify.fast`.)
    """
    quick = difference.evalf(30)
    scale = max(abs(answer.evalf(30)), abs(gold.evalf(30)), sympy.Float(1e-300))
    if not quick.is_number or quick.has(sympy.nan, sympy.zoo):
        return False
    if (abs(quick)).evalf(30) > scale * sympy.Float("1e-20"):
        return False
    return bool(sympy.simplify(difference) == 0)


def _sampled_nonzero(difference: sympy.Expr, symbols: set[sympy.Symbol]) -> bool:
    """True when the difference is clearly nonzero at some random point (a rejection test only)."""
    generator = random.Random(len(str(difference)))
    ordered = sorted(symbols, key=str)
    for _ in range(4):
        point = {symbol: sympy.Rational(generator.randint(1, 97), generator.randint(1, 13)) for symbol in ordered}
        try:
            value = complex(difference.subs(point).evalf(30))
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            continue
        if value != value:  # NaN: undefined at this point
            continue
        if abs(value) > 1e-9:
            return True
    return False
