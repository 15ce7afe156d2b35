"""Bracket sequences shared by `dyck_completion` and `dyck_error`."""

from __future__ import annotations

import random

PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}
OPENERS = "([{<"
CLOSERS = ")]}>"


def random_prefix(rng: random.Random, length: int, types: int, max_depth: int) -> str:
    """A bracket string of `length` with no mismatch that may leave brackets open."""
    openers = OPENERS[:types]
    stack: list[str] = []
    out: list[str] = []
    for _ in range(length):
        can_open = len(stack) < max_depth
        if stack and (not can_open or rng.random() < 0.45):
            out.append(PAIRS[stack.pop()])
        else:
            ch = rng.choice(openers)
            stack.append(ch)
            out.append(ch)
    return "".join(out)


def prefix_with_open(rng: random.Random, length: int, types: int, max_depth: int, left_open: int) -> str:
    """A mismatch-free bracket string of about `length` that ends with exactly `left_open` brackets open."""
    left_open = max(1, min(left_open, max_depth))
    length = max(length, left_open)
    length += (length - left_open) % 2
    openers = OPENERS[:types]
    stack: list[str] = []
    out: list[str] = []
    for step in range(length):
        remaining = length - step - 1
        depth = len(stack)
        can_open = depth + 1 <= max_depth and depth + 1 - left_open <= remaining
        can_close = depth > 0 and left_open - (depth - 1) <= remaining
        if can_close and (not can_open or rng.random() < 0.5):
            out.append(PAIRS[stack.pop()])
        else:
            ch = rng.choice(openers)
            stack.append(ch)
            out.append(ch)
    return "".join(out)


def open_stack(text: str) -> list[str] | None:
    """The unclosed openers after `text`, or None if `text` has a mismatch."""
    stack: list[str] = []
    for ch in text:
        if ch in PAIRS:
            stack.append(ch)
        elif ch in CLOSERS:
            if not stack or PAIRS[stack.pop()] != ch:
                return None
    return stack


def first_error(text: str) -> int | None:
    """1-based position of the first closer that closes nothing or the wrong opener; None if none."""
    stack: list[str] = []
    for position, ch in enumerate(text, start=1):
        if ch in PAIRS:
            stack.append(ch)
        elif ch in CLOSERS:
            if not stack or PAIRS[stack.pop()] != ch:
                return position
    return None


def spaced(text: str) -> str:
    return " ".join(text)
