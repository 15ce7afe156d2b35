"""Correctness of one response against one dataset row, shared by every engine adapter.

A row either carries a whole problem (`problem_json`, from `rlvr.tasks.rows`), which its
task family checks, or just a gold math answer, which `rlvr.verify.check` compares
against. A row that cannot be checked (bad JSON, unknown task, no gold) is a dataset or
configuration mistake and raises `RewardError` on first use. A response that makes a
checker fail is the model's doing: it scores 0 with reason `checker-error`, logged, and
training goes on.
"""

from __future__ import annotations

import logging
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from rlvr.engines.sized_cache import SizedCache, shown
from rlvr.rewards.base import RewardError
from rlvr.tasks.base import Problem, Task, TaskError
from rlvr.tasks.math_data import MathDatasetTask
from rlvr.verify.pipeline import VerifyError, checked_timeout, warm_up
from rlvr.verify.verdict import Reason, Verdict

log = logging.getLogger("rlvr.engines")

CHECKER_ERROR = "checker-error"
DEFAULT_TIMEOUT = 2.0
# Threads for sandboxed (code task) checks in one batch; each mostly waits on its program.
CODE_CHECK_THREADS = max(4, os.cpu_count() or 1)
# A broken checker would otherwise log once per response, thousands of times a step.
_MAX_LOGGED_ERRORS = 20
_logged_errors = 0


@dataclass(frozen=True)
class RowChecker:
    """Checks responses against one row: a task problem or a gold math answer."""

    gold: str
    problem: Problem | None
    timeout: float
    task: Task | None = None

    @property
    def key(self) -> str:
        """A stable id for the row's prompt (groups and LASER-D monitoring key on it)."""
        return self.problem.id if self.problem is not None else self.gold

    @property
    def max_seconds(self) -> float:
        """The longest one check of this row may legitimately run (the task's own bound if longer)."""
        own = self.task.check_seconds if self.task is not None else None
        return max(self.timeout, float(own or 0.0))

    def check(self, response: str) -> Verdict:
        """The verdict for `response`; never raises on anything the model wrote."""
        if not isinstance(response, str):
            return Verdict(correct=False, reason=Reason.INVALID_FORMAT, detail=f"response is {type(response).__name__}, not text")
        try:
            if self.problem is not None and self.task is not None:
                verdict = self.task.check(self.problem, response)
            else:
                from rlvr.verify import check

                verdict = check(response, self.gold, timeout=self.timeout)
        except Exception as err:  # noqa: BLE001 - one odd response must not stop a training run
            _log_checker_error(err, response)
            return Verdict(correct=False, reason=CHECKER_ERROR, detail=f"{type(err).__name__}: {err}")
        if verdict.reason == Reason.INVALID_GOLD:
            raise RewardError(
                f"the gold answer {shown(self.gold)} could not be parsed ({verdict.detail or 'invalid gold'}); "
                "fix or drop this dataset row"
            )
        return verdict


# Parsed rows, reused across the G samples of a prompt and across epochs; bounded by bytes.
ROW_CACHE_BYTES = 64 * 2**20
# A parsed problem holds its prompt, answer and metadata again, next to the JSON text.
PROBLEM_SIZE_FACTOR = 3
ROW_CACHE: SizedCache[RowChecker] = SizedCache(ROW_CACHE_BYTES)


def _log_checker_error(err: Exception, response: str) -> None:
    global _logged_errors
    _logged_errors += 1
    if _logged_errors <= _MAX_LOGGED_ERRORS:
        log.warning("checker failed on a response (scored 0): %s: %s; response starts %r", type(err).__name__, err, response[:120])
        if _logged_errors == _MAX_LOGGED_ERRORS:
            log.warning("further checker errors are scored 0 without logging")


def row_checker(gold: Any = None, problem_json: Any = None, task: Any = None, timeout: float = DEFAULT_TIMEOUT) -> RowChecker:
    """The checker for one dataset row; raises `RewardError` saying what is wrong with the row.

    gold:         the reference answer (`answer` column in TRL, `ground_truth` in verl).
    problem_json: the whole problem as written by `rlvr.tasks.rows` (takes precedence).
    task:         optional task name column; must agree with the problem's own task.
    """
    try:
        timeout = checked_timeout(timeout)  # the verifier's own rule, so no check refuses it later
    except VerifyError as error:
        raise RewardError(str(error)) from None
    gold_text, problem_text, task_name = _as_gold(gold), _as_text(problem_json), _as_text(task)
    key = json.dumps([gold_text, problem_text, task_name, timeout])
    size = len(gold_text or "") + PROBLEM_SIZE_FACTOR * len(problem_text or "")
    return ROW_CACHE.get(key, size, lambda: _row_checker(gold_text, problem_text, task_name, timeout))


def _row_checker(gold: str | None, problem_json: str | None, task: str | None, timeout: float) -> RowChecker:
    if problem_json:
        return problem_checker(problem_json, timeout, task)
    if gold is None or not gold.strip():
        raise RewardError(
            "dataset row has neither problem_json nor a gold answer; build rows with rlvr.tasks.rows "
            "or give each row its reference answer (TRL: an `answer` column; verl: reward_model.ground_truth)"
        )
    # The first math row of a run starts the verifier's symbolic workers, so no check spends
    # its time budget waiting for them; puzzle families never need them.
    warm_up()
    return RowChecker(gold=gold, problem=None, timeout=timeout)


def problem_checker(problem_json: str, timeout: float, task: str | None = None) -> RowChecker:
    """The checker of one rlvr task problem, not cached; raises `RewardError` naming what is wrong.

    `task`, when given, is the row's task column and must agree with the problem's own task.
    """
    problem, family = _parse_problem(problem_json)
    if task and task != problem.task:
        raise RewardError(f"row says task {shown(task)} but its problem_json is a {problem.task!r} problem; fix the dataset")
    if isinstance(family, MathDatasetTask):
        warm_up()  # its answers go through rlvr.verify, like a gold row's
    return RowChecker(gold=problem.answer, problem=problem, timeout=timeout, task=family)


def _parse_problem(problem_json: str) -> tuple[Problem, Task]:
    from rlvr.tasks.rows import problem_from_json

    try:
        problem = problem_from_json(problem_json)
        return problem, _task(problem.task)
    except (TaskError, TypeError) as err:
        # TypeError: a `task` that is not a name (a list, an object) cannot be looked up
        raise RewardError(f"bad problem_json in a dataset row: {err}") from None


@lru_cache(maxsize=None)
def _task(name: str) -> Task:
    # One instance per family: looking a family up scans the families package each time.
    from rlvr.tasks import get as get_task

    return get_task(name)


def _as_gold(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise RewardError(f"gold answer must be text or a number, got {value!r}")
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    raise RewardError(f"gold answer must be text or a number, got {type(value).__name__}: {value!r}")


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    raise RewardError(f"problem_json and task must be strings, got {type(value).__name__}")


def check_rows(responses: list[Any], checkers: list[RowChecker]) -> list[Verdict]:
    """Verdicts for responses paired with their rows' checkers.

    Rows of code tasks run programs in rlvr.execute's sandbox and mostly wait on them (a
    looping program holds its check for the whole time limit), so they are checked side by
    side on up to `CODE_CHECK_THREADS` threads: a batch of runaway programs costs a few time
    limits, not one per response. Other rows are checked in order, in this thread.
    """
    if len(responses) != len(checkers):
        raise RewardError(f"got {len(responses)} responses but {len(checkers)} rows")
    sandboxed = [i for i, checker in enumerate(checkers) if checker.task is not None and checker.task.category == "code"]
    if len(sandboxed) < 2:
        return [checker.check(response) for response, checker in zip(responses, checkers)]
    verdicts: list[Verdict | None] = [None] * len(responses)
    with ThreadPoolExecutor(min(len(sandboxed), CODE_CHECK_THREADS), thread_name_prefix="rlvr-code-check") as pool:
        futures = {i: pool.submit(checkers[i].check, responses[i]) for i in sandboxed}
        for i, (response, checker) in enumerate(zip(responses, checkers)):
            if i not in futures:
                verdicts[i] = checker.check(response)
        for i, future in futures.items():
            verdicts[i] = future.result()  # RowChecker.check raises only for a bad row (RewardError)
    return cast(list[Verdict], verdicts)  # every index was filled above

