"""`rlvr serve` under the load and hostile requests of issue #23, measured on a real process.

Scenarios (all over 127.0.0.1):
  fairness  4 concurrent requests of 64 slow symbolic items each (workers=8), then one-item
            requests from another client: their latency, and what /health says meanwhile.
  idle      1,100 connections that send nothing, with the server's open-file limit at
            1,024 soft / 4,096 hard (a common default): can a new client still get /health?
            How many EMFILE lines did the log get?
  body      a request declaring 100 MB: how long until the answer, and the server's memory.
  rows      1,500 distinct 90 KB task problems through /check: the server's memory growth.

    python benchmarks/serve/hostile.py --label after
    python benchmarks/serve/hostile.py --label before --src /tmp/rlvr-old/src   # an older checkout
    python benchmarks/serve/hostile.py --throughput --src /tmp/rlvr-old/src      # run.py's batch, both servers in turn

Each run writes hostile-<label>.json (hostile-throughput.json); `--render` puts the before/after table in RESULTS.md
(the section after the "hostile" marker, which run.py keeps).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from concurrency import MARKER as CONCURRENCY_MARKER
from server_process import free_port

HERE = Path(__file__).resolve().parent
MARKER = "<!-- hostile: written by hostile.py -->"
WORKERS = 8
# Slow symbolic items; {k} makes each distinct, so no cache answers them.
HARD = ["\\boxed{\\frac{\\Gamma(x+{k})}{x!}+\\zeta(x)}", "\\boxed{\\sum_{n=1}^{{k}0000} \\frac{1}{n^2}}",
        "\\boxed{\\operatorname{Li}_{{k}}(x)+\\Gamma(x)}"]
PER_REQUEST = 64
PROBLEMS = 1500


def start(src: str | None, log: Path, open_files: tuple[int, int] | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, open_files)) if open_files else None
    command = [sys.executable, "-m", "rlvr.cli", "serve", "--port", str(port), "--workers", str(WORKERS), "--log-level", "warning"]
    process = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env, preexec_fn=limit)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("rlvr serve did not start within 120 s")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(30)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def fairness(src: str | None, log: Path) -> dict:
    process, url = start(src, log)
    try:
        big_times: list[float] = []

        def big(request: int) -> None:
            items = [{"response": HARD[i % len(HARD)].replace("{k}", str(PER_REQUEST * request + i + 1)), "gold": "1"}
                     for i in range(PER_REQUEST)]
            began = time.monotonic()
            httpx.post(f"{url}/verify", json={"items": items}, timeout=600).raise_for_status()
            big_times.append(time.monotonic() - began)

        began = time.monotonic()
        threads = [threading.Thread(target=big, args=(r,)) for r in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        waits, statuses = [], []
        with httpx.Client(base_url=url, timeout=600) as client:
            # Another client: one small request a second for as long as the big ones run.
            while any(thread.is_alive() for thread in threads) and len(waits) < 600:
                statuses.append(client.get("/health").json().get("status"))
                t = time.monotonic()
                client.post("/verify", json={"items": [{"response": "\\boxed{2}", "gold": "2"}]}).raise_for_status()
                waits.append(time.monotonic() - t)
                time.sleep(1.0)
        for thread in threads:
            thread.join()
        return {"small_wait_median_s": statistics.median(waits), "small_wait_max_s": max(waits), "small_requests": len(waits),
                "health_during_load": sorted(set(statuses)), "big_requests_s": round(max(big_times), 2),
                "load_s": round(time.monotonic() - began, 2)}
    finally:
        stop(process)


def idle(src: str | None, log: Path) -> dict:
    process, url = start(src, log, open_files=(1024, 4096))
    sockets = []
    try:
        for _ in range(1100):
            try:
                sockets.append(socket.create_connection(("127.0.0.1", process_port(url)), timeout=5))
            except OSError:
                break
        time.sleep(1.0)
        began = time.monotonic()
        try:
            ok = httpx.get(f"{url}/health", timeout=10).status_code == 200
        except httpx.HTTPError:
            ok = False
        health_s = time.monotonic() - began
        time.sleep(2.0)
        log_mb = log.stat().st_size / 2**20
    finally:
        for sock in sockets:
            sock.close()
        stop(process)
    text = log.read_text(errors="replace")
    return {"idle_opened": len(sockets), "health_ok": ok, "health_s": round(health_s, 3),
            "emfile_log_lines": text.count("Too many open files") + text.count("out of file descriptors"), "log_mb": round(log_mb, 2)}


def process_port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def body(src: str | None, log: Path) -> dict:
    process, url = start(src, log)
    try:
        before = rss_mb(process.pid)
        began = time.monotonic()
        with socket.create_connection(("127.0.0.1", process_port(url)), timeout=120) as sock:
            size = 100 * 2**20
            sock.sendall(f"POST /verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n".encode())
            reply = b""
            sent = 0
            chunk = b"[" * 2**20
            sock.setblocking(False)
            while b"\r\n" not in reply and sent < size:
                try:
                    reply += sock.recv(65536)
                except BlockingIOError:
                    pass
                try:
                    sent += sock.send(chunk)
                except (BlockingIOError, ConnectionError):
                    time.sleep(0.001)
            sock.setblocking(True)
            while b"\r\n" not in reply:
                reply += sock.recv(65536)
        status = reply.split(b" ", 2)[1].decode()
        return {"status": int(status), "answer_s": round(time.monotonic() - began, 3), "sent_mb": round(sent / 2**20, 1),
                "rss_growth_mb": round(rss_mb(process.pid) - before, 1)}
    finally:
        stop(process)


def rows(src: str | None, log: Path) -> dict:
    from rlvr.tasks import get as get_task
    from rlvr.tasks.rows import problem_to_json

    base = json.loads(problem_to_json(get_task("countdown").problem(0, difficulty=1)))
    process, url = start(src, log)
    try:
        with httpx.Client(base_url=url, timeout=600) as client:
            client.post("/check", json={"items": [{"response": "<answer>1</answer>", "problem_json": base}]}).raise_for_status()
            before = rss_mb(process.pid)
            growth = {}
            for start_at in range(0, PROBLEMS, 10):
                batch = [{"response": "<answer>1</answer>",
                          "problem_json": json.dumps({**base, "id": f"p{i}", "prompt": f"{i} " + "q" * 90_000})}
                         for i in range(start_at, start_at + 10)]
                client.post("/check", json={"items": batch}).raise_for_status()
                if (start_at + 10) % 500 == 0:
                    growth[start_at + 10] = round(rss_mb(process.pid) - before, 1)
            return {"problems": PROBLEMS, "problem_kb": 90, "rss_growth_mb": growth[PROBLEMS], "rss_growth_by_count": growth}
    finally:
        stop(process)


SCENARIOS = {"fairness": fairness, "idle": idle, "body": body, "rows": rows}


def throughput(old_src: str, rounds: int = 8) -> dict:
    """run.py's MATH-500 batch against a server from `old_src` and one from this tree, interleaved."""
    from run import load_batch, one_request, per_sample

    batch = load_batch()
    logs = Path(os.environ.get("TMPDIR", "/tmp"))
    servers = {"before": start(old_src, logs / "rlvr-throughput-before.log"), "after": start(None, logs / "rlvr-throughput-after.log")}
    times: dict[str, dict[str, list[float]]] = {label: {"batch": [], "per_sample": []} for label in servers}
    cpu = {}
    try:
        for repeat in range(rounds + 1):
            for label, (_, url) in servers.items():
                for way, ask in (("batch", one_request), ("per_sample", per_sample)):
                    began = time.perf_counter()
                    ask(url, batch)
                    if repeat:  # the first round warms caches and connections
                        times[label][way].append(time.perf_counter() - began)
        for label, (process, _) in servers.items():
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu[label] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    finally:
        for process, _ in servers.values():
            stop(process)
    out = {label: {way: round(statistics.median(values), 3) for way, values in ways.items()} for label, ways in times.items()}
    for label in out:
        out[label]["server_cpu_s"] = round(cpu[label], 1)
    out["responses"] = len(batch[0])
    out["rounds"] = rounds
    return out


def render() -> None:
    runs = {label: json.loads((HERE / f"hostile-{label}.json").read_text()) for label in ("before", "after")
            if (HERE / f"hostile-{label}.json").exists()}
    if not runs:
        raise SystemExit("no hostile-<label>.json yet: run with --label before / --label after first")
    labels = list(runs)

    def cell(label: str, scenario: str, key: str, fmt: str = "{}") -> str:
        value = runs[label].get(scenario, {}).get(key)
        if isinstance(value, dict):
            return " / ".join(f"{v:g}" for v in value.values()) + " MB"
        if isinstance(value, list):
            return ", ".join(value)
        return "n/a" if value is None else fmt.format(value)

    rows_ = [
        ("one-item requests (one a second) while 4 x 64 slow items run: how many", "fairness", "small_requests", "{}"),
        ("... median wait", "fairness", "small_wait_median_s", "{:.2f} s"),
        ("... longest wait", "fairness", "small_wait_max_s", "{:.2f} s"),
        ("... /health status meanwhile", "fairness", "health_during_load", "{}"),
        ("... the 4 big requests took", "fairness", "big_requests_s", "{} s"),
        ("1,100 idle connections (open files 1,024 soft / 4,096 hard): /health answers", "idle", "health_ok", "{}"),
        ("... EMFILE lines logged", "idle", "emfile_log_lines", "{:,}"),
        ("... log size", "idle", "log_mb", "{} MB"),
        ("100 MB body: status", "body", "status", "{}"),
        ("... answered after", "body", "answer_s", "{} s"),
        ("... server memory growth", "body", "rss_growth_mb", "{} MB"),
        ("distinct 90 KB problems via /check: memory growth after 500 / 1,000 / 1,500", "rows", "rss_growth_by_count",
         "{}"),
    ]
    lines = [MARKER, "", "## Hostile load (issue #23)", "",
             "Written by `benchmarks/serve/hostile.py`: a real `rlvr serve --workers 8` on 127.0.0.1, "
             + ("before (the commit preceding the fixes) and after. " if len(labels) > 1 else "")
             + "Same 2-core shared machine; the slow items are the slowest the current verifier has "
             f"(`{HARD[0]}`, `{HARD[1]}`, `{HARD[2]}` against `1`, k = 1..256, each distinct so that no cache answers it), so waits scale with them.", "",
             "| scenario | " + " | ".join(labels) + " |", "|---|" + "---:|" * len(labels)]
    for name, scenario, key, fmt in rows_:
        lines.append(f"| {name} | " + " | ".join(cell(label, scenario, key, fmt) for label in labels) + " |")
    lines += ["", "How to read the first rows: first come, first served, a small request waits for every check queued before it, "
              "so the few that fit in the load window are one that waited for nearly all of it and some that came as it "
              "drained; served fairly, each gets the next free thread. Idle connections: the server before the fixes never "
              "timed them out, hit the open-file limit and logged a traceback per refused accept. The 100 MB body was read "
              "and parsed whole before (400: not JSON) and refused from its Content-Length after. Distinct problems: before, "
              "every one stayed in a 65,536-entry cache of full strings; after, the row cache holds at most --cache-mb."]
    speed = HERE / "hostile-throughput.json"
    if speed.exists():
        t = json.loads(speed.read_text())
        lines += ["", f"Throughput, same MATH-500 batch as above ({t['responses']} responses), the two servers queried in turn, "
                  f"median of {t['rounds']} rounds; server CPU is the whole run's, start-up included:", "",
                  "| | whole batch in one request | one sample per request, 16 in flight | server CPU |", "|---|---:|---:|---:|"]
        for label in ("before", "after"):
            lines.append(f"| {label} | {t[label]['batch']:.3f} s | {t[label]['per_sample']:.3f} s | {t[label]['server_cpu_s']} s |")
        lines.append(f"| after / before | {t['after']['batch'] / t['before']['batch']:.2f}x | "
                     f"{t['after']['per_sample'] / t['before']['per_sample']:.2f}x | "
                     f"{t['after']['server_cpu_s'] / t['before']['server_cpu_s']:.2f}x |")
    lines.append("")
    results = HERE / "RESULTS.md"
    text = results.read_text(encoding="utf-8")
    kept = text.split(MARKER)[0].rstrip() + "\n\n"
    # concurrency.py's section follows this one; keep it.
    after = "\n" + text[text.index(CONCURRENCY_MARKER):] if CONCURRENCY_MARKER in text else ""
    results.write_text(kept + "\n".join(lines) + after, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="after")
    parser.add_argument("--src", help="run the server from this src folder (e.g. an older checkout's)")
    parser.add_argument("--only", nargs="*", choices=sorted(SCENARIOS), help="scenarios to run (default: all)")
    parser.add_argument("--render", action="store_true", help="write the before/after table into RESULTS.md and stop")
    parser.add_argument("--throughput", action="store_true", help="compare throughput with the server from --src, interleaved")
    args = parser.parse_args()
    if args.render:
        render()
        return
    if args.throughput:
        if not args.src:
            raise SystemExit("--throughput compares with an older checkout: give its src folder with --src")
        result = throughput(args.src)
        (HERE / "hostile-throughput.json").write_text(json.dumps(result, indent=1) + "\n")
        print(json.dumps(result))
        return
    out = HERE / f"hostile-{args.label}.json"
    results = json.loads(out.read_text()) if out.exists() else {}
    logs = Path(os.environ.get("TMPDIR", "/tmp"))
    for name in args.only or SCENARIOS:
        print(f"{args.label}: {name} ...", flush=True)
        results[name] = SCENARIOS[name](args.src, logs / f"rlvr-hostile-{args.label}-{name}.log")
        print(json.dumps(results[name]), flush=True)
        out.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
