"""`rlvr demo`: the default recipe end to end on the embedded model, ending with one summary line."""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.console import Console

from rlvr.train.config import load_config
from rlvr.train.result import RunResult
from rlvr.train.trl_engine import CONFIG_FILE, train_trl


def run_demo(output: str = "runs/demo", minutes: float | None = None, console: Console | None = None,
             overrides: list[str] | None = None, show_progress: bool = True) -> RunResult:
    """Evaluate the base model, train with the default recipe, evaluate the result (held-out, disjoint seed)."""
    overrides = [f"output={output}", *(overrides or [])]
    if minutes is not None:
        overrides.append(f"budget.minutes={minutes}")
    config = load_config("default", overrides)
    folder = Path(output)
    # A demo always starts fresh; only an earlier demo's folder is ever removed.
    if folder.exists() and (folder / CONFIG_FILE).exists():
        shutil.rmtree(folder)
    console = console or Console(stderr=True)
    budget = f"{config.budget.minutes:g} minutes" if config.budget.minutes else f"{config.budget.steps} steps"
    console.print(f"rlvr demo: GRPO on model {config.model!r}, task {', '.join(config.task_names)} at difficulty "
                  f"{config.eval_difficulty}, up to {budget} of training")
    result = train_trl(config, console=console, show_progress=show_progress)
    console.print(f"report: {result.output / 'report.md'} and {result.output / 'report.png'}")
    return result
