"""AIME 2024: the 30 problems of AIME I and II, integer answers 0-999."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from rlvr.tasks.base import register
from rlvr.tasks.math_data import MathDatasetTask, Record, clean_number


def contest_position(url: str) -> int:
    """The problem number in its contest (later problems are harder), 0 if unknown."""
    found = re.search(r"Problem_(\d+)", url or "")
    return int(found.group(1)) if found else 0


@register
class Aime24(MathDatasetTask):
    """Difficulty d draws from the d-th tenth ordered by problem number (3 problems per difficulty)."""

    name: ClassVar[str] = "aime24"
    description: ClassVar[str] = "AIME 2024 I and II; difficulty follows the problem number within the contest"
    answer_format: ClassVar[str] = "an integer 0-999 in \\boxed{} or <answer></answer>"
    filename: ClassVar[str] = "aime24-test.jsonl"

    def record(self, row: dict[str, Any], position: int) -> Record:
        number = contest_position(row.get("url", ""))
        return Record(
            key=str(row.get("id", position)),
            question=row.get("problem") or row["question"],
            answer=clean_number(str(row["answer"])),
            hardness=(number,),
            extra={"contest_problem": number},
        )
