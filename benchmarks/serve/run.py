"""Cost of computing rewards over HTTP: `rlvr serve` against the in-process OpenRLHF reward, same batch.

The peer is what a trainer runs without the service: rlvr's OpenRLHF reward function
(`rlvr.engines.openrlhf_reward`) called in the trainer's process. The service is a real
`rlvr serve` process on 127.0.0.1, asked two ways: the whole batch in one `/reward`
request (clients that post batches), and one sample per request with many in flight
(what current OpenRLHF does). Batch: MATH-500, each problem's reference solution (right)
and a response boxing another problem's answer (mostly wrong). Rewards must match the
peer's exactly. Writes benchmarks/serve/RESULTS.md and speed.png.
"""

from __future__ import annotations

import asyncio
import json
import platform
import signal
import statistics
import time
from pathlib import Path

import httpx
from rich.progress import Progress

from hostile import MARKER as HOSTILE_MARKER
from server_process import free_port, start_server
from rlvr.engines.openrlhf_reward import OpenRLHFReward
from rlvr.serve.checking import CheckRunner
from rlvr.serve.rewarding import RemoteReward
from rlvr.serve.rows import RowCache
from rlvr.serve.settings import ServeSettings

HERE = Path(__file__).resolve().parent
DATA = Path("/work/shared/data/math500-test.jsonl")
REPEATS = 5
IN_FLIGHT = 16
WORKERS = 8


def load_batch() -> tuple[list[str], list[str], list[str]]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    queries, prompts, labels = [], [], []
    for i, row in enumerate(rows):
        prompt = f"<|user|>{row['problem']}<|assistant|>"
        other = rows[(i + 1) % len(rows)]["answer"]
        for response in (row["solution"], f"Let me see. The answer is $\\boxed{{{other}}}$."):
            queries.append(prompt + response)
            prompts.append(prompt)
            labels.append(row["answer"])
    return queries, prompts, labels


def in_process(reward: OpenRLHFReward, batch: tuple[list[str], list[str], list[str]]) -> list[float]:
    return reward(*batch)["rewards"].tolist()


def one_request(url: str, batch: tuple[list[str], list[str], list[str]]) -> list[float]:
    queries, prompts, labels = batch
    reply = httpx.post(f"{url}/reward", json={"query": queries, "prompts": prompts, "labels": labels}, timeout=600)
    reply.raise_for_status()
    return reply.json()["rewards"]


def per_sample(url: str, batch: tuple[list[str], list[str], list[str]]) -> list[float]:
    async def run() -> list[float]:
        limit = asyncio.Semaphore(IN_FLIGHT)
        async with httpx.AsyncClient(base_url=url, timeout=600, limits=httpx.Limits(max_connections=IN_FLIGHT)) as client:
            async def ask(query: str, prompt: str, label: str) -> float:
                async with limit:
                    reply = await client.post("/get_reward", json={"query": [query], "prompts": [prompt], "labels": [label]})
                    reply.raise_for_status()
                    return reply.json()["rewards"][0]

            return list(await asyncio.gather(*(ask(*sample) for sample in zip(*batch))))

    return asyncio.run(run())


def handler_only(reward: RemoteReward, runner: CheckRunner, batch: tuple[list[str], list[str], list[str]]) -> list[float]:
    """The service's own work for one-sample requests (checks in its thread pool, scoring), without HTTP."""
    async def run() -> list[float]:
        out = []
        for query, prompt, label in zip(*batch):
            out += (await reward(runner, [query], [prompt], [label])).rewards
        return out

    return asyncio.run(run())


def main() -> None:
    batch = load_batch()
    n = len(batch[0])
    port = free_port()
    server = start_server(port, WORKERS)
    url = f"http://127.0.0.1:{port}"
    reward = OpenRLHFReward("correct")
    settings = ServeSettings(workers=WORKERS)
    rows = RowCache(int(settings.cache_mb * 2**20), settings.timeout, settings.max_gold_chars, settings.max_problem_chars)
    remote, runner = RemoteReward(settings, rows), CheckRunner(settings.workers, settings.item_deadline)
    ways = {
        "in-process OpenRLHF reward (peer)": lambda: in_process(reward, batch),
        "rlvr serve, whole batch in one request": lambda: one_request(url, batch),
        f"rlvr serve, one sample per request, {IN_FLIGHT} in flight": lambda: per_sample(url, batch),
        "rlvr serve's handler alone, one sample per call (no HTTP)": lambda: handler_only(remote, runner, batch),
    }
    times: dict[str, list[float]] = {name: [] for name in ways}
    same: dict[str, bool] = {}
    try:
        reference = in_process(reward, batch)
        with Progress() as progress:
            task = progress.add_task("serve benchmark", total=(REPEATS + 1) * len(ways))
            for repeat in range(REPEATS + 1):
                for name, way in ways.items():
                    started = time.perf_counter()
                    rewards = way()
                    elapsed = time.perf_counter() - started
                    if repeat:  # the first round only warms caches and connections
                        times[name].append(elapsed)
                    same[name] = same.get(name, True) and rewards == reference
                    progress.advance(task)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
        runner.close()
    write_results(n, sum(reference), times, same)


def write_results(n: int, correct: float, times: dict[str, list[float]], same: dict[str, bool]) -> None:
    medians = {name: statistics.median(values) for name, values in times.items()}
    peer = next(iter(medians.values()))
    lines = [
        "# rlvr serve: rewards over HTTP against the in-process reward",
        "",
        f"Written by `benchmarks/serve/run.py`. Batch: MATH-500, {n} responses ({int(correct)} scored right; per problem its "
        "reference solution and a response boxing another problem's answer), reward `correct`. The peer is rlvr's "
        "OpenRLHF reward function called in process; the service is a real `rlvr serve` process "
        f"(`--workers {WORKERS}`) on 127.0.0.1 queried with httpx. Median of {REPEATS} round-robin runs after one "
        f"warm-up (verifier caches warm on both sides); CPython {platform.python_version()}, 2 CPU cores shared with "
        "other jobs and between client and server, so read the ratios, not the times.",
        "",
        "| way | median s/batch | responses/s | ratio to in-process | same rewards |",
        "|---|---:|---:|---:|---|",
    ]
    for name, median in medians.items():
        lines.append(f"| {name} | {median:.3f} | {n / median:,.0f} | {median / peer:.2f}x | {'yes' if same[name] else 'NO'} |")
    lines += [
        "",
        "How to read it: the whole-batch row is the cost of the service's layers (JSON, HTTP, the thread pool) on top of "
        "the same checks; the per-sample row adds one HTTP round trip per response, which is how current OpenRLHF "
        "asks a remote reward model; the handler-alone row is the service's own share of that (checks in its thread "
        "pool, scoring), so the rest is the HTTP stack (uvicorn, FastAPI, and the httpx client on the same cores). "
        "On a cluster the service runs on its own CPU node, so this overhead is paid "
        "there, not on the trainer.",
        "",
        "![time per batch relative to in-process](speed.png)",
        "",
    ]
    results = HERE / "RESULTS.md"
    # hostile.py's section (load and hostile requests) is its own; keep it.
    old = results.read_text(encoding="utf-8") if results.exists() else ""
    kept = "\n" + old[old.index(HOSTILE_MARKER):] if HOSTILE_MARKER in old else ""
    results.write_text("\n".join(lines) + kept, encoding="utf-8")
    plot(medians, peer)


def plot(medians: dict[str, float], peer: float) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(medians)
    ratios = [medians[name] / peer for name in names]
    figure, axis = plt.subplots(figsize=(9, 3.2))
    axis.barh(range(len(names)), ratios, color=["#888888", "#3b75af", "#e0823d", "#5a9e5a"][: len(names)])
    axis.set_yticks(range(len(names)), names)
    axis.invert_yaxis()
    axis.axvline(1.0, color="black", linewidth=0.8)
    axis.set_xlim(0, max(ratios) * 1.18)
    for i, ratio in enumerate(ratios):
        axis.text(ratio, i, f" {ratio:.2f}x", va="center")
    axis.set_xlabel("time per batch relative to the in-process reward (lower is better)")
    axis.set_title("MATH-500 rewards: rlvr serve vs in-process")
    figure.tight_layout()
    figure.savefig(HERE / "speed.png", dpi=120)


if __name__ == "__main__":
    main()
