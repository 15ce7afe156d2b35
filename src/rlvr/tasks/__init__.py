"""Verifiable task families: procedurally generated puzzles and math datasets."""

from rlvr.tasks.base import Problem, Task, TaskError, extract_answer, get, names, register

__all__ = ["Problem", "Task", "TaskError", "extract_answer", "get", "names", "register"]
