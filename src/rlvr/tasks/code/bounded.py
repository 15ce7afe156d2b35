"""Run trusted generator code in-process under a budget of executed lines.

Only code rlvr itself chose runs here (a curated library function or a generated program,
on inputs rlvr drew): never model output. The budget is the time bound: a trace function
counts line events and stops the call past `max_lines`. `sys.settrace` is per thread, so
the bound holds in any thread; the count is also the item's effort (lines executed, the
argument copy included), a measure that does not depend on the machine. The cyclic garbage
collector is paused during the call: a collection there runs other objects' `__del__` under
the trace, and those lines made the same item's effort differ between runs.
"""

from __future__ import annotations

import copy
import gc
import sys
from collections.abc import Callable
from typing import Any


class BudgetExceeded(RuntimeError):
    """The call ran more lines than its budget."""


def run_bounded(function: Callable[..., Any], args: tuple[Any, ...], max_lines: int = 200_000) -> tuple[Any, int]:
    """(result, lines executed) of `function(*deep copies of args)`; BudgetExceeded past `max_lines`.

    The arguments are copied because many library functions sort or edit their input in place,
    and the prompt must show the input as it was before the call.
    """
    count = 0

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
            if count > max_lines:
                raise BudgetExceeded(f"more than {max_lines} lines executed")
        return tracer

    collecting = gc.isenabled()
    gc.disable()
    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        result = function(*copy.deepcopy(args))
    finally:
        sys.settrace(previous)
        if collecting:
            gc.enable()
    return result, count
