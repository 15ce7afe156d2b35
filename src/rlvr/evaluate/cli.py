"""`rlvr eval`."""

from __future__ import annotations

import typer


def evaluate(model: str = typer.Argument("default", help="Model path, cached HF id, or 'default'.")) -> None:
    """Evaluate a model on verifiable tasks."""
    raise typer.Exit(2)
