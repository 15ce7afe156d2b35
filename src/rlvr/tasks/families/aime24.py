"""AIME 2024: the 30 problems of AIME I and II, integer answers 0-999."""

from __future__ import annotations

from typing import ClassVar

from rlvr.tasks.base import register
from rlvr.tasks.math_data import ContestDatasetTask


@register
class Aime24(ContestDatasetTask):
    """Difficulty d draws from the d-th tenth ordered by problem number (3 problems per difficulty)."""

    name: ClassVar[str] = "aime24"
    description: ClassVar[str] = "AIME 2024 I and II; difficulty follows the problem number within the contest"
    answer_format: ClassVar[str] = "an integer 0-999 in \\boxed{} or <answer></answer>"
    filename: ClassVar[str] = "aime24-test.jsonl"
