"""Training benchmark: the default recipe from a clean model cache, and LASER-D against plain GRPO.

One command, self-contained; writes RESULTS.md, results.json and PNG reports next to this file
(or into --out-dir):

    python benchmarks/train/run.py                 # default recipe + LASER-D comparison
    python benchmarks/train/run.py --skip-laser    # default recipe only

1. Default recipe (`rlvr demo`): SmolLM2-135M-Instruct converted from its GGUF into a fresh
   cache, held-out accuracy before and after GRPO, mean response tokens, wall time.
   Target: +15 points of held-out accuracy within 15 minutes on 2 CPU cores.
2. From the model part 1 trained (the way LASER-D is meant to be used: on a policy that already
   solves the task), plain GRPO (`default`) and `laser_d` each continue for the same number of
   steps, side by side in the same run. Target: LASER-D cuts mean response tokens by >= 30% at
   <= 2 points lower held-out accuracy.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", default=str(HERE), help="where RESULTS.md, results.json and PNGs go")
    parser.add_argument("--minutes", type=float, default=None, help="training minutes for the default recipe (default: the recipe's)")
    parser.add_argument("--laser-steps", type=int, default=None, help="steps for the GRPO baseline and laser_d (default: the recipes')")
    parser.add_argument("--laser-minutes", type=float, default=None, help="minutes cap for each of the GRPO baseline and laser_d")
    parser.add_argument("--skip-default", action="store_true")
    parser.add_argument("--skip-laser", action="store_true")
    parser.add_argument("--start-model", default=None,
                        help="model both halves of the LASER-D comparison start from (default: part 1's result)")
    parser.add_argument("--set", action="append", default=[], help="extra recipe override for every run, key=value")
    parser.add_argument("--parallel", action="store_true",
                        help="run the comparison's two halves at once, one torch thread each")
    parser.add_argument("--keep-work", action="store_true",
                        help="keep the trained models (printed folder), e.g. as --start-model of a replicate")
    args = parser.parse_args()

    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="rlvr-bench-train-"))
    # A clean cache, so the first-use GGUF conversion is part of the measurement.
    os.environ["RLVR_CACHE"] = str(work / "cache")

    import torch

    from rlvr.models import ensure_cached
    from rlvr.train.config import load_config
    from rlvr.train.trl_engine import train_trl

    device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else f"CPU ({os.cpu_count()} cores)"
    results: dict = {"device": device, "python": platform.python_version(), "torch": torch.__version__,
                     "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
                     "command": " ".join(["python", "benchmarks/train/run.py", *sys.argv[1:]])}

    if not args.skip_default:
        start = time.monotonic()
        ensure_cached()
        convert_s = time.monotonic() - start
        overrides = [f"output={work / 'default'}", *args.set]
        if args.minutes is not None:
            overrides.append(f"budget.minutes={args.minutes}")
        run = train_trl(load_config("default", overrides))
        wall = time.monotonic() - start
        results["default"] = {**run.to_dict(), "convert_seconds": convert_s, "wall_seconds_with_conversion": wall,
                              "run_command": results["command"], "run_started": results["started"]}
        shutil.copy(run.output / "report.png", out_dir / "default_report.png")
        print(run.summary_line(), flush=True)

    if not args.skip_laser:
        start_model = args.start_model or (str(run.output / "final") if not args.skip_default else None)
        if start_model is None:
            parser.error("--skip-default needs --start-model (a GRPO-trained checkpoint folder)")
        results["pair_start_model"] = "part 1's result" if not args.start_model else args.start_model
        arms = {}
        for name, recipe in PAIR:
            overrides = [f"output={work / name}", f"model={start_model}", *args.set]
            if args.laser_steps is not None:
                overrides.append(f"budget.steps={args.laser_steps}")
            if args.laser_minutes is not None:
                overrides.append(f"budget.minutes={args.laser_minutes}")
            arms[name] = (recipe, overrides)
        pair = run_pair_parallel(arms, work) if args.parallel else {
            name: train_trl(load_config(recipe, overrides)).to_dict() for name, (recipe, overrides) in arms.items()}
        for name, run in pair.items():
            results[name] = run
            shutil.copy(Path(run["output"]) / "report.png", out_dir / f"{name}_report.png")
            print(name, run["summary"], flush=True)
        results["pair_parallel"] = bool(args.parallel)
        comparison_plot(pair, out_dir / "laser_d_vs_grpo.png")

    previous = out_dir / "results.json"
    if previous.exists():
        # Parts skipped in this run keep their last measured figures.
        kept = json.loads(previous.read_text(encoding="utf-8"))
        for part in ("default", "grpo", "laser_d", "pair_start_model", "pair_parallel"):
            if part in kept and part not in results:
                results[part] = kept[part]
    (out_dir / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    (out_dir / "RESULTS.md").write_text(render(results), encoding="utf-8")
    print(f"wrote {out_dir / 'RESULTS.md'}")
    if args.keep_work:
        print(f"trained models kept under {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


PAIR = (("grpo", "default"), ("laser_d", "laser_d"))


def run_pair_parallel(arms: dict, work: Path) -> dict:
    """Both halves of the comparison at once, one torch thread each (one core each on 2 cores).

    Each is an `rlvr train` process; its log goes to WORK/NAME.log and its figures come back
    from the run's summary.json. Gradient checkpointing is on in both: without it one run peaks
    at ~12 GB on the CPU and two overflow a 24 GB machine; with it ~7.7 GB, the same losses and
    about 4% more time per step (measured on the demo's result).
    """
    import subprocess

    from rlvr.train.config import load_config
    from rlvr.train.result import SUMMARY_FILE

    procs = {}
    for name, (recipe, overrides) in arms.items():
        settings = [*overrides, "threads=1", "algorithm.gradient_checkpointing=true"]
        # Resolved here as well, so a bad override fails before anything starts, and the
        # summary is read from the folder the run really writes to.
        output = Path(load_config(recipe, settings).output)
        command = [sys.executable, "-m", "rlvr.cli", "train", recipe]
        for item in settings:
            command += ["--set", item]
        with open(work / f"{name}.log", "w", encoding="utf-8") as log:  # the child keeps its own handle
            procs[name] = (subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT), output)
        print(f"{name}: {' '.join(command)} (log: {work / f'{name}.log'})", flush=True)
    runs = {}
    for name, (proc, output) in procs.items():
        code = proc.wait()
        if code != 0:
            # Stop the other half rather than leave it running without a parent to collect it.
            for other, _ in procs.values():
                if other.poll() is None:
                    other.terminate()
            raise SystemExit(f"{name} failed (exit {code}); see {work / f'{name}.log'}")
        runs[name] = json.loads((output / SUMMARY_FILE).read_text(encoding="utf-8"))
    return runs


def comparison_plot(runs: dict, path: Path) -> None:
    """Sampled response tokens and accuracy per training step, GRPO vs LASER-D (held-out figures in the legend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for name, run in runs.items():
        rows = [json.loads(line) for line in (Path(run["output"]) / "metrics.jsonl").read_text().splitlines() if line.strip()]
        steps = [r for r in rows if "rlvr/length_tokens" in r]
        after = run["after"]
        label = f"{name} (held-out after: acc {after['accuracy']:.3f}, {after['mean_tokens']:.1f} tokens)"
        axes[0].plot([r["step"] for r in steps], [r["rlvr/length_tokens"] for r in steps], marker=".", label=label)
        axes[1].plot([r["step"] for r in steps], [r["rlvr/accuracy"] for r in steps], marker=".", label=label)
    axes[0].set_title("mean sampled response tokens per step")
    axes[1].set_title("sampled accuracy per step")
    for ax in axes:
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def render(results: dict) -> str:
    lines = ["# Training benchmark", "",
             f"Device: {results['device']}; Python {results['python']}; torch {results['torch']}; "
             f"run started {results['started']}.", "",
             f"Command: `{results.get('command', 'python benchmarks/train/run.py')}` (`make bench-train` runs it "
             "with the recipes' own budgets).", ""]
    d = results.get("default")
    if d:
        b, a = d["before"], d["after"]
        gain = (a["accuracy"] - b["accuracy"]) * 100
        lines += [
            "## Default recipe (`rlvr demo`)", "",
            "SmolLM2-135M-Instruct (embedded GGUF, converted into a clean cache), GRPO on `arithmetic` "
            "difficulty 1, correctness + light format reward, held-out set from a disjoint seed (greedy).", "",
            "| measure | value |", "|---|---|",
            f"| GGUF -> safetensors conversion | {d['convert_seconds']:.1f} s |",
            f"| training steps | {d['steps']} ({d['stop_reason']}) |",
            f"| training time | {d['train_seconds'] / 60:.1f} min |",
            f"| whole run incl. conversion and both evaluations | {d['wall_seconds_with_conversion'] / 60:.1f} min |",
            f"| held-out accuracy before -> after | {b['accuracy']:.3f} -> {a['accuracy']:.3f} ({gain:+.1f} points) |",
            f"| held-out format rate before -> after | {b['format_rate']:.3f} -> {a['format_rate']:.3f} |",
            f"| mean response tokens before -> after | {b['mean_tokens']:.1f} -> {a['mean_tokens']:.1f} |",
        ]
        if d.get("threads"):
            lines.append(f"| torch CPU threads | {d['threads']} |")
        if "completion_tokens_per_s" in d:
            lines.append(f"| sampled completion tokens / s of training | {d['completion_tokens_per_s']:.1f} |")
        if d.get("run_command") and d["run_command"] != results.get("command"):
            # part 1 kept from an earlier run (this one skipped it)
            lines += ["", f"Measured by `{d['run_command']}`, started {d['run_started']}."]
        lines += ["", f"Target: +15 points within 15 minutes -> {'met' if gain >= 15 and d['wall_seconds_with_conversion'] <= 900 else 'NOT met'}.",
                  "", f"`{d['summary']}`", "", "![default recipe](default_report.png)", ""]
    g, l = results.get("grpo"), results.get("laser_d")
    if g and l:
        ga, la = g["after"], l["after"]
        cut = 1 - la["mean_tokens"] / ga["mean_tokens"] if ga["mean_tokens"] else 0.0
        drop = (ga["accuracy"] - la["accuracy"]) * 100
        start = results.get("pair_start_model", "part 1's result")
        lines += [
            "## LASER-D vs plain GRPO (same task, prompt, budget; same run)", "",
            "Both continue from the same trained model (LASER-D is meant for a policy that already "
            "solves the task). `grpo` is the default recipe (correctness + format); `laser_d` replaces "
            "correctness with LASER-D (correctness plus a bonus for correct answers within an adaptive, "
            "difficulty-aware target length). Same prompt, task, seed, step and time budgets, and held-out set."
            + (" The two ran at the same time, one torch thread (core) each." if results.get("pair_parallel") else ""), "",
            "| recipe | steps (stopped by) | torch threads | held-out accuracy | mean response tokens | format rate |",
            "|---|---|---|---|---|---|",
            f"| start (both): {start} | 0 | - | {g['before']['accuracy']:.3f} | {g['before']['mean_tokens']:.1f} | {g['before']['format_rate']:.3f} |",
            *(f"| {name} | {r['steps']} ({r['stop_reason']}) | {r.get('threads', '-')} | {r['after']['accuracy']:.3f} | "
              f"{r['after']['mean_tokens']:.1f} | {r['after']['format_rate']:.3f} |" for name, r in (("grpo", g), ("laser_d", l))),
            "",
            f"LASER-D / GRPO mean response tokens: {1 - cut:.2f} (a {cut * 100:.0f}% cut); accuracy difference "
            f"{-drop:+.1f} points. Target (>= 30% cut at <= 2 points lower accuracy): "
            f"{'met' if cut >= 0.30 and drop <= 2 else 'NOT met'}.",
        ]
        grpo_cut = 1 - ga["mean_tokens"] / g["before"]["mean_tokens"] if g["before"]["mean_tokens"] else 0.0
        if grpo_cut >= 0.30 and cut < 0.30:
            lines += [
                "",
                f"From the shared start ({g['before']['mean_tokens']:.1f} tokens), plain GRPO itself cut held-out "
                f"response tokens by {grpo_cut * 100:.0f}% and LASER-D by "
                f"{(1 - la['mean_tokens'] / l['before']['mean_tokens']) * 100:.0f}%: on a task whose answers are a "
                "boxed number, the correctness and format rewards already remove most of the excess length, "
                "which leaves LASER-D little to cut beyond GRPO.",
            ]
        lines += [
            "", "![LASER-D vs GRPO](laser_d_vs_grpo.png)", "",
        ]
    lines += ["Timings on a shared machine are pessimistic; ratios taken in the same run are the figures to compare.", ""]
    if (HERE / "GPU.md").exists():
        lines += ["GPU runs (one H100): see [GPU.md](GPU.md).", ""]
    if (HERE / "RESULTS-laser-cpu.md").exists():
        lines += ["Every CPU run of the comparison, replicates with other training seeds and earlier LASER-D "
                  "grids included (not all of them meet the target): see [RESULTS-laser-cpu.md](RESULTS-laser-cpu.md).", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
