"""The rule-based behaviour classifier: behaviours, their look-alikes, the shipped labelled set, linear time."""

from __future__ import annotations

import time

import pytest

from rlvr.analysis import BEHAVIOURS, AnalysisError, behaviour_rates, classify
from rlvr.analysis.labelled import cohen_kappa, load_snippets, score

POSITIVE = {
    "verification": [
        "So x = 4. Let me check: 3(4) + 2 = 14, which matches.",
        "Plugging x = -2 back into the equation gives 0.",
        "Verification: the product of the roots is 6 = c/a.",
    ],
    "backtracking": [
        "Wait, that's not right. The denominator is 12.",
        "This approach doesn't work, so let's try a different method.",
        "I made a mistake: 7 * 8 is 56.",
    ],
    "subgoal_setting": [
        "First, we need to find the radius. Then the volume follows.",
        "Step 1: factor 360.\nStep 2: count the divisors.",
        "Let's break the problem into two parts.",
    ],
    "enumeration": [
        "Case 1: n is even. Case 2: n is odd.",
        "If x = 1 the value is 3; if x = 2 it is 7.",
        "Let's list all the possibilities: (1, 6), (2, 3), (3, 2), (6, 1).",
    ],
}
LOOK_ALIKES = {
    "verification": ["Let me check the weather first.", "Please verify your email address.", "A checking account is free."],
    "backtracking": ["Wait for the water to boil.", "I went back to the store.", "The backtracking algorithm is exponential."],
    "subgoal_setting": ["First, the sun is a star. Second, it is hot.", "Break the chocolate into pieces.", "The plan was cancelled."],
    "enumeration": ["In this case, the court agreed.", "The case study is about Lyon.", "x = 7 is the only root."],
}


@pytest.mark.parametrize("name", BEHAVIOURS)
def test_each_behaviour_is_found(name: str) -> None:
    for text in POSITIVE[name]:
        assert classify(text).to_dict()[name], text


@pytest.mark.parametrize("name", BEHAVIOURS)
def test_look_alikes_are_not_the_behaviour(name: str) -> None:
    for text in LOOK_ALIKES[name]:
        assert not classify(text).to_dict()[name], text


def test_plain_solution_shows_nothing() -> None:
    assert not any(classify("Since 2x = 10, x = 5. The answer is 5.").to_dict().values())


def test_rates() -> None:
    rates = behaviour_rates(["Wait, that's wrong.", "The answer is 3.", "Case 1: a. Case 2: b."])
    assert rates["backtracking"] == pytest.approx(1 / 3)
    assert rates["enumeration"] == pytest.approx(1 / 3)
    assert rates["verification"] == 0.0
    with pytest.raises(AnalysisError):
        behaviour_rates([])


def test_labelled_set_is_big_split_and_covers_every_behaviour_and_its_look_alikes() -> None:
    snippets = load_snippets()
    assert len(snippets) >= 300
    assert len({s.id for s in snippets}) == len(snippets)
    assert len({s.text for s in snippets}) == len(snippets)
    for split in ("dev", "heldout"):
        part = load_snippets(split)
        assert len(part) >= 100
        assert sum(1 for s in part if not s.labels) >= 40  # look-alikes and plain text
        for name in BEHAVIOURS:
            assert sum(1 for s in part if name in s.labels) >= 15
    with pytest.raises(AnalysisError):
        load_snippets("test")


def test_held_out_precision_stays_high() -> None:
    # a regression guard: the rules are conservative (high precision, modest recall; RESULTS.md)
    scores = score(load_snippets("heldout"), lambda t: classify(t).to_dict())
    for name, s in scores.items():
        assert s.precision >= 0.75, (name, s)
        assert s.recall >= 0.3, (name, s)


def test_cohen_kappa_hand_computed() -> None:
    # p_o = 3/4; p_a = p_b = 1/2 -> p_e = 1/2; kappa = (3/4 - 1/2) / (1/2) = 1/2
    assert cohen_kappa([True, True, False, False], [True, False, False, False]) == (0.75, pytest.approx(0.5))
    assert cohen_kappa([True, False], [True, False])[1] == pytest.approx(1.0)
    with pytest.raises(AnalysisError):
        cohen_kappa([True], [])


@pytest.mark.parametrize(
    "unit",
    [" ", "wait ", "case 1 ", "x = 1: ", "let me check the ", "my word ", "if it is ", "1", "Step 1: ", "first, we ", "plug " * 3 + "in "],
)
def test_adversarial_200k_characters_is_linear_time(unit: str) -> None:
    text = unit * (200_000 // len(unit))
    start = time.process_time()
    classify(text)
    assert time.process_time() - start < 10.0  # about 0.3 s here; a backtracking blow-up takes minutes


# Inputs that made the rules super-linear before (2,000 newlines took 2.8 s, growing with the cube)
# and others built from the patterns' own pieces. Linear matching takes ~0.3 s of CPU for 200,000
# characters; anything quadratic or worse takes minutes.
@pytest.mark.parametrize("unit", ["\n", " ", "\n ", "." + "\n" * 5, ". ", "\n#", "1.\n", "Wait, ", "hmm", "case 1 ",
                                  "x=1 ", "my ", "if x ", "let me ", "first ", "step 1: ", "put ", "\t\n", "** \n"])
def test_classification_cpu_time_is_linear_on_hostile_text(unit: str) -> None:
    import time

    text = unit * (200_000 // len(unit))
    start = time.process_time()
    classify(text)
    assert time.process_time() - start < 3.0, f"classify is slow on {unit!r} x {len(text) // len(unit)}"
