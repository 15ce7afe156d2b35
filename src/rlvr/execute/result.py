"""What a run returns (`ExecResult`), what it takes (`Program`), the status words and the errors."""

from __future__ import annotations

import math
from dataclasses import dataclass

STATUSES = ("ok", "wrong-answer", "runtime-error", "timeout", "memory", "output-limit", "sandbox-error")


class ExecuteError(ValueError):
    """Bad arguments to `run` / `run_many` (never raised for anything the program itself does)."""


class SandboxUnavailable(ExecuteError):
    """bubblewrap is missing or cannot create namespaces here; the message says how to fix it."""


@dataclass(frozen=True)
class Program:
    """One program to run: Python 3 source, its stdin, and optionally the stdout it must print."""

    code: str
    stdin: str = ""
    expected_stdout: str | None = None


@dataclass(frozen=True)
class ExecResult:
    """What happened to one program: `status` (one of STATUSES), capped output, wall seconds."""

    status: str
    stdout: str
    stderr: str
    seconds: float
    exit_code: int | None

    @property
    def ok(self) -> bool:
        """True when the program exited 0 (and printed the expected stdout, if one was given)."""
        return self.status == "ok"


def same_output(actual: str, expected: str) -> bool:
    """Compare stdout the way judges do: trailing blanks of each line and trailing newlines ignored."""
    return _canonical(actual) == _canonical(expected)


def _canonical(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).rstrip("\n")


def checked_program(item: object) -> Program:
    """A `Program` from a Program or a source string; anything else is an ExecuteError."""
    if isinstance(item, str):
        return Program(item)
    if not isinstance(item, Program):
        raise ExecuteError(f"a program must be a str of Python source or a Program, not {type(item).__name__}")
    if not isinstance(item.code, str):
        raise ExecuteError(f"Program.code must be a str, not {type(item.code).__name__}")
    if not isinstance(item.stdin, str):
        raise ExecuteError(f"Program.stdin must be a str, not {type(item.stdin).__name__}")
    if item.expected_stdout is not None and not isinstance(item.expected_stdout, str):
        raise ExecuteError(f"Program.expected_stdout must be a str or None, not {type(item.expected_stdout).__name__}")
    return item


def checked_timeout(timeout: object) -> float:
    """A finite, positive number of seconds (at most a day), else ExecuteError."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise ExecuteError(f"timeout must be a number of seconds, not {type(timeout).__name__}")
    if not math.isfinite(timeout) or timeout <= 0 or timeout > 86400:
        raise ExecuteError(f"timeout must be a finite number of seconds in (0, 86400], got {timeout!r}")
    return float(timeout)


def checked_memory(memory_mb: object) -> int:
    """A whole number of MiB between 32 and 1,048,576, else ExecuteError."""
    if isinstance(memory_mb, bool) or not isinstance(memory_mb, int):
        raise ExecuteError(f"memory_mb must be an int (MiB), not {type(memory_mb).__name__}")
    if not 32 <= memory_mb <= 1 << 20:
        raise ExecuteError(f"memory_mb must be between 32 and 1048576 MiB, got {memory_mb}")
    return memory_mb
