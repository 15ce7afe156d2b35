"""The `rlvr` command line: a thin shell over each capability's own `cli` module.

Each sub-module imports its heavy dependencies inside the commands, so
`rlvr --help` stays fast on the core install.
"""

from __future__ import annotations

import typer
from typer.core import TyperGroup

from rlvr import __version__
from rlvr.analysis import cli as analysis_cli
from rlvr.cli_support import Terminated, interrupted, terminate_as_interrupt, terminated
from rlvr.evaluate import cli as evaluate_cli
from rlvr.evaluate import compare_cli
from rlvr.execute import cli as execute_cli
from rlvr.ilo import cli as ilo_cli
from rlvr.merging import cli as merging_cli
from rlvr.preselect import cli as preselect_cli
from rlvr.rewards import cli as rewards_cli
from rlvr.selfimprove import cli as selfimprove_cli
from rlvr.serve import cli as serve_cli
from rlvr.tasks import cli as tasks_cli
from rlvr.train import cli as train_cli
from rlvr.verify import cli as verify_cli


class Commands(TyperGroup):
    """The command group: Ctrl-C (SIGTERM) anywhere in a command ends it with one line and exit code 130 (143).

    Both unwind as exceptions, so output files written through `rlvr.atomic` are removed.
    """

    def invoke(self, ctx: typer.Context) -> object:
        try:
            with terminate_as_interrupt():
                return super().invoke(ctx)
        except Terminated:
            terminated()
        except KeyboardInterrupt:
            interrupted()


app = typer.Typer(
    name="rlvr",
    cls=Commands,
    help="Reinforcement learning from verifiable rewards: verify answers, make tasks, shape rewards, train.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"rlvr {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """rlvr: verifiers, verifiable tasks, reward shaping and training recipes for reasoning models."""


app.command("verify")(verify_cli.verify)
app.add_typer(tasks_cli.app, name="tasks")
app.add_typer(rewards_cli.app, name="rewards")
app.command("train")(train_cli.train)
app.command("eval")(evaluate_cli.evaluate)
app.command("demo")(train_cli.demo)
app.command("self-improve")(selfimprove_cli.self_improve)
app.command("serve")(serve_cli.serve)
app.command("execute")(execute_cli.execute)
app.command("analyze")(analysis_cli.analyze)
app.command("ilo")(ilo_cli.ilo)
app.command("ilo-extract")(ilo_cli.ilo_extract)
app.command("merge")(merging_cli.merge)
app.command("diff")(merging_cli.diff)
app.command("compare")(compare_cli.compare)
app.add_typer(preselect_cli.app, name="preselect")


if __name__ == "__main__":  # pragma: no cover
    app()
