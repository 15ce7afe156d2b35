"""Verifiable task families: procedurally generated puzzles and math datasets."""

from rlvr.tasks.base import (
    ANSWER_INSTRUCTION,
    MAX_DIFFICULTY,
    MIN_DIFFICULTY,
    Problem,
    Task,
    TaskError,
    extract_answer,
    get,
    names,
    register,
)
from rlvr.tasks.curriculum import Curriculum
from rlvr.tasks.mixture import Mixture

__all__ = [
    "ANSWER_INSTRUCTION",
    "MAX_DIFFICULTY",
    "MIN_DIFFICULTY",
    "Curriculum",
    "Mixture",
    "Problem",
    "Task",
    "TaskError",
    "extract_answer",
    "get",
    "names",
    "register",
]
