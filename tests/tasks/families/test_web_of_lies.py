import itertools
import random
import re
import statistics

import pytest

from rlvr.tasks import get
from rlvr.verify.verdict import Reason

TASK = get("web_of_lies")
_CLAIM = r"(\w+) (tells the truth|lies)"


def solve_from_prompt(prompt: str) -> list[dict[str, bool]]:
    """Read the sentences back and enumerate every honesty assignment that fits them."""
    lines = [line for line in prompt.split("\n")[1:] if line.strip()]
    people = sorted({w for l in lines for w in re.findall(r"\b[A-Z][a-z]+\b", l)})
    fits = []
    for values in itertools.product([True, False], repeat=len(people)):
        honest = dict(zip(people, values))
        ok = True
        for line in lines:
            claims = [(n, v == "tells the truth") for n, v in re.findall(_CLAIM, line)]
            if " says " not in line:
                name, value = claims[0]
                ok &= honest[name] == value
                continue
            speaker = line.split()[0]
            parts = [honest[n] == v for n, v in claims]
            said = all(parts) if "both" in line else any(parts) if "at least one" in line else parts[0]
            ok &= said == honest[speaker]
        if ok:
            fits.append(honest)
    return fits


@pytest.mark.parametrize("difficulty", [1, 5, 10])
def test_exactly_one_reading_fits(difficulty: int) -> None:
    for p in TASK.generate(20 if difficulty < 10 else 4, seed=8, difficulty=difficulty):
        text = p.prompt.split("\n\n")[0]
        fits = solve_from_prompt(text)
        assert len(fits) == 1, text
        target = re.search(r"Does (\w+) tell the truth", p.prompt).group(1)
        assert ("yes" if fits[0][target] else "no") == p.answer


def test_checking() -> None:
    p = TASK.problem(0, difficulty=5)
    assert TASK.check(p, tagged(p.answer.capitalize() + ".")).reason == Reason.EQUAL_STRING
    assert TASK.check(p, tagged(TASK.corrupt(p, random.Random(0)))).reason == Reason.NOT_EQUAL
    assert TASK.check(p, tagged("it depends")).reason == Reason.INVALID_FORMAT


def tagged(text: str) -> str:
    return f"<answer>{text}</answer>"


def test_difficulty_grows() -> None:
    def effort(d: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in TASK.generate(30, seed=2, difficulty=d))
    assert effort(9) > effort(2)
