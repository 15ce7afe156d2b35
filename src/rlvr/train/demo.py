"""`rlvr demo`: the default recipe end to end on the embedded model, ending with one summary line.

The demo trains a fixed number of steps from fixed seeds on a fixed number of torch threads, so
its numbers do not depend on how busy the machine is; only the time it takes does (printed).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.console import Console

from rlvr.train.config import load_config
from rlvr.train.result import RunResult
from rlvr.train.trl_engine import CONFIG_FILE, train_trl


def run_demo(output: str = "runs/demo", steps: int | None = None, console: Console | None = None,
             overrides: list[str] | None = None, show_progress: bool = True) -> RunResult:
    """Evaluate the base model, train with the default recipe, evaluate the result (held-out, disjoint seed)."""
    overrides = [f"output={output}", *(overrides or [])]
    if steps is not None:
        overrides.append(f"budget.steps={steps}")
    config = load_config("default", overrides)
    folder = Path(output)
    # A demo always starts fresh; only an earlier demo's folder is ever removed.
    if folder.exists() and (folder / CONFIG_FILE).exists():
        shutil.rmtree(folder)
    console = console or Console(stderr=True)
    budget = f"{config.budget.steps} steps"
    if config.budget.minutes:
        budget += f" or {config.budget.minutes:g} minutes, whichever comes first"
    console.print(f"rlvr demo: GRPO on model {config.model!r}, task {', '.join(config.task_names)} at difficulty "
                  f"{config.eval_difficulty}, {budget} of training on {config.threads or 'all idle'} torch threads")
    result = train_trl(config, console=console, show_progress=show_progress)
    console.print(f"{result.steps} steps in {result.train_seconds / 60:.1f} min of training "
                  f"({result.extra.get('cpu_seconds', float('nan')) / 60:.1f} min of CPU time), "
                  f"{result.wall_seconds / 60:.1f} min in all; report: {result.output / 'report.md'} and "
                  f"{result.output / 'report.png'}")
    return result
