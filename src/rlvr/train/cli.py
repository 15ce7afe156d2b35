"""`rlvr train` and `rlvr demo`."""

from __future__ import annotations

import typer


def train(config: str = typer.Argument(None, help="Recipe file (YAML or TOML); none = the default recipe.")) -> None:
    """Train a policy with GRPO and verifiable rewards."""
    raise typer.Exit(2)


def demo() -> None:
    """Run the default recipe on the embedded model."""
    raise typer.Exit(2)
