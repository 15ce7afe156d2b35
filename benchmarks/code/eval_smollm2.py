"""SmolLM2 on the code tasks: `rlvr eval` on code_output (difficulty 1..3) and HumanEval (pass@1),
then a short `rlvr train` on code_output with held-out accuracy before and after.

Runs the same commands a user would, records what each printed into eval_smollm2.json and
writes the "SmolLM2 on code tasks" section of RESULTS.md (between its markers; the other
sections of that page belong to run.py). The training curve is copied to train_code_output.png.

    python benchmarks/code/eval_smollm2.py [--n 10] [--humaneval-n 1] [--only train]
    python benchmarks/code/eval_smollm2.py --reuse   # rewrite the section from eval_smollm2.json

CPU note: a shared 2-core machine; wall times are reported with the CPU seconds of the child
processes, and only as context for the accuracy figures.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/, for results_page
from results_page import put_section  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RESULTS_MD = HERE / "RESULTS.md"
RESULTS_JSON = HERE / "eval_smollm2.json"
RECIPE = HERE / "eval_train_code_output.yaml"
CURVE = HERE / "train_code_output.png"
START = "<!-- smollm2:start (written by benchmarks/code/eval_smollm2.py) -->"
END = "<!-- smollm2:end -->"
RLVR = [sys.executable, "-m", "rlvr.cli"]


def timed(command: list[str]) -> dict[str, Any]:
    """Run `command`, streaming its output; wall seconds and children's CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    print("$", " ".join(command), flush=True)
    done = subprocess.run(command, cwd=ROOT, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"command failed with exit code {done.returncode}: {' '.join(command)}")
    return {"command": " ".join(command[2:]).replace("rlvr.cli", "rlvr"), "wall_s": time.perf_counter() - started,
            "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)}


def evaluate(tasks: str, levels: str, n: int, max_tokens: int, out: Path, stored: Path | None = None) -> dict[str, Any]:
    if stored is None:
        run = timed(RLVR + ["eval", "default", "--tasks", tasks, "--difficulty", levels, "--n", str(n),
                            "--max-tokens", str(max_tokens), "--json", str(out)])
    else:  # the same command run earlier (its wall and CPU time were not recorded)
        run, out = {"wall_s": float("nan"), "cpu_s": float("nan")}, stored
    data = json.loads(out.read_text(encoding="utf-8"))
    reasons = Counter(record["reason"] for record in data["records"])
    run["command"] = f"rlvr eval default --tasks {tasks} --difficulty {levels} --n {n} --max-tokens {max_tokens}"
    return {**run, "overall": data["overall"], "groups": data["groups"], "reasons": dict(reasons.most_common()),
            "examples": [{"id": r["problem_id"], "reason": r["reason"], "response": r["response"][:400]}
                         for r in data["records"][:3]]}


def train(output: Path) -> dict[str, Any]:
    run = timed(RLVR + ["train", str(RECIPE.relative_to(ROOT)), "-o", str(output)])
    summary = json.loads((output / "summary.json").read_text(encoding="utf-8"))
    if (output / "report.png").exists():
        shutil.copyfile(output / "report.png", CURVE)
    run["command"] = f"rlvr train {RECIPE.relative_to(ROOT)}"
    return {**run, "summary": summary}


def _cost(run: dict[str, Any]) -> str:
    if run["wall_s"] != run["wall_s"]:  # NaN: taken from an earlier run of the same command
        return "Wall and CPU time not recorded (the same command run by hand before this script took the step)."
    return f"Wall {run['wall_s'] / 60:.1f} min, CPU of the child processes {run['cpu_s'] / 60:.1f} min."


def _pass1(group: dict[str, Any]) -> float:
    return float(group["pass_at_k"].get("1", group["accuracy"]))


def section(data: dict[str, Any]) -> str:
    """The markdown section for RESULTS.md."""
    lines = [START, "## SmolLM2 on code tasks", "",
             f"Written by `benchmarks/code/eval_smollm2.py` on {data['machine']}, started {data['started']}. "
             "Model: the embedded SmolLM2-135M-Instruct (`rlvr eval default`), greedy, one sample per problem, "
             "held-out seed 10000.", ""]
    out = data.get("code_output")
    if out:
        lines += [f"### CodeI/O output prediction (`{out['command']}`)", "",
                  "| difficulty | problems | accuracy (pass@1) | format rate | mean tokens | truncated |",
                  "|---:|---:|---:|---:|---:|---:|"]
        for group in out["groups"]:
            lines.append(f"| {group['difficulty']} | {group['problems']} | {_pass1(group):.3f} | {group['format_rate']:.3f} "
                         f"| {group['mean_tokens']:.0f} | {group['truncated_rate']:.2f} |")
        overall = out["overall"]
        lines += [f"| all | {overall['problems']} | {_pass1(overall):.3f} | {overall['format_rate']:.3f} | "
                  f"{overall['mean_tokens']:.0f} | {overall['truncated_rate']:.2f} |", "",
                  f"Verdict reasons: {', '.join(f'{k} {v}' for k, v in out['reasons'].items())}. "
                  f"{_cost(out)}", ""]
    human = data.get("humaneval")
    if human:
        overall = human["overall"]
        lines += [f"### HumanEval pass@1 (`{human['command']}`)", "",
                  f"pass@1 **{_pass1(overall):.3f}** on {overall['problems']} problems (every tenth of the set by "
                  f"reference length), format rate {overall['format_rate']:.3f}, mean {overall['mean_tokens']:.0f} "
                  f"tokens, truncated {overall['truncated_rate']:.2f}. Verdict reasons: "
                  f"{', '.join(f'{k} {v}' for k, v in human['reasons'].items())}. Every program ran in the sandbox. "
                  f"{_cost(human)}", ""]
    trained = data.get("train")
    if trained:
        s = trained["summary"]
        before, after = s.get("before") or {}, s.get("after") or {}
        lines += [f"### A short GRPO run on code_output (`{trained['command']}`)", "",
                  f"{s.get('steps')} steps ({s.get('stop_reason')}), training {s.get('train_seconds', 0) / 60:.1f} min; "
                  f"held-out code_output difficulty 1 ({before.get('problems', '?')} problems, greedy).", "",
                  "| held-out | before | after |", "|---|---:|---:|"]
        for key, label in (("accuracy", "accuracy"), ("format_rate", "format rate"), ("mean_tokens", "mean tokens"),
                           ("truncated_rate", "truncated")):
            if key in before and key in after:
                lines.append(f"| {label} | {before[key]:.3f} | {after[key]:.3f} |")
        lines += ["", f"![training curve]({CURVE.name})", ""]
    if data.get("reading"):
        lines += ["### Reading", "", data["reading"], ""]
    lines.append(END)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10, help="code_output problems per difficulty")
    parser.add_argument("--humaneval-n", type=int, default=1, help="HumanEval problems per difficulty (10 levels)")
    parser.add_argument("--max-tokens", type=int, default=320)
    parser.add_argument("--only", choices=("code_output", "humaneval", "train"), action="append",
                        help="run only these steps (repeatable); the others keep their stored results")
    parser.add_argument("--code-output-json", type=Path, default=None,
                        help="take the code_output step from an earlier `rlvr eval --json` of the same command")
    parser.add_argument("--reuse", action="store_true", help="only rewrite the section from eval_smollm2.json")
    args = parser.parse_args()
    data: dict[str, Any] = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
    steps = args.only or ["code_output", "humaneval", "train"]
    if not args.reuse:
        data.setdefault("machine", f"{platform.machine()} CPU (2 cores shared with other jobs), "
                                   f"{platform.python_implementation()} {platform.python_version()}")
        data.setdefault("started", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
        with tempfile.TemporaryDirectory(prefix="rlvr-code-bench-") as work:
            work_dir = Path(work)
            if "code_output" in steps:
                data["code_output"] = evaluate("code_output", "1-3", args.n, args.max_tokens, work_dir / "code_output.json",
                                               stored=args.code_output_json)
            if "humaneval" in steps:
                data["humaneval"] = evaluate("humaneval", "1-10", args.humaneval_n, args.max_tokens + 64,
                                             work_dir / "humaneval.json")
            if "train" in steps:
                data["train"] = train(work_dir / "run")
        # Re-read before writing: another run of this script may have stored other steps meanwhile.
        latest = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
        latest.update({key: data[key] for key in [*steps, "machine", "started"] if key in data})
        data = latest
        RESULTS_JSON.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    put_section(RESULTS_MD, section(data), START, END, "Code: sandboxed execution and code tasks")
    print(f"wrote {RESULTS_JSON.name} and the SmolLM2 section of {RESULTS_MD.name}")


if __name__ == "__main__":
    main()
