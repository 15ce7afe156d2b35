import random
import re
import statistics

import pytest

from rlvr.tasks import get
from rlvr.verify.verdict import Reason

TASK = get("word_problems")


def tagged(text: str) -> str:
    return f"<answer>{text}</answer>"


def replay(prompt: str) -> int:
    """Independent reading of the story: one regex per kind of sentence."""
    story = prompt.split("\n\n")[0]
    sentences = re.split(r"(?<=[.?])\s+", story)
    count = int(re.match(r"\w+ has (\d+) ", sentences[0]).group(1))
    hero = sentences[0].split()[0]
    for s in sentences[1:]:
        if m := re.search(r"buys (\d+) packs of .* with (\d+) ", s):
            count += int(m.group(1)) * int(m.group(2))
        elif m := re.search(r"buys (\d+) more", s):
            count += int(m.group(1))
        elif m := re.match(rf"(\w+) gives {hero} (\d+) ", s):
            count += int(m.group(2))
        elif "as many" in s:
            count *= 2
        elif "gives half" in s:
            count //= 2
        elif m := re.search(r"gives (\d+) \D+ to", s):
            count -= int(m.group(1))
        elif m := re.search(r"loses (\d+)", s):
            count -= int(m.group(1))
        elif m := re.search(r"into (\d+) equal piles", s):
            count //= int(m.group(1))
        elif m := re.search(r"fills (\d+) boxes with (\d+)", s):
            count -= int(m.group(1)) * int(m.group(2))
        elif m := re.search(r"for (\d+) dollars each", s):
            count *= int(m.group(1))
        elif s.startswith("How many"):
            pass
        else:
            raise AssertionError(f"unknown sentence {s!r}")
    return count


@pytest.mark.parametrize("difficulty", [1, 4, 7, 10])
def test_answer_matches_an_independent_reading(difficulty: int) -> None:
    for p in TASK.generate(40, seed=6, difficulty=difficulty):
        assert replay(p.prompt) == int(p.answer), p.prompt


def test_checking() -> None:
    p = TASK.problem(0, difficulty=6)
    assert TASK.check(p, tagged(p.answer)).reason == Reason.EQUAL_NUMERIC
    assert TASK.check(p, tagged(f"{int(p.answer):,}")).correct
    assert TASK.check(p, tagged("many")).reason == Reason.INVALID_FORMAT
    assert TASK.check(p, tagged(TASK.corrupt(p, random.Random(2)))).reason == Reason.NOT_EQUAL


def test_difficulty_grows() -> None:
    def effort(d: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in TASK.generate(30, seed=2, difficulty=d))
    assert effort(9) > effort(2)
