import random
import re
import statistics

import pytest

from rlvr.tasks import get
from rlvr.verify.verdict import Reason

TASK = get("buggy_table_qa")


def tagged(text: str) -> str:
    return f"<answer>{text}</answer>"


def repair(prompt: str) -> list[dict]:
    """Undo the described bugs from the prompt text alone."""
    notes, table = prompt.split("\n\nTable:\n")
    lines = table.split("\n\n")[0].split("\n")
    if "transposed" in notes:
        columns = {line.split(": ", 1)[0]: line.split(": ", 1)[1].split(" | ") for line in lines}
        header = list(columns)
        rows = [dict(zip(header, values)) for values in zip(*columns.values())]
    else:
        header = lines[0].split(" | ")
        order = header
        if m := re.search(r"column order instead: ([\w, ]+)\.", notes):
            order = m.group(1).split(", ")
        rows = [dict(zip(order, re.split(r" [|;] ", line))) for line in lines[1:]]
    unique = []
    for row in rows:
        if row not in unique or "exported twice" not in notes:
            unique.append(row)
    for row in unique:
        for col in ("age", "salary", "years"):
            row[col] = int(row[col])
        if "in cents" in notes:
            row["salary"] //= 100
    return unique


def answer(prompt: str) -> str:
    rows = repair(prompt)
    if m := re.search(r"What is the (\w+) of (\w+)\?", prompt):
        return str(next(r[m.group(1)] for r in rows if r["name"] == m.group(2)))
    if m := re.search(r"total salary, in dollars, of everyone in the (\w+) department", prompt):
        return str(sum(r["salary"] for r in rows if r["department"] == m.group(1)))
    if m := re.search(r"How many people in (\w+) are older than (\d+)", prompt):
        return str(sum(1 for r in rows if r["city"] == m.group(1) and r["age"] > int(m.group(2))))
    if m := re.search(r"What is the largest (\w+) in the table", prompt):
        return str(max(r[m.group(1)] for r in rows))
    m = re.search(r"Who has the highest (\w+)\?", prompt)
    return max(rows, key=lambda r: r[m.group(1)])["name"]


@pytest.mark.parametrize("difficulty", [1, 4, 7, 10])
def test_described_bugs_determine_the_answer(difficulty: int) -> None:
    for p in TASK.generate(40, seed=3, difficulty=difficulty):
        assert answer(p.prompt) == p.answer, p.prompt


def test_every_bug_kind_appears() -> None:
    seen = {bug for p in TASK.generate(100, difficulty=9) for bug in p.metadata["bugs"]}
    assert seen == {"shuffled_columns", "duplicates", "cents", "separators", "transposed"}


def test_checking() -> None:
    for p in TASK.generate(10, difficulty=7):
        assert TASK.check(p, tagged(p.answer)).correct
        assert TASK.check(p, tagged(TASK.corrupt(p, random.Random(0)))).reason == Reason.NOT_EQUAL
        assert TASK.check(p, tagged("it is unclear")).reason == Reason.INVALID_FORMAT


def test_difficulty_grows() -> None:
    def effort(d: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in TASK.generate(30, seed=2, difficulty=d))
    assert effort(9) > effort(2)
