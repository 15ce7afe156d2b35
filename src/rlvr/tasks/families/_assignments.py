"""Parsing `Name: value` answers (who is a knight, who is a knave, ...) strictly but tolerantly."""

from __future__ import annotations

import re

_PAIR = re.compile(r"\s*([A-Za-z]+)\s*(?::|=|-|\bis\b|\bare\b)\s*(?:an?\s+)?([A-Za-z-]+)\s*")


def parse_assignment(text: str, names: list[str], values: list[str]) -> dict[str, str] | str:
    """Map each name to one of `values`; returns an error message string when malformed.

    Entries are separated by commas, semicolons, new lines or 'and'; case does not matter.
    """
    known = {n.lower(): n for n in names}
    allowed = {v.lower() for v in values}
    found: dict[str, str] = {}
    parts = [p for p in re.split(r"[,;\n]|\band\b", text.strip().rstrip(".")) if p and p.strip()]
    for part in parts:
        match = _PAIR.fullmatch(part)
        if not match:
            return f"could not read {part.strip()!r}; write Name: {values[0]}"
        name, value = match.group(1).lower(), match.group(2).lower().rstrip("s")
        if name not in known:
            return f"{match.group(1)} is not in the puzzle"
        if value not in allowed:
            return f"{match.group(2)!r} is not one of {', '.join(values)}"
        if known[name] in found and found[known[name]] != value:
            return f"{known[name]} is given two answers"
        found[known[name]] = value
    missing = [n for n in names if n not in found]
    if missing:
        return f"no answer for {', '.join(missing)}"
    return found
