import itertools
import random
import statistics

import pytest

from rlvr.tasks import get
from rlvr.tasks.families.syllogisms import entails, satisfiable
from rlvr.verify.verdict import Reason

TASK = get("syllogisms")


def tagged(text: str) -> str:
    return f"<answer>{text}</answer>"


def true_in(statement: list, model: set[int]) -> bool:
    """`model` is the set of non-empty Venn regions (bitmasks over terms)."""
    form, x, y = statement
    inside = [r for r in model if r >> x & 1]
    if form == "all":
        return all(r >> y & 1 for r in inside)
    if form == "no":
        return not any(r >> y & 1 for r in inside)
    if form == "some":
        return any(r >> y & 1 for r in inside)
    return any(not r >> y & 1 for r in inside)


def brute_entails(premises: list, conclusion: list, terms: int) -> bool:
    regions = range(1 << terms)
    for size in range(len(regions) + 1):
        for model in itertools.combinations(regions, size):
            chosen = set(model)
            if all(true_in(p, chosen) for p in premises) and not true_in(conclusion, chosen):
                return False
    return True


def test_classic_forms() -> None:
    barbara = [["all", 0, 1], ["all", 1, 2]]
    assert entails(barbara, ["all", 0, 2], 3)
    assert entails([["no", 1, 2], ["all", 0, 1]], ["no", 0, 2], 3)  # Celarent
    assert entails([["all", 1, 2], ["some", 0, 1]], ["some", 0, 2], 3)  # Darii
    assert not entails([["all", 0, 1], ["all", 2, 1]], ["all", 0, 2], 3)  # undistributed middle
    assert not entails([["all", 1, 0], ["all", 1, 2]], ["some", 0, 2], 3)  # Darapti needs existential import
    assert not satisfiable([["some", 0, 1], ["no", 0, 1]], 2)


def test_decision_procedure_matches_model_enumeration() -> None:
    rng = random.Random(3)
    forms = ["all", "no", "some", "some_not"]
    for _ in range(150):
        premises = [[rng.choice(forms), *rng.sample(range(3), 2)] for _ in range(rng.randint(1, 3))]
        conclusion = [rng.choice(forms), *rng.sample(range(3), 2)]
        assert entails(premises, conclusion, 3) == brute_entails(premises, conclusion, 3)


@pytest.mark.parametrize("difficulty", [1, 2])
def test_generated_labels_match_model_enumeration(difficulty: int) -> None:
    for p in TASK.generate(20, seed=1, difficulty=difficulty):
        meta = p.metadata
        terms = len(meta["terms"])
        assert brute_entails(meta["premises"], meta["conclusion"], terms) == (p.answer == "valid")


def test_labels_are_balanced() -> None:
    share = sum(p.answer == "valid" for p in TASK.generate(200, difficulty=8)) / 200
    assert 0.3 < share < 0.7


def test_checking() -> None:
    p = TASK.problem(0, difficulty=5)
    assert TASK.check(p, tagged(f" {p.answer.upper()}. ")).reason == Reason.EQUAL_STRING
    assert TASK.check(p, tagged(TASK.corrupt(p, random.Random(0)))).reason == Reason.NOT_EQUAL
    assert TASK.check(p, tagged("valid or invalid")).reason == Reason.INVALID_FORMAT


def test_difficulty_grows() -> None:
    def effort(d: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in TASK.generate(30, seed=2, difficulty=d))
    assert effort(9) > effort(2)


@pytest.mark.parametrize("premises,distractors", [(1, 0), (2, 1), (4, 1), (6, 2), (9, 3)])
def test_shape_decision_matches_entails(premises: int, distractors: int) -> None:
    """The cached per-shape decision used by the generator agrees with the general procedure."""
    from rlvr.tasks.families.syllogisms import _FORMS, _LINK_CODES, _conclusions, _shape_statements

    rng = random.Random(premises * 10 + distractors)
    chain = premises + 1
    terms = chain + (1 if distractors else 0)
    decided_shapes = 0
    for _ in range(150):
        links = tuple(rng.choice(_LINK_CODES) for _ in range(premises))
        extra = tuple(rng.randrange(4 * chain) for _ in range(distractors))
        flipped = rng.random() < 0.5
        statements = _shape_statements(links, extra, chain)
        decided = _conclusions(links, extra, chain, flipped)
        assert (decided is None) == (not satisfiable(statements, terms))
        if decided is None:
            continue
        ends = [chain - 1, 0] if flipped else [0, chain - 1]
        for form in _FORMS:
            assert (form in decided[0]) == entails(statements, [form, *ends], terms)
            assert (form in decided[0]) != (form in decided[1])
        decided_shapes += 1
    assert decided_shapes > 50


def test_small_settings_sample_from_the_exact_table() -> None:
    from rlvr.tasks.families.syllogisms import _shape_table

    valid_draws, invalid_draws = _shape_table(2, 0)
    assert valid_draws and invalid_draws
    assert _shape_table(6, 2) is None  # too many draws to list; the generator redraws instead
    for p in get("syllogisms", premises=2, distractors=0).generate(30, seed=4, difficulty=1):
        meta = p.metadata
        assert brute_entails(meta["premises"], meta["conclusion"], len(meta["terms"])) == (p.answer == "valid")
