"""Tally every full-protocol LASER-D vs GRPO run recorded in RESULTS-laser-cpu.md.

    python benchmarks/train/tally.py

The full protocol is `make bench-train`'s: the current `laser_d` grid, both halves trained 20 + 20
minutes from a start built by the demo plus some minutes of plain GRPO, judged on all 100 held-out
sums. Rows of that kind are grouped by start model; for each start and for all of them together it
prints how many seeds met the target (tokens ratio <= 0.70 at >= -2 points), the mean of the per-seed
ratios, the pooled ratio (LASER-D's mean tokens over GRPO's, across seeds) and both halves' mean
accuracy. benchmarks/train/run.py puts the same lines into RESULTS.md.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGE = HERE / "RESULTS-laser-cpu.md"
CURRENT_GRID = "8..64, n=16, every 3 steps"
FULL_PROTOCOL = ", 20 + 20 min each, seed "


@dataclass(frozen=True)
class SeedRow:
    """One seed of one full-protocol comparison, as the all-runs table records it."""

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
        if len(cells) != 8 or cells[0] != CURRENT_GRID or FULL_PROTOCOL not in cells[1]:
            continue
        start, _, rest = cells[1].partition(FULL_PROTOCOL)
        seed = int(re.match(r"\d+", rest).group())
        grpo = [float(x) for x in cells[3].split("/")]
        laser = [float(x) for x in cells[4].split("/")]
        rows.append(SeedRow(start, seed, grpo[0], grpo[1], laser[0], laser[1]))
    return rows


def summary_line(label: str, rows: list[SeedRow]) -> str:
    """One table row: seeds met, mean and pooled tokens ratio, mean accuracies."""
    n = len(rows)
    met = sum(row.met for row in rows)
    mean_ratio = sum(row.ratio for row in rows) / n
    pooled = sum(row.laser_tokens for row in rows) / sum(row.grpo_tokens for row in rows)
    grpo_acc = sum(row.grpo_accuracy for row in rows) / n
    laser_acc = sum(row.laser_accuracy for row in rows) / n
    return (f"| {label} | {met} of {n} | {mean_ratio:.2f} | {pooled:.2f} | {grpo_acc:.3f} | {laser_acc:.3f} | "
            f"{(laser_acc - grpo_acc) * 100:+.1f} |")


def tally_lines(text: str) -> list[str]:
    """Markdown: the tally per start model and over every start; empty when the page has no such rows."""
    rows = full_protocol_rows(text)
    if not rows:
        return []
    starts = list(dict.fromkeys(row.start for row in rows))
    lines = ["| start model | seeds meeting the target | mean tokens ratio | pooled tokens ratio | "
             "grpo mean accuracy | laser_d mean accuracy | accuracy diff (points) |",
             "|---|---|---|---|---|---|---|"]
    lines += [summary_line(start, [row for row in rows if row.start == start]) for start in starts]
    if len(starts) > 1:
        lines.append(summary_line(f"**all {len(starts)} starts**", rows))
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
