"""Show an `EvalResult` as a rich table, and write it as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from rlvr.evaluate.runner import EvalResult, Summary


def table(result: EvalResult, title: str | None = None) -> Table:
    """One row per (task, difficulty) and a final 'all' row."""
    ks = sorted(result.overall.pass_at_k)
    view = Table(title=title or f"rlvr eval: {result.model}", title_justify="left", box=box.SIMPLE_HEAD)
    # Short headers keep the table readable in an 80-column terminal.
    for name in ("task", "diff", "probs", "acc", *[f"pass@{k}" for k in ks], "tok mean", "tok med", "format", "trunc"):
        view.add_column(name, justify="left" if name == "task" else "right", no_wrap=True)
    for summary in [*result.groups, result.overall]:
        view.add_row(*_cells(summary, ks), end_section=summary is result.groups[-1])
    return view


def _cells(summary: Summary, ks: list[int]) -> list[str]:
    return [
        summary.task,
        "-" if summary.difficulty is None else str(summary.difficulty),
        str(summary.problems),
        f"{summary.accuracy:.3f}",
        *[f"{summary.pass_at_k[k]:.3f}" if k in summary.pass_at_k else "-" for k in ks],
        f"{summary.mean_tokens:.1f}",
        f"{summary.median_tokens:.1f}",
        f"{summary.format_rate:.3f}",
        f"{summary.truncated_rate:.3f}",
    ]


def show(result: EvalResult, console: Console | None = None, title: str | None = None) -> None:
    """Print the table."""
    if console is None:
        console = Console()
        if not console.is_terminal:
            console = Console(width=160)  # piped or captured output: never squeeze the numbers
    console.print(table(result, title))
    console.print("acc: mean verdict score; pass@k: unbiased estimator; tok: response tokens; "
                  "format: share with an extractable final answer; trunc: share cut at --max-tokens")


def write_json(result: EvalResult, path: str | Path, with_records: bool = True) -> Path:
    """Write the result (summaries, and every response unless told not to) as JSON."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(result.to_dict(with_records), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
