"""verl's SandboxFusion client against `rlvr serve /run_code`, on the 164 HumanEval problems.

Each problem gives two programs: its canonical solution (must pass) and a stub that raises
(must fail), each followed by the problem's tests, as verl sends code datasets with
`assert_case` tests. Two ways, same programs, same run, alternating:
- verl: `verl.utils.reward_score.sandbox_fusion.compute_score` (verl's own client, 16 calls in
  flight as verl's reward loop would with `max_concurrent`) against a real `rlvr serve --workers 8`
  process on 127.0.0.1;
- direct: `rlvr.execute.run_many` in this process (8 warm workers), no HTTP.
Every program's verdict must be right both ways; the ratio is the cost of verl's client, HTTP
and the server on top of the sandbox. Writes the run_code section of benchmarks/serve/RESULTS.md
and run_code.json.
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


from server_process import start_server
from rlvr import execute
from rlvr.tasks.code.humaneval_data import problems

HERE = Path(__file__).resolve().parent
REPEATS = 3
IN_FLIGHT = 16
WORKERS = 8
TIMEOUT_S = 10
BEGIN, END = "<!-- run_code: written by run_code.py -->", "<!-- /run_code -->"


def programs() -> tuple[list[str], list[str], list[bool]]:
    """(solutions as verl completions, their assert cases, whether each must pass)."""
    completions, cases, expected = [], [], []
    for problem in problems():
        tests = f"{problem.test}\n\ncheck({problem.entry_point})\n"
        for body, passes in ((problem.canonical_solution, True), ("    raise NotImplementedError\n", False)):
            completions.append(f"```python\n{problem.prompt}{body}\n```")
            cases.append(tests)
            expected.append(passes)
    return completions, cases, expected


def through_verl(url: str, completions: list[str], cases: list[str]) -> list[bool]:
    from verl.utils.reward_score import sandbox_fusion

    def one(i: int) -> bool:
        score, _ = sandbox_fusion.compute_score(url, None, 1024, completions[i], json.dumps({"assert_case": [cases[i]]}),
                                                timeout=TIMEOUT_S)
        return score == 1.0

    with ThreadPoolExecutor(IN_FLIGHT) as pool:
        return list(pool.map(one, range(len(completions))))


def direct(completions: list[str], cases: list[str]) -> list[bool]:
    sources = [c.split("```python\n", 1)[1].rsplit("\n```", 1)[0] + "\n\n" + t for c, t in zip(completions, cases)]
    return [r.ok for r in execute.run_many(sources, timeout=TIMEOUT_S, memory_mb=1024, workers=WORKERS)]


def main() -> None:
    import socket

    completions, cases, expected = programs()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = start_server(port, WORKERS)
    url = f"http://127.0.0.1:{port}/run_code"
    times: dict[str, list[float]] = {"verl": [], "direct": []}
    right: dict[str, int] = {}
    try:
        through_verl(url, completions[:16], cases[:16])  # warm-up: the server's sandbox workers
        direct(completions[:16], cases[:16])
        for _ in range(REPEATS):
            for name, call in (("verl", lambda: through_verl(url, completions, cases)),
                               ("direct", lambda: direct(completions, cases))):
                start = time.perf_counter()
                got = call()
                times[name].append(time.perf_counter() - start)
                right[name] = sum(g == e for g, e in zip(got, expected))
    finally:
        server.terminate()
        server.wait(30)
    n = len(completions)
    median = {name: statistics.median(values) for name, values in times.items()}
    result = {"programs": n, "must_pass": sum(expected), "repeats": REPEATS, "in_flight": IN_FLIGHT,
              "workers": WORKERS, "median_s": median, "right": right, "python": platform.python_version()}
    (HERE / "run_code.json").write_text(json.dumps(result, indent=2) + "\n")
    ratio = median["verl"] / median["direct"]
    section = "\n".join([
        BEGIN, "",
        "## verl's SandboxFusion client against /run_code",
        "",
        f"Written by `benchmarks/serve/run_code.py`: the 164 HumanEval problems, each as its canonical solution "
        f"(must pass) and a stub that raises (must fail), followed by the problem's tests as verl's `assert_case`; "
        f"{n} programs. verl's own `compute_score` ({IN_FLIGHT} calls in flight) against a real `rlvr serve "
        f"--workers {WORKERS}` on 127.0.0.1, and the same programs through `rlvr.execute.run_many` "
        f"({WORKERS} workers) in process; median of {REPEATS} alternating runs after a warm-up, CPython "
        f"{platform.python_version()}, 2 CPU cores shared with other jobs and between client and server, "
        "so read the ratio, not the times.",
        "",
        "| way | median s | programs/s | ratio to direct | verdicts right |",
        "|---|---:|---:|---:|---|",
        f"| rlvr.execute.run_many, in process | {median['direct']:.2f} | {n / median['direct']:,.0f} | 1.00x | {right['direct']} of {n} |",
        f"| verl's compute_score -> rlvr serve /run_code | {median['verl']:.2f} | {n / median['verl']:,.0f} | {ratio:.2f}x | {right['verl']} of {n} |",
        "", END,
    ])
    results = HERE / "RESULTS.md"
    text = results.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    results.write_text(text, encoding="utf-8")
    print(section)


if __name__ == "__main__":
    main()
