"""Run trusted generator code in-process under a budget of executed lines.

Only code rlvr itself chose runs here (a curated library function or a generated program,
on inputs rlvr drew): never model output. The budget is the time bound: a trace function
counts line events and stops the call past `max_lines`. `sys.settrace` is per thread, so
the bound holds in any thread. The item's effort is the lines executed in the function's
own source (its file name): a measure that depends neither on the machine nor on what else
ran in the thread, since a garbage-collected object's `__del__` or a stdlib cache filled on
first use also runs traced lines, and those would make the same item's effort differ
between runs.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from typing import Any


class BudgetExceeded(RuntimeError):
    """The call ran more lines than its budget."""


def run_bounded(function: Callable[..., Any], args: tuple[Any, ...], max_lines: int = 200_000) -> tuple[Any, int]:
    """(result, lines executed in its own source) of `function(*deep copies of args)`; BudgetExceeded past `max_lines` traced lines.

    The arguments are copied because many library functions sort or edit their input in place,
    and the prompt must show the input as it was before the call.
    """
    count = 0  # every traced line: the time bound
    own = 0  # lines of the function's own source: the effort
    source = getattr(getattr(function, "__code__", None), "co_filename", None)

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count, own
        if event == "line":
            count += 1
            own += frame.f_code.co_filename == source
            if count > max_lines:
                raise BudgetExceeded(f"more than {max_lines} lines executed")
        return tracer

    copied = copy.deepcopy(args)  # outside the trace: copying is not the function's work
    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        result = function(*copied)
    finally:
        sys.settrace(previous)
    return result, own
