"""Generation and verification speed of every rlvr task family, beside reasoning-gym.

For each registered family at difficulty 5 (one process, one core): problems generated
per second and gold answers verified per second, each time-boxed. Families with a
reasoning-gym counterpart are measured against it in the same run
(`reasoning_gym.create_dataset(name, size, seed)` to generate, `score_answer` to verify,
reasoning-gym's default configuration). Writes benchmarks/tasks/RESULTS.md and speed.png.

    python benchmarks/tasks/run.py [--seconds 1.0] [--families sat,cipher]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from rich.progress import Progress  # noqa: E402

from rlvr.tasks import get, names  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import difficulty  # noqa: E402  (benchmarks/tasks/difficulty.py)

HERE = Path(__file__).resolve().parent
DIFFICULTY = 5
DIFFICULTY_ITEMS = 6
TARGET_MEDIAN = 500.0
TARGET_FLOOR = 20.0

# rlvr family -> (reasoning-gym dataset, how close the two tasks are)
PEERS: dict[str, tuple[str, str]] = {
    "sudoku": ("sudoku", "same"),
    "mini_sudoku": ("mini_sudoku", "same"),
    "futoshiki": ("futoshiki", "same"),
    "kakurasu": ("kakurasu", "same"),
    "survo": ("survo", "same"),
    "n_queens": ("n_queens", "same"),
    "countdown": ("countdown", "same"),
    "cryptarithm": ("cryptarithm", "same"),
    "knights_knaves": ("knights_knaves", "same"),
    "zebra": ("zebra_puzzles", "same"),
    "maze": ("maze", "same"),
    "graph_coloring": ("graph_color", "same"),
    "tower_of_hanoi": ("tower_of_hanoi", "same"),
    "rush_hour": ("rush_hour", "same"),
    "sokoban": ("sokoban", "same"),
    "word_ladder": ("word_ladder", "same"),
    "syllogisms": ("syllogism", "same"),
    "shortest_path": ("shortest_path", "same"),
    "cipher": ("caesar_cipher", "close: rg has Caesar only"),
    "arithmetic": ("basic_arithmetic", "same"),
    "sequence_induction": ("number_sequence", "same"),
    "alphabet_sort": ("word_sorting", "close: rg sorts by ASCII"),
    "boolean_expression": ("circuit_logic", "close: rg evaluates a gate circuit"),
    "gsm8k": ("gsm_symbolic", "close: rg makes GSM-style templates"),
}


@dataclass
class Speed:
    generated_per_s: float
    verified_per_s: float
    items: int
    all_gold_correct: bool


def timed(produce: Callable[[int], object], seconds: float, at_least: int = 3, at_most: int = 100_000) -> tuple[list, float]:
    """Call produce(i) for i = 0, 1, ... until `seconds` have passed (at least `at_least` calls)."""
    out = []
    start = time.perf_counter()
    while len(out) < at_most:
        out.append(produce(len(out)))
        if len(out) >= at_least and time.perf_counter() - start >= seconds:
            break
    return out, time.perf_counter() - start


def cycle_timed(check: Callable[[object], bool], items: list, seconds: float) -> tuple[int, float, bool]:
    count, ok = 0, True
    start = time.perf_counter()
    while True:
        ok &= bool(check(items[count % len(items)]))
        count += 1
        if count >= 3 and time.perf_counter() - start >= seconds:
            return count, time.perf_counter() - start, ok


def measure_rlvr(name: str, seconds: float) -> Speed:
    task = get(name)
    problems, elapsed = timed(lambda i: task.problem(i, seed=0, difficulty=DIFFICULTY), seconds)
    checks, check_elapsed, ok = cycle_timed(
        lambda p: task.check(p, f"Reasoning...\n<answer>{p.answer}</answer>").correct, problems, seconds
    )
    return Speed(len(problems) / elapsed, checks / check_elapsed, len(problems), ok)


def measure_reasoning_gym(dataset: str, seconds: float) -> Speed | None:
    try:
        import reasoning_gym
        from reasoning_gym.utils import extract_answer
    except ImportError:
        return None
    data = reasoning_gym.create_dataset(dataset, size=100_000, seed=0)

    def produce(i: int) -> dict | None:
        # Some generators give up on some seeds (e.g. maze); count the time, drop the item.
        try:
            return data[i]
        except Exception:  # noqa: BLE001 - any peer failure is a dropped item, not a crashed run
            return None

    attempts, elapsed = timed(produce, seconds)
    entries = [e for e in attempts if e is not None]
    if not entries:
        return None

    def score(entry: dict) -> bool:
        # The same input as rlvr gets: a response with the answer in tags, extracted then scored.
        answer = extract_answer(f"Reasoning...\n<answer>{entry['answer']}</answer>")
        return data.score_answer(answer=answer, entry=entry) >= 1.0

    checks, check_elapsed, ok = cycle_timed(score, entries, seconds)
    return Speed(len(entries) / elapsed, checks / check_elapsed, len(entries), ok)


def best(a: Speed | None, b: Speed | None) -> Speed | None:
    """Per measure, the better of two rounds."""
    if a is None or b is None:
        return a or b
    return Speed(max(a.generated_per_s, b.generated_per_s), max(a.verified_per_s, b.verified_per_s),
                 a.items + b.items, a.all_gold_correct and b.all_gold_correct)


def fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def ratio(ours: float, theirs: float | None) -> str:
    return "-" if not theirs else f"{ours / theirs:.1f}x"


def plot(rows: list[tuple[str, Speed, Speed | None]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = sorted(rows, key=lambda r: r[1].generated_per_s)
    fig, ax = plt.subplots(figsize=(9, max(4, 0.28 * len(rows))))
    y = range(len(rows))
    ax.barh([i + 0.2 for i in y], [r[1].generated_per_s for r in rows], height=0.4, label="rlvr", color="#2a7ab0")
    ax.barh([i - 0.2 for i in y], [r[2].generated_per_s if r[2] else 0 for r in rows], height=0.4,
            label="reasoning-gym (counterpart)", color="#e08a2c")
    ax.set_yticks(list(y), [r[0] for r in rows], fontsize=8)
    ax.set_xscale("log")
    ax.axvline(TARGET_MEDIAN, color="grey", linestyle="--", linewidth=0.8, label=f"median target {TARGET_MEDIAN:.0f}/s")
    ax.axvline(TARGET_FLOOR, color="red", linestyle=":", linewidth=0.8, label=f"floor {TARGET_FLOOR:.0f}/s")
    ax.set_xlabel(f"problems generated per second at difficulty {DIFFICULTY} (log scale, one core)")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=1.0, help="time box per measurement")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds; the best of each is kept")
    parser.add_argument("--families", default="", help="comma-separated subset (default: all)")
    args = parser.parse_args(argv)
    families = [f for f in args.families.split(",") if f] or names()
    rows: list[tuple[str, Speed, Speed | None]] = []
    errors: dict[str, str] = {}
    with Progress() as progress:
        bar = progress.add_task("families", total=len(families))
        for name in families:
            progress.update(bar, description=f"{name:<22}")
            peer = PEERS.get(name)
            ours, theirs = None, None
            # Alternate rlvr and its peer and keep each one's best round, so a burst of load from
            # other processes on the shared machine does not decide the ratio.
            for _ in range(args.rounds):
                try:
                    ours = best(ours, measure_rlvr(name, args.seconds))
                except Exception as err:  # noqa: BLE001 - report the broken family, measure the rest
                    errors[name] = f"{type(err).__name__}: {err}"
                    break
                if peer:
                    theirs = best(theirs, measure_reasoning_gym(peer[0], args.seconds))
            if name not in errors:
                rows.append((name, ours, theirs))
            progress.advance(bar)
    curves = difficulty.measure_all(DIFFICULTY_ITEMS, 0.5)
    difficulty.plot(curves, HERE / "difficulty.png")
    write_results(rows, args.seconds, args.rounds, errors, difficulty.section(curves, DIFFICULTY_ITEMS))
    plot(rows, HERE / "speed.png")
    print(f"wrote {HERE / 'RESULTS.md'}, speed.png and difficulty.png")


def write_results(
    rows: list[tuple[str, Speed, Speed | None]], seconds: float, rounds: int, errors: dict[str, str], effort_lines: list[str]
) -> None:
    generated = [r[1].generated_per_s for r in rows]
    median = statistics.median(generated)
    slowest = min(rows, key=lambda r: r[1].generated_per_s)
    # The speed target is judged against peers that make the same task; "close" peers are shown for context.
    compared = [r for r in rows if r[2] is not None and PEERS[r[0]][1] == "same"]
    close = [r for r in rows if r[2] is not None and PEERS[r[0]][1] != "same"]
    close_behind = [r[0] for r in close if r[1].generated_per_s < r[2].generated_per_s]
    behind_gen = [r[0] for r in compared if r[1].generated_per_s < r[2].generated_per_s]
    behind_ver = [r[0] for r in compared if r[1].verified_per_s < r[2].verified_per_s]
    gold_failures = [r[0] for r in rows if not r[1].all_gold_correct]
    slowest_check = min(rows, key=lambda r: r[1].verified_per_s)
    lines = [
        "# Task families: generation and verification speed",
        "",
        f"`python benchmarks/tasks/run.py` on {platform.python_implementation()} {platform.python_version()}, "
        f"one process (one core), difficulty {DIFFICULTY}, seed 0, each figure time-boxed to {seconds:g} s, "
        f"best of {rounds} rounds alternating rlvr and its peer. "
        "Verification checks the gold answer wrapped in `<answer>` tags (a full response: extraction plus "
        "check). reasoning-gym 0.1.25 is measured in the same run with its default configuration "
        "(`create_dataset(name, size, seed)`; to verify, its `extract_answer` on the same tagged response, "
        "then `score_answer(answer, entry)`); its difficulty is not aligned with rlvr's, "
        "so read the ratio as indicative. The speed targets are about generation; verification is shown for "
        "context: reasoning-gym mostly compares strings, rlvr parses and rule-checks (math families call "
        "`rlvr.verify`), and both are far faster than a model can write responses. The machine is shared: absolute figures are noisy, ratios less so.",
        "",
        "## Targets",
        "",
        f"| target | result | met |",
        "|---|---|---|",
        f"| median family >= {TARGET_MEDIAN:.0f} problems/s generated | median {fmt(median)}/s over {len(rows)} families "
        f"| {'yes' if median >= TARGET_MEDIAN else 'no'} |",
        f"| no family < {TARGET_FLOOR:.0f}/s | slowest: `{slowest[0]}` {fmt(slowest[1].generated_per_s)}/s "
        f"| {'yes' if slowest[1].generated_per_s >= TARGET_FLOOR else 'no'} |",
        f"| none slower than its same-task reasoning-gym counterpart (generation) | {len(compared) - len(behind_gen)} of "
        f"{len(compared)} at least as fast{': behind: ' + ', '.join(behind_gen) if behind_gen else ''} "
        f"| {'yes' if not behind_gen else 'no'} |",
        f"| (context) close-but-different peers, generation | {len(close) - len(close_behind)} of {len(close)} at "
        f"least as fast{': behind: ' + ', '.join(close_behind) if close_behind else ''} | - |",
        f"| (context) same-task peers, verification | {len(compared) - len(behind_ver)} of {len(compared)} at least "
        f"as fast{': behind: ' + ', '.join(behind_ver) if behind_ver else ''}; slowest rlvr verification "
        f"`{slowest_check[0]}` {fmt(slowest_check[1].verified_per_s)}/s | - |",
        f"| every gold answer verifies | {'all' if not gold_failures else 'failures: ' + ', '.join(gold_failures)} "
        f"| {'yes' if not gold_failures else 'no'} |",
        "",
        "## Per family",
        "",
        "| family | category | generated/s | verified/s | reasoning-gym peer | peer generated/s | peer verified/s "
        "| generation ratio | verification ratio |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, ours, theirs in sorted(rows, key=lambda r: (get(r[0]).category, r[0])):
        peer = PEERS.get(name)
        peer_text = f"`{peer[0]}` ({peer[1]})" if peer and theirs else "-"
        flag = "" if ours.generated_per_s >= TARGET_FLOOR else " (below floor)"
        lines.append(
            f"| `{name}` | {get(name).category} | {fmt(ours.generated_per_s)}{flag} | {fmt(ours.verified_per_s)} "
            f"| {peer_text} | {fmt(theirs.generated_per_s if theirs else None)} "
            f"| {fmt(theirs.verified_per_s if theirs else None)} "
            f"| {ratio(ours.generated_per_s, theirs.generated_per_s if theirs else None)} "
            f"| {ratio(ours.verified_per_s, theirs.verified_per_s if theirs else None)} |"
        )
    if errors:
        lines += ["", "## Families that failed to generate", ""]
        lines += [f"- `{name}`: {message[:200]}" for name, message in sorted(errors.items())]
    lines += ["", "![generation speed](speed.png)", ""] + effort_lines
    (HERE / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
