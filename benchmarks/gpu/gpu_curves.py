"""Curves of a verl run from its file logger (`trainer.logger=[console,file]`, VERL_FILE_LOGGER_PATH).

verl writes one JSON line per step, `{"step": N, "data": {metric: value, ...}}`; this draws
the training reward (`critic/score/mean`), the mean response length in tokens
(`response_length/mean`) and the held-out accuracy (`val-core/<source>/acc/mean@N`, logged
before training and every `trainer.test_freq` steps) against the step, into one PNG.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

PANELS = (("reward (critic/score/mean)", "critic/score/mean"), ("response tokens (response_length/mean)", "response_length/mean"))
VAL_PREFIX = "val-core/"


class CurvesError(ValueError):
    """The metrics file holds no usable step."""


def read_metrics(path: Path) -> list[dict[str, Any]]:
    """Every well-formed line of a verl file log as {'step': int, **metrics}; damaged lines are skipped
    (a run killed by its time box can end mid-line)."""
    rows = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
            rows.append({"step": int(record["step"]), **{k: v for k, v in record["data"].items() if isinstance(v, (int, float))}})
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    if not rows:
        raise CurvesError(f"no metrics in {path}: verl logged no step (see its log)")
    return rows


def series(rows: list[dict[str, Any]], key: str) -> tuple[list[int], list[float]]:
    """(steps, values) of one metric, in step order."""
    pairs = sorted((r["step"], float(r[key])) for r in rows if key in r)
    return [s for s, _ in pairs], [v for _, v in pairs]


def val_keys(rows: list[dict[str, Any]]) -> list[str]:
    """The held-out accuracy metrics verl logged (one per data source)."""
    return sorted({k for r in rows for k in r if k.startswith(VAL_PREFIX) and "/acc/mean@" in k})


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """First and last value of each plotted metric, for the run's summary.json."""
    out: dict[str, Any] = {"steps_logged": max(r["step"] for r in rows)}
    for _, key in PANELS:
        steps, values = series(rows, key)
        if values:
            out[key] = {"first": round(values[0], 4), "last": round(values[-1], 4), "steps": len(steps)}
    for key in val_keys(rows):
        steps, values = series(rows, key)
        out[key] = {"by_step": {str(s): round(v, 4) for s, v in zip(steps, values)}}
    seconds = series(rows, "timing_s/step")[1]
    if seconds:
        out["median_step_s"] = round(sorted(seconds)[len(seconds) // 2], 2)
    return out


def plot(rows: list[dict[str, Any]], png: Path, title: str) -> Path:
    """Reward, response length and held-out accuracy against the step, side by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    for ax, (label, key) in zip(axes, PANELS):
        steps, values = series(rows, key)
        ax.plot(steps, values, marker="o")
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("step")
    for key in val_keys(rows):
        steps, values = series(rows, key)
        axes[2].plot(steps, values, marker="o", label=key[len(VAL_PREFIX):])
    axes[2].set_title("held-out accuracy (val-core)", fontsize=9)
    axes[2].set_xlabel("step")
    if val_keys(rows):
        axes[2].legend(fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    plt.close(fig)
    return png


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("metrics", type=Path)
    parser.add_argument("--png", type=Path, required=True)
    parser.add_argument("--json", type=Path, help="write first/last values here")
    parser.add_argument("--title", default="verl main_ppo: laser_d on SmolLM2-135M-Instruct")
    args = parser.parse_args(argv)
    try:
        rows = read_metrics(args.metrics)
    except (CurvesError, OSError) as err:
        print(f"gpu_curves: {err}", file=sys.stderr)
        return 2
    plot(rows, args.png, args.title)
    if args.json:
        args.json.write_text(json.dumps(summarize(rows), indent=1) + "\n", encoding="utf-8")
    print(args.png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
