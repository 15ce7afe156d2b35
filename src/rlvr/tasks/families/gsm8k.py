"""GSM8K test: 1,319 grade-school word problems with integer answers."""

from __future__ import annotations

from typing import Any, ClassVar

from rlvr.tasks.base import register
from rlvr.tasks.math_data import MathDatasetTask, Record, clean_number


@register
class Gsm8k(MathDatasetTask):
    """Difficulty d draws from the d-th tenth of the set ordered by calculation steps in the reference solution."""

    name: ClassVar[str] = "gsm8k"
    description: ClassVar[str] = "GSM8K test word problems; difficulty = number of calculation steps in the reference"
    answer_format: ClassVar[str] = "a number in \\boxed{} or <answer></answer>"
    filename: ClassVar[str] = "gsm8k-test.jsonl"

    def record(self, row: dict[str, Any], position: int) -> Record:
        solution, _, final = row["answer"].rpartition("####")
        steps = solution.count("<<")
        return Record(
            key=str(row.get("idx", position)),
            question=row["question"],
            answer=clean_number(final),
            hardness=(steps, len(solution)),
            extra={"steps": steps},
        )
