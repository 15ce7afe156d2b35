import itertools
import random
import statistics

import pytest

from rlvr.tasks import get
from rlvr.tasks.families.cryptarithm import _Solver
from rlvr.verify.verdict import Reason

TASK = get("cryptarithm")
UNIQUE = get("cryptarithm", unique=True)


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
    for p in UNIQUE.generate(40, seed=5, difficulty=1):
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
    for p in UNIQUE.generate(10, seed=1, difficulty=difficulty):
        meta = p.metadata
        assert "unique" in p.prompt
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


@pytest.mark.parametrize("task", [TASK, UNIQUE], ids=["default", "unique"])
def test_difficulty_grows(task) -> None:
    def effort(d: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in task.generate(20, seed=2, difficulty=d))
    assert effort(9) > effort(2)


def answer_of(value: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(value.items()))


def test_every_alternative_solution_of_a_non_unique_puzzle_scores_one() -> None:
    """The default puzzles skip the uniqueness proof, so check must accept every valid assignment."""
    several = 0
    for p in TASK.generate(60, seed=3, difficulty=1):
        meta = p.metadata
        assert meta["hints"] == {} and "Any assignment" in p.prompt
        if len(set("".join(meta["addends"]) + meta["result"])) > 6:
            continue
        solutions = brute_force(meta["addends"], meta["result"], {})
        assert p.answer in {answer_of(s) for s in solutions}
        for solution in solutions:
            verdict = TASK.check(p, tagged(answer_of(solution)))
            assert verdict.correct and verdict.reason == Reason.VALID_SOLUTION, (p.id, solution)
        several += len(solutions) > 1
        wrong = TASK.corrupt(p, random.Random(several))
        assert wrong not in {answer_of(s) for s in solutions}
        assert not TASK.check(p, tagged(wrong)).correct
    assert several >= 5  # the test must actually meet puzzles with more than one solution


def test_corrupt_never_lands_on_another_solution_of_a_symmetric_sum() -> None:
    """In AB + BA = CC swapping A and B keeps the sum true, so corrupt must pick another change."""
    from rlvr.tasks.base import Problem

    p = Problem(id="x", task="cryptarithm", prompt="", answer="A=1, B=2, C=3", difficulty=1,
                metadata={"addends": ["AB", "BA"], "result": "CC", "hints": {}})
    assert TASK.check(p, tagged("A=2, B=1, C=3")).correct
    for seed in range(20):
        assert not TASK.check(p, tagged(TASK.corrupt(p, random.Random(seed)))).correct


def test_unique_knob_changes_only_the_proof() -> None:
    plain, proven = TASK.problem(4, difficulty=5), UNIQUE.problem(4, difficulty=5)
    assert plain.metadata["addends"] == proven.metadata["addends"] and plain.answer == proven.answer
    assert proven.metadata["effort"] > plain.metadata["effort"]


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


def test_cached_config_keeps_validation_and_overrides() -> None:
    from rlvr.tasks import TaskError

    task = get("cryptarithm", addends=3)
    assert task.resolved_config(5).addends == 3 and task.resolved_config(5) is task.resolved_config(5)
    assert get("cryptarithm").resolved_config(5).addends == 2
    for _ in range(2):  # a bad difficulty is never cached
        with pytest.raises(TaskError):
            task.resolved_config(0)
    with pytest.raises(TaskError):
        get("cryptarithm", addends=9).problem(0)
    with pytest.raises(TaskError):
        get("cryptarithm", letters=3).problem(0)
