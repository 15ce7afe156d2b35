"""AMC 2023: 40 AMC 12 problems with numeric answers."""

from __future__ import annotations

from typing import Any, ClassVar

from rlvr.tasks.base import register
from rlvr.tasks.families.aime24 import contest_position
from rlvr.tasks.math_data import MathDatasetTask, Record, clean_number


@register
class Amc23(MathDatasetTask):
    """Difficulty d draws from the d-th tenth ordered by problem number (4 problems per difficulty)."""

    name: ClassVar[str] = "amc23"
    description: ClassVar[str] = "AMC 12 2023 problems; difficulty follows the problem number within the contest"
    answer_format: ClassVar[str] = "a number in \\boxed{} or <answer></answer>"
    filename: ClassVar[str] = "amc23-test.jsonl"

    def record(self, row: dict[str, Any], position: int) -> Record:
        number = contest_position(row.get("url", ""))
        return Record(
            key=str(row.get("id", position)),
            question=row.get("problem") or row["question"],
            answer=clean_number(str(row["answer"])),
            hardness=(number,),
            extra={"contest_problem": number},
        )
