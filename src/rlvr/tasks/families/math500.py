"""MATH-500: 500 competition problems (Hendrycks et al.) with LaTeX answers."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from rlvr.tasks.base import register
from rlvr.tasks.math_data import MathDatasetTask, Record


@register
class Math500(MathDatasetTask):
    """Difficulty d draws from MATH level ceil(d/2): odd d the shorter-solution half, even d the longer."""

    name: ClassVar[str] = "math500"
    description: ClassVar[str] = "MATH-500 test problems (levels 1-5, seven subjects), answers checked by rlvr.verify"
    filename: ClassVar[str] = "math500-test.jsonl"

    def record(self, row: dict[str, Any], position: int) -> Record:
        level = int(row["level"])
        return Record(
            key=row["unique_id"],
            question=row["problem"],
            answer=row["answer"],
            hardness=(level, len(row["solution"])),
            extra={"level": level, "subject": row["subject"]},
        )

    def build_pools(self, records: list[Record]) -> list[list[Record]]:
        pools: list[list[Record]] = []
        for level in range(1, 6):
            ordered = sorted((r for r in records if r.extra["level"] == level), key=lambda r: (r.hardness, r.key))
            half = math.ceil(len(ordered) / 2)
            pools += [ordered[:half], ordered[half:]]
        return pools
