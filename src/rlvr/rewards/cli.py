"""`rlvr rewards ...`."""

from __future__ import annotations

import typer

app = typer.Typer(help="Reward methods: list, plot.", no_args_is_help=True)
