"""`rlvr execute FILE`: run one Python program in the sandbox and say what happened."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import typer

from rlvr.cli_support import fail, note


def _read_text(path: str, what: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(f"{what} {path}: no such file")
    except IsADirectoryError:
        fail(f"{what} {path}: is a directory")
    except UnicodeDecodeError:
        fail(f"{what} {path}: not UTF-8 text")
    except OSError as error:
        fail(f"{what} {path}: {error.strerror or error}")


def execute(
    file: str = typer.Argument(..., help="The Python program ('-' reads it from stdin)."),
    stdin: str | None = typer.Option(None, "--stdin", help="Text given to the program on its stdin."),
    stdin_file: str | None = typer.Option(None, "--stdin-file", help="A file given to the program on its stdin."),
    expected: str | None = typer.Option(None, "--expected-file",
                                        help="The stdout the program must print (else status wrong-answer)."),
    timeout: float = typer.Option(5.0, "--timeout", "-t", help="Wall-clock seconds allowed."),
    memory_mb: int = typer.Option(512, "--memory-mb", help="Address-space limit per process, MiB."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole result as one JSON object instead."),
    unsafe: bool = typer.Option(False, "--unsafe-no-sandbox",
                                help="Run WITHOUT isolation (only where no sandbox can start; warns)."),
) -> None:
    """Run a Python program in the bubblewrap sandbox; its stdout on stdout, the status on stderr.

    Exit code 0 when the status is ok, 1 for any other status, 2 for bad arguments.
    """
    from rlvr.execute import ExecuteError, run

    if stdin is not None and stdin_file is not None:
        fail("give --stdin or --stdin-file, not both")
    if file == "-" and stdin_file == "-":
        fail("the program and its stdin cannot both come from stdin")
    code = _read_text(file, "program")
    given = stdin if stdin is not None else (_read_text(stdin_file, "stdin file") if stdin_file is not None else "")
    want = _read_text(expected, "expected file") if expected is not None else None
    try:
        result = run(code, stdin=given, expected_stdout=want, timeout=timeout, memory_mb=memory_mb, unsafe=unsafe)
    except ExecuteError as error:
        fail(error)
    if as_json:
        typer.echo(json.dumps(asdict(result)))
    else:
        sys.stdout.write(result.stdout)
        sys.stdout.flush()
        if result.stderr:
            sys.stderr.write(result.stderr if result.stderr.endswith("\n") else result.stderr + "\n")
        exit_text = "none" if result.exit_code is None else str(result.exit_code)
        note(f"status: {result.status} ({result.seconds:.3f} s, exit code {exit_text})")
    raise typer.Exit(0 if result.ok else 1)
