"""B-STaR against fixed-temperature STaR on arithmetic, same training compute, 3 iterations each.

    nice -n 10 python benchmarks/selfimprove/bstar.py run --arm bstar --out runs/bench-bstar &
    nice -n 10 python benchmarks/selfimprove/bstar.py run --arm star --out runs/bench-bstar &
    wait; python benchmarks/selfimprove/bstar.py report --out runs/bench-bstar

Both arms are the shipped recipes (`bstar`, `star`) with the same overrides (SETTINGS): the same
training prompts, K, SFT and held-out set each iteration, so training compute is the same; B-STaR
also samples its probe at every temperature of the grid (the report gives the tokens each arm
generated). `report` writes bstar.png (held-out accuracy and the exploration/exploitation curves of
both arms) and the B-STaR section of RESULTS.md next to this file, between its markers.

On a GPU (the same comparison at a scale where an effect could show), e.g.:
    python benchmarks/selfimprove/bstar.py run --arm bstar --out runs/gpu-bstar --scale gpu
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/, for results_page
from results_page import put_section  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
PNG = HERE / "bstar.png"
START, END = "<!-- bstar:start -->", "<!-- bstar:end -->"

# Sized for ~40 CPU-minutes for both arms on a shared 2-core machine: small probe, K and prompt counts.
SETTINGS = {
    "cpu": ["iterations=3", "threads=1", "tasks.difficulty=2", "tasks.prompts_per_iteration=32", "sampling.k=4",
            "sampling.max_tokens=48", "sampling.max_per_prompt=4", "sampling.temperature=0.8",
            "bstar.temperatures=[0.4, 0.8, 1.2]", "bstar.probe_problems=8", "bstar.probe_k=4",
            "sft.learning_rate=3.0e-5", "sft.epochs=2", "sft.batch_size=8", "eval.problems=64"],
    # The paper's scale on one GPU: 64 samples per probe prompt, its 0.5..1.2 temperature grid.
    "gpu": ["iterations=3", "tasks.difficulty=2", "tasks.prompts_per_iteration=1024", "sampling.k=32",
            "sampling.max_tokens=128", "sampling.max_per_prompt=4", "sampling.temperature=0.8",
            "bstar.temperatures=[0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2]", "bstar.probe_problems=256",
            "bstar.probe_k=64", "sampling.batch_size=512", "sft.learning_rate=1.0e-5", "sft.epochs=2",
            "sft.batch_size=32", "eval.problems=500", "eval.batch_size=500"],
}


def run(arm: str, out: Path, scale: str) -> None:
    """Run one arm (the `bstar` or `star` recipe) into out/<arm> and store its CPU time."""
    from rlvr.selfimprove.config import load_config
    from rlvr.selfimprove.loop import run_selfimprove

    config = load_config(arm, [*SETTINGS[scale], f"output={out / arm}"])
    started, cpu = time.monotonic(), time.process_time()
    result = run_selfimprove(config, resume=(out / arm / "iterations.jsonl").exists())
    timing = {"cpu_s": time.process_time() - cpu, "wall_s": time.monotonic() - started, "scale": scale,
              "settings": SETTINGS[scale]}
    (out / arm / "timing.json").write_text(json.dumps(timing, indent=2) + "\n", encoding="utf-8")
    print(result.summary_line())


def _records(out: Path, arm: str) -> list:
    """The iterations an arm has finished (a run cut short reports what it has; `run` again resumes it)."""
    from rlvr.selfimprove.loop import read_records

    return read_records(out / arm)


def _cpu_minutes(records: list) -> str:
    """Summed over the recorded iterations, so a run resumed after a cut still counts all of them
    (timing.json holds only the last invocation's)."""
    return f"{sum(r.cpu_seconds for r in records) / 60:.1f} min over iterations 0-{records[-1].iteration if records else 0}"


def report(out: Path) -> None:
    """bstar.png and the B-STaR section of RESULTS.md from both arms' summaries."""
    from rlvr.selfimprove.loop_report import plot_runs, table

    runs = {"B-STaR": _records(out, "bstar"), "STaR (fixed T)": _records(out, "star")}
    plot_runs(runs, PNG, "B-STaR vs fixed-T STaR, SmolLM2-135M-Instruct, 2-digit sums")
    lines = [START, "## B-STaR vs fixed-temperature STaR (arithmetic)", "",
             f"Command: `nice python benchmarks/selfimprove/bstar.py run --arm ARM --out {out}` for ARM in bstar, "
             f"star (run again, it resumes after the last finished iteration); then `... report --out {out}`. Settings (both arms, over the shipped recipes): "
             f"`{' '.join(SETTINGS['cpu'])}`.", ""]
    for label, arm in (("B-STaR", "bstar"), ("STaR, fixed T", "star")):
        records = runs["B-STaR" if arm == "bstar" else "STaR (fixed T)"]
        probe = sum(r.probe_tokens for r in records)
        train = sum(r.train_tokens for r in records)
        lines += [f"### {label}", "", f"CPU time {_cpu_minutes(records)} (1 torch thread, model loading excluded); generated "
                  f"tokens: {probe} for the probe, {train} for training samples.", "", *table(records), ""]
    lines += [f"![B-STaR vs STaR]({PNG.name})", "", "<!-- reading: written by hand below the markers -->", END]
    put_section(RESULTS, "\n".join(lines), START, END, "Self-improvement benchmarks")
    print(f"wrote {PNG} and the B-STaR section of {RESULTS}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("run", help="run one arm")
    one.add_argument("--arm", choices=("bstar", "star"), required=True)
    one.add_argument("--out", type=Path, required=True)
    one.add_argument("--scale", choices=tuple(SETTINGS), default="cpu")
    both = sub.add_parser("report", help="plot both arms and write the RESULTS.md section")
    both.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "run":
        run(args.arm, args.out, args.scale)
    else:
        report(args.out)


if __name__ == "__main__":
    sys.exit(main())
