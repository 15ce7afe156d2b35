from __future__ import annotations

from rlvr.tasks import get
from rlvr.tasks.families.cipher import LETTERS, encrypt
from rlvr.tasks.families._text import words
from rlvr.verify.verdict import Reason

TASK = get("cipher")


def decrypt(kind: str, key, ciphertext: str) -> str:
    """Independent inverse of each cipher."""
    out, position = [], 0
    for ch in ciphertext:
        if ch == " ":
            out.append(ch)
            continue
        if kind == "caesar":
            out.append(LETTERS[(LETTERS.index(ch) - key) % 26])
        elif kind == "vigenere":
            out.append(LETTERS[(LETTERS.index(ch) - LETTERS.index(key[position % len(key)])) % 26])
        else:
            out.append(LETTERS[key.index(ch)])
        position += 1
    return "".join(out)


def test_ciphertext_decrypts_to_the_answer_only() -> None:
    kinds = set()
    for difficulty in (1, 5, 9):
        for problem in TASK.generate(30, difficulty=difficulty):
            meta = problem.metadata
            kinds.add(meta["kind"])
            assert decrypt(meta["kind"], meta["key"], meta["ciphertext"]) == problem.answer
            assert encrypt(meta["kind"], meta["key"], problem.answer) == meta["ciphertext"]
            assert meta["ciphertext"] in problem.prompt
            assert all(w in words() for w in problem.answer.split())
    assert kinds == {"caesar", "vigenere", "substitution"}


def test_answers_are_normalised_for_case_and_spacing() -> None:
    problem = TASK.problem(0, difficulty=4)
    assert TASK.check(problem, f"<answer>  {problem.answer.upper().replace(' ', '   ')} </answer>").correct
    assert TASK.check(problem, f"<answer>{problem.metadata['ciphertext']}</answer>").reason == Reason.NOT_EQUAL
    assert TASK.check(problem, "<answer>h3llo w0rld</answer>").reason == Reason.INVALID_FORMAT


def test_difficulty_grows() -> None:
    effort = lambda d: sum(p.metadata["effort"] for p in TASK.generate(40, difficulty=d)) / 40  # noqa: E731
    assert effort(9) > effort(2)
