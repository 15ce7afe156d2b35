"""Does difficulty really grow? Settings and measured effort of every family at difficulty 1..10.

For each family and level: the knobs `config_for` sets, the median and mean of
`metadata["effort"]` (each family's own size or solver-effort measure, see EFFORT), how
many of the sampled prompts are distinct, generation speed, and for families where the
audit found a gap between setting and outcome, the outcome itself (sudoku's real blanks,
futoshiki's given digits, norinori's revealed cells, ...). Items are seed 0, index 0, 1, ...
per level, time-boxed. Writes difficulty.json (read by make_docs.py for docs/tasks.md)
and difficulty.png; `run.py` also uses `measure_all`, `plot` and `section`.

    python benchmarks/tasks/difficulty.py [--items 24] [--seconds 1.5] [--families sudoku,futoshiki]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rlvr.tasks import Problem, get, names

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "difficulty.json"
LEVELS = range(1, 11)

_CELLS_NODES = "unknown cells + solver nodes"
# What `metadata["effort"]` counts in each family.
EFFORT: dict[str, str] = {
    "aime24": "tenth by problem number", "amc23": "tenth by problem number",
    "gsm8k": "calculation steps of the reference", "math500": "level and solution length",
    "alphabet_sort": "comparisons to sort", "arithmetic": "operations + digits + brackets",
    "arrow_maze": _CELLS_NODES, "binairo": "blank cells + solver nodes",
    "boolean_expression": "expression size", "buggy_table_qa": "rows x (1 + bugs)",
    "cipher": "letters x key work", "code_input": "lines the function executes",
    "code_output": "lines the function executes", "humaneval": "lines of the reference solution",
    "countdown": "numbers the planted solution combines",
    "cryptarithm": "letters x columns, + solver nodes when proved unique",
    "digit_restoration": "hidden digits (uniqueness caps them)",
    "dyck_completion": "prefix + completion length", "dyck_error": "error position + length / 4",
    "futoshiki": "blank cells + solver nodes", "graph_coloring": "edges",
    "hanoi_sliding": "optimal / known plan length", "hidato": "blank cells + solver nodes",
    "kakurasu": _CELLS_NODES, "kenken": _CELLS_NODES, "knights_knaves": "truth-table rows checked",
    "light_up": "white cells + solver nodes", "magic_square": "blank cells", "maze": "shortest path length",
    "minesweeper": "hidden cells + solver nodes", "nonogram": _CELLS_NODES, "norinori": _CELLS_NODES,
    "nurikabe": "cells + solver nodes", "object_swaps": "trades", "operator_redefinition": "operations",
    "property_tracking": "events x objects", "sat": "solver nodes + clauses", "scheduling": "busy blocks",
    "sequence_induction": "rule parameters x 4 + terms asked + digits",
    "skyscrapers": "blank cells + missing edge clues + solver nodes",
    "sort_trace_error": "length x steps", "spatial_relations": "nodes + edges or depth",
    "star_battle": _CELLS_NODES, "sudoku": "solver nodes of the uniqueness proof",
    "syllogisms": "premises x 2^terms", "tents": "tents to place + solver nodes",
    "web_of_lies": "people", "word_problems": "steps", "zebra": "solver nodes",
}


def _board_count(problem: Problem, keep: Callable[[str], bool]) -> int:
    return sum(1 for row in problem.metadata["board"] for cell in row if keep(str(cell)))


# Outcomes where a setting and the puzzle could part ways (the audit found sudoku's 64 blanks
# giving 57, futoshiki's 0% givens giving ~30%, norinori revealing half its shaded cells).
OUTCOMES: dict[str, tuple[str, Callable[[Problem], float]]] = {
    "sudoku": ("blanks", lambda p: p.metadata["blanks"]),
    "futoshiki": ("given digits", lambda p: _board_count(p, lambda c: c != "_")),
    "skyscrapers": ("clues shown (digits + edges)",
                    lambda p: _board_count(p, lambda c: c != "_") + len(p.metadata["clues"])),
    "binairo": ("shown cells", lambda p: _board_count(p, lambda c: c != ".")),
    "kakurasu": ("shown cells", lambda p: _board_count(p, lambda c: c != "?")),
    "kenken": ("one-cell cages + given cells",
               lambda p: len(p.metadata["givens"]) + sum(len(cage["cells"]) == 1 for cage in p.metadata["cages"])),
    "norinori": ("revealed shaded cells", lambda p: len(p.metadata["givens"])),
    "star_battle": ("known cells (stars + empty)",
                    lambda p: len(p.metadata["givens"]) + len(p.metadata["empties"])),
    "digit_restoration": ("hidden digits", lambda p: p.metadata["hidden_digits"]),
}


def measure_level(name: str, difficulty: int, items: int, seconds: float) -> dict[str, Any]:
    """One level: knobs, effort statistics, distinct prompts and speed over up to `items` problems."""
    task = get(name)
    problems: list[Problem] = []
    start = time.perf_counter()
    for index in range(items):
        problems.append(task.problem(index, seed=0, difficulty=difficulty))
        if len(problems) >= 3 and time.perf_counter() - start > seconds:
            break
    elapsed = time.perf_counter() - start
    efforts = [float(p.metadata["effort"]) for p in problems]
    row: dict[str, Any] = {
        "difficulty": difficulty,
        "knobs": problems[0].metadata["knobs"],
        "items": len(problems),
        "effort_median": statistics.median(efforts),
        "effort_mean": round(statistics.fmean(efforts), 3),
        "distinct": len({p.prompt for p in problems}),
        "per_second": round(len(problems) / elapsed, 1),
    }
    if name in OUTCOMES:
        label, read = OUTCOMES[name]
        row["outcome"] = {"label": label, "median": statistics.median(read(p) for p in problems)}
    return row


def measure(name: str, items: int, seconds: float) -> list[dict[str, Any]]:
    return [measure_level(name, d, items, seconds) for d in LEVELS]


def measure_all(items: int, seconds: float, families: list[str] | None = None) -> dict[str, list[float]]:
    """Mean effort per level for every family (the curves `plot` and `section` take)."""
    return {name: [row["effort_mean"] for row in measure(name, items, seconds)] for name in families or names()}


def plot(curves: dict[str, list[float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    categories = sorted({get(n).category for n in curves})
    fig, axes = plt.subplots(2, (len(categories) + 1) // 2, figsize=(13, 7), sharey=True)
    for ax, category in zip(axes.flat, categories):
        for name, means in sorted(curves.items()):
            if get(name).category == category:
                top = max(means) or 1.0
                ax.plot(list(LEVELS), [m / top for m in means], marker=".", label=name)
        ax.set_title(category)
        ax.set_xticks(list(LEVELS))
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(categories):]:
        ax.axis("off")
    fig.supxlabel("difficulty")
    fig.supylabel("mean effort / largest mean effort")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def section(curves: dict[str, list[float]], items: int) -> list[str]:
    """Markdown lines for RESULTS.md: the mean-effort table (headings at level 2)."""
    lines = [
        "## Does difficulty grow?",
        "",
        f"Mean `metadata[\"effort\"]` (each family's own size or solver-effort measure) over up to {items} "
        "problems per difficulty, seed 0 (`benchmarks/tasks/difficulty.py`; settings and medians per level are in "
        "docs/tasks.md). `rises` counts the steps from one difficulty to the next where the mean does not fall; with "
        "few items per level a step can dip by chance.",
        "",
        "| family | category | effort at 1 | at 5 | at 10 | 10 / 1 | rises (of 9) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, means in sorted(curves.items(), key=lambda kv: (get(kv[0]).category, kv[0])):
        rises = sum(b >= a for a, b in zip(means, means[1:]))
        growth = f"{means[-1] / means[0]:.1f}x" if means[0] else "-"
        lines.append(f"| `{name}` | {get(name).category} | {means[0]:.1f} | {means[4]:.1f} | {means[-1]:.1f} "
                     f"| {growth} | {rises} |")
    lines += ["", "![effort by difficulty](difficulty.png)", ""]
    return lines


def dumps(stored: dict[str, Any]) -> str:
    """The results as JSON with one line per family and level (readable diffs, a small file)."""
    head = {key: value for key, value in stored.items() if key != "families"}
    families = [f"  {json.dumps(name)}: [\n" + ",\n".join(f"   {json.dumps(row)}" for row in rows) + "\n  ]"
                for name, rows in stored["families"].items()]
    return (json.dumps(head)[:-1] + ',\n "families": {\n' + ",\n".join(families) + "\n }\n}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=24, help="problems per family and level (at most)")
    parser.add_argument("--seconds", type=float, default=1.5, help="time box per family and level")
    parser.add_argument("--families", default="", help="comma-separated; others keep their stored rows")
    args = parser.parse_args()
    chosen = [n for n in args.families.split(",") if n] or names()
    unknown = sorted(set(chosen) - set(names()))
    if unknown:
        raise SystemExit(f"unknown families: {', '.join(unknown)}")
    stored = json.loads(RESULTS.read_text()) if RESULTS.exists() and args.families else {"families": {}}
    for name in chosen:
        started = time.perf_counter()
        stored["families"][name] = measure(name, args.items, args.seconds)
        medians = [row["effort_median"] for row in stored["families"][name]]
        print(f"{name:<22} {time.perf_counter() - started:5.1f}s  median effort {medians}", flush=True)
    stored["families"] = dict(sorted(stored["families"].items()))
    stored.update(items=args.items, seconds=args.seconds, seed=0)
    RESULTS.write_text(dumps(stored))
    curves = {name: [row["effort_mean"] for row in rows] for name, rows in stored["families"].items()}
    plot(curves, HERE / "difficulty.png")
    print(f"wrote {RESULTS} and {HERE / 'difficulty.png'}")


if __name__ == "__main__":
    main()
