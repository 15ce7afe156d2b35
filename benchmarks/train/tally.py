"""Tally every full-protocol LASER-D vs GRPO run recorded in RESULTS-laser-cpu.md.

    python benchmarks/train/tally.py

The full protocol is `make bench-train`'s: the current `laser_d` grid, both halves trained 20 + 20
minutes from a start built by the demo plus some minutes of plain GRPO, judged on all 100 held-out
sums. Rows of that kind are grouped by LASER-D recipe (the page's grid cell: the grid, with any
change to the target rule such as a prompt floor) and start model; for each group, and for each
recipe over all its starts, it prints how many seeds met the target (tokens ratio <= 0.70 at >= -2
points), the mean of the per-seed ratios, the pooled ratio (LASER-D's mean tokens over GRPO's, across
seeds), both halves' mean accuracy and their mean per-seed difference with its standard error.
benchmarks/train/run.py puts the same lines into RESULTS.md.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGE = HERE / "RESULTS-laser-cpu.md"
CURRENT_GRID = "8..64, n=16, every 3 steps"  # the grid cell of every full-protocol row starts with it
FULL_PROTOCOL = ", 20 + 20 min each, seed "


@dataclass(frozen=True)
class SeedRow:
    """One seed of one full-protocol comparison, as the all-runs table records it."""

    recipe: str
    start: str
    seed: int
    grpo_accuracy: float
    grpo_tokens: float
    laser_accuracy: float
    laser_tokens: float

    @property
    def ratio(self) -> float:
        return self.laser_tokens / self.grpo_tokens

    @property
    def diff_points(self) -> float:
        return (self.laser_accuracy - self.grpo_accuracy) * 100

    @property
    def met(self) -> bool:
        # Rounded like run.py's verdicts: 0.96 - 0.98 is 2 points, not 2.0000000000000018.
        return round(self.ratio, 9) <= 0.70 and round(self.diff_points, 9) >= -2.0


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
        rows.append(SeedRow(cells[0], start, seed, grpo[0], grpo[1], laser[0], laser[1]))
    return rows


def summary_line(label: str, rows: list[SeedRow]) -> str:
    """One table row: seeds met, mean and pooled tokens ratio, mean accuracies."""
    n = len(rows)
    met = sum(row.met for row in rows)
    mean_ratio = sum(row.ratio for row in rows) / n
    pooled = sum(row.laser_tokens for row in rows) / sum(row.grpo_tokens for row in rows)
    grpo_acc = sum(row.grpo_accuracy for row in rows) / n
    laser_acc = sum(row.laser_accuracy for row in rows) / n
    diff = (laser_acc - grpo_acc) * 100
    # Paired by seed: the standard error of the mean per-seed difference says how far apart the
    # halves could be given the seed-to-seed spread (one seed alone: no spread to measure).
    spread = ""
    if n > 1:
        variance = sum((row.diff_points - diff) ** 2 for row in rows) / (n - 1)
        spread = f" ± {(variance / n) ** 0.5:.1f}"
    return (f"| {label} | {met} of {n} | {mean_ratio:.2f} | {pooled:.2f} | {grpo_acc:.3f} | {laser_acc:.3f} | "
            f"{diff:+.1f}{spread} |")


def tally_lines(text: str) -> list[str]:
    """Markdown: the tally per recipe and start model, and per recipe over its starts; empty without such rows."""
    rows = full_protocol_rows(text)
    if not rows:
        return []
    lines = ["| laser_d recipe | start model | seeds meeting the target | mean tokens ratio | pooled tokens ratio | "
             "grpo mean accuracy | laser_d mean accuracy | accuracy diff (points, ± standard error) |",
             "|---|---|---|---|---|---|---|---|"]
    for recipe in dict.fromkeys(row.recipe for row in rows):
        ours = [row for row in rows if row.recipe == recipe]
        starts = list(dict.fromkeys(row.start for row in ours))
        lines += [f"| {recipe} " + summary_line(start, [row for row in ours if row.start == start])
                  for start in starts]
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
