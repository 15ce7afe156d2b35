"""Find the first error in a bracket sequence.

The answer is unique: the 1-based position of the first closing bracket that closes
nothing or closes the wrong kind of bracket, found by scanning left to right.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, TaskError, register
from rlvr.tasks.families._brackets import CLOSERS, OPENERS, PAIRS, first_error, random_prefix, spaced
from rlvr.tasks.families._text import invalid, take, wrong
from rlvr.verify.verdict import Reason, Verdict

_POSITION = re.compile(r"[0-9]{1,6}")  # ASCII digits only: str.isdigit accepts superscripts


@dataclass(frozen=True)
class DyckErrorConfig:
    """Sequences of `length` brackets of `types` kinds, nested up to `max_depth`."""

    length: int
    types: int
    max_depth: int


def _break(rng: random.Random, text: str, types: int) -> str:
    """`text` with one closer retyped, or an extra closer where nothing is open.

    The error goes in the last two thirds where possible, so finding it needs a real scan.
    """
    late = len(text) // 3
    closers = [i for i, ch in enumerate(text) if ch in CLOSERS]
    closers = [i for i in closers if i >= late] or closers
    if types > 1 and closers and rng.random() < 0.75:
        i = rng.choice(closers)
        options = [c for c in CLOSERS[:types] if c != text[i]]
        return text[:i] + rng.choice(options) + text[i + 1:]
    # A stray closer where the depth is zero: always an error right there.
    depth, zero_points = 0, [0]
    for i, ch in enumerate(text, start=1):
        depth += 1 if ch in PAIRS else -1
        if depth == 0:
            zero_points.append(i)
    at = rng.choice([p for p in zero_points if p >= late] or zero_points)
    return text[:at] + rng.choice(CLOSERS[:types]) + text[at:]


@register
class DyckError(Task):
    """Position of the first bracket error (unique)."""

    name: ClassVar[str] = "dyck_error"
    description: ClassVar[str] = "Find the position of the first mismatched bracket in a sequence"
    answer_format: ClassVar[str] = "a 1-based position (integer)"
    category: ClassVar[str] = "strings"
    Config: ClassVar[type] = DyckErrorConfig

    def config_for(self, difficulty: int) -> DyckErrorConfig:
        return DyckErrorConfig(length=6 + 4 * difficulty, types=min(4, 1 + (difficulty + 1) // 3), max_depth=2 + difficulty)

    def make(self, rng: random.Random, config: DyckErrorConfig) -> tuple[str, str, dict[str, Any]]:
        if config.length < 2 or not 1 <= config.types <= 4 or config.max_depth < 1:
            raise TaskError("dyck_error needs length >= 2, types 1..4 and max_depth >= 1")
        base = random_prefix(rng, config.length, config.types, config.max_depth)
        text = _break(rng, base, config.types)
        position = first_error(text)
        if position is None:  # cannot happen: a stray closer at depth zero is always an error
            raise TaskError("dyck_error failed to plant an error")
        kinds = " ".join(f"{o}{PAIRS[o]}" for o in OPENERS[: config.types])
        numbered = " ".join(f"{i}:{ch}" for i, ch in enumerate(text, start=1))
        prompt = (
            f"Here is a bracket sequence with kinds {kinds}; each closing bracket must close the most "
            f"recent bracket still open, of the same kind. Find the first position (counting from 1) "
            f"where a closing bracket closes nothing or the wrong kind.\n\n"
            f"Sequence: {spaced(text)}\nPositions: {numbered}\n\n"
            f"Answer with the position as a single integer (for example: 7).\n{ANSWER_INSTRUCTION}"
        )
        return prompt, str(position), {"sequence": text, "effort": position + len(text) // 4}

    def check(self, problem: Problem, response: str) -> Verdict:
        """Exact comparison with the first-error position."""
        text, failed = take(response, limit=64)
        if text is None:
            return failed
        cleaned = text.strip().rstrip(".")
        if not _POSITION.fullmatch(cleaned):
            return invalid(text, "the answer must be a single positive integer")
        got, gold = int(cleaned), int(problem.answer)
        if got == gold:
            return Verdict(True, Reason.EQUAL_NUMERIC, extracted=text, normalized=str(got), gold_normalized=str(gold))
        return wrong(text, str(got), str(gold))

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """Another position in the sequence."""
        gold, size = int(problem.answer), len(problem.metadata["sequence"])
        return str(rng.choice([p for p in range(1, size + 1) if p != gold]))
