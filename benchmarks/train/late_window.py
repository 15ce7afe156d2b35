"""Held-out accuracy and tokens averaged over the second half of a run, for LASER-D vs GRPO pairs.

    python benchmarks/train/late_window.py WORK/seed9 [WORK/seed10 ...]
    python benchmarks/train/late_window.py --pair GRPO_RUN LASER_RUN [--pair ...]

A run's greedy accuracy on the 100 held-out sums moves by up to ten points between evaluations
ten steps apart, in plain GRPO as much as in LASER-D, so the end point alone decides a seed's
verdict by where the budget happens to stop. This reads each run's `metrics.jsonl` (the held-out
evaluations `rlvr train` logs every `eval.every_steps` and at the end) and averages the
evaluations at steps >= half the run's last step (step 0, the start model, never counts). It
prints the end-point and the late-window figures side by side, with the target (target.py) applied
to each.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from target import verdict

METRICS_FILE = "metrics.jsonl"


@dataclass(frozen=True)
class Evaluation:
    step: int
    accuracy: float
    tokens: float


def heldout_history(run: Path) -> list[Evaluation]:
    """Every held-out evaluation a run logged, one per step (a resumed run's repeat of a step wins)."""
    by_step: dict[int, Evaluation] = {}
    path = run / METRICS_FILE
    if not path.exists():
        raise SystemExit(f"{run} has no {METRICS_FILE}; is it an rlvr training run?")
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if "heldout/accuracy" in row:
            step = int(row["step"])
            by_step[step] = Evaluation(step, float(row["heldout/accuracy"]), float(row["heldout/mean_tokens"]))
    if not by_step:
        raise SystemExit(f"{run}/{METRICS_FILE} holds no held-out evaluation")
    return [by_step[step] for step in sorted(by_step)]


def late_window(history: list[Evaluation]) -> tuple[float, float, int]:
    """Mean accuracy, mean tokens and count of the evaluations in the run's second half."""
    last = history[-1].step
    late = [e for e in history if e.step > 0 and e.step >= last / 2]
    return (sum(e.accuracy for e in late) / len(late), sum(e.tokens for e in late) / len(late), len(late))


def pair_line(label: str, grpo_run: Path, laser_run: Path) -> str:
    """One markdown row: end-point and late-window figures of both halves, and both verdicts."""
    grpo, laser = heldout_history(grpo_run), heldout_history(laser_run)
    end = verdict((grpo[-1].accuracy, grpo[-1].tokens), (laser[-1].accuracy, laser[-1].tokens))
    g_acc, g_tok, g_n = late_window(grpo)
    l_acc, l_tok, l_n = late_window(laser)
    late = verdict((g_acc, g_tok), (l_acc, l_tok))
    return (f"| {label} | {grpo[-1].accuracy:.3f} / {grpo[-1].tokens:.1f} | {laser[-1].accuracy:.3f} / "
            f"{laser[-1].tokens:.1f} | {end[0]:.2f} / {end[1]:+.1f} / {'yes' if end[2] else 'no'} | "
            f"{g_acc:.3f} / {g_tok:.1f} ({g_n}) | {l_acc:.3f} / {l_tok:.1f} ({l_n}) | "
            f"{late[0]:.2f} / {late[1]:+.1f} / {'yes' if late[2] else 'no'} |")


HEADER = ["| pair | grpo end | laser_d end | end: ratio / diff / met | grpo late (evaluations) | "
          "laser_d late (evaluations) | late: ratio / diff / met |", "|---|---|---|---|---|---|---|"]


def short(folder: Path) -> str:
    """A seed folder as WORK/seedN, the last two parts of its path."""
    return "/".join(folder.resolve().parts[-2:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("seeds", nargs="*", type=Path, help="seed folders of a kept run (each with grpo/ and laser_d/)")
    parser.add_argument("--pair", nargs=2, action="append", default=[], metavar=("GRPO_RUN", "LASER_RUN"),
                        help="a GRPO run and a LASER-D run to compare (repeatable)")
    args = parser.parse_args()
    pairs = [(short(seed), seed / "grpo", seed / "laser_d") for seed in args.seeds]
    pairs += [(f"{short(Path(g).parent)} vs {short(Path(l).parent)}", Path(g), Path(l)) for g, l in args.pair]
    if not pairs:
        parser.error("name at least one seed folder or --pair")
    print("\n".join([*HEADER, *(pair_line(*pair) for pair in pairs)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
