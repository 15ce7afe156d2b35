import itertools
import random
import statistics

import pytest

from rlvr.tasks import get
from rlvr.tasks.families.cryptarithm import _Solver
from rlvr.verify.verdict import Reason

TASK = get("cryptarithm")


def tagged(text: str) -> str:
    return f"<answer>{text}</answer>"


def brute_force(addends: list[str], result: str, hints: dict[str, int]) -> list[dict[str, int]]:
    """Independent check: try every digit assignment of the letters not given as hints."""
    letters = sorted(set("".join(addends) + result) - set(hints))
    free = [d for d in range(10) if d not in hints.values()]
    leading = {w[0] for w in addends + [result] if len(w) > 1}
    out = []
    for digits in itertools.permutations(free, len(letters)):
        value = dict(hints, **dict(zip(letters, digits)))
        if any(value[ch] == 0 for ch in leading):
            continue
        number = lambda w: int("".join(str(value[ch]) for ch in w))  # noqa: E731
        if sum(number(w) for w in addends) == number(result):
            out.append(value)
    return out


def test_solution_is_unique_by_brute_force() -> None:
    checked = 0
    for p in TASK.generate(40, seed=5, difficulty=1):
        meta = p.metadata
        letters = set("".join(meta["addends"]) + meta["result"]) - set(meta["hints"])
        if len(letters) > 6:
            continue
        solutions = brute_force(meta["addends"], meta["result"], meta["hints"])
        assert len(solutions) == 1
        assert ", ".join(f"{k}={v}" for k, v in sorted(solutions[0].items())) == p.answer
        checked += 1
        if checked == 4:
            break
    assert checked >= 2


@pytest.mark.parametrize("difficulty", [3, 6, 10])
def test_solver_proves_uniqueness(difficulty: int) -> None:
    for p in TASK.generate(10, seed=1, difficulty=difficulty):
        meta = p.metadata
        assert len(_Solver(meta["addends"], meta["result"], meta["hints"]).run(3)) == 1


def test_rule_violations() -> None:
    p = TASK.problem(0, difficulty=4)
    pairs = dict(item.split("=") for item in p.answer.split(", "))
    letters = sorted(pairs)
    same = dict(pairs, **{letters[0]: pairs[letters[1]]})
    assert TASK.check(p, tagged(", ".join(f"{k}={v}" for k, v in same.items()))).reason == Reason.RULE_VIOLATION
    swapped = TASK.corrupt(p, random.Random(0))
    assert TASK.check(p, tagged(swapped)).reason == Reason.RULE_VIOLATION
    lead = p.metadata["addends"][0][0]
    zero_letter = next(k for k, v in pairs.items() if v == "0") if "0" in pairs.values() else None
    if zero_letter and zero_letter != lead:
        moved = dict(pairs, **{lead: "0", zero_letter: pairs[lead]})
        verdict = TASK.check(p, tagged(", ".join(f"{k}={v}" for k, v in moved.items())))
        assert verdict.reason == Reason.RULE_VIOLATION


def test_lower_case_and_spacing_are_tolerated() -> None:
    p = TASK.problem(2, difficulty=3)
    assert TASK.check(p, tagged(p.answer.lower().replace(", ", " ; "))).correct


@pytest.mark.parametrize("junk", ["hello", "A=1, B=", "A=12", "A=1 B=2", "1=A", "Z" * 5000])
def test_malformed(junk: str) -> None:
    verdict = TASK.check(TASK.problem(0, difficulty=2), tagged(junk))
    assert not verdict.correct and verdict.reason in (Reason.INVALID_FORMAT, Reason.RULE_VIOLATION)


def test_missing_letter_is_invalid_format() -> None:
    p = TASK.problem(1, difficulty=2)
    assert TASK.check(p, tagged(p.answer.rsplit(", ", 1)[0])).reason == Reason.INVALID_FORMAT


def test_difficulty_grows() -> None:
    def effort(d: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in TASK.generate(20, seed=2, difficulty=d))
    assert effort(9) > effort(2)


@pytest.mark.parametrize("junk", ["A=1" + " " * 4000 + "!", "A=1" + " ," * 2000 + "x", "A=1, " * 800 + "!"])
def test_pathological_inputs_are_rejected(junk: str) -> None:
    assert TASK.check(TASK.problem(0, difficulty=2), tagged(junk)).reason == Reason.INVALID_FORMAT


def test_solver_finds_exactly_the_brute_force_solutions() -> None:
    rng = random.Random(5)
    compared = 0
    while compared < 6:
        words = ["".join(rng.choice("ABCD") for _ in range(rng.randint(1, 3))) for _ in range(2)]
        longest = max(map(len, words))
        result = "".join(rng.choice("ABCDE") for _ in range(rng.randint(longest, longest + 1)))
        hints = {} if rng.random() < 0.5 else {rng.choice(words[0]): rng.randrange(10)}
        expected = brute_force(words, result, hints)
        found = _Solver(words, result, hints).run(limit=10**6)
        assert sorted(map(sorted, (s.items() for s in found))) == sorted(map(sorted, (s.items() for s in expected)))
        compared += bool(expected)
