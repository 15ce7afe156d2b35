"""`rlvr train` and `rlvr demo`."""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING, NoReturn

import typer

from rlvr.cli_support import fail, note

if TYPE_CHECKING:
    from rlvr.train.config import TrainConfig

DEMO_OUTPUT = "runs/demo"
# What `engine: verl` imports (module -> the extra that installs it), checked before any work.
# transfer_queue and cachetools: main_ppo imports them, but verl declares them only in its verl-core extra.
VERL_MODULES = {"verl": "verl", "omegaconf": "verl", "hydra": "verl", "transfer_queue": "verl", "cachetools": "verl",
                "pyarrow": "data"}


def _fail(message: str) -> NoReturn:
    fail(message)


def _missing_module(err: ImportError, extra: str) -> NoReturn:
    fail(f"cannot import {err.name or 'a module'} ({err}): pip install 'rlvr[{extra}]'")


def _check_verl_installed() -> None:
    """Raise `ConfigError` naming the first missing module before anything is written."""
    from rlvr.train.config import ConfigError

    for module, extra in VERL_MODULES.items():
        if importlib.util.find_spec(module) is None:
            raise ConfigError(f"engine verl needs {module}, which is not installed: pip install 'rlvr[{extra}]'")


def train(
    config: str = typer.Argument(None, help="Recipe file (YAML or TOML) or shipped recipe name (default, laser_d, ...); none = the default recipe."),
    resume: bool = typer.Option(False, "--resume", help="Continue from the newest checkpoint in the output folder."),
    dry_run: bool = typer.Option(False, "--dry-run", help="verl: write data and config, print the command, do not run it. trl: validate and print the resolved recipe."),
    output: str = typer.Option(None, "--output", "-o", help="Output folder (overrides the recipe's `output`)."),
    steps: int = typer.Option(None, "--steps", help="Most training steps (overrides budget.steps)."),
    minutes: float = typer.Option(None, "--minutes", help="Training time budget in minutes (overrides budget.minutes)."),
    set_: list[str] = typer.Option(None, "--set", help="Override any key: --set algorithm.learning_rate=2e-5 (repeatable)."),
) -> None:
    """Train a policy with GRPO and verifiable rewards (TRL on one machine, verl on Ray clusters)."""
    from rlvr.train.config import load_config

    overrides = list(set_ or [])
    if output:
        overrides.append(f"output={output}")
    if steps is not None:
        overrides.append(f"budget.steps={steps}")
    if minutes is not None:
        overrides.append(f"budget.minutes={minutes}")
    try:
        recipe = load_config(config, overrides)
    except ValueError as err:
        _fail(str(err))
    try:
        run_recipe(recipe, resume=resume, dry_run=dry_run)
    except ValueError as err:
        _fail(str(err))
    except ImportError as err:
        _missing_module(err, "verl" if recipe.engine == "verl" else "train")


def run_recipe(recipe: "TrainConfig", resume: bool = False, dry_run: bool = False) -> None:
    """Dispatch a validated recipe to its engine and print where things went."""
    from rich.console import Console

    from rlvr.train.config import dump_yaml

    if recipe.engine == "verl":
        _check_verl_installed()
        from rlvr.train.verl_engine import prepare_verl, run_verl

        job = prepare_verl(recipe)
        note(f"wrote {job.train_file}, {job.val_file} and {job.config_file}")
        typer.echo(job.shell_command())
        if not dry_run:
            raise typer.Exit(run_verl(job))
        return
    if dry_run:
        typer.echo(dump_yaml(recipe))
        return
    from rlvr.train.trl_engine import train_trl

    result = train_trl(recipe, resume=resume, console=Console(stderr=True))
    note(f"stopped after {result.steps} steps ({result.stop_reason}); model in {result.final_model}; "
         f"report in {result.output / 'report.md'}")
    typer.echo(result.summary_line())


def demo(
    output: str = typer.Option(DEMO_OUTPUT, "--output", "-o", help="Output folder (replaced if it holds an earlier demo)."),
    steps: int = typer.Option(None, "--steps", min=1, help="Training steps (default: the recipe's)."),
) -> None:
    """The default recipe end to end: evaluate SmolLM2-135M-Instruct, train it with GRPO, evaluate again.

    A fixed number of steps from fixed seeds: the same numbers on any machine; only the time varies.
    """
    from rlvr.train.demo import run_demo

    try:
        result = run_demo(output, steps)
    except ValueError as err:
        _fail(str(err))
    except ImportError as err:
        _missing_module(err, "train")
    typer.echo(result.summary_line())
