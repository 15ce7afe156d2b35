"""The `Verdict`: what every checker in rlvr returns, math answers and puzzles alike."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


class Reason:
    """Machine-readable reasons. Checkers may add their own; these are the shared ones."""

    # correct
    EQUAL_STRING = "equal-string"
    EQUAL_NUMERIC = "equal-numeric"
    EQUAL_SYMBOLIC = "equal-symbolic"
    EQUAL_SET = "equal-set"
    EQUAL_TUPLE = "equal-tuple"
    EQUAL_INTERVAL = "equal-interval"
    EQUAL_EQUATION = "equal-equation"
    EQUAL_MATRIX = "equal-matrix"
    EQUAL_CHOICE = "equal-choice"
    EQUAL_TEXT = "equal-text"
    EQUAL_JUDGE = "equal-judge"
    VALID_SOLUTION = "valid-solution"  # rule-checked puzzles: any valid solution
    # incorrect
    NOT_EQUAL = "not-equal"
    NO_ANSWER = "no-answer"
    HEDGED = "hedged"
    HACKING = "hacking"
    INVALID_FORMAT = "invalid-format"
    RULE_VIOLATION = "rule-violation"
    TIMEOUT = "timeout"
    INVALID_GOLD = "invalid-gold"
    JUDGE_REJECTED = "judge-rejected"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of checking one response against one gold answer.

    `correct` is the decision; `reason` says why in a stable, machine-readable word;
    `extracted` is the final answer found in the response; `normalized` and
    `gold_normalized` are the canonical forms that were compared; `detail` is a
    short human-readable explanation; `score` is the reward-ready number (1.0 or
    0.0 unless a checker is configured for partial credit).
    """

    correct: bool
    reason: str
    extracted: str | None = None
    normalized: str | None = None
    gold_normalized: str | None = None
    detail: str | None = None
    score: float = field(default=-1.0)

    def __post_init__(self) -> None:
        if self.score == -1.0:
            object.__setattr__(self, "score", 1.0 if self.correct else 0.0)

    def __bool__(self) -> bool:
        return self.correct

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the CLI writes one per line)."""
        return asdict(self)
