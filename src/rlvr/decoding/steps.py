"""Reasoning steps: the unit that Predictive-Decoding and Genius re-weight and commit.

A step is text up to and including the next newline, together with any newlines right after
it (a blank line stays with the step it ends, so no step is empty); the text after the last
newline is the final, unfinished step. This is the delimiter of both papers' released code
(Predictive-Decoding splits its foresight on "\\n"; Genius on its step separator).
"""

from __future__ import annotations

import re

_STEP = re.compile(r"[^\n]*\n+|[^\n]+")


def split_steps(text: str) -> list[str]:
    """`text` cut into steps; `"".join(split_steps(text)) == text`."""
    return _STEP.findall(text)


def ends_step(token_text: str) -> bool:
    """Whether a token's text closes a step (it contains a newline)."""
    return "\n" in token_text
