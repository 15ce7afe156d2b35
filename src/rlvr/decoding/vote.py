"""Self-consistency voting (Wang et al. 2023, arXiv 2203.11171), hardened against what a policy writes.

Each sample's final answer is one vote:

1. Reading: the problem's task checks the sample (`Task.check`); its `normalized` answer (else
   the `extracted` one) is the vote. A sample whose answer the task rejects as unreadable
   (no answer, invalid format, a reward-hacking screen, the checker's own timeout) does not
   vote. Every read runs under `ANSWER_TIMEOUT_S`, so a checker that hangs on one sample costs
   that sample its vote, not the vote its end.
2. Pooling: on math tasks (`Task.category == "math"`) forms of one value (1/2, 0.5, \\frac{1}{2})
   are one vote: each new distinct answer joins the first earlier group whose first form
   rlvr's verifier accepts it for (`rlvr.verify.check(boxed(answer), first_form)`, one
   direction, so the verifier's own leniency rules apply). Answers longer than `MAX_POOL_CHARS`
   pool by exact string only; a comparison that fails or passes `COMPARE_TIMEOUT_S` counts as
   unequal; once `POOL_BUDGET_S` is spent, the remaining answers pool by exact string only.
   Other tasks pool by exact normalised string (their answers are not numbers, e.g. two
   different valid puzzle solutions are different answers).
3. Counting: the group with the most votes wins; a tie goes to the group whose voters have the
   higher summed mean token log-prob, and an exact tie to the group seen first. The first
   sample of the winning group is returned; if no sample voted, the most likely sample
   (best-of-N's pick).

The whole vote therefore ends within N * ANSWER_TIMEOUT_S + POOL_BUDGET_S + COMPARE_TIMEOUT_S
(plus the in-process work on answers already cut to the task's answer length).
Where rlvr differs from the authors: they vote on exact strings after a task-specific parse; rlvr
pools equal values with its verifier and drops unreadable answers instead of counting them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

ANSWER_TIMEOUT_S = 10.0    # per sample; rlvr's checkers end within their own 2-6 s bound
COMPARE_TIMEOUT_S = 2.0    # per verifier comparison of two answers
POOL_BUDGET_S = 10.0       # all comparisons of one vote together
MAX_POOL_CHARS = 200       # longer answers (huge numbers, deep LaTeX) skip the verifier
# Verdict reasons that mean "no readable answer": such a sample does not vote.
NO_VOTE = frozenset({"no-answer", "invalid-format", "hacking", "timeout", "hedged"})

T = TypeVar("T")
AnswerOf = Callable[[str], "str | None"]
Same = Callable[[str, str], bool]


def bounded(fn: Callable[[], T], timeout: float, default: T) -> T:
    """fn() if it returns within `timeout` seconds, else `default` (also on any exception).

    The call runs in a daemon thread that is abandoned on timeout: Python cannot stop a thread,
    but the caller goes on, and rlvr's own checkers end by their own deadline anyway.
    """
    box: list[Any] = []

    def work() -> None:
        try:
            box.append(fn())
        except Exception:  # noqa: BLE001 - a failing read or comparison is "no vote" / "unequal"
            pass

    thread = threading.Thread(target=work, name="rlvr-vote", daemon=True)
    thread.start()
    thread.join(timeout)
    return box[0] if box else default


def vote_of(verdict: Any) -> str | None:
    """The vote a task's verdict gives: its normalised (else extracted) answer, None if unreadable."""
    if verdict is None or verdict.reason in NO_VOTE:
        return None
    answer = verdict.normalized if verdict.normalized is not None else verdict.extracted
    return answer if isinstance(answer, str) and answer.strip() else None


def read_answers(texts: Sequence[str], answer_of: AnswerOf, timeout: float = ANSWER_TIMEOUT_S) -> list[str | None]:
    """Each text's vote, each read bounded by `timeout` (None: no vote)."""
    return [bounded(lambda t=text: answer_of(t), timeout, None) for text in texts]


def verifier_same(timeout: float = COMPARE_TIMEOUT_S) -> Same:
    """Whether rlvr's verifier accepts answer `a` for `b` (used on math tasks)."""
    from rlvr.verify import check

    def same(a: str, b: str) -> bool:
        return bool(check("\\boxed{" + a + "}", b, timeout=timeout).correct)

    return same


def pool(answers: Sequence[str | None], same: Same | None = None, budget_s: float = POOL_BUDGET_S,
         compare_timeout: float = COMPARE_TIMEOUT_S) -> list[int | None]:
    """The group index of each answer (None for no vote); see step 2 of the module docstring."""
    deadline = time.monotonic() + budget_s
    firsts: list[str] = []          # the first form of each group
    group_of: dict[str, int] = {}   # every distinct form seen -> its group
    groups: list[int | None] = []
    for answer in answers:
        if answer is None:
            groups.append(None)
            continue
        if answer not in group_of:
            group_of[answer] = _join(answer, firsts, same, deadline, compare_timeout)
            if group_of[answer] == len(firsts):
                firsts.append(answer)
        groups.append(group_of[answer])
    return groups


def _join(answer: str, firsts: list[str], same: Same | None, deadline: float, compare_timeout: float) -> int:
    if same is not None and len(answer) <= MAX_POOL_CHARS:
        for index, first in enumerate(firsts):
            if time.monotonic() >= deadline:
                break
            if len(first) <= MAX_POOL_CHARS and bounded(lambda f=first: same(answer, f), compare_timeout, False):
                return index
    return len(firsts)


def winner(groups: Sequence[int | None], scores: Sequence[float]) -> int | None:
    """The index of the first sample of the winning group (None if no sample voted); see step 3."""
    tally: dict[int, tuple[int, float]] = {}
    for group, score in zip(groups, scores, strict=True):
        if group is not None:
            count, mass = tally.get(group, (0, 0.0))
            tally[group] = (count + 1, mass + score)
    if not tally:
        return None
    # max() keeps the first of equal keys; groups are numbered in order of first appearance.
    best = max(sorted(tally), key=lambda g: tally[g])
    return groups.index(best)
