"""Does difficulty really grow? Mean `metadata["effort"]` per family at difficulty 1..10.

Effort is each family's own size or solver-effort measure (cells to fill, search nodes,
clauses, ...), so curves are normalised to the family's largest mean. `run.py` puts the
table into RESULTS.md; run alone, this prints it and writes difficulty.png.

    python benchmarks/tasks/difficulty.py [--items 6] [--seconds 0.5]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rich.progress import Progress

from rlvr.tasks import get, names

HERE = Path(__file__).resolve().parent
LEVELS = range(1, 11)


def mean_efforts(name: str, items: int, seconds: float) -> list[float]:
    """Mean effort at each difficulty over up to `items` problems (at least one, time-boxed)."""
    task = get(name)
    means = []
    for difficulty in LEVELS:
        efforts, start = [], time.perf_counter()
        for index in range(items):
            efforts.append(float(task.problem(index, seed=0, difficulty=difficulty).metadata["effort"]))
            if time.perf_counter() - start > seconds:
                break
        means.append(sum(efforts) / len(efforts))
    return means


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


def measure_all(items: int, seconds: float) -> dict[str, list[float]]:
    curves: dict[str, list[float]] = {}
    with Progress() as progress:
        bar = progress.add_task("difficulty", total=len(names()))
        for name in names():
            progress.update(bar, description=f"effort {name:<18}")
            curves[name] = mean_efforts(name, items, seconds)
            progress.advance(bar)
    return curves


def section(curves: dict[str, list[float]], items: int) -> list[str]:
    """Markdown lines: the effort table (headings at level 2)."""
    lines = [
        "## Does difficulty grow?",
        "",
        f"Mean `metadata[\"effort\"]` (each family's own size or solver-effort measure) over up to {items} "
        "problems per difficulty, seed 0 (`benchmarks/tasks/difficulty.py`). `rises` counts the steps from one "
        "difficulty to the next where the mean does not fall; with few items per level a step can dip by chance.",
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=0.5, help="time box per family and difficulty")
    args = parser.parse_args()
    curves = measure_all(args.items, args.seconds)
    plot(curves, HERE / "difficulty.png")
    print("\n".join(section(curves, args.items)))


if __name__ == "__main__":
    main()
