"""Predicted Python values: parsed with `ast.literal_eval` under size and depth bounds, compared strictly.

A prediction is model output, so it is never evaluated: `ast.literal_eval` accepts only
literals (numbers, strings, bytes, tuples, lists, dicts, sets, booleans, None). Its cost is
linear in the text once the text is short and shallow, so the bounds below are the check's
time bound: at most `MAX_LITERAL_CHARS` characters and `MAX_DEPTH` nested brackets (CPython's
parser recurses per bracket and stops near 200 with an error this avoids reaching).
"""

from __future__ import annotations

import ast
import math
from typing import Any

MAX_LITERAL_CHARS = 4096
MAX_DEPTH = 60
_OPEN = "([{"
_CLOSE = ")]}"


class LiteralError(ValueError):
    """A prediction that is not an acceptable Python literal; the message says why."""


def bracket_depth(text: str) -> int:
    """The deepest bracket nesting in `text`, counted over every bracket (strings included: an over-count only refuses)."""
    depth = deepest = 0
    for ch in text:
        if ch in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
    return deepest


def parse_literal(text: str, max_chars: int = MAX_LITERAL_CHARS) -> Any:
    """The Python value written in `text`, or LiteralError (too long, too deep, not a literal)."""
    if not isinstance(text, str):
        raise LiteralError("the prediction is not text")
    body = text.strip()
    if body.startswith("```") and body.endswith("```") and len(body) >= 6:
        # A value wrapped in a code fence: drop the fence and its language word.
        body = body[3:-3].strip()
        if body.startswith("python"):
            body = body[len("python"):].strip()
    if not body:
        raise LiteralError("empty prediction")
    if len(body) > max_chars:
        raise LiteralError(f"prediction longer than {max_chars} characters")
    if bracket_depth(body) > MAX_DEPTH:
        raise LiteralError(f"prediction nested deeper than {MAX_DEPTH} brackets")
    try:
        return ast.literal_eval(body)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError) as error:
        # ValueError covers malformed nodes and ints past Python's 4,300-digit conversion limit.
        raise LiteralError(f"not a Python literal: {type(error).__name__}") from None


def same_value(a: Any, b: Any, depth: int = 0) -> bool:
    """True when `a` and `b` are the same Python value of the same types, all the way down.

    Stricter than `==`: `1`, `1.0` and `True` differ, and so do a list and a tuple, because the
    task asks for the exact value a function returns. Floats must be equal (NaN equals NaN here,
    since both sides come from the same computation); dict and set order does not matter.
    """
    if depth > MAX_DEPTH + 5 or type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, complex):
        return same_value(a.real, b.real) and same_value(a.imag, b.imag)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_value(x, y, depth + 1) for x, y in zip(a, b))
    if isinstance(a, dict):
        if len(a) != len(b):
            return False
        for key, value in a.items():
            if key not in b or not same_value(value, b[key], depth + 1):
                return False
            if type(next(k for k in b if k == key)) is not type(key):
                return False
        return True
    if isinstance(a, (set, frozenset)):
        return a == b and sorted(map(repr, a)) == sorted(map(repr, b))
    return a == b


def is_plain(value: Any, depth: int = 0) -> bool:
    """True for values made only of literal types, whose repr reads back as the same value."""
    if depth > MAX_DEPTH:
        return False
    if value is None or isinstance(value, (bool, int, str, bytes)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(is_plain(v, depth + 1) for v in value) and not isinstance(value, frozenset)
    if isinstance(value, dict):
        return all(is_plain(k, depth + 1) and is_plain(v, depth + 1) for k, v in value.items())
    return False


def literal_text(value: Any) -> str:
    """`repr(value)`, checked to read back as the same value (generation-time guard)."""
    text = repr(value)
    if not is_plain(value) or not same_value(parse_literal(text, max_chars=1 << 20), value):
        raise LiteralError(f"{type(value).__name__} value does not round-trip through its repr")
    return text
