"""Tally every full-protocol LASER-D vs GRPO seed recorded in seeds.csv.

    python benchmarks/train/tally.py

The full protocol is `make bench-train`'s: the current `laser_d` grid, both halves trained 20 + 20
minutes from a start built by the demo plus some minutes of plain GRPO, judged on all 100 held-out
sums. seeds.csv holds one row per seed of such a run (added by hand after each run: run.py's table
gives the figures). Rows are grouped by LASER-D recipe (the grid, with any change to the target
rule such as a prompt floor) and start model; for each group, and for each recipe over `make
bench-train`'s start and over all its starts, it prints how many seeds met the target (tokens ratio
<= 0.70 at >= -2 points), the mean of the per-seed ratios, the pooled ratio (LASER-D's mean tokens
over GRPO's, across seeds), both halves' mean accuracy, their mean per-seed difference with its
standard error, one-sided 95% bounds on the pooled ratio and the mean difference, and the verdict
across seeds (target.py says how). benchmarks/train/run.py puts the same lines into RESULTS.md.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from target import SeedPair, across_seeds

HERE = Path(__file__).resolve().parent
SEEDS = HERE / "seeds.csv"
CURRENT_GRID = "8..64, n=16, every 3 steps"  # the recipe cell of every row starts with it
SHIPPED_RECIPE = CURRENT_GRID  # the shipped laser_d recipe: the grid with no change to the target rule
COLUMNS = ("recipe", "start", "seed", "grpo_steps", "laser_steps", "grpo_accuracy", "grpo_tokens",
           "laser_accuracy", "laser_tokens")


# `make bench-train` builds its start as the demo plus 25 + 20 minutes of plain GRPO; seeds.csv
# labels each build of that start apart ("45-min start", "rebuilt 45-min start", ...).
PROTOCOL_START = "45-min start"
PROTOCOL_LABEL = "**make bench-train's start** (every 45-min start)"


@dataclass(frozen=True, kw_only=True)
class SeedRow(SeedPair):
    """One seed of one full-protocol comparison, as seeds.csv records it."""

    recipe: str
    start: str
    seed: int
    grpo_steps: int
    laser_steps: int


class SeedsError(ValueError):
    """seeds.csv does not have the expected columns or values."""


def read_rows(text: str) -> list[SeedRow]:
    """seeds.csv's rows with the current grid; a malformed file raises SeedsError naming the line."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise SeedsError(f"seeds.csv: expected the columns {','.join(COLUMNS)}; got {reader.fieldnames}")
    rows = []
    for record in reader:
        if not record["recipe"].startswith(CURRENT_GRID):
            continue
        try:
            rows.append(SeedRow(float(record["grpo_accuracy"]), float(record["grpo_tokens"]),
                                float(record["laser_accuracy"]), float(record["laser_tokens"]),
                                recipe=record["recipe"], start=record["start"], seed=int(record["seed"]),
                                grpo_steps=int(record["grpo_steps"]), laser_steps=int(record["laser_steps"])))
        except (TypeError, ValueError) as error:  # TypeError: a short line leaves cells None
            raise SeedsError(f"seeds.csv line {reader.line_num}: {error}") from None
    return rows


def summary_line(label: str, rows: list[SeedRow]) -> str:
    """One table row: seeds met, tokens ratios, mean accuracies, accuracy difference, bounds, verdict."""
    judged = across_seeds(rows)
    grpo_acc = sum(row.grpo_accuracy for row in rows) / len(rows)
    laser_acc = sum(row.laser_accuracy for row in rows) / len(rows)
    spread = f" ± {judged.diff_standard_error:.1f}" if judged.diff_standard_error is not None else ""
    return (f"| {label} | {judged.seeds_met} of {judged.seeds} | {judged.mean_ratio:.2f} | {judged.pooled_ratio:.2f} | "
            f"{grpo_acc:.3f} | {laser_acc:.3f} | {judged.mean_diff:+.1f}{spread} | {judged.bounds_text} | {judged.label} |")


TABLE_HEADER = ["| laser_d recipe | start model | seeds meeting the target | mean tokens ratio | pooled tokens ratio | "
                "grpo mean accuracy | laser_d mean accuracy | accuracy diff (points, ± standard error) | "
                "95% bounds: pooled ratio / accuracy diff | across seeds |",
                "|---|---|---|---|---|---|---|---|---|---|"]


def tally_lines(rows: list[SeedRow]) -> list[str]:
    """Markdown: the tally per recipe and start model, the protocol's start, and all starts; empty without rows."""
    if not rows:
        return []
    lines = list(TABLE_HEADER)
    for recipe in dict.fromkeys(row.recipe for row in rows):
        ours = [row for row in rows if row.recipe == recipe]
        starts = list(dict.fromkeys(row.start for row in ours))
        lines += [f"| {recipe} " + summary_line(start, [row for row in ours if row.start == start])
                  for start in starts]
        protocol = [row for row in ours if row.start.endswith(PROTOCOL_START)]
        if len({row.start for row in protocol}) > 1:
            lines.append(f"| {recipe} " + summary_line(PROTOCOL_LABEL, protocol))
        if len(starts) > 1:
            lines.append(f"| {recipe} " + summary_line(f"**all {len(starts)} starts**", ours))
    return lines


def main() -> int:
    if not SEEDS.exists():
        print(f"no {SEEDS.name} next to this script", file=sys.stderr)
        return 1
    try:
        lines = tally_lines(read_rows(SEEDS.read_text(encoding="utf-8")))
    except SeedsError as error:
        print(error, file=sys.stderr)
        return 1
    if not lines:
        print(f"{SEEDS.name} records no full-protocol run with the grid {CURRENT_GRID!r}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
