"""Training benchmark: the default recipe from a clean model cache, and LASER-D against plain GRPO.

One command, self-contained; writes RESULTS.md, results.json, default_report.png and
laser_d_vs_grpo.png next to this file (or into --out-dir; each run's own report.png stays in its
run folder, kept with --keep-work):

    python benchmarks/train/run.py                 # default recipe + LASER-D comparison
    python benchmarks/train/run.py --skip-laser    # default recipe only

1. Default recipe (`rlvr demo`): SmolLM2-135M-Instruct converted from its GGUF into a fresh
   cache, held-out accuracy before and after GRPO, mean response tokens, wall time.
   Target: +15 points of held-out accuracy within 15 minutes on 2 CPU cores.
2. LASER-D is meant for a policy that already solves the task, so plain GRPO first continues
   from part 1's result for --warmup-minutes (optional). From that model, plain GRPO (`default`)
   and `laser_d` each continue with the same step and time budgets, once per training seed in
   --seeds. Target: LASER-D cuts mean response tokens by >= 30% at <= 2 points lower held-out
   accuracy, judged per seed; the table says in how many seeds it was met.
   --continue-minutes M gives each half a second stage: it resumes its own checkpoint for M
   minutes more, and the report shows both stages. --continue-work DIR does the same for the pairs
   an earlier run kept (--keep-work), for --laser-minutes, instead of training new ones.

RESULTS.md also carries every full-protocol seed so far (seeds.csv, one row per seed, added by hand
after a run) and their tally across seeds (tally.py); --render-only rewrites it from results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from target import SeedPair

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
    parser.add_argument("--start-label", default=None,
                        help="how the report describes --start-model (default: its path)")
    parser.add_argument("--warmup-minutes", default=None,
                        help="plain GRPO continues from part 1's result (or --start-model) this long before the "
                             "comparison branches; '25,20' runs two stages one after the other (default: no warm-up)")
    parser.add_argument("--warmup-seed", default="2",
                        help="training seed of each warm-up stage, comma-separated like --warmup-minutes")
    parser.add_argument("--seeds", default="0",
                        help="comma-separated training seeds; the comparison runs once per seed (default: 0)")
    parser.add_argument("--set", action="append", default=[], help="extra recipe override for every run, key=value")
    parser.add_argument("--parallel", action="store_true",
                        help="run the comparison's two halves at once, one torch thread each")
    parser.add_argument("--continue-work", default=None,
                        help="each seed's two halves resume their own runs from this earlier work folder (kept with "
                             "--keep-work) for --laser-minutes more, instead of starting from one model")
    parser.add_argument("--continue-minutes", type=float, default=None,
                        help="after the comparison's runs, each half resumes its own checkpoint for this many minutes "
                             "more; the report shows both (total budget: --laser-minutes + this)")
    parser.add_argument("--baseline-from", default=None,
                        help="take each seed's plain GRPO half from this earlier work folder (kept with --keep-work, "
                             "same --start-model and budgets) and train only laser_d: a changed LASER-D recipe "
                             "against the GRPO runs it is compared with, at half the CPU")
    parser.add_argument("--keep-work", action="store_true",
                        help="keep the trained models (printed folder), e.g. as --start-model of a replicate")
    parser.add_argument("--render-only", action="store_true",
                        help="train nothing: rewrite RESULTS.md from --out-dir's results.json (e.g. after "
                             "seeds.csv gained rows)")
    args = parser.parse_args()
    if args.render_only:
        return render_only(Path(args.out_dir))
    seeds = parse_seeds(args.seeds, parser)  # before anything slow starts
    warmup = parse_warmup(args.warmup_minutes, args.warmup_seed, parser)
    earlier = Path(args.continue_work) if args.continue_work else None
    if earlier is not None:
        check_continue_work(earlier, seeds, args, parser)
    baseline = Path(args.baseline_from) if args.baseline_from else None
    if baseline is not None:
        check_baseline(baseline, seeds, args, parser)

    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="rlvr-bench-train-"))
    # A clean cache, so the first-use GGUF conversion is part of the measurement.
    os.environ["RLVR_CACHE"] = str(work / "cache")

    import torch

    from rlvr.models import ensure_cached
    from rlvr.train.config import load_config
    from rlvr.train.result import SUMMARY_FILE
    from rlvr.train.trl_engine import train_trl

    device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else f"CPU ({os.cpu_count()} cores)"
    results: dict = {"device": device, "python": platform.python_version(), "torch": torch.__version__,
                     "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
                     "command": shlex.join(["python", "benchmarks/train/run.py", *sys.argv[1:]])}

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
        if earlier is not None:
            # Resumed runs load their weights from their checkpoints; the model they started from
            # only has to be named for the recipe, and their held-out "before" is the start's.
            start_model = earlier_start_model(earlier, seeds[0])
        elif start_model is None:
            parser.error("--skip-default needs --start-model (a GRPO-trained checkpoint folder)")
        results["pair_start_model"] = ("part 1's result" if not (args.start_model or earlier)
                                       else args.start_label or start_model)
        stages = []
        for stage, (minutes, seed) in enumerate(warmup):
            overrides = [f"output={work / f'warmup{stage}'}", f"model={start_model}", SAME_PROMPT, *args.set,
                         f"seed={seed}", f"tasks.seed={seed}", f"budget.minutes={minutes}", "budget.steps=1000"]
            warm = train_trl(load_config("default", overrides))
            stages.append({**warm.to_dict(), "start_model": results["pair_start_model"] if not stage else
                           f"warm-up stage {stage}", "seed": seed, "minutes": minutes})
            start_model = str(warm.output / "final")
            print(f"warm-up stage {stage + 1}", warm.summary_line(), flush=True)
        results["warmup"] = stages  # set even when empty: an earlier run's warm-up is not this one's
        if warmup:
            spent = " + ".join(f"{m:g} min (seed {s})" for m, s in warmup)
            results["pair_start_model"] = f"{results['pair_start_model']} + plain GRPO for {spent}"
        # A second stage: --continue-work's kept runs go on for --laser-minutes, or this run's for --continue-minutes.
        more_minutes = args.laser_minutes if earlier is not None else args.continue_minutes
        pairs = {}
        for seed in seeds:
            arms = {}
            for name, recipe in PAIR:
                if baseline is not None and name == "grpo":
                    continue
                overrides = [f"output={work / f'seed{seed}' / name}", f"model={start_model}", SAME_PROMPT, *args.set,
                             f"seed={seed}", f"tasks.seed={seed}"]
                if args.laser_steps is not None:
                    overrides.append(f"budget.steps={args.laser_steps}")
                if args.laser_minutes is not None:
                    overrides.append(f"budget.minutes={args.laser_minutes}")
                arms[name] = (recipe, overrides)
            seed_work = work / f"seed{seed}"
            seed_work.mkdir(parents=True, exist_ok=True)
            if earlier is not None:
                first = {}
                for name in arms:
                    source = earlier / f"seed{seed}" / name
                    first[name] = json.loads((source / SUMMARY_FILE).read_text(encoding="utf-8"))
                    # A copy: resuming rewrites the run's files, and the earlier figures stay checkable.
                    shutil.copytree(source, seed_work / name)
            else:
                first = run_pair(arms, seed_work, args.parallel, resume=False)
            pair = first
            if more_minutes is not None:
                # Each half resumes its own checkpoint; a later --set wins, so this is the new budget.
                more = {name: (recipe, [*overrides, f"budget.minutes={more_minutes}"])
                        for name, (recipe, overrides) in arms.items()}
                pair = run_pair(more, seed_work, args.parallel, resume=True)
                for name, summary in first.items():
                    pair[name]["continued_from"] = {key: summary[key] for key in
                                                    ("steps", "stop_reason", "train_seconds", "after")}
            if baseline is not None:
                pair = {"grpo": baseline_run(baseline, seed), **pair}
            for name, run_dict in pair.items():
                run_dict["late"] = late_figures(Path(run_dict["output"]))
                print(f"seed {seed}", name, run_dict["summary"], flush=True)
            pairs[str(seed)] = pair
        results["pairs"] = pairs
        results["pair_parallel"] = bool(args.parallel)
        results["pair_baseline_from"] = str(baseline) if baseline is not None else None
        results["pair_continued"] = ({"from": str(earlier) if earlier is not None else None, "minutes": more_minutes}
                                     if more_minutes is not None else None)
        comparison_plot(pairs, out_dir / "laser_d_vs_grpo.png")

    previous = out_dir / "results.json"
    if previous.exists():
        # Parts skipped in this run keep their last measured figures.
        kept = json.loads(previous.read_text(encoding="utf-8"))
        for part in ("default", "warmup", "pairs", "pair_start_model", "pair_parallel", "pair_continued",
                     "pair_baseline_from"):
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
# The warm-up and both halves of the LASER-D comparison use laser_d's prompt (the model's own system
# prompt), the one the comparison was measured with; the demo's recipe adds a format instruction.
SAME_PROMPT = "system_prompt=null"


def render_only(out_dir: Path) -> int:
    """--render-only: RESULTS.md again from the results.json an earlier run wrote."""
    recorded = out_dir / "results.json"
    if not recorded.exists():
        print(f"--render-only: {recorded} does not exist; run the benchmark first", file=sys.stderr)
        return 2
    (out_dir / "RESULTS.md").write_text(render(json.loads(recorded.read_text(encoding="utf-8"))), encoding="utf-8")
    print(f"wrote {out_dir / 'RESULTS.md'}")
    return 0


def parse_seeds(text: str, parser: argparse.ArgumentParser) -> list[int]:
    """`--seeds 0,1,2` as a list of distinct integers."""
    try:
        seeds = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        parser.error(f"--seeds must be comma-separated integers; got {text!r}")
    if not seeds or len(set(seeds)) != len(seeds):
        parser.error(f"--seeds needs at least one seed and no repeats; got {text!r}")
    return seeds


def parse_warmup(minutes: str | None, seeds: str, parser: argparse.ArgumentParser) -> list[tuple[float, int]]:
    """`--warmup-minutes 25,20 --warmup-seed 2,0` as [(25.0, 2), (20.0, 0)]; one seed serves every stage."""
    if minutes is None:
        return []
    try:
        spans = [float(part) for part in minutes.split(",")]
        seed_list = [int(part) for part in seeds.split(",")]
    except ValueError:
        parser.error(f"--warmup-minutes and --warmup-seed take comma-separated numbers; got {minutes!r} and {seeds!r}")
    if len(seed_list) == 1:
        seed_list *= len(spans)
    if len(seed_list) != len(spans) or any(span <= 0 for span in spans):
        parser.error(f"--warmup-seed needs one seed or one per stage of --warmup-minutes (each > 0 minutes); "
                     f"got {minutes!r} and {seeds!r}")
    return list(zip(spans, seed_list))


def check_continue_work(earlier: Path, seeds: list[int], args: argparse.Namespace,
                        parser: argparse.ArgumentParser) -> None:
    """--continue-work needs every seed's two finished runs, and excludes a start model or a warm-up."""
    if args.start_model or args.warmup_minutes:
        parser.error("--continue-work resumes earlier runs; --start-model and --warmup-minutes do not apply")
    if args.laser_minutes is None or args.continue_minutes is not None:
        parser.error("--continue-work takes --laser-minutes (how much longer each half trains), "
                     "not --continue-minutes")
    from rlvr.models.loading import latest_checkpoint
    from rlvr.train.result import SUMMARY_FILE

    for seed in seeds:
        for name, _ in PAIR:
            run = earlier / f"seed{seed}" / name
            if not (run / SUMMARY_FILE).exists() or latest_checkpoint(run) is None:
                parser.error(f"--continue-work: {run} holds no finished run with a checkpoint")


def check_baseline(baseline: Path, seeds: list[int], args: argparse.Namespace,
                   parser: argparse.ArgumentParser) -> None:
    """--baseline-from needs each seed's finished GRPO run, trained from --start-model with the same seed."""
    from rlvr.train.config import load_config
    from rlvr.train.result import SUMMARY_FILE

    if not args.start_model or args.warmup_minutes or args.continue_work:
        parser.error("--baseline-from needs --start-model (the model its GRPO runs started from), "
                     "and no --warmup-minutes or --continue-work")
    for seed in seeds:
        run = baseline / f"seed{seed}" / "grpo"
        if not (run / SUMMARY_FILE).exists():
            parser.error(f"--baseline-from: {run} holds no finished GRPO run")
        config = load_config(str(run / "config.yaml"), [])
        if Path(config.model).resolve() != Path(args.start_model).resolve() or config.seed != seed:
            parser.error(f"--baseline-from: {run} started from {config.model} with seed {config.seed}, "
                         f"not from {args.start_model} with seed {seed}")
        # The same held-out set, or the two halves' figures do not compare.
        ours = load_config("laser_d", [*args.set, f"seed={seed}", f"tasks.seed={seed}"]).eval
        if ours != config.eval:
            parser.error(f"--baseline-from: {run} was evaluated with {config.eval}, this run would use {ours}; "
                         "pass the same --set eval.* overrides")


def baseline_run(baseline: Path, seed: int) -> dict:
    """An earlier run's GRPO half of `seed`, marked as such in the report."""
    from rlvr.train.result import SUMMARY_FILE

    run = baseline / f"seed{seed}" / "grpo"
    return {**json.loads((run / SUMMARY_FILE).read_text(encoding="utf-8")), "baseline_from": str(run)}


def earlier_start_model(earlier: Path, seed: int) -> str:
    """The model an earlier comparison's runs started from (both halves share it)."""
    from rlvr.train.config import load_config

    return load_config(str(earlier / f"seed{seed}" / "grpo" / "config.yaml"), []).model


def run_pair(arms: dict, work: Path, parallel: bool, resume: bool) -> dict:
    """Both halves of a seed's comparison, at once (--parallel) or one after the other; their summaries."""
    if parallel:
        return run_pair_parallel(arms, work, resume)
    from rlvr.train.config import load_config
    from rlvr.train.trl_engine import train_trl

    return {name: train_trl(load_config(recipe, overrides), resume=resume).to_dict()
            for name, (recipe, overrides) in arms.items()}


def run_pair_parallel(arms: dict, work: Path, resume: bool) -> dict:
    """Both halves of the comparison at once, one torch thread each (one core each on 2 cores).

    Each is an `rlvr train` process; its log goes to WORK/NAME.log (NAME-resumed.log for a
    second stage) and its figures come back from the run's summary.json. Gradient checkpointing is on in both: without it one run peaks
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
        command = [sys.executable, "-m", "rlvr.cli", "train", recipe, *(["--resume"] if resume else [])]
        for item in settings:
            command += ["--set", item]
        log_path = work / f"{name}{'-resumed' if resume else ''}.log"
        with open(log_path, "w", encoding="utf-8") as log:  # the child keeps its own handle
            procs[name] = (subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT), output, log_path)
        print(f"{name}: {' '.join(command)} (log: {log_path})", flush=True)
    runs = {}
    for name, (proc, output, log_path) in procs.items():
        code = proc.wait()
        if code != 0:
            # Stop the other half rather than leave it running without a parent to collect it.
            for other, _, _ in procs.values():
                if other.poll() is None:
                    other.terminate()
            raise SystemExit(f"{name} failed (exit {code}); see {log_path}")
        runs[name] = json.loads((output / SUMMARY_FILE).read_text(encoding="utf-8"))
    return runs


def comparison_plot(pairs: dict, path: Path) -> None:
    """Per seed: sampled response tokens and accuracy per training step, GRPO vs LASER-D."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(pairs), 2, figsize=(11, 3.6 * len(pairs)), squeeze=False)
    for row, (seed, runs) in enumerate(pairs.items()):
        for name, run in runs.items():
            rows = [json.loads(line) for line in (Path(run["output"]) / "metrics.jsonl").read_text().splitlines()
                    if line.strip()]
            steps = [r for r in rows if "rlvr/length_tokens" in r]
            after = run["after"]
            label = f"{name} (held-out after: acc {after['accuracy']:.3f}, {after['mean_tokens']:.1f} tokens)"
            axes[row][0].plot([r["step"] for r in steps], [r["rlvr/length_tokens"] for r in steps], marker=".", label=label)
            axes[row][1].plot([r["step"] for r in steps], [r["rlvr/accuracy"] for r in steps], marker=".", label=label)
            if run.get("continued_from"):
                for ax in axes[row]:  # where the second stage resumed
                    ax.axvline(run["continued_from"]["steps"], color=ax.lines[-1].get_color(), linestyle=":")
        axes[row][0].set_title(f"seed {seed}: mean sampled response tokens per step")
        axes[row][1].set_title(f"seed {seed}: sampled accuracy per step")
        for ax in axes[row]:
            ax.set_xlabel("step")
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def late_figures(run: Path) -> dict:
    """Held-out accuracy and tokens averaged over the run's second half (see late_window.py)."""
    from late_window import heldout_history, late_window

    accuracy, tokens, count = late_window(heldout_history(run))
    return {"accuracy": accuracy, "mean_tokens": tokens, "evaluations": count}


def late_lines(pairs: dict) -> list[str]:
    """The same verdict on each half's late-window means, for the seeds that have them."""
    from target import verdict

    rows = []
    for seed, pair in pairs.items():
        g, l = pair["grpo"].get("late"), pair["laser_d"].get("late")
        if not (g and l):
            continue
        ratio, diff, met = verdict((g["accuracy"], g["mean_tokens"]), (l["accuracy"], l["mean_tokens"]))
        rows.append(f"| {seed} | {g['accuracy']:.3f} / {g['mean_tokens']:.1f} ({g['evaluations']}) | "
                    f"{l['accuracy']:.3f} / {l['mean_tokens']:.1f} ({l['evaluations']}) | {ratio:.2f} | "
                    f"{diff:+.1f} | {'yes' if met else 'no'} |")
    if not rows:
        return []
    return ["Late window: each half's held-out figures averaged over its evaluations in the second half of "
            "its steps (greedy accuracy on the 100 sums swings by up to ten points between evaluations, in "
            "both halves, so one end point is a noisy verdict; `benchmarks/train/late_window.py`):", "",
            "| seed | grpo accuracy / tokens (evaluations) | laser_d accuracy / tokens (evaluations) | "
            "tokens ratio | accuracy diff (points) | target met |", "|---|---|---|---|---|---|", *rows, ""]


def end_figures(pair: dict) -> SeedPair:
    """One seed's held-out figures at the end of both halves, as target.py judges them."""
    from target import SeedPair

    grpo, laser = pair["grpo"]["after"], pair["laser_d"]["after"]
    return SeedPair(grpo["accuracy"], grpo["mean_tokens"], laser["accuracy"], laser["mean_tokens"])


def steps_text(run: dict) -> str:
    """A run's steps and why it stopped; a resumed run also says how many steps it had before."""
    earlier = run.get("continued_from")
    if run.get("baseline_from"):
        return f"{run['steps']} ({run['stop_reason']}; earlier run)"
    if not earlier:
        return f"{run['steps']} ({run['stop_reason']})"
    return f"{run['steps']} ({earlier['steps']} + {run['steps'] - earlier['steps']}; {run['stop_reason']})"


def continued_lines(pairs: dict, continued: dict) -> list[str]:
    """The paragraph and table saying what the resumed runs had reached before they resumed."""
    source = (f"the runs kept in `{continued['from']}` by an earlier run of this benchmark (--keep-work)"
              if continued["from"] else "its first stage, in the same run")
    lines = [f"Two stages: each half of each seed resumed its own checkpoint from {source}, optimizer state "
             f"and LASER-D's target lengths included, and trained {continued['minutes']:g} minutes more; the "
             "main table is the end of the second stage. Held-out figures at the end of the first stage:", "",
             "| seed | grpo steps / minutes | grpo accuracy / tokens | laser_d steps / minutes | "
             "laser_d accuracy / tokens |", "|---|---|---|---|---|"]
    for seed, pair in pairs.items():
        cells = []
        for name, _ in PAIR:
            earlier = pair[name].get("continued_from")
            if earlier is None:  # a --baseline-from half: its first stage is in the earlier run's report
                cells += ["earlier run", "earlier run"]
                continue
            after = earlier["after"]
            cells += [f"{earlier['steps']} / {earlier['train_seconds'] / 60:.1f}",
                      f"{after['accuracy']:.3f} / {after['mean_tokens']:.1f}"]
        lines.append(f"| {seed} | " + " | ".join(cells) + " |")
    return lines + [""]


# The commit holding the last version of the all-runs page this page replaced, with its plots.
HISTORY_COMMIT = "c9ab474"

PROTOCOL = (
    "Protocol (`make bench-train`): the demo from a clean cache, then plain GRPO from its result for 25 "
    "minutes (seed 2) and 20 more (seed 0): the 45-min start. From it, per training seed, plain GRPO and "
    "`laser_d` each train 20 minutes and resume for 20 more (two at a time, one torch thread each), and "
    "both are judged on all 100 held-out single-digit sums. The warm-up is budgeted in minutes, so each "
    "build of the start is a different model; seeds.csv labels the builds apart (45-min, rebuilt, third). "
    "The 25-min start (the rebuilt start's first warm-up stage alone) is not the protocol's.")

FAILURE_MODES = [
    "No drift to cut against: where plain GRPO's own answers stay near the 21-token template LASER-D "
    "settles on (seeds 6, 7, 13 from the rebuilt start, 14 from the third), the ratio misses 0.70 at "
    "equal accuracy.",
    "Lost sums: LASER-D ended 4 and 7 sums behind in seeds 7 and 9 (seed 9: 1.00 at step 40, 0.91 at the "
    "end, one-digit sums answered with two-digit results inside a 16-token template); with a floor under "
    "its targets (`prompt_floor` 0.9) seed 9 lost the same sums at the same step, so its falling target "
    "was not the cause.",
    "Over-compression from a verbose start: from the 25-min start (61 tokens) seed 11 went to bare "
    "`\\boxed{N}` answers and lost 15 points.",
    "End-point noise: greedy accuracy on the 100 sums swings ~3 points (up to 10) between evaluations in "
    "both halves, so one seed decides by where the budget stops; run.py also reports each seed's "
    "late-window verdict (`late_window.py`: each half's evaluations over the second half of its steps).",
]

REPRODUCE = [
    "make bench-train  # the whole protocol, seeds 0-2 (about 3 h 20 min on 2 cores)",
    "python benchmarks/train/run.py --warmup-minutes 25,20 --warmup-seed 2,0 --seeds N --laser-steps 200 "
    "--laser-minutes 20 --continue-minutes 20 --set eval.problems=100 --parallel --keep-work  # one more seed",
    "python benchmarks/train/run.py --skip-default --start-model START --seeds N --laser-steps 200 "
    "--laser-minutes 20 --continue-minutes 20 --set eval.problems=100 --parallel  # more seeds from a kept start",
    "python benchmarks/train/tally.py  # the tally above, from seeds.csv",
    "python benchmarks/train/run.py --render-only  # this page again from results.json and seeds.csv",
    "python benchmarks/train/late_window.py WORK/seedN  # late-window verdicts of kept runs",
]


def seed_study_lines(seeds_csv: str) -> list[str]:
    """Every full-protocol seed so far: protocol, verdict across seeds, per-seed table, tally, failures, commands."""
    from tally import PROTOCOL_START, SHIPPED_RECIPE, read_rows, tally_lines
    from target import across_seeds

    rows = read_rows(seeds_csv)
    shipped = [row for row in rows if row.recipe == SHIPPED_RECIPE]
    protocol = [row for row in shipped if row.start.endswith(PROTOCOL_START)]
    if not protocol:
        return []
    judged = across_seeds(protocol)
    lines = ["## Across seeds: every full-protocol CPU run", "", PROTOCOL, "",
             f"The shipped recipe over the {judged.seeds} seeds from `make bench-train`'s start: "
             f"**{judged.pooled_ratio:.2f}x pooled tokens at {judged.mean_diff:+.1f}"
             + (f" ± {judged.diff_standard_error:.1f}" if judged.diff_standard_error is not None else "")
             + f" points, one-sided 95% bounds {judged.bounds_text}: {judged.label}**; single seeds meet the "
             f"target in {judged.seeds_met} of {judged.seeds} (`benchmarks/train/target.py`).", "",
             "| seed | start model | steps (grpo / laser_d) | grpo accuracy / tokens | laser_d accuracy / tokens "
             "| tokens ratio | accuracy diff (points) | target met |", "|---|---|---|---|---|---|---|---|"]
    for row in shipped:
        lines.append(f"| {row.seed} | {row.start} | {row.grpo_steps} / {row.laser_steps} | "
                     f"{row.grpo_accuracy:.3f} / {row.grpo_tokens:.1f} | {row.laser_accuracy:.3f} / "
                     f"{row.laser_tokens:.1f} | {row.ratio:.2f} | {row.diff_points:+.1f} | "
                     f"{'yes' if row.met else 'no'} |")
    lines += ["", "The tally by LASER-D recipe and start model (`benchmarks/train/tally.py`; the floored recipes "
              "trained LASER-D alone against the same GRPO halves; pooled ratio = LASER-D's mean tokens over "
              "GRPO's across seeds; accuracy diff = mean per-seed difference ± its standard error):", "",
              *tally_lines(rows), "", "Known failure modes:", "", *[f"- {item}" for item in FAILURE_MODES], "",
              "Reproduce (then add each seed's row from this page's table to `benchmarks/train/seeds.csv`):", "",
              "```", *REPRODUCE, "```", "",
              "Earlier pages and plots (earlier LASER-D grids, runs from the base model, per-evaluation histories): "
              f"see git history of benchmarks/train; the all-runs page last existed at commit {HISTORY_COMMIT} "
              f"(`git show {HISTORY_COMMIT}:benchmarks/train/RESULTS-laser-cpu.md`).", ""]
    return lines


def _fig(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def memory_lines(rows: list[dict]) -> list[str]:
    """The demo's peak resident memory per configuration (`benchmarks/train/memory.py`)."""
    if not rows:
        return []
    lines = ["## Memory of the demo", "",
             "Peak resident memory of the default recipe's run under `/usr/bin/time -v` (its 'Maximum resident set "
             "size'), over the first steps: the optimizer's state is allocated at step 1 and each later step repeats "
             "step 2's allocations. Full fine-tuning in fp32 with AdamW holds 16 bytes per parameter (weights, "
             "gradients, two moments: 2.0 GiB for 135M parameters). Measured on top of that (1 thread, /proc/PID/status "
             "and a stack sampler): the runtime, 0.39 GiB of anonymous memory from importing torch, transformers and TRL "
             "plus 0.16 GiB of mapped libraries; and in each micro-batch's backward, the tied embedding's two dense "
             "gradients (TRL's fused LM head's and the lookup's, 49,152 x 576 fp32 = 113 MB each, and their sum) and "
             "the activations, which gradient checkpointing (on in the recipe) stops keeping. The GGUF's first-use "
             "conversion peaks at 1.5 GiB on its own.", "",
             "| configuration | steps | peak resident memory | CPU time | command |", "|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['label']} | {row['steps']} | {row['peak_gb']:.2f} GiB | {row['cpu_s']:.0f} s | "
                     f"`{row['command']}` |")
    latest = rows[-1]["peak_gb"]
    kilobytes = latest * 1024 ** 2  # what /usr/bin/time prints
    bytes_e9 = latest * 1024 ** 3 / 1e9
    # "3 GB" read three ways, strictest last: 3 GiB; /usr/bin/time's kilobytes under 3,000,000; 3 x 10^9 bytes.
    readings = [("3 GiB", latest < 3), ("3,000,000 kB as /usr/bin/time prints it", kilobytes < 3_000_000),
                ("3 x 10^9 bytes", bytes_e9 < 3)]
    met = [name for name, ok in readings if ok]
    missed = [name for name, ok in readings if not ok]
    verdict = ("met in every reading" if not missed else "NOT met" if not met
               else f"met for {', '.join(met)}; not for {', '.join(missed)}")
    return lines + ["", "CPU times are of unlike runs (steps, threads and held-out set sizes differ); the peaks are "
                    "what compares.", "",
                    f"Target: under 3 GB -> {verdict} (latest row: {latest:.2f} GiB = {kilobytes:,.0f} kB = "
                    f"{bytes_e9:.2f} x 10^9 bytes).", ""]


def render(results: dict) -> str:
    lines = ["# Training benchmark", "",
             f"Device: {results['device']}; Python {results['python']}; torch {results['torch']}; "
             f"run started {results['started']}.", "",
             f"Command: `{results.get('command', 'python benchmarks/train/run.py')}` (`make bench-train` runs the "
             "whole protocol in one command: default recipe, warm-up, three seeds of two 20-minute stages).", ""]
    d = results.get("default")
    if d:
        b, a = d["before"], d["after"]
        gain = (a["accuracy"] - b["accuracy"]) * 100
        lines += [
            "## Default recipe (`rlvr demo`)", "",
            "SmolLM2-135M-Instruct (embedded GGUF, converted into a clean cache), GRPO on `arithmetic` "
            "difficulty 1, correctness + light format reward, held-out set from a disjoint seed (greedy).", "",
            "| measure | value |", "|---|---|",
            *([f"| GGUF -> safetensors conversion | {d['convert_seconds']:.1f} s |"] if "convert_seconds" in d else []),
            f"| training steps | {d['steps']} ({d['stop_reason']}) |",
            f"| training time | {d['train_seconds'] / 60:.1f} min |",
            *([f"| CPU time of training (all threads) | {d['cpu_seconds'] / 60:.1f} min |"] if "cpu_seconds" in d else []),
            f"| whole run incl. conversion and both evaluations | {d['wall_seconds_with_conversion'] / 60:.1f} min |",
            f"| held-out accuracy before -> after | {b['accuracy']:.3f} -> {a['accuracy']:.3f} ({gain:+.1f} points) |",
            f"| held-out format rate before -> after | {b['format_rate']:.3f} -> {a['format_rate']:.3f} |",
            *([f"| held-out accuracy among formatted answers before -> after | {_fig(d.get('before_formatted_accuracy'))} "
               f"-> {_fig(d.get('after_formatted_accuracy'))} |"] if "after_formatted_accuracy" in d else []),
            f"| mean response tokens before -> after | {b['mean_tokens']:.1f} -> {a['mean_tokens']:.1f} |",
        ]
        if d.get("threads"):
            lines.append(f"| torch CPU threads | {d['threads']} |")
        if "completion_tokens_per_s" in d:
            lines.append(f"| sampled completion tokens / s of training | {d['completion_tokens_per_s']:.1f} |")
        if d.get("run_command") and d["run_command"] != results.get("command"):
            # part 1 kept from an earlier run (this one skipped it)
            lines += ["", f"Measured by `{d['run_command']}`, started {d['run_started']}."]
        if "cpu_seconds" in d and d.get("stop_reason", "").startswith("reached"):
            # A fixed number of steps: the figures repeat on any machine; only the time depends on its load.
            lines += ["", f"Target: +15 points in the recipe's fixed steps -> {'met' if gain >= 15 else 'NOT met'}; "
                      f"time on this shared machine: {d['wall_seconds_with_conversion'] / 60:.1f} min."]
        else:
            lines += ["", f"Target: +15 points within 15 minutes -> "
                      f"{'met' if gain >= 15 and d['wall_seconds_with_conversion'] <= 900 else 'NOT met'}."]
        lines += ["", f"`{d['summary']}`", "", "![default recipe](default_report.png)", ""]
    lines += memory_lines(results.get("memory") or [])
    pairs = results.get("pairs")
    if pairs:
        first = next(iter(pairs.values()))
        before = first["grpo"]["before"]
        start = results.get("pair_start_model", "part 1's result")
        lines += [
            "## LASER-D vs plain GRPO (same task, prompt, budgets; same run)", "",
            "Both continue from the same trained model (LASER-D is meant for a policy that already "
            "solves the task). `grpo` is the default recipe (correctness + format); `laser_d` replaces "
            "correctness with LASER-D (correctness plus a bonus for correct answers within an adaptive, "
            "difficulty-aware target length). Same prompt, task, step and time budgets and held-out set; "
            "each seed sets both halves' training seed and problem stream."
            + (" The two halves of a seed ran at the same time, one torch thread (core) each."
               if results.get("pair_parallel") and not results.get("pair_baseline_from") else "")
            + (f" Only `laser_d` trained in this run; each seed's `grpo` half is the earlier run kept in "
               f"`{results['pair_baseline_from']}` (same start model, seed and budgets, one torch thread)."
               if results.get("pair_baseline_from") else ""), "",
        ]
        for stage, run in enumerate(results.get("warmup") or []):
            lines += [f"Warm-up stage {stage + 1}: plain GRPO from {run['start_model']}, seed {run['seed']}, "
                      f"{run['steps']} steps ({run['stop_reason']}): `{run['summary']}`."
                      + (f" Run as {run['run_command']}." if run.get("run_command") else ""), ""]
        if results.get("pair_continued"):
            lines += continued_lines(pairs, results["pair_continued"])
        lines += [
            f"Start model (both halves, every seed): {start}; held-out accuracy {before['accuracy']:.3f}, "
            f"{before['mean_tokens']:.1f} mean response tokens, format rate {before['format_rate']:.3f}.", "",
            "| seed | grpo steps (stopped by) | grpo accuracy / tokens | laser_d steps (stopped by) | "
            "laser_d accuracy / tokens | tokens ratio | accuracy diff (points) | target met |",
            "|---|---|---|---|---|---|---|---|",
        ]
        ends = {seed: end_figures(pair) for seed, pair in pairs.items()}
        for seed, pair in pairs.items():
            g, l, end = pair["grpo"], pair["laser_d"], ends[seed]
            lines.append(
                f"| {seed} | {steps_text(g)} | {g['after']['accuracy']:.3f} / {g['after']['mean_tokens']:.1f} | "
                f"{steps_text(l)} | {l['after']['accuracy']:.3f} / {l['after']['mean_tokens']:.1f} | "
                f"{end.ratio:.2f} | {end.diff_points:+.1f} | {'yes' if end.met else 'no'} |")
        from target import across_seeds

        judged = across_seeds(list(ends.values()))
        bounds = ("" if judged.seeds == 1 else
                  f" (one-sided 95% bounds over seeds, pooled ratio / accuracy difference: {judged.bounds_text})")
        threads = {str(r.get("threads", "-")) for pair in pairs.values() for r in pair.values()}
        lines += [
            "",
            f"Target (LASER-D's held-out mean response tokens <= 0.70x GRPO's, accuracy no more than 2 points "
            f"lower): met in **{judged.seeds_met} of {judged.seeds}** seeds; across seeds pooled tokens ratio "
            f"{judged.pooled_ratio:.2f}, mean accuracy difference {judged.mean_diff:+.1f} points{bounds}: "
            f"**{judged.label}** (`benchmarks/train/target.py`). torch threads per run: {', '.join(sorted(threads))}.",
            "", *late_lines(pairs), "![LASER-D vs GRPO](laser_d_vs_grpo.png)", "",
        ]
    lines += ["Timings on a shared machine are pessimistic; ratios taken in the same run are the figures to compare.", ""]
    if (HERE / "GPU.md").exists():
        lines += ["GPU runs (one H100): see [GPU.md](GPU.md).", ""]
    if (HERE / "seeds.csv").exists():
        lines += seed_study_lines((HERE / "seeds.csv").read_text(encoding="utf-8"))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
