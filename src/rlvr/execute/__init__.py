"""Run untrusted Python programs in a bubblewrap sandbox: `run(code) -> ExecResult`, `run_many`.

Each program gets no network, a read-only system, a private size-capped scratch dir, rlimits
(CPU, address space, file size, processes, open files), a wall-clock limit that kills every
process it started, and capped output. Warm sandboxed workers fork a child per program, so
checking is not bound by interpreter start-up. See docs/execute.md.
"""

from rlvr.execute.pool import UnsafeExecutionWarning, run, run_many, shutdown
from rlvr.execute.result import STATUSES, ExecResult, ExecuteError, Program, SandboxUnavailable

__all__ = ["STATUSES", "ExecResult", "ExecuteError", "Program", "SandboxUnavailable", "UnsafeExecutionWarning",
           "run", "run_many", "shutdown"]
