"""Evidence for `rlvr eval`'s paper conventions and `rlvr compare`, written into RESULTS.md.

Two parts, each a section of RESULTS.md between its own markers (other sections are left alone):

    # the embedded model on the four math benchmarks, qwen25-math-cot template, greedy
    python benchmarks/evaluate/paper_eval.py benchmarks --n 20 --max-tokens 512
    # base vs a default-recipe run vs a laser_d run: per-checkpoint curves of the laser_d run,
    # then rlvr compare (LASER figure + behaviour rates)
    python benchmarks/evaluate/paper_eval.py compare --default-run runs/default --laser-run runs/laser_d

Every number comes from the `rlvr` command line run as a subprocess; the CPU time of each
command (user + system, children) is recorded, since wall time on a shared machine says little.
`--reuse` takes an `rlvr eval --json` file already written instead of sampling again.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/, for results_page
from results_page import markers  # noqa: E402
from results_page import put_section as put_marked  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
RLVR = [sys.executable, "-m", "rlvr.cli"]


def run(args: list[str]) -> float:
    """Run `rlvr ARGS`; its CPU seconds (user + system of the child processes)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    print("$ rlvr " + " ".join(shlex.quote(a) for a in args), flush=True)
    subprocess.run([*RLVR, *args], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def put_section(name: str, body: str) -> None:
    """Replace (or append) the section between this name's markers in RESULTS.md."""
    start, end = markers(name)
    put_marked(RESULTS, f"{start}\n{body.rstrip()}\n{end}", start, end, "Evaluation benchmarks")


def machine() -> str:
    import os

    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores shared with other work"


def benchmarks(args: argparse.Namespace) -> None:
    out = HERE / "benchmarks_default.json"
    cpu = None
    if args.reuse:
        shutil.copyfile(args.reuse, out)
    else:
        cpu = run(["eval", "default", "--benchmarks", "math500,gsm8k,aime24,amc23", "--n", str(args.n),
                   "--template", "qwen25-math-cot", "--max-tokens", str(args.max_tokens), "--backend", "transformers",
                   "--batch-size", "40", "--json", str(out)])
    data = json.loads(out.read_text())
    from rlvr.evaluate.benchmarks import BenchmarkRow, markdown

    rows = [BenchmarkRow(**r) for r in data["meta"]["benchmarks"]]
    truncated = sum(r["truncated"] for r in data["records"]) / len(data["records"])
    body = [
        "## The embedded model on MATH-500, GSM8K, AIME 2024 and AMC 2023 (qwen25-math-cot, greedy)",
        "",
        f"SmolLM2-135M-Instruct (rlvr's embedded model), `rlvr eval default --benchmarks math500,gsm8k,aime24,amc23 "
        f"--n {rows[0].problems} --template qwen25-math-cot --max-tokens {data['params']['max_tokens']}`: the first "
        f"{rows[0].problems} problems of each benchmark's seeded shuffle (seed {data['meta']['seed']}), not the whole "
        f"sets -- on 2 shared CPU cores the full 1,889 problems at 512 tokens would take hours. Greedy, one sample, "
        "so pass@1 equals the greedy accuracy. Prompt: the Qwen2.5-Math CoT system message and the bare question, "
        "through the model's own chat template.",
        "",
        markdown(rows),
        "",
        f"{truncated:.0%} of all responses hit the {data['params']['max_tokens']}-token limit. "
        + (f"CPU time of the command: {cpu / 60:.1f} min ({machine()}). " if cpu is not None else "")
        + "Full responses: `benchmarks_default.json`.",
        "",
        "Reading: a 135M-parameter model is far below what these benchmarks measure, so the rows show the table a "
        "paper would cite and that the pipeline (template, extraction from `\\boxed{}`, math-verify) runs end to end "
        "on every benchmark; with 20 problems each, one solved problem moves a row by 0.05.",
    ]
    put_section("evalconv-benchmarks", "\n".join(body))
    print(markdown(rows))


def compare(args: argparse.Namespace) -> None:
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    common = ["--tasks", "arithmetic", "--difficulty", "1", "--n", str(args.n), "--max-tokens", str(args.max_tokens),
              "--backend", "transformers"]
    if args.system_prompt:
        common += ["--system-prompt", args.system_prompt]
    cpu: dict[str, float] = {}
    laser_eval = work / "laser_d_eval"
    if args.laser_json is None and not (laser_eval / "checkpoints.json").exists():
        cpu["laser_d checkpoints"] = run(["eval", args.laser_run, "--checkpoints", "--out", str(laser_eval), *common])
    curves_done = (laser_eval / "checkpoints.json").exists()
    laser_input = Path(args.laser_json) if args.laser_json else laser_eval
    base_input = Path(args.base_json) if args.base_json else laser_eval / "base.json"
    default_json = Path(args.default_json) if args.default_json else work / "default.json"
    if not default_json.exists():
        cpu["default run"] = run(["eval", args.default_run, "--json", str(default_json), *common])
    out = HERE / "compare"
    cpu["compare"] = run(["compare", str(base_input), str(default_json), str(laser_input),
                          "--labels", "base,default,laser_d", "--out", str(out)])
    table = (out / "compare.md").read_text(encoding="utf-8").split("\n", 2)[2].replace("compare.png", "compare/compare.png")
    steps = {"default": _steps(args.default_run), "laser_d": _steps(args.laser_run)}
    laser_start = _start_model(args.laser_run)
    prompt = (f"the system prompt `{args.system_prompt}`" if args.system_prompt
              else "the model's own system prompt")
    body = [
        "## `rlvr compare`: base vs default vs laser_d (short runs)",
        "",
        f"- base: the embedded SmolLM2-135M-Instruct; default: `{args.default_run}` (default recipe, "
        f"{steps['default']} steps); laser_d: `{args.laser_run}` (laser_d recipe from `{laser_start}`, "
        f"{steps['laser_d']} steps). **The laser_d run is very short** (2 shared CPU cores under heavy load): it "
        "shows the command and the figure, not what the recipe reaches (LASER-D is meant to start from a policy "
        "that already solves the task; the recipes' real comparison is benchmarks/train/RESULTS.md).",
        f"- Every model on the same {args.n} held-out arithmetic problems (difficulty 1, seed 10000), greedy, "
        f"max {args.max_tokens} tokens, the task's own prompt and {prompt}.",
        ("- CPU time (user + system) of the commands run by this script: "
         + ", ".join(f"{k} {v / 60:.1f} min" for k, v in cpu.items()) + f" ({machine()})."),
        "",
        table.strip(),
    ]
    if curves_done:
        curves = json.loads((laser_eval / "checkpoints.json").read_text())
        shutil.copyfile(laser_eval / "checkpoints.png", HERE / "laser_d_checkpoints.png")
        (HERE / "laser_d_checkpoints.json").write_text(json.dumps(curves, indent=2) + "\n", encoding="utf-8")
        body += ["", "Per checkpoint of the laser_d run (`rlvr eval RUN --checkpoints`), curves in "
                 "[laser_d_checkpoints.png](laser_d_checkpoints.png):", "",
                 "| point | step | accuracy | mean tokens | format rate | reflection | verification | backtracking | "
                 "subgoal setting | enumeration |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for p in curves["points"]:
            body.append(f"| {p['name']} | {p['step']} | {p['accuracy']:.3f} | {p['mean_tokens']:.1f} | "
                        f"{p['format_rate']:.3f} | {p['reflection']:.3f} | {p['verification']:.3f} | "
                        f"{p['backtracking']:.3f} | {p['subgoal_setting']:.3f} | {p['enumeration']:.3f} |")
        body += ["", "![laser_d checkpoints](laser_d_checkpoints.png)"]
    put_section("evalconv-compare", "\n".join(body))
    print("\n".join(body))


def _start_model(run_folder: str) -> str:
    """The `model` a run started from (its config.yaml), or '?' when the run has none."""
    import yaml

    try:
        return str(yaml.safe_load((Path(run_folder) / "config.yaml").read_text())["model"])
    except (OSError, ValueError, KeyError, TypeError):
        return "?"


def _steps(run_folder: str) -> Any:
    """Training steps behind a run folder or checkpoint: summary.json, else the newest checkpoint-N."""
    folder = Path(run_folder)
    if folder.name.startswith("checkpoint-"):
        return int(folder.name.split("-")[1])
    try:
        return json.loads((folder / "summary.json").read_text())["steps"]
    except (OSError, ValueError, KeyError):
        found = [int(c.name.split("-")[1]) for c in folder.glob("checkpoint-*") if c.name.split("-")[1].isdigit()]
        return f"{max(found)} (stopped before its summary)" if found else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="part", required=True)
    b = sub.add_parser("benchmarks")
    b.add_argument("--n", type=int, default=20)
    b.add_argument("--max-tokens", type=int, default=512)
    b.add_argument("--reuse", help="an `rlvr eval --benchmarks ... --json` file already written")
    c = sub.add_parser("compare")
    c.add_argument("--default-run", required=True)
    c.add_argument("--laser-run", required=True)
    c.add_argument("--n", type=int, default=32)
    c.add_argument("--max-tokens", type=int, default=64)
    c.add_argument("--work", default="/tmp/rlvr_paper_eval", help="where the per-model eval JSONs go")
    c.add_argument("--system-prompt", default=None, help="system message for every evaluation (default: the model's own)")
    for name in ("base", "default", "laser"):
        c.add_argument(f"--{name}-json", help=f"an `rlvr eval --json` file already written for {name} (not sampled again)")
    args = parser.parse_args()
    benchmarks(args) if args.part == "benchmarks" else compare(args)


if __name__ == "__main__":
    main()
