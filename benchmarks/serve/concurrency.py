"""`rlvr serve` throughput and latency with one sample per request, at 1, 16 and 64 requests in flight.

This is how OpenRLHF asks a remote reward model: every sample is posted alone as soon as it
is generated, `{"query": [q], "prompts": [p], "labels": [l]}`, many at once. Two cases, one
real `rlvr serve --workers 8` process each on 127.0.0.1:

  correct   a per-sample reward: each request is checked and answered on its own.
  laser_d   a group-based, stateful reward (`--n-samples 8`): the server holds each request
            until its prompt's 8 samples have arrived, scores the group, answers all 8.
            Fewer than 8 requests in flight can never complete a group, so its lowest
            concurrency is 8.

Batch: 128 MATH-500 problems x 8 responses (the reference solution, or a response boxing
another problem's answer, padded to different lengths), sent prompt by prompt like OpenRLHF's
rollout actors; one round = one training step (LASER-D re-estimates its targets every step
from the previous step's rollouts, `monitor_every=1`). Every round's rewards are compared with the
in-process OpenRLHF reward scoring the whole step at once (same method state, step by step).
Per concurrency: one warm-up round, then ROUNDS rounds, the concurrencies taking turns round
by round so that a change in the machine's load hits them alike; the table gives the median round's
throughput and the p50/p99 latency over all its requests, and the server's CPU time per
1,000 responses (the server process and its verifier workers), the figure that does not
depend on the load of this shared 2-core machine.

    python benchmarks/serve/concurrency.py      # writes concurrency.json, its RESULTS.md section, concurrency.png
"""

from __future__ import annotations

import asyncio
import json
import platform
import random
import signal
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import psutil
from rich.progress import Progress

from server_process import free_port, start_server

HERE = Path(__file__).resolve().parent
DATA = Path("/work/shared/data/math500-test.jsonl")
MARKER = "<!-- concurrency: written by concurrency.py -->"
WORKERS = 8
N_SAMPLES = 8
PROMPTS = 128
ROUNDS = 5
CASES: dict[str, dict[str, Any]] = {
    "correct": {"concurrency": [1, 16, 64], "args": []},
    # monitor_first=false: by default LASER-D scores its first step as one batch (it monitors its own first
    # rollouts), which needs the whole step in flight at once, as OpenRLHF sends it; this client keeps fewer.
    "laser_d": {"concurrency": [N_SAMPLES, 16, 64], "params": {"laser_d": {"monitor_every": 1, "monitor_first": False}},
                "args": ["--n-samples", str(N_SAMPLES), "--prompts-per-step", str(PROMPTS)]},
}

Batch = tuple[list[str], list[str], list[str]]


def load_batch(seed: int = 0) -> Batch:
    """PROMPTS problems x N_SAMPLES responses, grouped by prompt (OpenRLHF's layout)."""
    rng = random.Random(seed)
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()][:PROMPTS]
    queries, prompts, labels = [], [], []
    for i, row in enumerate(rows):
        prompt = f"<|im_start|>user\n{row['problem']}<|im_end|>\n<|im_start|>assistant\n"
        other = rows[(i + 1) % len(rows)]["answer"]
        for j in range(N_SAMPLES):
            padding = "Let me think step by step. " * rng.randint(0, 40)
            response = padding + (row["solution"] if j % 2 == 0 else f"The answer is $\\boxed{{{other}}}$.")
            queries.append(prompt + response)
            prompts.append(prompt)
            labels.append(row["answer"])
    return queries, prompts, labels


def tokenizer_folder() -> str:
    """The embedded model's tokenizer (LASER-D counts tokens)."""
    from rlvr.models.embedded import ensure_cached

    return str(ensure_cached())


def start(port: int, args: list[str], log: Path) -> subprocess.Popen:
    # --keep-alive 60: at the 5 s default, on this loaded machine a pooled connection sometimes went idle long
    # enough for the server to close it as the client sent on it (the usual keep-alive race, a ReadError).
    return start_server(port, WORKERS, ["--keep-alive", "60", *args], log)


def cpu_seconds(process: psutil.Process) -> float:
    """CPU time of the server and its children (the verifier's symbolic workers)."""
    total = sum(process.cpu_times()[:2])
    for child in process.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:2])
        except psutil.NoSuchProcess:
            pass
    return total


async def one_round(url: str, batch: Batch, concurrency: int) -> tuple[list[float], list[float], float]:
    """Post every sample alone, `concurrency` in flight, in batch order; rewards, latencies, seconds."""
    limit = asyncio.Semaphore(concurrency)
    latencies = [0.0] * len(batch[0])
    async with httpx.AsyncClient(base_url=url, timeout=600,
                                 limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)) as client:
        async def ask(i: int, query: str, prompt: str, label: str) -> float:
            async with limit:
                started = time.perf_counter()
                reply = await client.post("/reward", json={"query": [query], "prompts": [prompt], "labels": [label]})
                latencies[i] = time.perf_counter() - started
            if reply.status_code != 200:
                raise SystemExit(f"sample {i}: HTTP {reply.status_code}: {reply.text}")
            return reply.json()["rewards"][0]

        started = time.perf_counter()
        rewards = await asyncio.gather(*(ask(i, *sample) for i, sample in enumerate(zip(*batch))))
        elapsed = time.perf_counter() - started
    return list(rewards), latencies, elapsed


def run_case(name: str, spec: dict[str, Any], batch: Batch, tokenizer: str, progress: Progress, task: Any) -> dict[str, Any]:
    """Every concurrency of one case against one server; per concurrency the median round."""
    from rlvr.engines.openrlhf_reward import OpenRLHFReward

    group = name != "correct"
    params = spec.get("params")
    args = [*spec["args"], "--rewards", name] + (["--tokenizer", tokenizer] if group else [])
    args += ["--params", json.dumps(params)] if params else []
    peer = OpenRLHFReward(name, params=params, n_samples=N_SAMPLES if group else None,
                          prompts_per_step=PROMPTS if group else None, tokenizer=tokenizer if group else None)
    port = free_port()
    log = Path(tempfile.gettempdir()) / f"rlvr-serve-concurrency-{name}.log"
    server = start(port, args, log)
    process = psutil.Process(server.pid)
    url = f"http://127.0.0.1:{port}"
    out: dict[str, Any] = {"args": args, "by_concurrency": {}}
    same = True
    levels = spec["concurrency"]
    rounds: dict[int, list[dict[str, Any]]] = {c: [] for c in levels}
    try:
        # Levels take turns round by round, so a change in the machine's load hits them alike.
        for repeat in range(ROUNDS + 1):
            for concurrency in levels:
                cpu_before, client_before = cpu_seconds(process), time.process_time()
                rewards, latencies, elapsed = asyncio.run(one_round(url, batch, concurrency))
                cpu, client_cpu = cpu_seconds(process) - cpu_before, time.process_time() - client_before
                # The peer scores the same step as one batch, so its method state follows the server's step by step.
                expected = peer(*batch)["rewards"].numpy()
                same = same and bool(np.array_equal(np.asarray(rewards, dtype=np.float32), expected))
                if repeat:  # the first round warms caches and connections
                    rounds[concurrency].append({"seconds": elapsed, "latencies": latencies, "server_cpu_s": cpu,
                                                "client_cpu_s": client_cpu})
                progress.advance(task)
        n = len(batch[0])
        for concurrency in levels:
            median = sorted(rounds[concurrency], key=lambda r: r["seconds"])[len(rounds[concurrency]) // 2]
            out["by_concurrency"][str(concurrency)] = {
                "responses_per_s": n / median["seconds"],
                "p50_ms": 1000 * float(np.percentile(median["latencies"], 50)),
                "p99_ms": 1000 * float(np.percentile(median["latencies"], 99)),
                "server_cpu_s_per_1000": 1000 * statistics.median(r["server_cpu_s"] for r in rounds[concurrency]) / n,
                "client_cpu_s_per_1000": 1000 * statistics.median(r["client_cpu_s"] for r in rounds[concurrency]) / n,
                "round_seconds": [round(r["seconds"], 3) for r in rounds[concurrency]],
            }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    out["same_rewards"] = same
    return out


def main() -> None:
    batch = load_batch()
    tokenizer = tokenizer_folder()
    results: dict[str, Any] = {"responses": len(batch[0]), "prompts": PROMPTS, "n_samples": N_SAMPLES, "workers": WORKERS,
                               "rounds": ROUNDS, "python": platform.python_version(), "cases": {}}
    with Progress() as progress:
        task = progress.add_task("serve concurrency", total=sum(len(c["concurrency"]) for c in CASES.values()) * (ROUNDS + 1))
        for name, spec in CASES.items():
            results["cases"][name] = run_case(name, spec, batch, tokenizer, progress, task)
    (HERE / "concurrency.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    render(results)


def render(results: dict[str, Any]) -> None:
    """This script's section of RESULTS.md (after MARKER) and concurrency.png."""
    lines = [MARKER, "", "## Concurrency: one sample per request (issue #25)", "",
             f"Written by `benchmarks/serve/concurrency.py`: a real `rlvr serve --workers {results['workers']} --keep-alive 60` on 127.0.0.1, "
             f"{results['prompts']} MATH-500 prompts x {results['n_samples']} responses posted one per request as OpenRLHF "
             f"does, prompt by prompt; median of {results['rounds']} rounds after a warm-up; CPython {results['python']}, "
             "2 CPU cores shared by the client, the server and other jobs, so compare rows and read the server CPU column "
             "rather than the times. Client CPU is the benchmark's own process (httpx, "
             "building requests, reading replies; the in-process reference is computed outside the timed rounds). `laser_d` runs with `--n-samples 8`: the server holds each request until its "
             "prompt's 8 samples are in, so its latency includes waiting for the group's last sample.", "",
             "| reward | in flight | responses/s | p50 latency | p99 latency | server CPU per 1,000 responses | client CPU per 1,000 | same rewards as in-process |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for name, case in results["cases"].items():
        for concurrency, row in case["by_concurrency"].items():
            lines.append(f"| {name} | {concurrency} | {row['responses_per_s']:,.0f} | {row['p50_ms']:.1f} ms | "
                         f"{row['p99_ms']:.1f} ms | {row['server_cpu_s_per_1000']:.2f} s | {row['client_cpu_s_per_1000']:.2f} s | "
                         f"{'yes' if case['same_rewards'] else 'NO'} |")
    cases = results["cases"]
    shared = [c for c in cases.get("laser_d", {}).get("by_concurrency", {}) if c in cases.get("correct", {}).get("by_concurrency", {})]
    if shared:
        cpu = ", ".join(f"{cases['laser_d']['by_concurrency'][c]['server_cpu_s_per_1000'] / cases['correct']['by_concurrency'][c]['server_cpu_s_per_1000']:.2f}x at {c}"
                        for c in shared)
        speed = ", ".join(f"{cases['laser_d']['by_concurrency'][c]['responses_per_s'] / cases['correct']['by_concurrency'][c]['responses_per_s']:.2f}x at {c}"
                          for c in shared)
        lines += ["", f"`laser_d` against `correct` at the same requests in flight: server CPU per response {cpu}; "
                  f"responses/s {speed}. The extra CPU is everything `laser_d` adds to `correct`, not separated here: "
                  "counting tokens with the embedded model's tokenizer, collecting groups, scoring them and "
                  "re-estimating the targets every step."]
    top = cases.get("correct", {}).get("by_concurrency", {})
    if top:
        level = max(top, key=int)
        row = top[level]
        lines += ["", f"At {level} in flight the benchmark's own client (httpx) used {row['client_cpu_s_per_1000']:.2f} s of CPU "
                  f"per 1,000 `correct` responses against the server's {row['server_cpu_s_per_1000']:.2f} s, on the same two "
                  "cores: most of the CPU this row costs is the client's, not the server's. OpenRLHF's client runs on the "
                  "trainer's nodes, not on the reward server's."]
    lines += ["", "Same rewards: every round's rewards equal, in float32, those of rlvr's in-process OpenRLHF reward scoring "
              "the whole step as one batch (for `laser_d`, with its targets and steps carried along round by round).", "",
              "![throughput and p99 latency by requests in flight](concurrency.png)", ""]
    path = HERE / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    # Sections of the other scripts (run.py at the top, hostile.py's) stay as they are.
    head = text.split(MARKER)[0].rstrip() + "\n\n" if text else ""
    path.write_text(head + "\n".join(lines), encoding="utf-8")
    plot(results)


def plot(results: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    for name, case in results["cases"].items():
        levels = [int(c) for c in case["by_concurrency"]]
        rows = list(case["by_concurrency"].values())
        left.plot(levels, [r["responses_per_s"] for r in rows], marker="o", label=name)
        right.plot(levels, [r["p99_ms"] for r in rows], marker="o", label=name)
    for axis, label in ((left, "responses/s"), (right, "p99 latency (ms)")):
        axis.set_xscale("log", base=2)
        axis.set_xlabel("requests in flight (one sample each)")
        axis.set_ylabel(label)
        axis.grid(alpha=0.3)
        axis.legend()
    figure.suptitle("rlvr serve, one sample per request (shared 2-core machine)")
    figure.tight_layout()
    figure.savefig(HERE / "concurrency.png", dpi=120)


if __name__ == "__main__":
    main()
