"""`rlvr rewards ...`: list the methods, plot their reward curves."""

from __future__ import annotations

import json
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any

import typer

from rlvr.cli_support import fail
from rlvr.rewards.base import RewardError, RewardMethod

app = typer.Typer(help="Reward methods: list, plot.", no_args_is_help=True)


def _defaults(cls: type[RewardMethod]) -> str:
    parts = []
    for item in fields(cls.Config):
        default = item.default if item.default is not MISSING else item.default_factory()  # type: ignore[misc]
        parts.append(f"{item.name}={default}")
    return "\n".join(parts) or "-"


@app.command("list")
def list_methods() -> None:
    """Every reward method with its parameters (defaults), formula and source."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from rlvr.rewards.registry import RECIPES, method_class, names

    table = Table(title="rlvr reward methods", show_lines=True)
    table.add_column("method", style="bold cyan", no_wrap=True)
    table.add_column("parameters (defaults)", overflow="fold")
    table.add_column("formula", overflow="fold")
    table.add_column("source", overflow="fold")
    for name in names():
        cls = method_class(name)
        table.add_row(name, Text(_defaults(cls)), Text(cls.formula), Text(cls.source))
    console = Console()
    console.print(table)
    recipes = ", ".join(f"{key} = {' + '.join(f'{w:g}*{n}' for n, w in members)}" for key, members in RECIPES.items())
    console.print(Text("recipes (rlvr.rewards.recipe(name)): ", style="bold") + Text(recipes))


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def parse_params(pairs: list[str], methods: list[str]) -> dict[str, dict[str, Any]]:
    """`k=v` applies to every named method that has parameter k; `method.k=v` to one method."""
    from rlvr.rewards.registry import method_class

    per_method: dict[str, dict[str, Any]] = {name: {} for name in methods}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise RewardError(f"--param takes key=value (or method.key=value); got {pair!r}")
        target, dot, field_name = key.rpartition(".")
        if dot and target not in per_method:
            raise RewardError(f"--param {pair!r} names method {target!r}, which is not being plotted")
        chosen = [target] if dot else [name for name in methods if field_name in {f.name for f in fields(method_class(name).Config)}]
        if not chosen:
            raise RewardError(f"no plotted method has a parameter named {field_name!r}; see `rlvr rewards list`")
        for name in chosen:
            per_method[name][field_name] = _value(raw)
    return per_method


@app.command("plot")
def plot(
    methods: list[str] = typer.Argument(..., help="Method names (see `rlvr rewards list`)."),
    out: Path = typer.Option(Path("rewards.png"), "--out", "-o", help="PNG file to write."),
    max_len: int = typer.Option(0, "--max-len", help="Longest response length on the x axis (0: from the methods' settings)."),
    param: list[str] = typer.Option([], "--param", "-p", help="k=v for every method with k, or method.k=v; repeatable."),
    step: int = typer.Option(0, "--step", help="Training step for staged methods (ThinkPrune's limit)."),
) -> None:
    """Reward against response length, correct vs incorrect, one panel per method."""
    from rlvr.rewards.curves import suggested_max_len
    from rlvr.rewards.plot import plot_methods
    from rlvr.rewards.registry import get

    try:
        params = parse_params(param, methods)
        built = [get(name, **params[name]) for name in methods]
        for method in built:
            method.on_step(step)
        length = max_len or max(suggested_max_len(method) for method in built)
        written = plot_methods(built, out, max_len=length)
    except RewardError as err:
        fail(err)
    typer.echo(f"wrote {written}")
