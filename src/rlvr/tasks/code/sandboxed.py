"""Model-derived code runs only here, in `rlvr.execute`'s sandbox, and each outcome becomes a Verdict.

Two uses: a predicted input run through a task's function (CodeI/O's re-execution rule), and
a model's program run against HumanEval's tests. A sandbox that cannot start, or an
`rlvr.execute` that is missing, gives a `sandbox-error` verdict (never an exception), so one
bad environment cannot crash a batch of checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rlvr.verify.verdict import Reason, Verdict

SANDBOX_ERROR = "sandbox-error"  # the program could not be run at all: not the model's doing
RESULT_MARKER = "__rlvr_result__ "
DEFAULT_TIMEOUT_S = 5.0
DEFAULT_MEMORY_MB = 512


def call_program(source: str, function: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """A program that defines `source`, calls `function(*args, **kwargs)` and prints the result's repr.

    `args` and `kwargs` are values parsed by `ast.literal_eval`; their reprs are written into
    the program, never the model's own text.
    """
    return (f"{source.rstrip()}\n\n\n"
            f"__rlvr_value = {function}(*{args!r}, **{kwargs!r})\n"
            f"print()\nprint({RESULT_MARKER!r} + repr(__rlvr_value))\n")


def printed_result(stdout: str) -> str | None:
    """The repr a `call_program` printed on its last marker line, or None."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            return line[len(RESULT_MARKER):]
    return None


def run_all(programs: Sequence[str], timeout: float = DEFAULT_TIMEOUT_S, memory_mb: int = DEFAULT_MEMORY_MB) -> list[Any]:
    """An `ExecResult` per program (one sandboxed batch), or a sandbox-error Verdict per program.

    One program runs through `rlvr.execute.run`, several through `run_many`'s warm workers.
    """
    if not programs:
        return []
    try:
        from rlvr import execute
    except ImportError as error:
        return [sandbox_error(f"rlvr.execute is not available: {error}")] * len(programs)
    try:
        if len(programs) == 1:
            return [execute.run(programs[0], timeout=timeout, memory_mb=memory_mb)]
        return list(execute.run_many(list(programs), timeout=timeout, memory_mb=memory_mb))
    except execute.ExecuteError as error:  # SandboxUnavailable included: bwrap missing, namespaces off
        return [sandbox_error(str(error))] * len(programs)
    except OSError as error:
        return [sandbox_error(f"{type(error).__name__}: {error}")] * len(programs)


def sandbox_error(detail: str) -> Verdict:
    return Verdict(correct=False, reason=SANDBOX_ERROR, detail=f"the sandbox could not run the program: {detail}"[:500])


def failure(result: Any, extracted: str | None) -> Verdict | None:
    """The Verdict for a run that did not finish cleanly, or None when it exited 0."""
    if isinstance(result, Verdict):
        return result
    status = result.status
    if status == "ok" or status == "wrong-answer":
        return None
    tail = _last_line(result.stderr)
    if status == "timeout":
        return Verdict(False, Reason.TIMEOUT, extracted=extracted, detail="the program ran past its time limit")
    if status == SANDBOX_ERROR:
        return Verdict(False, SANDBOX_ERROR, extracted=extracted, detail=f"the sandbox could not start: {tail}"[:500])
    # runtime-error, memory, output-limit: the model's program broke a rule of the run.
    return Verdict(False, Reason.RULE_VIOLATION, extracted=extracted, detail=f"{status}: {tail}"[:500])


def _last_line(text: str) -> str:
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""
