"""Draw the reward curve of every method for docs/rewards.md (PNGs in docs/img/rewards/).

Run: .venv/bin/python benchmarks/rewards/plot_all.py
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from rich.progress import track  # noqa: E402

from rlvr import rewards  # noqa: E402
from rlvr.rewards import RolloutBatch  # noqa: E402
from rlvr.rewards.curves import suggested_max_len  # noqa: E402
from rlvr.rewards.plot import plot_methods  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "docs" / "img" / "rewards"
LENGTH_METHODS = [
    "truncation", "group_penalty", "normalized_length", "l1_exact", "l1_max", "thinkprune",
    "efficiency", "cosine", "dapo_overlong", "laser", "laser_d", "laser_de",
]
EXAMPLE_TARGETS = {"easy": 4096, "medium": 7168, "hard": 12288}


def laser_d_buckets(out: Path) -> None:
    """LASER-D after a monitoring update: one step per difficulty bucket."""
    method = rewards.get("laser_d")
    method.load_state_dict({"targets": EXAMPLE_TARGETS, "last_monitor_step": 20})
    lengths = np.arange(0, 16385, 64)
    figure, axis = plt.subplots(figsize=(6.4, 3.8))
    colours = {"easy": "#1b9e77", "medium": "#7570b3", "hard": "#d95f02"}
    for bucket, others_right in (("easy", 7), ("medium", 3), ("hard", 1)):
        # the plotted correct response plus 7 others, `others_right` of them correct
        correct = np.tile(np.r_[1.0, np.ones(others_right), np.zeros(7 - others_right)], lengths.size)
        length = np.tile(np.r_[0, np.full(7, 2000)], lengths.size)
        length[::8] = lengths
        batch = RolloutBatch(correct=correct, length=length, group=np.repeat(np.arange(lengths.size), 8))
        reward = method.score(batch).total[::8]
        axis.plot(lengths, reward, color=colours[bucket], linewidth=2,
                  label=f"{bucket} prompt ({others_right + 1}/8 right): L_T = {EXAMPLE_TARGETS[bucket]}")
    axis.axhline(-0.5, color="#999999", linestyle=":", label="any wrong answer (-0.5)")
    axis.set_xlabel("length of a correct response (tokens)")
    axis.set_ylabel("reward")
    axis.set_title("laser_d: targets per difficulty bucket (example after an update)", fontsize=10)
    axis.set_ylim(-0.7, 1.7)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=7, loc="center right")
    figure.tight_layout()
    figure.savefig(out, dpi=110)
    plt.close(figure)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in track(rewards.names(), description="plotting reward curves"):
        method = rewards.get(name)
        plot_methods([method], OUT / f"{name}.png", max_len=suggested_max_len(method), columns=1)
    stages = []
    for step in (0, 100, 200):
        method = rewards.get("thinkprune")
        method.on_step(step)
        stages.append(method)
    plot_methods(stages, OUT / "thinkprune_stages.png", max_len=5120, titles=["thinkprune, step 0", "step 100", "step 200"])
    overview = [rewards.get(name) for name in LENGTH_METHODS]
    plot_methods(overview, OUT / "overview.png", max_len=20480, columns=4)
    laser_d_buckets(OUT / "laser_d_buckets.png")
    print(f"wrote {len(list(OUT.glob('*.png')))} PNGs to {OUT}")


if __name__ == "__main__":
    main()
