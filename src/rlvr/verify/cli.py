"""`rlvr verify FILE.jsonl`."""

from __future__ import annotations

import typer


def verify(file: str = typer.Argument(..., help="JSON lines with 'response' and 'gold'.")) -> None:
    """Verify responses against gold answers, one verdict per line."""
    raise typer.Exit(2)
