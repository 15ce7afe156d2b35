"""ILO evidence: per-layer ILO of the embedded model, and ILO before/after short rlvr runs with and without freezing.

    nice python benchmarks/internals/ilo.py            # every stage; a stage whose output exists is skipped
    python benchmarks/internals/ilo.py --report-only   # redraw the figures and the table from the saved JSON

Stages (outputs in benchmarks/internals/ilo/, training runs under --runs, not committed):
1. `ilo_base.json` / `ilo_base/ilo.png`: SmolLM2-135M-Instruct on the whole shipped Django set (200 ids x 8 languages);
   run last, as it is the slowest stage.
2. Two GRPO runs from the default recipe, `--steps` steps each, identical but for `algorithm.freeze_layers`
   (0, then --freeze): held-out evaluation and checkpoints off, 1 prompt x 4 completions of <= 32 tokens a step,
   learning rate --learning-rate (1e-4, ten times the recipe's, so that 10 steps move the weights), 1 thread.
3. `ilo_base_subset.json`, `ilo_nofreeze.json`, `ilo_freeze<L>.json`: ILO on the first --ids ids (x 8 languages) for
   the base and each trained model; `ilo_freeze.png` overlays the
   three, `ilo_freeze_delta.png` plots after - before, and `ilo_freeze.md` tables them. CPU seconds are recorded for every stage.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "ilo"


def ilo_stage(model: str, name: str, batch_size: int, ids: int | None = None) -> dict:
    from rlvr.cli_support import progress
    from rlvr.ilo import read_tsv, score_model, shipped_data, write_outputs

    target = OUT / f"{name}.json"
    if target.exists():
        return json.loads(target.read_text())
    sentences = read_tsv(shipped_data())
    if ids is not None:  # the first `ids` ids in id order (ids are hashes: an arbitrary, stable subset)
        keep = set(sorted({s.id for s in sentences})[:ids])
        sentences = [s for s in sentences if s.id in keep]
    started = time.process_time()
    with progress(f"ILO {name}", len(sentences)) as advance:
        result = score_model(model, sentences, batch_size=batch_size, advance=advance)
    result["cpu_seconds"] = time.process_time() - started
    result["model_label"] = name
    write_outputs(result, OUT / name)
    target.write_text(json.dumps(result, indent=2) + "\n")
    return result


def train_stage(runs: Path, freeze: int, steps: int, learning_rate: float) -> Path:
    from rlvr.train.config import load_config
    from rlvr.train.trl_engine import train_trl

    output = runs / f"freeze{freeze}"
    if (output / "final" / "config.json").exists():
        return output / "final"
    config = load_config("default", [
        f"output={output}", "threads=1", f"budget.steps={steps}", "budget.minutes=null", "eval.problems=0",
        "checkpoint.every_steps=0", "algorithm.prompts_per_step=1", "algorithm.group_size=4",
        "algorithm.max_completion_tokens=32", f"algorithm.learning_rate={learning_rate}", f"algorithm.freeze_layers={freeze}",
    ])
    started = time.process_time()
    result = train_trl(config, show_progress=True)
    (OUT / f"train_freeze{freeze}.json").write_text(json.dumps(
        {"freeze_layers": freeze, "steps": result.steps, "cpu_seconds": time.process_time() - started,
         "train_cpu_seconds": result.extra.get("cpu_seconds")}, indent=2) + "\n")
    return result.final_model


def report(freeze: int) -> None:
    from rlvr.ilo.plot import plot_layers

    runs = {"base": "ilo_base_subset", "GRPO, all layers trained": "ilo_nofreeze", f"GRPO, first {freeze} frozen": f"ilo_freeze{freeze}"}
    loaded = {label: json.loads((OUT / f"{name}.json").read_text()) for label, name in runs.items() if (OUT / f"{name}.json").exists()}
    if len(loaded) < 3:
        print(f"only {', '.join(loaded) or 'no'} results so far; the comparison needs all three")
        return
    subset = loaded["base"]["sentences_per_language"]
    plot_layers([], OUT / "ilo_freeze.png", f"ILO per layer before/after short GRPO runs, SmolLM2-135M-Instruct, "
                f"{subset} Django ids x 8 languages (k=5, t=3, mean pooling)", compare={k: v["layers"] for k, v in loaded.items()})
    base, free, frozen = (loaded[label]["layers"] for label in runs)
    delta_figure(base, {"all layers trained": free, f"first {freeze} frozen": frozen}, freeze)
    lines = ["| layer | ILO base | all trained | first %d frozen | overlap base | all trained | frozen |" % freeze,
             "|---:|---:|---:|---:|---:|---:|---:|"]
    for b, f, z in zip(base, free, frozen):
        lines.append(f"| {b['layer']} | {b['ilo']:.4f} | {f['ilo']:.4f} | {z['ilo']:.4f} | "
                     f"{b['translation_overlap']:.4f} | {f['translation_overlap']:.4f} | {z['translation_overlap']:.4f} |")
    (OUT / "ilo_freeze.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def delta_figure(base: list, trained: dict, freeze: int) -> None:
    """The change from the base model per layer (after - before), for ILO and translation overlap."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharex=True)
    for metric, axis in zip(("ilo", "translation_overlap"), axes):
        for label, layers in trained.items():
            axis.plot([b["layer"] for b in base], [t[metric] - b[metric] for b, t in zip(base, layers)],
                      marker="o", markersize=3, label=label)
        axis.axhline(0, color="grey", linewidth=0.8)
        axis.axvline(freeze, color="grey", linestyle=":", linewidth=0.8)
        axis.set_xlabel(f"layer (0 = embeddings; dotted: last frozen state, {freeze})")
        axis.set_ylabel(f"{'ILO' if metric == 'ilo' else 'translation overlap'}: after - before")
        axis.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    figure.suptitle("Change per layer after the short GRPO runs (SmolLM2-135M-Instruct, Django subset)", fontsize=10)
    figure.tight_layout()
    figure.savefig(OUT / "ilo_freeze_delta.png", dpi=120)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=Path, default=Path("runs/ilo_bench"))
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--freeze", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--ids", type=int, default=50, help="ids (x 8 languages) for the before/after comparison")
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.report_only:
        import torch

        torch.set_num_threads(1)
        trained = train_stage(args.runs, 0, args.steps, args.learning_rate)
        frozen = train_stage(args.runs, args.freeze, args.steps, args.learning_rate)
        ilo_stage("default", "ilo_base_subset", args.batch_size, args.ids)
        ilo_stage(str(trained), "ilo_nofreeze", args.batch_size, args.ids)
        ilo_stage(str(frozen), f"ilo_freeze{args.freeze}", args.batch_size, args.ids)
        report(args.freeze)
        ilo_stage("default", "ilo_base", args.batch_size)  # the whole shipped set, last: the slowest stage
    report(args.freeze)


if __name__ == "__main__":
    main()
