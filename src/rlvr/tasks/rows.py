"""How a `Problem` travels through an engine's dataset and comes back to be checked.

verl rows: `data_source` is `rlvr/<task>`, the prompt is a list of chat messages,
`reward_model.ground_truth` is the gold answer and `extra_info.problem_json` the whole
problem. TRL rows: conversational `prompt`, plus `answer`, `task` and `problem_json`
columns, which TRL hands to reward functions as keyword arguments.
"""

from __future__ import annotations

import json
from typing import Any

from rlvr.tasks.base import Problem, TaskError

DATA_SOURCE_PREFIX = "rlvr/"


def problem_to_json(problem: Problem) -> str:
    """The problem as one JSON string (metadata differs per family, so it is not a parquet struct)."""
    return json.dumps(problem.to_dict(), ensure_ascii=False, separators=(",", ":"))


def problem_from_json(text: str) -> Problem:
    """Inverse of `problem_to_json`, with a clear error for anything else."""
    try:
        data = json.loads(text)
    except (TypeError, json.JSONDecodeError) as err:
        raise TaskError(f"problem_json is not valid JSON: {err}") from None
    if not isinstance(data, dict) or not {"id", "task", "prompt", "answer"} <= data.keys():
        raise TaskError("problem_json must be an object with id, task, prompt and answer")
    return Problem.from_dict({"difficulty": 0, "metadata": {}, **data})


def to_messages(problem: Problem, system_prompt: str | None = None) -> list[dict[str, str]]:
    messages = [{"role": "system", "content": system_prompt}] if system_prompt else []
    messages.append({"role": "user", "content": problem.prompt})
    return messages


def to_verl_row(
    problem: Problem, index: int = 0, system_prompt: str | None = None, category: str = "", split: str = "train"
) -> dict[str, Any]:
    """One row of a verl RL parquet file; `split` ("train" or "test") tells group rewards which group size applies."""
    return {
        "data_source": DATA_SOURCE_PREFIX + problem.task,
        "prompt": to_messages(problem, system_prompt),
        "ability": category or "reasoning",
        "reward_model": {"style": "rule", "ground_truth": problem.answer},
        "extra_info": {"index": index, "split": split, "id": problem.id, "difficulty": problem.difficulty, "problem_json": problem_to_json(problem)},
    }


def to_trl_row(problem: Problem, system_prompt: str | None = None) -> dict[str, Any]:
    """One row of a TRL (GRPOTrainer) dataset in conversational form."""
    return {
        "prompt": to_messages(problem, system_prompt),
        "answer": problem.answer,
        "task": problem.task,
        "difficulty": problem.difficulty,
        "problem_json": problem_to_json(problem),
    }


def to_jsonl_row(problem: Problem) -> dict[str, Any]:
    """A plain JSON-lines record: the problem's own fields."""
    return problem.to_dict()
