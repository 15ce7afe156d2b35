"""AMC 2023: 40 AMC 12 problems with numeric answers."""

from __future__ import annotations

from typing import ClassVar

from rlvr.tasks.base import register
from rlvr.tasks.math_data import ContestDatasetTask


@register
class Amc23(ContestDatasetTask):
    """Difficulty d draws from the d-th tenth ordered by problem number (4 problems per difficulty)."""

    name: ClassVar[str] = "amc23"
    description: ClassVar[str] = "AMC 12 2023 problems; difficulty follows the problem number within the contest"
    answer_format: ClassVar[str] = "a number in \\boxed{} or <answer></answer>"
    filename: ClassVar[str] = "amc23-test.jsonl"
