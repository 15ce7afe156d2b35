"""Complete a bracket sequence with the fewest brackets.

The shortest completion is unique (close the open brackets innermost first), so the
task has exactly one answer; the check is by rule all the same: the prefix plus the
answer must be balanced, and the answer must be as short as possible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, ClassVar

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, TaskError, register
from rlvr.tasks.families._brackets import CLOSERS, OPENERS, PAIRS, open_stack, prefix_with_open, spaced
from rlvr.tasks.families._text import invalid, take, violation
from rlvr.verify.verdict import Reason, Verdict


@dataclass(frozen=True)
class DyckCompletionConfig:
    """`length` brackets shown, drawn from `types` kinds, nested at most `max_depth` deep, `left_open` unclosed."""

    length: int
    types: int
    max_depth: int
    left_open: int


@register
class DyckCompletion(Task):
    """Close every open bracket with the shortest possible completion (unique)."""

    name: ClassVar[str] = "dyck_completion"
    description: ClassVar[str] = "Close an unfinished bracket sequence with the fewest brackets"
    answer_format: ClassVar[str] = "the closing brackets, separated by spaces, e.g. ] ) >"
    category: ClassVar[str] = "strings"
    Config: ClassVar[type] = DyckCompletionConfig

    def config_for(self, difficulty: int) -> DyckCompletionConfig:
        return DyckCompletionConfig(
            length=4 + 4 * difficulty,
            types=min(4, 1 + (difficulty + 1) // 3),
            max_depth=3 + difficulty,
            left_open=1 + (difficulty + 1) // 2,
        )

    def make(self, rng: random.Random, config: DyckCompletionConfig) -> tuple[str, str, dict[str, Any]]:
        if config.length < 1 or not 1 <= config.types <= 4 or config.max_depth < 1:
            raise TaskError("dyck_completion needs length >= 1, types 1..4 and max_depth >= 1")
        prefix = prefix_with_open(rng, config.length, config.types, config.max_depth, config.left_open)
        stack = open_stack(prefix) or []
        completion = "".join(PAIRS[ch] for ch in reversed(stack))
        kinds = " ".join(f"{o}{PAIRS[o]}" for o in OPENERS[: config.types])
        prompt = (
            f"Complete this bracket sequence so that every bracket is closed, using as few brackets as "
            f"possible. Bracket kinds: {kinds}. A bracket closes the most recent one still open.\n\n"
            f"Sequence: {spaced(prefix)}\n\n"
            f"Answer with only the brackets to append, separated by spaces (for example: ) ] )).\n"
            f"{ANSWER_INSTRUCTION}"
        )
        return prompt, spaced(completion), {"prefix": prefix, "effort": len(prefix) + len(completion)}

    def check(self, problem: Problem, response: str) -> Verdict:
        """Rule check: the prefix plus the answer must be balanced, with no extra brackets."""
        text, failed = take(response, limit=1024)
        if text is None:
            return failed
        answer = "".join(text.split())
        if not answer or any(ch not in CLOSERS and ch not in OPENERS for ch in answer):
            return invalid(text, "the answer must be brackets separated by spaces")
        prefix = problem.metadata["prefix"]
        stack = open_stack(prefix + answer)
        if stack is None:
            return violation(text, "a bracket in the answer closes the wrong kind or nothing")
        if stack:
            return violation(text, f"{len(stack)} bracket(s) still open")
        needed = len(open_stack(prefix) or [])
        if len(answer) != needed:
            return violation(text, f"balanced, but uses {len(answer)} brackets where {needed} suffice")
        return Verdict(True, Reason.VALID_SOLUTION, extracted=text, normalized=spaced(answer))

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """Swap two closers of different kinds, else retype or drop one (always unbalanced)."""
        closers = problem.answer.split()
        pairs = [(i, j) for i in range(len(closers)) for j in range(i + 1, len(closers)) if closers[i] != closers[j]]
        if pairs:
            i, j = rng.choice(pairs)
            closers[i], closers[j] = closers[j], closers[i]
        elif len(closers) > 1:
            closers.pop()
        else:
            closers.append(closers[0])
        return " ".join(closers)
