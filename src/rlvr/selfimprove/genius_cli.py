"""`rlvr self-improve genius` (or a recipe file with `algorithm: genius`): the Genius branch of the command."""

from __future__ import annotations

import typer

from rlvr.cli_support import fail, note


def run_genius_command(source: str | None, overrides: list[str], *, resume: bool, dry_run: bool,
                       iterations: int | None) -> None:
    """Validate the Genius recipe, then run it (or print it with --dry-run); errors are one line."""
    from rlvr.selfimprove.genius_config import dump_genius_yaml, load_genius_config

    if iterations is not None:
        fail("--iterations: a Genius run is one pass of re-sampling and ACO training; it has no iterations")
    if resume:
        fail("--resume: a Genius run is one pass and is not resumable; start it again with another --output")
    try:
        recipe = load_genius_config(source, overrides)
    except ValueError as err:
        fail(str(err))
    if dry_run:
        typer.echo(dump_genius_yaml(recipe))
        return
    try:
        from rich.console import Console

        from rlvr.selfimprove.genius_run import run_genius

        result = run_genius(recipe, console=Console(stderr=True))
    except ValueError as err:
        fail(str(err))
    except ImportError as err:
        fail(f"cannot import {err.name or 'a module'} ({err}): pip install 'rlvr[train]'")
    note(f"model in {result.final_model}; pairs and summary in {result.output}")
    typer.echo(result.summary_line())
