"""`rlvr demo`: the default recipe end to end on the embedded model, ending with one summary line."""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.console import Console

from rlvr.train.config import load_config
from rlvr.train.result import RunResult
from rlvr.train.trl_engine import CONFIG_FILE, train_trl


def run_demo(output: str = "runs/demo", minutes: float | None = None, console: Console | None = None) -> RunResult:
    """Evaluate the base model, train with the default recipe, evaluate the result (held-out, disjoint seed)."""
    overrides = [f"output={output}"]
    if minutes is not None:
        overrides.append(f"budget.minutes={minutes}")
    config = load_config("default", overrides)
    folder = Path(output)
    # A demo always starts fresh; only an earlier demo's folder is ever removed.
    if folder.exists() and (folder / CONFIG_FILE).exists():
        shutil.rmtree(folder)
    console = console or Console(stderr=True)
    console.print(f"rlvr demo: GRPO on {config.model} (SmolLM2-135M-Instruct), task arithmetic at difficulty "
                  f"{config.eval_difficulty}, up to {config.budget.minutes:g} minutes of training")
    result = train_trl(config, console=console)
    console.print(f"report: {result.output / 'report.md'} and {result.output / 'report.png'}")
    return result
