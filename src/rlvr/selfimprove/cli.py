"""`rlvr self-improve`: B-STaR or fixed-temperature STaR/RFT on a model's own accepted samples."""

from __future__ import annotations

import typer

from rlvr.cli_support import fail, note


def self_improve(
    config: str = typer.Argument(None, help="Recipe file (YAML or TOML) or shipped recipe name (bstar, star, genius); none = bstar."),
    resume: bool = typer.Option(False, "--resume", help="Continue after the newest finished iteration in the output folder."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and print the resolved recipe; run nothing."),
    output: str = typer.Option(None, "--output", "-o", help="Output folder (overrides the recipe's `output`)."),
    iterations: int = typer.Option(None, "--iterations", help="Iterations (overrides `iterations`)."),
    set_: list[str] = typer.Option(None, "--set", help="Override any key: --set sampling.k=16 (repeatable)."),
) -> None:
    """Sample K responses per prompt, keep those the reward accepts, SFT on them, repeat; B-STaR picks T (and tau)."""
    from rlvr.selfimprove.config import dump_yaml, load_config

    overrides = list(set_ or [])
    if output:
        overrides.append(f"output={output}")
    from rlvr.selfimprove.genius_config import recipe_algorithm

    if recipe_algorithm(config) == "genius":   # Genius: foresight re-sampling + ACO (genius_cli.py)
        from rlvr.selfimprove.genius_cli import run_genius_command

        run_genius_command(config, overrides, resume=resume, dry_run=dry_run, iterations=iterations)
        return
    if iterations is not None:
        overrides.append(f"iterations={iterations}")
    try:
        recipe = load_config(config, overrides)
    except ValueError as err:
        fail(str(err))
    if dry_run:
        typer.echo(dump_yaml(recipe))
        return
    try:
        from rich.console import Console

        from rlvr.selfimprove.loop import run_selfimprove

        result = run_selfimprove(recipe, resume=resume, console=Console(stderr=True))
    except ValueError as err:
        fail(str(err))
    except ImportError as err:
        fail(f"cannot import {err.name or 'a module'} ({err}): pip install 'rlvr[train]'")
    note(f"model in {result.final_model}; report in {result.output / 'report.md'}")
    typer.echo(result.summary_line())
