"""Question answering over a table that was exported with described bugs.

Unique by construction: the question is answered on the clean table before the bugs
(shuffled data columns, duplicated rows, a column in the wrong unit, a transposed
printout, mixed separators) are applied; the prompt describes each bug so the answer
is fully determined.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, register
from rlvr.tasks.families._kit import (
    PEOPLE,
    check_choice,
    check_int,
    format_example,
    lerp,
    other_choice,
    other_int,
    require,
)
from rlvr.verify.verdict import Verdict


@dataclass(frozen=True)
class Config:
    rows: int
    bugs: int  # how many export bugs are applied (and described)
    aggregates: bool  # may ask sums, counts and arg-max instead of a lookup

    def __post_init__(self) -> None:
        require(3 <= self.rows <= len(PEOPLE), f"rows must be 3..{len(PEOPLE)}")
        require(1 <= self.bugs <= len(_BUGS), f"bugs must be 1..{len(_BUGS)}")


_DEPARTMENTS = ["sales", "research", "support", "finance", "legal"]
_CITIES = ["Lisbon", "Oslo", "Denver", "Osaka", "Nairobi"]
_BUGS = ["shuffled_columns", "duplicates", "cents", "separators", "transposed"]
_COLUMNS = ["name", "department", "city", "age", "salary", "years"]


def _table(rng: random.Random, rows: int) -> list[dict[str, Any]]:
    names = rng.sample(PEOPLE, rows)
    return [{"name": n, "department": rng.choice(_DEPARTMENTS), "city": rng.choice(_CITIES),
             "age": rng.randint(22, 64), "salary": rng.randint(30, 150) * 1000, "years": rng.randint(0, 30)}
            for n in names]


@register
class BuggyTableQA(Task):
    """Exact answers over tables whose export bugs are described in the prompt."""

    name = "buggy_table_qa"
    description = "Answer a question about a table printed with described export bugs (exact answer)."
    answer_format = "an integer or a name, as the question asks"
    category = "logic"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        return Config(rows=lerp(difficulty, 4, 22), bugs=lerp(difficulty, 1, 3), aggregates=difficulty >= 3)

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        table = _table(rng, config.rows)
        question, answer, kind, options = self._question(rng, table, config.aggregates)
        bugs = rng.sample(_BUGS, config.bugs)
        if "transposed" in bugs and "shuffled_columns" in bugs:
            bugs.remove("shuffled_columns")
        columns = list(_COLUMNS)
        notes = []
        shown_rows = [dict(r) for r in table]
        if "cents" in bugs:
            for r in shown_rows:
                r["salary"] *= 100
            notes.append("The salary column was exported in cents: every salary shown is 100 times the real "
                         "salary in dollars. Answer in dollars.")
        if "duplicates" in bugs:
            for r in rng.sample(shown_rows, max(1, len(shown_rows) // 4)):
                shown_rows.insert(rng.randrange(len(shown_rows) + 1), dict(r))
            notes.append("Some rows were exported twice; a repeated row is one record, count it once.")
        data_order = list(columns)
        if "shuffled_columns" in bugs:
            while data_order == columns:
                rng.shuffle(data_order)
            notes.append("The header is in the right order, but in every data row the values appear in this "
                         f"column order instead: {', '.join(data_order)}.")
        lines = []
        if "transposed" in bugs:
            notes.append("The table was printed transposed: each line is one column, and the records run left to "
                         "right.")
            for col in columns:
                lines.append(f"{col}: " + " | ".join(str(r[col]) for r in shown_rows))
        else:
            lines.append(" | ".join(columns))
            for r in shown_rows:
                separator = " ; " if "separators" in bugs and rng.random() < 0.4 else " | "
                lines.append(separator.join(str(r[c]) for c in data_order))
            if "separators" in bugs:
                notes.append("Some rows use ';' instead of '|' between values.")
        prompt = (
            "A table of employees was exported with these known bugs:\n"
            + "\n".join(f"- {n}" for n in notes) + "\n\nTable:\n" + "\n".join(lines) + "\n\n"
            + question + " (a format example only).\n" + ANSWER_INSTRUCTION
        )
        metadata = {"question_kind": kind, "options": options, "bugs": bugs,
                    "effort": config.rows * (1 + len(bugs))}
        return prompt, answer, metadata

    @staticmethod
    def _question(rng: random.Random, table: list[dict[str, Any]], aggregates: bool) -> tuple[str, str, str, list[str]]:
        names = [r["name"] for r in table]
        roll = rng.random() if aggregates else 0.0
        if roll < 0.25:
            row = rng.choice(table)
            col = rng.choice(["age", "salary", "years"])
            return (f"What is the {col} of {row['name']}? Give an integer, e.g. <answer>1234</answer>",
                    str(row[col]), "count", [])
        if roll < 0.5:
            department = rng.choice([r["department"] for r in table])
            total = sum(r["salary"] for r in table if r["department"] == department)
            return (f"What is the total salary, in dollars, of everyone in the {department} department? Give an "
                    "integer, e.g. <answer>1234</answer>", str(total), "count", [])
        if roll < 0.75:
            city = rng.choice(_CITIES)
            threshold = rng.randint(30, 55)
            count = sum(1 for r in table if r["city"] == city and r["age"] > threshold)
            return (f"How many people in {city} are older than {threshold}? Give an integer, e.g. "
                    "<answer>12</answer>", str(count), "count", [])
        col = rng.choice(["age", "salary", "years"])
        best = max(r[col] for r in table)
        winners = [r["name"] for r in table if r[col] == best]
        if len(winners) > 1:
            # A tie would make the answer ambiguous: ask for the largest value instead.
            return (f"What is the largest {col} in the table? Give an integer, e.g. <answer>1234</answer>",
                    str(best), "count", [])
        example = format_example(rng, names, PEOPLE)
        return (f"Who has the highest {col}? Give the name, e.g. <answer>{example}</answer>", winners[0],
                "name", names)

    def check(self, problem: Problem, response: str) -> Verdict:
        if problem.metadata["question_kind"] == "count":
            return check_int(response, int(problem.answer))
        return check_choice(response, problem.answer, problem.metadata["options"])

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        if problem.metadata["question_kind"] == "count":
            return other_int(int(problem.answer), rng)
        return other_choice(problem.answer, problem.metadata["options"], rng)
