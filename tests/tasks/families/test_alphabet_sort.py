from __future__ import annotations

from itertools import permutations

from rlvr.tasks import get
from rlvr.verify.verdict import Reason

TASK = get("alphabet_sort")


def in_order(words: list[str], alphabet: str) -> bool:
    rank = {ch: i for i, ch in enumerate(alphabet)}
    keys = [[rank[c] for c in w] for w in words]
    return all(a < b for a, b in zip(keys, keys[1:]))


def test_sorted_order_is_unique() -> None:
    for problem in TASK.generate(5, difficulty=1):  # 5 words: check all 120 orders
        words, alphabet = problem.metadata["words"], problem.metadata["alphabet"]
        valid = [list(p) for p in permutations(words) if in_order(list(p), alphabet)]
        assert valid == [problem.answer.split()]


def test_gold_respects_the_alphabet_not_english() -> None:
    problems = list(TASK.generate(30, difficulty=5))
    assert all(in_order(p.answer.split(), p.metadata["alphabet"]) for p in problems)
    assert any(p.answer.split() != sorted(p.answer.split()) for p in problems)


def test_missing_or_extra_words_break_the_rules() -> None:
    problem = TASK.problem(0, difficulty=4)
    words = problem.answer.split()
    assert TASK.check(problem, f"<answer>{' '.join(words[:-1])}</answer>").reason == Reason.RULE_VIOLATION
    assert TASK.check(problem, f"<answer>{problem.answer} {words[0]}</answer>").reason == Reason.RULE_VIOLATION
    reordered = " ".join(sorted(words))
    if reordered != problem.answer:
        assert TASK.check(problem, f"<answer>{reordered}</answer>").reason == Reason.NOT_EQUAL


def test_commas_and_case_are_tolerated() -> None:
    problem = TASK.problem(1, difficulty=3)
    assert TASK.check(problem, f"<answer>{', '.join(problem.answer.upper().split())}</answer>").correct
    assert TASK.check(problem, "<answer>,,,</answer>").reason == Reason.INVALID_FORMAT


def test_difficulty_grows() -> None:
    effort = lambda d: sum(p.metadata["effort"] for p in TASK.generate(40, difficulty=d)) / 40  # noqa: E731
    assert effort(9) > effort(2)
