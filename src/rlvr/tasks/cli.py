"""`rlvr tasks ...`: list, show, export and check verifiable task families."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NoReturn

import typer

from rlvr.atomic import OutputError
from rlvr.cli_support import fail, note, track
from rlvr.tasks.base import TaskError
from rlvr.verify.verdict import Verdict

app = typer.Typer(help="Verifiable task families: list, show, export, check.", no_args_is_help=True)

# What a family's check raises when a hand-made problem lacks the metadata it reads.
MALFORMED_PROBLEM = (KeyError, IndexError, TypeError, AttributeError, ValueError)


def _fail(err: Exception) -> NoReturn:
    fail(err)


@app.command("list")
def list_families(
    markdown: bool = typer.Option(False, "--markdown", help="Print the docs/tasks.md table instead."),
    category: str = typer.Option("", "--category", "-c", help="Only this category (grid, arithmetic, logic, ...)."),
) -> None:
    """Show every family with its category, knobs at difficulty 5 and a short example."""
    from rlvr.tasks.catalog import cards, excerpt, knob_text, markdown as render_markdown

    if markdown:
        typer.echo(render_markdown())
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title="rlvr task families", show_lines=False)
    table.add_column("family", no_wrap=True)
    table.add_column("category", no_wrap=True)
    for column in ("knobs at difficulty 5", "example (difficulty 3)", "answer"):
        table.add_column(column, overflow="fold")
    shown = [c for c in cards() if not category or c.category == category]
    if not shown:
        _fail(TaskError(f"no family in category {category!r}"))
    for c in shown:
        answer = c.example.answer if len(c.example.answer) <= 40 else c.example.answer[:37] + "..."
        # Text cells: prompts and answers hold brackets that rich would read as markup.
        table.add_row(*(Text(cell) for cell in (c.name, c.category, knob_text(c.knobs[5]),
                                                excerpt(c.example.prompt, 90), answer)))
    Console().print(table)


@app.command("show")
def show(
    name: str = typer.Argument(..., help="Family name (see `rlvr tasks list`)."),
    difficulty: int = typer.Option(5, "--difficulty", "-d", help="1 (easiest) to 10."),
    seed: int = typer.Option(0, "--seed", "-s"),
    index: int = typer.Option(0, "--index", "-i", help="Which item of the stream."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole problem as JSON."),
) -> None:
    """Print one problem and its answer."""
    from rlvr.tasks.base import get

    try:
        problem = get(name).problem(index, seed=seed, difficulty=difficulty)
    except TaskError as err:
        _fail(err)
    if as_json:
        typer.echo(json.dumps(problem.to_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(f"# {problem.id}\n")
    typer.echo(problem.prompt)
    typer.echo(f"\n# answer\n{problem.answer}")


@app.command("export")
def export_command(
    tasks: str = typer.Option(..., "--tasks", "-t", help="Comma-separated families, e.g. sudoku,zebra."),
    n: int = typer.Option(1000, "--n", "-n", help="Total rows; families take turns."),
    output: Path = typer.Option(..., "--output", "-o", help="out.parquet or out.jsonl"),
    fmt: str = typer.Option("verl", "--format", "-f", help="verl, trl or jsonl (plain problems)."),
    difficulty: int = typer.Option(
        None, "--difficulty", "-d",
        help="1 (easiest) to 10; default 5, and for dataset families (math500, gsm8k, ...) the whole dataset.",
    ),
    seed: int = typer.Option(0, "--seed", "-s"),
    weights: str = typer.Option("", "--weights", help="Comma-separated weights per task (random mixture)."),
    system_prompt: str = typer.Option("", "--system-prompt", help="Optional system message for chat rows."),
    split: str = typer.Option("train", "--split", help="train or test (recorded in verl rows)."),
) -> None:
    """Write problems as a verl/TRL dataset (parquet) or JSON lines; dataset problems appear once each."""
    from rlvr.tasks.export import export

    try:
        names = [t.strip() for t in tasks.split(",") if t.strip()]
        try:
            weight_list = [float(w) for w in weights.split(",")] if weights.strip() else None
        except ValueError:
            raise TaskError(f"--weights must be comma-separated numbers, got {weights!r}") from None
        count = export(
            names, n, output, fmt=fmt, difficulty=difficulty, seed=seed, weights=weight_list,
            system_prompt=system_prompt or None, split=split,
            progress=lambda rows: track(rows, f"export {','.join(names)}", n),
            warn=lambda message: note(f"warning: {message}"),
        )
    except (TaskError, OutputError) as err:
        _fail(err)
    typer.echo(f"wrote {count} {fmt} rows to {output}")


@app.command("check")
def check_command(
    file: Path = typer.Argument(..., help="JSON lines with `response` plus an exported row or a problem."),
    name: str = typer.Option("", "--task", help="Family to use when a line does not say."),
) -> None:
    """Check responses: one verdict per line as JSON, then the accuracy."""
    if not file.is_file():
        _fail(TaskError(f"no such file: {file}"))
    correct = total = 0
    try:
        with file.open("rb") as lines:
            for number, raw in enumerate(lines, start=1):
                where = f"{file}:{number}"
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    _fail(TaskError(f"{where}: not UTF-8 text"))
                if not line.strip():
                    continue
                verdict = _check_line(line, name or None, where)
                typer.echo(json.dumps(verdict.to_dict(), ensure_ascii=False))
                correct += verdict.correct
                total += 1
    except OSError as err:
        _fail(TaskError(f"cannot read {file}: {err.strerror or err}"))
    typer.echo(f"{correct}/{total} correct", err=True)


def _check_line(line: str, task: str | None, where: str) -> Verdict:
    """The verdict for one JSON line; a one-line error naming `where` for anything unusable."""
    from rlvr.tasks.checking import check_record

    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        # A last line without its newline is usually a file cut short mid-write.
        cut = " (the file ends mid-line: is it cut short?)" if not line.endswith("\n") else ""
        _fail(TaskError(f"{where}: not valid JSON: {err.msg}{cut}"))
    try:
        return check_record(record, default_task=task)
    except TaskError as err:
        _fail(TaskError(f"{where}: {err}"))
    except MALFORMED_PROBLEM as err:
        # A family's check trusts its own problems; one written by hand may lack a field.
        _fail(TaskError(f"{where}: cannot check this line ({type(err).__name__}: {err}); is the problem "
                        "complete? Pass a whole exported row or a `rlvr tasks show --json` problem"))
