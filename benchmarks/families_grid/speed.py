"""Generation speed of the grid and number puzzle families, side by side with reasoning-gym.

For each rlvr grid family: problems per second at difficulty 5 and 10 (median of
repeats, one process, one core), and the mean `effort` (cells to fill plus solver
nodes of the uniqueness proof) at difficulties 2, 5 and 9. Where reasoning-gym 0.1.25
has a counterpart, it is timed in the same run on the same number of items with its
size pinned to match, and rlvr is timed at the matching size; the ratio is reported
(absolute times on a shared machine are noisy; ratios are what to read).
Writes RESULTS.md and speed.png next to this file.

Run: .venv/bin/python benchmarks/families_grid/speed.py [--items 60] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from rich.progress import Progress

import rlvr.tasks as tasks

HERE = Path(__file__).resolve().parent
FAMILIES = [
    "sudoku", "futoshiki", "kenken", "skyscrapers", "kakurasu", "star_battle", "tents", "minesweeper",
    "norinori", "nurikabe", "hidato", "binairo", "nonogram", "light_up", "magic_square", "arrow_maze",
]
# family -> (reasoning-gym dataset, its config, rlvr difficulty, rlvr knob overrides) at matching sizes
PEERS: dict[str, list[tuple[str, dict, int, dict]]] = {
    "sudoku": [("sudoku", {"min_empty": 40, "max_empty": 40}, 5, {"size": 9, "blanks": 40}),
               ("mini_sudoku", {"min_empty": 10, "max_empty": 10}, 2, {"size": 4, "blanks": 10})],
    "futoshiki": [("futoshiki", {"min_board_size": 5, "max_board_size": 5}, 5, {"size": 5})],
    "kakurasu": [("kakurasu", {"min_rows": 5, "max_rows": 5, "min_cols": 5, "max_cols": 5}, 3, {"size": 5})],
    "magic_square": [("survo", {"min_board_size": 4, "max_board_size": 4}, 5, {"order": 4})],
}


def rlvr_rate(name: str, difficulty: int, items: int, seed: int, **knobs: object) -> float:
    task = tasks.get(name, **knobs)
    start = time.perf_counter()
    for _ in task.generate(items, seed=seed, difficulty=difficulty):
        pass
    return items / (time.perf_counter() - start)


def peer_rate(name: str, config: dict, items: int, seed: int) -> float:
    import reasoning_gym

    start = time.perf_counter()
    dataset = reasoning_gym.create_dataset(name, size=items, seed=seed, **config)
    for i in range(items):
        dataset[i]
    return items / (time.perf_counter() - start)


def mean_effort(name: str, difficulty: int, items: int) -> float:
    return statistics.mean(p.metadata["effort"] for p in tasks.get(name).generate(items, seed=99,
                                                                                    difficulty=difficulty))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows, peers = [], []
    with Progress() as progress:
        bar = progress.add_task("grid families", total=len(FAMILIES))
        for name in FAMILIES:
            # warm caches (line tables, magic-square pool) outside the timing
            tasks.get(name).problem(0, difficulty=5)
            tasks.get(name).problem(0, difficulty=10)
            d5 = statistics.median(rlvr_rate(name, 5, args.items, s) for s in range(args.repeats))
            d10 = statistics.median(rlvr_rate(name, 10, max(10, args.items // 3), s) for s in range(args.repeats))
            efforts = [mean_effort(name, d, 10) for d in (2, 5, 9)]
            rows.append((name, d5, d10, efforts))
            for peer_name, config, difficulty, knobs in PEERS.get(name, []):
                tasks.get(name, **knobs).problem(0, difficulty=difficulty)
                matched = statistics.median(rlvr_rate(name, difficulty, args.items, s, **knobs)
                                            for s in range(args.repeats))
                peer = statistics.median(peer_rate(peer_name, config, args.items, s) for s in range(args.repeats))
                peers.append((name, peer_name, config, difficulty, knobs, matched, peer))
            progress.advance(bar)
    write(rows, peers, args)
    plot(rows)


def write(rows: list[tuple], peers: list[tuple], args: argparse.Namespace) -> None:
    median_d5 = statistics.median(r[1] for r in rows)
    slowest = min(rows, key=lambda r: r[1])
    lines = [
        "# Generation speed: grid and number puzzle families",
        "",
        f"`benchmarks/families_grid/speed.py --items {args.items} --repeats {args.repeats}`: problems generated per "
        "second in one process (median of repeats), with every uniqueness proof included. `effort` is the mean "
        "of `metadata['effort']` (cells to fill plus solver nodes) over 10 items.",
        "",
        "| family | d5 /s | d10 /s | effort d2 | effort d5 | effort d9 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, d5, d10, (e2, e5, e9) in rows:
        lines.append(f"| {name} | {d5:,.0f} | {d10:,.0f} | {e2:,.0f} | {e5:,.0f} | {e9:,.0f} |")
    lines += ["", f"Median grid family at difficulty 5: {median_d5:,.0f} problems/s; slowest: {slowest[0]} at "
              f"{slowest[1]:,.0f}/s.", "",
              "## Side by side with reasoning-gym 0.1.25 (same run, same item count, sizes matched)", "",
              "| rlvr family (knobs) | peer (config) | rlvr /s | peer /s | rlvr / peer |",
              "|---|---|---:|---:|---:|"]
    for name, peer_name, config, difficulty, knobs, matched, peer in peers:
        knob_text = ", ".join(f"{k}={v}" for k, v in knobs.items())
        config_text = ", ".join(f"{k}={v}" for k, v in config.items())
        lines.append(f"| {name} d{difficulty} ({knob_text}) | {peer_name} ({config_text}) | {matched:,.0f} | "
                     f"{peer:,.0f} | {matched / peer:.2f}x |")
    lines += ["", "The work differs: every rlvr sudoku, futoshiki and kakurasu is proved to have exactly one "
              "solution before it is emitted; `magic_square` (magic-square completion) and reasoning-gym `survo` "
              "are different puzzles on the same 4x4 grid, both rule-checked.", ""]
    (HERE / "RESULTS.md").write_text("\n".join(lines))


def plot(rows: list[tuple]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r[0] for r in rows]
    xs = list(range(len(rows)))
    fig, ax = plt.subplots(figsize=(10, 5))
    ax.bar([x - 0.2 for x in xs], [r[1] for r in rows], width=0.4, label="difficulty 5")
    ax.bar([x + 0.2 for x in xs], [r[2] for r in rows], width=0.4, label="difficulty 10")
    ax.set_yscale("log")
    ax.set_ylabel("problems / second (log)")
    ax.set_xticks(xs, names, rotation=60, ha="right")
    ax.axhline(20, color="red", linestyle="--", linewidth=0.8, label="20/s floor")
    ax.axhline(500, color="gray", linestyle="--", linewidth=0.8, label="500/s median target")
    ax.legend()
    ax.set_title("rlvr grid families: generation speed with uniqueness proofs")
    fig.tight_layout()
    fig.savefig(HERE / "speed.png", dpi=120)


if __name__ == "__main__":
    main()
