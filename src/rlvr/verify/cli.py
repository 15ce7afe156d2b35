"""`rlvr verify FILE.jsonl`: one verdict per input line, a summary on stderr."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

import typer

from rlvr.atomic import AtomicFile, OutputError
from rlvr.cli_support import fail, progress

PROGRESS_THRESHOLD = 200


class InputError(ValueError):
    """A line of the input file is not a usable {"response", "gold"} object."""


def read_pairs(stream: TextIO, name: str) -> list[tuple[str, str]]:
    """Parse JSON lines into (response, gold) pairs; raise `InputError` naming the bad line."""
    pairs: list[tuple[str, str]] = []
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            record: Any = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{name}:{number}: not valid JSON ({error.msg})") from None
        if not isinstance(record, dict):
            raise InputError(f"{name}:{number}: expected a JSON object with 'response' and 'gold'")
        missing = [key for key in ("response", "gold") if key not in record]
        if missing:
            raise InputError(f"{name}:{number}: missing field {', '.join(repr(key) for key in missing)}")
        response, gold = record["response"], record["gold"]
        if not isinstance(response, str):
            raise InputError(f"{name}:{number}: 'response' must be a string")
        if isinstance(gold, bool) or not isinstance(gold, (str, int, float)):
            raise InputError(f"{name}:{number}: 'gold' must be a string or a number")
        pairs.append((response, gold if isinstance(gold, str) else json.dumps(gold)))
    return pairs


def verify(
    file: str = typer.Argument(..., help="JSON lines with 'response' and 'gold' ('-' reads stdin)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write verdicts here instead of stdout."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Processes to spread the checks over."),
    timeout: float = typer.Option(2.0, "--timeout", "-t", min=0.01, help="Seconds allowed per check."),
) -> None:
    """Verify responses against gold answers, one verdict per line."""
    from rlvr.verify.pipeline import VerifyError

    try:
        if file == "-":
            pairs = read_pairs(sys.stdin, "<stdin>")
        else:
            path = Path(file)
            if not path.is_file():
                fail(f"{file}: no such file")
            with path.open(encoding="utf-8") as stream:
                pairs = read_pairs(stream, file)
    except InputError as error:
        fail(str(error))
    except UnicodeDecodeError:
        fail(f"{'<stdin>' if file == '-' else file}: not UTF-8 text")
    try:
        # Opened before the checks, so an unwritable -o fails at once; renamed into place
        # only when every verdict is written, so Ctrl-C or an error leaves no partial file.
        target = AtomicFile(output) if output is not None else None
    except OutputError as error:
        fail(str(error))
    try:
        # Ctrl-C: check_many drops its queued work and ends its workers itself
        verdicts = _run(pairs, workers, timeout)
        _write(verdicts, target)
    except (VerifyError, OutputError) as error:
        fail(str(error))
    finally:
        if target is not None and not target.done:
            target.discard()
    _summary(verdicts)


def _write(verdicts: list, target: AtomicFile | None) -> None:  # type: ignore[type-arg]
    lines = "".join(json.dumps(verdict.to_dict(), ensure_ascii=False) + "\n" for verdict in verdicts)
    if target is None:
        sys.stdout.write(lines)
        sys.stdout.flush()
        return
    try:
        target.temp.write_text(lines, encoding="utf-8")
    except OSError as error:
        raise OutputError(f"cannot write {target.path}: {error.strerror or error}") from None
    target.commit()


def _run(pairs: list[tuple[str, str]], workers: int, timeout: float) -> list:  # type: ignore[type-arg]
    from rlvr.verify.pipeline import check_many

    if len(pairs) < PROGRESS_THRESHOLD:
        return check_many(pairs, workers=workers, timeout=timeout)
    with progress("verifying", len(pairs)) as advance:
        return check_many(pairs, workers=workers, timeout=timeout, progress=advance)


def _summary(verdicts: list) -> None:  # type: ignore[type-arg]
    counts = Counter(verdict.reason for verdict in verdicts)
    correct = sum(1 for verdict in verdicts if verdict.correct)
    total = len(verdicts)
    accuracy = correct / total if total else 0.0
    typer.echo(f"{total} checked, {correct} correct (accuracy {accuracy:.1%})", err=True)
    for reason, count in counts.most_common():
        typer.echo(f"  {reason:<16} {count}", err=True)
