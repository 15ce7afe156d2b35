"""Tally every full-protocol LASER-D vs GRPO run recorded in RESULTS-laser-cpu.md.

    python benchmarks/train/tally.py

The full protocol is `make bench-train`'s: the current `laser_d` grid, both halves trained 20 + 20
minutes from a start built by the demo plus some minutes of plain GRPO, judged on all 100 held-out
sums. Rows of that kind are grouped by LASER-D recipe (the page's grid cell: the grid, with any
change to the target rule such as a prompt floor) and start model; for each group, and for each
recipe over `make bench-train`'s start and over all its starts, it prints how many seeds met the
target (tokens ratio <= 0.70 at >= -2 points), the mean of the per-seed ratios, the pooled ratio
(LASER-D's mean tokens over GRPO's, across seeds), both halves' mean accuracy, their mean per-seed
difference with its standard error, one-sided 95% bounds on the pooled ratio and the mean
difference, and the verdict across seeds (target.py says how).
benchmarks/train/run.py puts the same lines into RESULTS.md.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from target import SeedPair, across_seeds

HERE = Path(__file__).resolve().parent
PAGE = HERE / "RESULTS-laser-cpu.md"
CURRENT_GRID = "8..64, n=16, every 3 steps"  # the grid cell of every full-protocol row starts with it
FULL_PROTOCOL = ", 20 + 20 min each, seed "


# `make bench-train` builds its start as the demo plus 25 + 20 minutes of plain GRPO; the page
# labels each build of that start apart ("45-min start", "rebuilt 45-min start", ...).
PROTOCOL_START = "45-min start"
PROTOCOL_LABEL = "**make bench-train's start** (every 45-min start)"


@dataclass(frozen=True, kw_only=True)
class SeedRow(SeedPair):
    """One seed of one full-protocol comparison, as the all-runs table records it."""

    recipe: str
    start: str
    seed: int


def full_protocol_rows(text: str) -> list[SeedRow]:
    """The all-runs table's rows that ran the full protocol with the current grid."""
    rows = []
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 8 or not cells[0].startswith(CURRENT_GRID) or FULL_PROTOCOL not in cells[1]:
            continue
        start, _, rest = cells[1].partition(FULL_PROTOCOL)
        seed = int(re.match(r"\d+", rest).group())
        grpo = [float(x) for x in cells[3].split("/")]
        laser = [float(x) for x in cells[4].split("/")]
        rows.append(SeedRow(grpo[0], grpo[1], laser[0], laser[1], recipe=cells[0], start=start, seed=seed))
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


def tally_lines(text: str) -> list[str]:
    """Markdown: the tally per recipe and start model, the protocol's start, and all starts; empty without such rows."""
    rows = full_protocol_rows(text)
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
    if not PAGE.exists():
        print(f"no {PAGE.name} next to this script", file=sys.stderr)
        return 1
    lines = tally_lines(PAGE.read_text(encoding="utf-8"))
    if not lines:
        print(f"{PAGE.name} records no full-protocol run with the grid {CURRENT_GRID!r}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
