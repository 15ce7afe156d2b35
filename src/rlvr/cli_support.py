"""What every `rlvr` command shares: literal messages on stderr, progress, and a prompt Ctrl-C.

Messages go through `typer.echo`, never rich markup, so text such as `pip install 'rlvr[train]'`
or a YAML error quoting `[/x]` prints exactly as written. Progress goes to stderr: a live bar
on a terminal, plain lines otherwise (logs, CI, `2> file`). This module imports nothing from
rlvr, so the `cli` module of every layer, `rlvr.verify` included, may use it.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import NoReturn, TypeVar

import typer

INTERRUPTED_EXIT = 130  # the shell's code for a process stopped by SIGINT
PLAIN_PROGRESS_INTERVAL = 30.0  # seconds between plain progress lines besides every 10%
PLAIN_PROGRESS_AFTER = 2.0  # plain lines start only once a job has run this long: quick jobs stay quiet

Item = TypeVar("Item")


def fail(message: object, code: int = 2) -> NoReturn:
    """Print `error: message` literally on stderr and exit with `code`."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def given_options(ctx: typer.Context) -> set[str]:
    """The parameters the user set on the command line (not left at their defaults)."""
    # By name: typer may run on its own copy of click, whose ParameterSource is another enum class.
    return {name for name in ctx.params if getattr(ctx.get_parameter_source(name), "name", None) == "COMMANDLINE"}


def note(message: object) -> None:
    """Print one line literally on stderr (status that must not mix with data on stdout)."""
    typer.echo(str(message), err=True)


TERMINATED_EXIT = 128 + signal.SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM, unwound like Ctrl-C so every cleanup runs (no half-written output is left behind)."""


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises `Terminated` in the main thread instead of killing the process.

    Only the main thread can set signal handlers; elsewhere this does nothing. Commands that
    install their own handler (the server) replace this one while they run.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def terminated() -> NoReturn:
    """Say that SIGTERM stopped the command and exit 143."""
    note("terminated")
    raise typer.Exit(TERMINATED_EXIT)


def interrupted() -> NoReturn:
    """Say that Ctrl-C stopped the command and exit 130."""
    note("interrupted")
    raise typer.Exit(INTERRUPTED_EXIT)


def stderr_is_terminal() -> bool:
    """Whether stderr is an interactive terminal (then a live bar is drawn)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class PlainProgress:
    """Progress as plain lines on stderr: at every tenth of the work and every `interval` seconds.

    Nothing is printed before `after` seconds, so a job that ends quickly leaves no lines.
    """

    def __init__(self, label: str, total: int, interval: float | None = None, after: float | None = None) -> None:
        self.label, self.total = label, max(total, 0)
        self.interval = PLAIN_PROGRESS_INTERVAL if interval is None else interval
        self.after = PLAIN_PROGRESS_AFTER if after is None else after
        self.done = 0
        self.start = self.last_time = time.monotonic()
        self.last_tenth = 0

    def advance(self, count: int = 1) -> None:
        """Record `count` more items finished; print a line when a tenth is crossed or time is up."""
        self.done += count
        now = time.monotonic()
        if now - self.start < self.after:
            return
        tenth = 10 * self.done // self.total if self.total else 10
        if tenth > self.last_tenth or now - self.last_time >= self.interval:
            self.last_tenth, self.last_time = max(tenth, self.last_tenth), now
            self._line(now)

    def _line(self, now: float) -> None:
        share = f" ({self.done / self.total:.0%})" if self.total else ""
        elapsed = int(now - self.start)
        note(f"{self.label}: {self.done}/{self.total}{share}, {elapsed // 60}:{elapsed % 60:02d} elapsed")


@contextmanager
def progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """Yield `advance(count)`; shows a live bar on a terminal, plain lines otherwise, on stderr."""
    if not stderr_is_terminal():
        yield PlainProgress(label, total).advance
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        job = bar.add_task(label, total=total)
        yield lambda count=1: bar.advance(job, count)


def track(items: Iterable[Item], label: str, total: int) -> Iterator[Item]:
    """`items`, reporting each one taken to `progress` on stderr."""
    with progress(label, total) as advance:
        for item in items:
            yield item
            advance(1)
