"""The live bar of a self-improvement run: iteration, phase, held-out accuracy and the chosen temperature."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class LoopBar:
    """A rich Progress over iterations, or nothing when disabled (tests, piped output)."""

    def __init__(self, progress: Any = None, task_id: Any = None, console: Any = None) -> None:
        self.progress = progress
        self.task_id = task_id
        # Off a terminal (logs, CI) the live bar is not drawn: each phase becomes a plain line instead.
        self.lines = console if console is not None and not console.is_terminal else None

    def phase(self, iteration: int, text: str) -> None:
        """Show what iteration `iteration` is doing now."""
        if self.progress is not None:
            self.progress.update(self.task_id, phase=f"it {iteration}: {text}")
        if self.lines is not None:
            self.lines.print(f"iteration {iteration}: {text}", markup=False, highlight=False)

    def update(self, completed: int, accuracy: float, temperature: float | None) -> None:
        """Mark `completed` iterations done, with the newest held-out accuracy and temperature."""
        if self.progress is not None:
            self.progress.update(self.task_id, completed=completed, accuracy=accuracy,
                                 temperature="-" if temperature is None else f"{temperature:g}")


@contextmanager
def loop_bar(console: Any, iterations: int, enabled: bool = True) -> Iterator[LoopBar]:
    """Yield a `LoopBar` drawing on `console` (stderr), or an inert one when disabled."""
    if not enabled:
        yield LoopBar()
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = [TextColumn("[bold]iteration"), MofNCompleteColumn(), BarColumn(),
               TextColumn("held-out acc {task.fields[accuracy]:.3f}"), TextColumn("T {task.fields[temperature]}"),
               TimeElapsedColumn(), TextColumn("{task.fields[phase]}", markup=False)]
    with Progress(*columns, console=console, refresh_per_second=2) as progress:
        task_id = progress.add_task("self-improve", total=iterations, accuracy=float("nan"), temperature="-",
                                    phase="starting")
        yield LoopBar(progress, task_id, console)
