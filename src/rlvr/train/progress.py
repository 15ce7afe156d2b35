"""The live training bar: step, reward, batch accuracy and mean response tokens."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


@contextmanager
def training_bar(console: Console, steps: int, enabled: bool = True) -> Iterator[tuple[Any, Any]]:
    """A rich Progress over `steps` whose fields the run callback updates; (None, None) when disabled."""
    if not enabled:
        yield None, None
        return
    columns = [
        TextColumn("[bold]step"),
        MofNCompleteColumn(),
        BarColumn(),
        TextColumn("reward {task.fields[reward]:.3f}"),
        TextColumn("acc {task.fields[accuracy]:.3f}"),
        TextColumn("tokens {task.fields[tokens]:.1f}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=console, refresh_per_second=2) as bar:
        task_id = bar.add_task("train", total=steps, reward=float("nan"), accuracy=float("nan"), tokens=float("nan"))
        yield bar, task_id
