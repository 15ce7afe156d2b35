"""`rlvr compare RUN_OR_EVAL_JSON ... [--out DIR]`: the LASER figure and behaviour rates side by side."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from rlvr.cli_support import fail, note

PNG_FILE = "compare.png"
MD_FILE = "compare.md"
JSON_FILE = "compare.json"


def checkpoints_folder(path: Path) -> Path | None:
    """The results folder that an `rlvr eval RUN --checkpoints --json FILE` table names (compare reads its last point)."""
    if path.suffix != ".json" or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None  # compare's own reader says what is wrong with it
    if isinstance(data, dict) and isinstance(data.get("points"), list) and isinstance(data.get("results"), str):
        return Path(data["results"])
    return None


def compare(
    inputs: list[Path] = typer.Argument(..., help="`rlvr eval --json` files and/or training runs evaluated with `rlvr eval RUN --checkpoints`."),
    out: Path = typer.Option(Path("compare"), "--out", help="Folder for compare.png, compare.md and compare.json."),
    labels: str = typer.Option(None, "--labels", help="Comma-separated names for the inputs, in order (default: file or folder names)."),
    allow_different: bool = typer.Option(False, "--allow-different", help="Compare inputs evaluated on different problems (warns instead of refusing)."),
) -> None:
    """Accuracy against mean response tokens with the Pareto front, and behaviour rates, for several models."""
    from rlvr.evaluate.compare import compare as run_compare
    from rlvr.evaluate.compare import markdown, plot

    names = [part.strip() for part in labels.split(",")] if labels else None
    try:
        entries, warnings = run_compare([checkpoints_folder(p) or p for p in inputs], names, allow_different)
    except ValueError as err:
        fail(err)
    for warning in warnings:
        note(warning)
    if out.exists() and not out.is_dir():
        fail(f"--out {out} is a file; name a folder")
    try:
        png = plot(entries, out / PNG_FILE)
    except ImportError as err:
        fail(f"cannot import {err.name or 'a module'} ({err}): pip install 'rlvr[plot]'")
    except OSError as err:
        fail(f"cannot write {out / PNG_FILE}: {err.strerror or err}")
    table = markdown(entries, PNG_FILE)
    try:
        (out / MD_FILE).write_text("# rlvr compare\n\n" + table, encoding="utf-8")
        (out / JSON_FILE).write_text(json.dumps({"inputs": [e.to_dict() for e in entries], "warnings": warnings},
                                                indent=2) + "\n", encoding="utf-8")
    except OSError as err:
        fail(f"cannot write into {out}: {err.strerror or err}")
    typer.echo(table)
    note(f"wrote {png}, {out / MD_FILE} and {out / JSON_FILE}")
