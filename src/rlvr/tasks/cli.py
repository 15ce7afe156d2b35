"""`rlvr tasks ...`."""

from __future__ import annotations

import typer

app = typer.Typer(help="Verifiable task families: list, show, export.", no_args_is_help=True)
