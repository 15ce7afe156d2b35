"""Finding the final answer in a response."""

from __future__ import annotations

import pytest

from rlvr.verify import extract_answer
from rlvr.verify.extract import find_answer

CASES = [
    ("The answer is $\\boxed{42}$.", "42"),
    ("\\boxed{\\frac{1}{2}} is wrong.\nSo \\boxed{\\frac{\\sqrt{3}}{2}}\n", "\\frac{\\sqrt{3}}{2}"),
    ("First \\boxed{1}.\nFinally \\boxed{2}.", "2"),
    ("\\boxed 5", "5"),
    ("\\fbox{7}", "7"),
    ("\\boxed{\\left\\{ 1, 2 \\right\\}}", "\\left\\{ 1, 2 \\right\\}"),
    ("<answer>18</answer>", "18"),
    ("<answer> The result is \\boxed{3} </answer>", "3"),
    ("The final answer is $\\frac{3}{4}$. I hope it is correct.", "\\frac{3}{4}"),
    ("Final Answer: 12", "12"),
    ("**Answer:** 3.5", "3.5"),
    ("So the answer is 1,260.", "1,260"),
    ("The answer is: \\(x^2\\)", "x^2"),
    ("Therefore the answer is \\[ \\frac{\\pi}{4} \\]", "\\frac{\\pi}{4}"),
    ("Some work.\n\n**17**", "17"),
    ("#### 72", "72"),
    ("She earns 9 * 2 = $18 every day.", "18"),
    ("<think>maybe 4</think>The answer is 5.", "5"),
    ("<think>a</think><think>b</think>\\boxed{6}", "6"),
    ("\\boxed{5}<|im_end|>", "5"),
    ("The answer is $100 \\cdot 99!$.", "100 \\cdot 99!"),
    ("The answer is 42!", "42!"),
    ("The answer is yes!", "yes"),
    ("$\\frac{1}{2}$", "\\frac{1}{2}"),
]


@pytest.mark.parametrize(("response", "expected"), CASES)
def test_extracts_the_final_answer(response: str, expected: str) -> None:
    assert extract_answer(response) == expected


@pytest.mark.parametrize("response", ["", "   ", "<think>\\boxed{5}", "<think>The answer is 5 but I keep thinking", "I have no idea."])
def test_no_answer(response: str) -> None:
    assert extract_answer(response) is None


def test_reasoning_before_think_close_is_ignored() -> None:
    assert extract_answer("<think>\\boxed{1}</think> no answer here at all") is None


def test_several_boxes_on_the_final_line() -> None:
    assert find_answer("Thus \\boxed{3} or \\boxed{4}").hedged
    both = find_answer("The roots are \\boxed{3} and \\boxed{4}")
    assert not both.hedged and both.answer == "3, 4"
    assert find_answer("\\boxed{3} and \\boxed{3}").answer == "3"


def test_unclosed_box_is_reported_as_a_lone_brace() -> None:
    assert extract_answer("The answer is \\boxed{5") == "{"


def test_very_long_responses_are_scanned_from_the_tail() -> None:
    response = "blah " * 100_000 + "\\boxed{9}"
    assert extract_answer(response) == "9"


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("Therefore $x \\geq 5$ is the solution.", "x \\geq 5"),
        ("We find that $x \\neq 3$.", "x \\neq 3"),
        ("Thus $x <= 2$ is our answer.", "x <= 2"),
        # a number after the relation is the answer, not the relation
        ("Since $x < 3$, the count is 7.", "7"),
        # a relation without a number is no answer by itself
        ("We need $x > 2$ and so $n = 5$.", "5"),
    ],
)
def test_a_relation_in_the_last_inline_math_is_the_answer(response: str, expected: str) -> None:
    assert extract_answer(response) == expected


def test_a_revised_box_supersedes_the_earlier_one_on_its_line() -> None:
    revised = find_answer("First we get \\boxed{6}. Redoing the sign gives \\boxed{-6}.")
    assert revised.answer == "-6" and not revised.hedged
    assert find_answer("\\boxed{6}, wait, that is wrong: \\boxed{-6}").answer == "-6"
    # no revision wording: two boxes on a line are a list (a hedge against a single gold)
    assert find_answer("\\boxed{6}, \\boxed{-6}").answer == "6, -6"
    # a revision that offers two alternatives is still a hedge
    assert find_answer("\\boxed{6}. Actually \\boxed{5} or \\boxed{-6}").hedged


def test_a_final_answer_sentence_after_the_boxes_is_the_answer() -> None:
    response = "so $= \\boxed{200}$ and then $= \\boxed{255}$, in all $10,455. Final Answer: The final answer is $10,455$. I hope it is correct."
    assert extract_answer(response) == "10,455"
    # an answer phrase before the box does not displace it
    assert extract_answer("The final answer is $\\boxed{5}$. I hope it is correct.") == "5"
    # words after the box comment on it
    assert extract_answer("So \\boxed{42}. I checked it twice: the answer is correct.") == "42"


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("$$x^2/16 + y^2/12 = 1/4$$", "x^2/16 + y^2/12 = 1/4"),
        ("$$\\text{The midpoints form a regular hexagon}$$", "\\text{The midpoints form a regular hexagon}"),
        ("The identity matrix is $ \\begin{pmatrix}1 & 0 \\\\ 0 & 1\\end{pmatrix} $.", "\\begin{pmatrix}1 & 0 \\\\ 0 & 1\\end{pmatrix}"),
        ("Final Answer: The volume of $ABCDEFGH$ is 120. I hope it is correct.", "120"),
    ],
)
def test_whole_formulas_matrices_and_restated_sentences(response: str, expected: str) -> None:
    assert extract_answer(response) == expected
