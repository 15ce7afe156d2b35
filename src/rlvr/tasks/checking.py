"""Checking a response against an exported row or a stored problem."""

from __future__ import annotations

from typing import Any

from rlvr.tasks.base import Problem, TaskError, get
from rlvr.tasks.rows import DATA_SOURCE_PREFIX, problem_from_json
from rlvr.verify.verdict import Verdict


def problem_of(record: dict[str, Any], default_task: str | None = None) -> Problem | None:
    """The problem a row carries (verl `extra_info.problem_json`, TRL `problem_json`, or its own fields)."""
    extra = record.get("extra_info")
    text = record.get("problem_json") or (extra.get("problem_json") if isinstance(extra, dict) else None)
    if isinstance(text, str):
        return problem_from_json(text)
    if isinstance(record.get("problem"), dict):
        record = record["problem"]
    if {"id", "prompt", "answer"} <= record.keys():
        data = {"task": default_task, "difficulty": 0, "metadata": {}, **record}
        if not data["task"]:
            raise TaskError("the row names no task; pass --task")
        return Problem.from_dict(data)
    return None


def check_record(record: Any, default_task: str | None = None) -> Verdict:
    """Verdict for one record holding a `response` and a problem (or a math `ground_truth`)."""
    if not isinstance(record, dict):
        raise TaskError("each line must be a JSON object")
    response = record.get("response")
    if not isinstance(response, str):
        raise TaskError("each line needs a string `response`")
    problem = problem_of(record, default_task)
    if problem is not None:
        return get(problem.task).check(problem, response)
    reward_model = record.get("reward_model")
    gold = reward_model.get("ground_truth") if isinstance(reward_model, dict) else record.get("answer")
    if not isinstance(gold, str):
        raise TaskError("the row has neither a problem nor a ground_truth/answer to check against")
    source = record.get("data_source", "")
    if isinstance(source, str) and source.startswith(DATA_SOURCE_PREFIX):
        name = source[len(DATA_SOURCE_PREFIX):]
        raise TaskError(f"the {name} row lost its problem_json; re-export it")
    from rlvr.verify import check as verify_check

    return verify_check(response, gold)
