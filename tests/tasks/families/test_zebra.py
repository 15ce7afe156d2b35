import itertools
import random
import statistics

import pytest

from rlvr.tasks import get
from rlvr.tasks.families.zebra import _holds, _Solver
from rlvr.verify.verdict import Reason

TASK = get("zebra")


def tagged(text: str) -> str:
    return f"<answer>{text}</answer>"


def brute_force(n: int, k: int, clues: list) -> list[list[int]]:
    """Every grid (one permutation per attribute) that satisfies every clue."""
    out = []
    for perms in itertools.product(itertools.permutations(range(n)), repeat=k):
        house_of = [h for perm in perms for h in perm]
        if all(_holds(c, house_of) for c in clues):
            out.append(house_of)
    return out


@pytest.mark.parametrize("difficulty", [1, 2, 4])
def test_unique_by_brute_force(difficulty: int) -> None:
    for p in TASK.generate(6, seed=7, difficulty=difficulty):
        knobs = p.metadata["knobs"]
        grids = brute_force(knobs["houses"], knobs["attributes"], p.metadata["clues"])
        assert grids == [p.metadata["solution"]]


def test_solver_agrees_with_brute_force_on_random_clue_sets() -> None:
    rng = random.Random(11)
    for _ in range(30):
        n, k = 3, 3
        solution = [h for _ in range(k) for h in rng.sample(range(n), n)]
        clues = [TASK._clue(rng, n, k, solution, 0.3) for _ in range(rng.randint(1, 6))]
        expected = brute_force(n, k, clues)
        found = _Solver(n, k, clues).count(limit=10_000)
        assert sorted(found) == sorted(expected)


@pytest.mark.parametrize("difficulty", [6, 10])
def test_solver_proves_uniqueness_on_large_grids(difficulty: int) -> None:
    for p in TASK.generate(3, seed=1, difficulty=difficulty):
        knobs = p.metadata["knobs"]
        grids = _Solver(knobs["houses"], knobs["attributes"], p.metadata["clues"]).count(3)
        assert grids == [p.metadata["solution"]]


def test_answer_comes_from_the_solution_grid() -> None:
    for p in TASK.generate(20, seed=2, difficulty=5):
        meta = p.metadata
        n = meta["knobs"]["houses"]
        subject, answer_var = meta["question"]
        assert meta["solution"][subject] == meta["solution"][answer_var]
        assert subject // n != answer_var // n
        assert meta["values"][answer_var // n][answer_var % n] == p.answer
        assert meta["values"][subject // n][subject % n] in p.prompt.split("Question:")[1]


def test_checking() -> None:
    p = TASK.problem(0, difficulty=5)
    assert TASK.check(p, tagged(p.answer.upper())).reason == Reason.EQUAL_STRING
    assert TASK.check(p, tagged(TASK.corrupt(p, random.Random(0)))).reason == Reason.NOT_EQUAL
    assert TASK.check(p, tagged("a unicorn")).reason == Reason.INVALID_FORMAT


def test_difficulty_grows() -> None:
    def effort(d: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in TASK.generate(15, seed=2, difficulty=d))
    assert effort(9) > effort(2)


def grid_problem():
    return next(p for p in TASK.generate(40, seed=3, difficulty=9) if p.metadata["mode"] == "grid")


def test_attribute_values_never_collide() -> None:
    from rlvr.tasks.families.zebra import _ATTRIBUTES
    every = [v.lower() for attr in _ATTRIBUTES for v in attr[1]]
    assert len(every) == len(set(every))


def test_full_grid_answers() -> None:
    p = grid_problem()
    assert TASK.check(p, tagged(p.answer)).reason == Reason.VALID_SOLUTION
    lines = p.answer.split("\n")
    shuffled = [f"house {line.split(': ')[0][6:]} - " + ", ".join(reversed(line.split(": ")[1].split(", ")))
                for line in reversed(lines)]
    assert TASK.check(p, tagged("\n".join(shuffled))).correct  # any line order, any value order
    assert TASK.check(p, tagged(TASK.corrupt(p, random.Random(0)))).reason == Reason.RULE_VIOLATION
    assert TASK.check(p, tagged("\n".join(lines[:-1]))).reason == Reason.INVALID_FORMAT
    doubled = lines[:-1] + [lines[-1].split(": ")[0] + ": " + lines[0].split(": ")[1]]
    assert TASK.check(p, tagged("\n".join(doubled))).reason == Reason.INVALID_FORMAT
    assert TASK.check(p, tagged("House 1: unicorn")).reason == Reason.INVALID_FORMAT


def test_grid_share_grows_with_difficulty() -> None:
    shares = [TASK.config_for(d).full_grid_share for d in (5, 8, 10)]
    assert shares[0] == 0 < shares[1] < shares[2]
