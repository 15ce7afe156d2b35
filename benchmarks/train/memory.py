"""Peak resident memory of `rlvr demo`, measured as a user would: `/usr/bin/time -v` around the command.

    python benchmarks/train/memory.py --steps 3 --label "micro_batch 2"            # the shipped recipe
    python benchmarks/train/memory.py --steps 3 --label "whole batch" --set algorithm.micro_batch=null

Each run appends {label, command, steps, peak_gb, cpu_s, wall_s} to results.json's "memory" list (next to
this file, or --out-dir) and RESULTS.md is rendered again. A few steps are enough: the optimizer's state
is allocated at step 1 and every later step repeats step 2's allocations, so the peak is reached by step 2
(the full demo's held-out evaluations use less than a training step).
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIME = "/usr/bin/time"
_PEAK = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
_USER = re.compile(r"User time \(seconds\): ([\d.]+)")
_SYSTEM = re.compile(r"System time \(seconds\): ([\d.]+)")


def measure(steps: int, overrides: list[str], output: Path) -> dict:
    """Run `rlvr train` on the default recipe like `rlvr demo` under `/usr/bin/time -v`; peak RSS and CPU."""
    rlvr = Path(sys.executable).parent / "rlvr"
    command = [str(rlvr), "train", "default", "--output", str(output), "--steps", str(steps),
               *[part for item in overrides for part in ("--set", item)]]
    started = time.monotonic()
    done = subprocess.run([TIME, "-v", *command], capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"the measured run failed ({done.returncode}):\n{done.stderr[-3000:]}")
    peak_kb = int(_PEAK.search(done.stderr).group(1))
    cpu = float(_USER.search(done.stderr).group(1)) + float(_SYSTEM.search(done.stderr).group(1))
    shown = ["/usr/bin/time", "-v", "rlvr", "train", "default", "--steps", str(steps),
             *[part for item in overrides for part in ("--set", item)]]
    return {"command": shlex.join(shown),
            "steps": steps, "peak_gb": peak_kb / 1024 ** 2, "cpu_s": cpu, "wall_s": wall,
            "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--label", required=True, help="how RESULTS.md names this configuration")
    parser.add_argument("--set", action="append", default=[], help="recipe override, key=value (repeatable)")
    parser.add_argument("--out-dir", default=str(HERE))
    args = parser.parse_args()
    if not Path(TIME).exists():
        parser.error(f"{TIME} is needed (Debian: apt-get install time)")
    with tempfile.TemporaryDirectory(prefix="rlvr-memory-") as work:
        row = {"label": args.label, **measure(args.steps, args.set, Path(work) / "run")}
    print(json.dumps(row), flush=True)  # on record even if writing the results fails
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results_path = out / "results.json"
    results = json.loads(results_path.read_text(encoding="utf-8")) if results_path.exists() else {}
    results.setdefault("memory", []).append(row)
    results_path.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"{args.label}: peak {row['peak_gb']:.2f} GB over {args.steps} steps ({row['cpu_s']:.0f} s CPU)")
    sys.path.insert(0, str(HERE))
    from run import render_only

    return render_only(out)


if __name__ == "__main__":
    sys.exit(main())
