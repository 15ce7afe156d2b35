"""The end-of-run report of `rlvr self-improve`: report.md (one row per iteration) and report.png
(held-out accuracy; exploration and exploitation on the probe; the temperature chosen)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rlvr.selfimprove.config import SelfImproveConfig
    from rlvr.selfimprove.loop import IterationRecord, LoopResult

PNG_FILE = "report.png"
MD_FILE = "report.md"
# (key of the probe metrics, label): exploration (Pass@K-S, distinct correct), exploitation (Reward@K-S), balance.
PROBE_CURVES = (("pass_at_k_s", "Pass@K-S"), ("reward_at_k_s", "Reward@K-S"), ("balance", "balance score"))


def plot_runs(runs: dict[str, list["IterationRecord"]], path: Path, title: str) -> Path:
    """Five panels for one or more runs (label -> records): over iterations, held-out accuracy; Pass@K-S,
    Reward@K-S and balance score; distinct correct answers; the temperature used; and the balance score of
    every temperature the probe measured (the grid B-STaR chose from)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 5, figsize=(23, 4.2))
    styles = ("-", "--", ":", "-.")
    for n, (label, records) in enumerate(runs.items()):
        style = styles[n % len(styles)]
        axes[0].plot([r.iteration for r in records], [r.heldout["accuracy"] for r in records], style, marker="o", label=label)
        trained = [r for r in records if r.probe]
        xs = [r.iteration for r in trained]
        for key, name in PROBE_CURVES:
            axes[1].plot(xs, [r.probe[key] for r in trained], style, marker="o", label=f"{name} ({label})")
        axes[2].plot(xs, [r.probe["distinct_correct"] for r in trained], style, marker="o", label=label)
        axes[3].plot(xs, [r.temperature for r in trained], style, marker="o", label=label)
        for r in trained:   # what B-STaR chose from: the balance score of every temperature measured
            if len(r.grid) > 1:
                temps = sorted({g["temperature"] for g in r.grid})
                best = [max(g["balance"] for g in r.grid if g["temperature"] == t) for t in temps]
                axes[4].plot(temps, best, style, marker="o", label=f"{label}, iteration {r.iteration}")
    axes[0].set_title("held-out accuracy (iteration 0 = start)")
    axes[0].set_ylim(-0.02, 1.02)
    axes[1].set_title("probe before each iteration's SFT")
    axes[1].set_ylim(-0.02, 1.02)
    axes[2].set_title("distinct correct answers per probe prompt")
    axes[3].set_title("sampling temperature")
    axes[4].set_title("probe balance score by temperature (best tau)")
    axes[4].set_xlabel("temperature")
    from matplotlib.ticker import MaxNLocator

    last = max((r.iteration for records in runs.values() for r in records), default=1)
    for ax in axes[:4]:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(-0.2, max(last, 1) + 0.2)
        ax.set_xlabel("iteration")
    for ax in axes:
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def table(records: list["IterationRecord"]) -> list[str]:
    """The per-iteration markdown table."""
    lines = ["| iteration | T | tau | Pass@K-S | distinct correct | Reward@K-S | balance | samples | correct share | "
             "accepted (prompts) | SFT steps | held-out accuracy | format rate | tokens generated |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in records:
        if not r.probe:
            lines.append(f"| {r.iteration} (start) | | | | | | | | | | | {r.heldout['accuracy']:.3f} | "
                         f"{r.heldout['format_rate']:.3f} | |")
            continue
        p = r.probe
        lines.append(f"| {r.iteration} | {r.temperature:g} | {r.tau:g} | {p['pass_at_k_s']:.3f} | {p['distinct_correct']:.2f} | "
                     f"{p['reward_at_k_s']:.3f} | {p['balance']:.3f} | {r.train_samples} | {r.train_correct_rate:.3f} | "
                     f"{r.accepted} ({r.accepted_prompts}) | {r.sft_steps} | {r.heldout['accuracy']:.3f} | "
                     f"{r.heldout['format_rate']:.3f} | {r.probe_tokens} probe + {r.train_tokens} train |")
    return lines


def write_report(result: "LoopResult", config: "SelfImproveConfig") -> tuple[Path, Path]:
    """Write report.png and report.md into the run folder."""
    mode = "B-STaR (T, tau chosen by balance score)" if config.bstar.auto else "fixed T (STaR/RFT)"
    png = plot_runs({config.name: result.records}, result.output / PNG_FILE,
                    f"rlvr self-improve: {config.name} ({config.model}), {mode}")
    s, b = config.sampling, config.bstar
    lines = [
        f"# rlvr self-improve: {config.name}",
        "",
        f"- model: `{config.model}`; {mode}; {config.iterations} iterations",
        f"- task: {config.tasks.name} difficulty {config.tasks.difficulty}, {config.tasks.prompts_per_iteration} fresh "
        f"prompts x K={s.k} samples per iteration, at most {s.max_tokens} tokens",
        f"- reward: {config.reward.name}{' (score > tau accepted)' if config.is_score_reward else ' (correct samples accepted)'}",
        f"- probe: {b.probe_problems} prompts x {config.probe_k} samples at T in {config.temperature_grid}"
        f"{', tau in ' + str(config.tau_grid) if config.is_score_reward else ''}; n* = {b.n_star}, S = {b.top_s}",
        f"- SFT (TRL SFTTrainer): lr {config.sft.learning_rate:g}, {config.sft.epochs:g} epoch(s), batch {config.sft.batch_size}",
        f"- CPU time: {sum(r.cpu_seconds for r in result.records) / 60:.1f} min",
        "",
        *table(result.records),
        "",
        result.summary_line(),
        "",
        f"![report]({PNG_FILE})",
        "",
    ]
    md = result.output / MD_FILE
    md.write_text("\n".join(lines), encoding="utf-8")
    return png, md


def load_records(data: list[dict[str, Any]]) -> list["IterationRecord"]:
    """Records from `summary.json`'s `iterations` list."""
    from rlvr.selfimprove.loop import IterationRecord

    return [IterationRecord(**row) for row in data]
