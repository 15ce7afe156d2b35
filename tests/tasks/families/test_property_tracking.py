import random
import re
import statistics

import pytest

from rlvr.tasks import get
from rlvr.verify.verdict import Reason

TASK = get("property_tracking")


def tagged(text: str) -> str:
    return f"<answer>{text}</answer>"


def replay(prompt: str) -> tuple[dict[str, str], dict[str, str]]:
    """Simulate the events as written in the prompt: (room, colour) per object."""
    lines = prompt.split("\n")
    room, color = {}, {}
    for part in lines[0][len("At the start: "):-1].split("; "):
        m = re.match(r"the (\w+) (\w+) is in the (\w+)", part)
        color[m.group(2)], room[m.group(2)] = m.group(1), m.group(3)
    for line in lines[2:]:
        if m := re.match(r"\d+\. The (\w+) is carried to the (\w+)\.", line):
            room[m.group(1)] = m.group(2)
        elif m := re.match(r"\d+\. The (\w+) is painted (\w+)\.", line):
            color[m.group(1)] = m.group(2)
        elif m := re.match(r"\d+\. The (\w+) and the (\w+) swap rooms\.", line):
            a, b = m.groups()
            room[a], room[b] = room[b], room[a]
        elif m := re.match(r"\d+\. Everything in the (\w+) is moved to the (\w+)\.", line):
            room.update({o: m.group(2) for o, r in room.items() if r == m.group(1)})
        elif m := re.match(r"\d+\. Every (\w+) object is repainted (\w+)\.", line):
            color.update({o: m.group(2) for o, c in color.items() if c == m.group(1)})
    return room, color


@pytest.mark.parametrize("difficulty", [1, 5, 10])
def test_answer_matches_a_replay_of_the_prompt(difficulty: int) -> None:
    for p in TASK.generate(40, seed=9, difficulty=difficulty):
        room, color = replay(p.prompt)
        if m := re.search(r"Which room is the (\w+) in", p.prompt):
            assert room[m.group(1)] == p.answer
        elif m := re.search(r"What colour is the (\w+) at", p.prompt):
            assert color[m.group(1)] == p.answer
        else:
            m = re.search(r"How many (\w+) objects are in the (\w+)", p.prompt)
            assert sum(1 for o in room if color[o] == m.group(1) and room[o] == m.group(2)) == int(p.answer)


def test_checking() -> None:
    for p in TASK.generate(10, difficulty=8):
        assert TASK.check(p, tagged(p.answer)).correct
        assert TASK.check(p, tagged(TASK.corrupt(p, random.Random(0)))).reason == Reason.NOT_EQUAL
        assert TASK.check(p, tagged("on the moon")).reason == Reason.INVALID_FORMAT


def test_difficulty_grows() -> None:
    def effort(d: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in TASK.generate(30, seed=2, difficulty=d))
    assert effort(9) > effort(2)
