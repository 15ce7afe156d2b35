"""The end-of-run report: report.png (reward; held-out accuracy, format rate and accuracy among formatted
answers; response length over steps) and report.md."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from rlvr.train.callbacks import LENGTH_KEY, REWARD_KEY, accuracy_key
from rlvr.train.config import TrainConfig
from rlvr.train.result import RunResult

PNG_FILE = "report.png"
MD_FILE = "report.md"


def _series(rows: list[dict[str, Any]], key: str) -> tuple[list[int], list[float]]:
    points = [(r["step"], r[key]) for r in rows if key in r and isinstance(r[key], (int, float)) and not math.isnan(r[key])]
    return [p[0] for p in points], [float(p[1]) for p in points]


def plot(rows: list[dict[str, Any]], path: Path, title: str, reward_name: str = "rlvr") -> Path:
    """Three panels over training steps: reward and batch accuracy; held-out accuracy; mean response tokens."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    steps, reward = _series(rows, REWARD_KEY)
    axes[0].plot(steps, reward, label="mean reward", color="tab:blue")
    steps, acc = _series(rows, accuracy_key(reward_name))
    axes[0].plot(steps, acc, label="batch accuracy", color="tab:green", alpha=0.7)
    axes[0].set_title("training reward")
    # Accuracy = format rate x accuracy among formatted answers: the panel shows how much of a gain is format.
    for key, label, color in (("heldout/accuracy", "accuracy", "tab:red"), ("heldout/format_rate", "format rate", "tab:gray"),
                              ("heldout/formatted_accuracy", "accuracy among formatted", "tab:brown")):
        steps, held = _series(rows, key)
        axes[1].plot(steps, held, marker="o", label=label, color=color)
    axes[1].set_ylim(-0.02, 1.02)
    axes[1].set_title("held-out")
    steps, length = _series(rows, LENGTH_KEY)
    axes[2].plot(steps, length, label="training samples", color="tab:purple", alpha=0.7)
    steps, held_len = _series(rows, "heldout/mean_tokens")
    axes[2].plot(steps, held_len, marker="o", label="held-out", color="tab:orange")
    axes[2].set_title("mean response tokens")
    for ax in axes:
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _figure(value: float | None) -> str:
    return "n/a (no formatted answer)" if value is None else f"{value:.3f}"


def write_report(result: RunResult, rows: list[dict[str, Any]], config: TrainConfig) -> tuple[Path, Path]:
    """Write report.png and report.md into the run folder."""
    png = plot(rows, result.output / PNG_FILE, f"rlvr train: {config.name} ({config.model})")
    lines = [
        f"# rlvr run: {config.name}",
        "",
        f"- model: `{config.model}`; engine: {config.engine}; device: {result.extra.get('device', '?')}",
        f"- tasks: {', '.join(f'{e.name} (weight {e.weight:g})' for e in config.tasks.mixture)}; "
        f"difficulty: {config.tasks.difficulty}{'; curriculum' if config.tasks.curriculum else ''}",
        f"- rewards: {', '.join(f'{r.name} x{r.weight:g}' for r in config.rewards)}",
        f"- GRPO: group {config.algorithm.group_size}, {config.algorithm.prompts_per_step} prompts/step, "
        f"loss {config.algorithm.loss_type}, beta {config.algorithm.beta:g}, lr {config.algorithm.learning_rate:g}, "
        f"{'LoRA r=' + str(config.algorithm.lora.r) if config.algorithm.lora else 'full fine-tuning'}, "
        f"max {config.algorithm.max_completion_tokens} tokens, temperature {config.algorithm.temperature:g}",
        f"- steps: {result.steps} ({result.stop_reason}); training {result.train_seconds / 60:.1f} min, "
        f"whole run {result.wall_seconds / 60:.1f} min",
    ]
    if "cpu_seconds" in result.extra:
        # Wall time depends on what else runs on the machine; CPU time far less.
        lines.append(f"- CPU time of training: {result.extra['cpu_seconds'] / 60:.1f} min on "
                     f"{result.extra.get('threads', '?')} torch threads")
    if "completion_tokens_per_s" in result.extra:
        lines.append(f"- sampled completion tokens per second of training: {result.extra['completion_tokens_per_s']:.1f}")
    lines += ["", "| held-out | before | after |", "|---|---|---|"]
    if result.before is not None and result.after is not None:
        b, a = result.before, result.after
        lines += [
            f"| accuracy | {b.accuracy:.3f} | {a.accuracy:.3f} |",
            f"| mean response tokens | {b.mean_tokens:.1f} | {a.mean_tokens:.1f} |",
            f"| format rate (a final answer could be read) | {b.format_rate:.3f} | {a.format_rate:.3f} |",
            f"| accuracy among formatted answers | {_figure(result.before_formatted_accuracy)} | "
            f"{_figure(result.after_formatted_accuracy)} |",
            f"| truncated | {b.truncated_rate:.3f} | {a.truncated_rate:.3f} |",
        ]
    else:
        lines.append("| (no held-out evaluation: eval.problems is 0) | | |")
    lines += ["", result.summary_line(), "", f"![report]({PNG_FILE})", ""]
    md = result.output / MD_FILE
    md.write_text("\n".join(lines), encoding="utf-8")
    return png, md
