import random
import re
import statistics

import pytest

from rlvr.tasks import get
from rlvr.verify.verdict import Reason

TASK = get("object_swaps")


def tagged(text: str) -> str:
    return f"<answer>{text}</answer>"


def replay(prompt: str) -> dict[str, str]:
    """Read the opening holdings and the trades back from the prompt and simulate them."""
    opening = prompt.split("\n")[0][len("At the start, "):-1]
    holding = {}
    for part in opening.split(", "):
        name, item = part.split(" has ")
        holding[name] = item.split(" ", 1)[1]
    for line in prompt.split("\n")[1:]:
        if m := re.match(r"\d+\. (\w+) and (\w+) swap their objects\.", line):
            a, b = m.groups()
            holding[a], holding[b] = holding[b], holding[a]
        elif m := re.match(r"\d+\. (\w+), (\w+) and (\w+) pass", line):
            a, b, c = m.groups()
            holding[b], holding[c], holding[a] = holding[a], holding[b], holding[c]
    return holding


@pytest.mark.parametrize("difficulty", [1, 5, 10])
def test_answer_matches_a_replay_of_the_prompt(difficulty: int) -> None:
    for p in TASK.generate(30, seed=4, difficulty=difficulty):
        holding = replay(p.prompt)
        if m := re.search(r"What does (\w+) hold", p.prompt):
            assert holding[m.group(1)] == p.answer
        else:
            item = re.search(r"Who holds the (.+?) at the end", p.prompt).group(1)
            assert [n for n, i in holding.items() if i == item] == [p.answer]


def test_checking() -> None:
    for p in TASK.generate(6, difficulty=6):
        assert TASK.check(p, tagged("The " + p.answer.upper())).reason == Reason.EQUAL_STRING
        assert TASK.check(p, tagged(TASK.corrupt(p, random.Random(0)))).reason == Reason.NOT_EQUAL
        assert TASK.check(p, tagged("a spaceship")).reason == Reason.INVALID_FORMAT


def test_difficulty_grows() -> None:
    def effort(d: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in TASK.generate(30, seed=2, difficulty=d))
    assert effort(9) > effort(2)
