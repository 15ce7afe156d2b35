"""Small, linear-time LaTeX string helpers: brace groups, command unwrapping, top-level splits.

Everything here works on plain strings with explicit scans (no backtracking regexes), so
it is safe to run on arbitrary model output inside the caller's process.
"""

from __future__ import annotations

import re

OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = {")", "]", "}"}


MAX_GROUP_CHARS = 8000


def group_end(text: str, start: int, limit: int = MAX_GROUP_CHARS) -> int:
    """Index just past the `{...}` group that opens at `text[start]`, or -1 when unclosed.

    Groups longer than `limit` characters count as unclosed, which keeps repeated scans linear.
    """
    depth = 0
    index = start
    length = min(len(text), start + limit)
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return -1


def read_argument(text: str, start: int) -> tuple[str, int] | None:
    """Read one macro argument at `start` (after spaces): a `{group}`, a `\\command` or one character.

    Returns the argument text (without braces) and the index after it, or None when absent.
    """
    index = start
    length = len(text)
    while index < length and text[index] == " ":
        index += 1
    if index >= length:
        return None
    char = text[index]
    if char == "{":
        end = group_end(text, index)
        if end < 0:
            return None
        return text[index + 1 : end - 1], end
    if char == "\\":
        match = re.compile(r"\\[A-Za-z]+").match(text, index)
        if match:
            return match.group(0), match.end()
        return text[index : index + 2], index + 2
    if char in "}^_&":
        return None
    return char, index + 1


def unwrap_command(text: str, names: tuple[str, ...]) -> str:
    """Replace every `\\name{body}` (for the given names) by `body`."""
    pattern = re.compile(r"\\(?:" + "|".join(names) + r")(?![A-Za-z])")
    position = 0
    for _ in range(1000):
        match = pattern.search(text, position)
        if match is None:
            break
        argument = read_argument(text, match.end())
        if argument is None:
            text = text[: match.start()] + text[match.end() :]
            position = match.start()
            continue
        body, end = argument
        text = text[: match.start()] + body + text[end:]
        # stay put: the body may itself start with a command to unwrap
        position = match.start()
    return text


def split_top_level(text: str, separators: str = ",") -> list[str]:
    """Split on separators that are outside every bracket pair and `\\{...\\}`."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == "\\" and index + 1 < length:
            nxt = text[index + 1]
            if nxt in "{}":
                depth += 1 if nxt == "{" else -1
            current.append(text[index : index + 2])
            index += 2
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return parts


def balanced(text: str) -> bool:
    """True when curly braces balance (escaped `\\{` `\\}` are ignored)."""
    depth = 0
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
        index += 1
    return depth == 0


def outer_brackets(text: str) -> tuple[str, str, str] | None:
    """If `text` is wrapped by one bracket pair spanning it all, return (open, inner, close).

    Interval-style mixed pairs such as `(1, 2]` count as well.
    """
    if len(text) < 2:
        return None
    if text.startswith("\\{") and text.endswith("\\}"):
        inner = text[2:-2]
        return ("\\{", inner, "\\}") if _closes_at_end(inner) else None
    opening, closing = text[0], text[-1]
    if opening not in "([" or closing not in ")]":
        return None
    inner = text[1:-1]
    return (opening, inner, closing) if _closes_at_end(inner) else None


def _closes_at_end(inner: str) -> bool:
    """True when no bracket opened before `inner` closes inside it."""
    depth = 0
    index = 0
    length = len(inner)
    while index < length:
        char = inner[index]
        if char == "\\" and index + 1 < length:
            if inner[index + 1] == "{":
                depth += 1
            elif inner[index + 1] == "}":
                depth -= 1
                if depth < 0:
                    return False
            index += 2
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                return False
        index += 1
    return depth == 0
