"""Time every rlvr reward method on 1,024 prompts x 8 responses; writes RESULTS.md and speed.png.

The verifier is excluded: correctness and lengths are random (per-prompt accuracy drawn
uniformly, so all LASER-D buckets occur; lengths uniform in [64, 4096] tokens). Every
response also has realistic text, about 4 characters per token (8k on average): a window of
real mathematical prose (the MATH500 reference solutions shipped with rlvr, LaTeX and all,
their boxed answers unboxed) in a <think> block, then a \\boxed answer; every third response
is cut off mid-thought (no closing tag, no answer), the case that makes the format check read
the whole text. Methods that read token ids (laser_de, repetition) get a padded int32 array of
8,192 x 4,096 token ids (as verl's `responses` tensor arrives), 10% of rows ending in a short
loop; they are also timed with a list of per-response arrays, and with Python int lists (the
last 512 ids of each response, as TRL's completion_ids would arrive). Length settings are
scaled to that range (e.g. laser target 2048) so every branch of every method is exercised.
Times are CPU time of this process (time.process_time), pinned to one core.
Peers, same batch, same run: TRL's soft overlong punishment (DAPO), plain per-response
Python loops of the group penalty and LASER-D scoring, and the format check's previous
full-text implementation, written here as baselines.

Run: .venv/bin/python benchmarks/rewards/run.py [--repeats 30] [--out benchmarks/rewards/RESULTS.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from rich.progress import Progress

from rlvr import rewards
from rlvr.rewards import RolloutBatch

HERE = Path(__file__).resolve().parent
PROMPTS, GROUP, MAX_TOKENS = 1024, 8, 4096
CHARS_PER_TOKEN = 4
TARGET_MS = 50.0
# the previous format implementation on the machine of the audit that set the 20 ms target
AUDIT_PREVIOUS_MS = 71.0
FORMAT_TARGET_MS = 20.0  # the format check is per-text Python: its own, tighter target

SETTINGS: dict[str, dict] = {
    "truncation": {"max_length": 3072},
    "laser": {"target_length": 2048},
    "laser_d": {"target_initial": 2048, "grid_lower": 1024, "grid_upper": 4096, "grid_step": 256},
    "laser_de": {"target_initial": 2048, "grid_lower": 1024, "grid_upper": 4096, "grid_step": 256},
    "thinkprune": {"limits": [4096, 3072, 2048], "stage_steps": [0, 10, 20]},
    "cosine": {"max_length": 4096},
    "dapo_overlong": {"max_length": 4096, "cache_length": 1024},
    "l1_max": {"alpha": 0.0003},
    "l1_exact": {"alpha": 0.0003},
    "format": {"think_penalty": 0.1},
}


MATH500 = HERE.parents[1] / "src" / "rlvr" / "tasks" / "data" / "math500-test.jsonl"


def corpus() -> str:
    """Real mathematical prose: the MATH500 reference solutions shipped with rlvr, boxed answers unboxed."""
    lines = MATH500.read_text(encoding="utf-8").splitlines()
    solutions = [json.loads(line)["solution"] for line in lines if line.strip()]
    return "\n\n".join(solutions).replace("\\boxed", "")


def make_texts(rng: np.random.Generator, length: np.ndarray) -> list[str]:
    """One text per response, ~CHARS_PER_TOKEN characters per token; every third one cut off mid-thought."""
    prose = corpus()
    texts = []
    for i, tokens in enumerate(length.tolist()):
        size = min(tokens * CHARS_PER_TOKEN, len(prose) - 1)
        start = int(rng.integers(0, len(prose) - size))
        thought = prose[start : start + size]
        if i % 3 == 0:
            texts.append("<think>" + thought)
        else:
            texts.append(f"<think>{thought}</think>\nSo the answer is \\boxed{{{i % 97}}}.")
    return texts


def make_batch(seed: int = 0) -> tuple[RolloutBatch, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = PROMPTS * GROUP
    accuracy = np.repeat(rng.uniform(0, 1, PROMPTS), GROUP)
    correct = (rng.uniform(0, 1, n) < accuracy).astype(np.float64)
    length = rng.integers(64, MAX_TOKENS + 1, n)
    tokens = rng.integers(0, 150_000, (n, MAX_TOKENS), dtype=np.int32)
    looping = rng.uniform(0, 1, n) < 0.1
    for row in np.flatnonzero(looping):  # the last 600 tokens cycle with period 6
        end = length[row]
        start = max(end - 600, 0)
        tokens[row, start:end] = np.resize(np.arange(6, dtype=np.int32) + 17, end - start)
    batch = RolloutBatch(
        correct=correct, length=length, group=np.repeat(np.arange(PROMPTS), GROUP), token_ids=tokens,
        texts=make_texts(rng, length), target_length=rng.integers(512, 4096, n).astype(np.float64),
        truncated=length >= MAX_TOKENS - 16,
    )
    return batch, tokens


_BOXED = re.compile(r"\\(?:boxed|fbox)\s*\{")


def full_text_format(texts: list[str], penalty: float = 0.1, think_penalty: float = 0.1) -> list[float]:
    """The format check as it was before: a regex and tag counts over each whole text.

    With `think_penalty=0` it skips the think check, as the previous implementation did.
    """
    out = []
    for text in texts:
        close = text.rfind("</answer>")
        start = text.rfind("<answer>", 0, close) if close >= 0 else -1
        answered = _BOXED.search(text) is not None or (start >= 0 and text[start + 8 : close].strip() != "")
        if not think_penalty:
            out.append(0.0 if answered else -penalty)
            continue
        opens, closes = text.count("<think>"), text.count("</think>")
        formed = closes == 1 and opens == 1
        if formed:
            close, start = text.index("</think>"), text.index("<think>") + 7
            formed = start <= close and bool(text[start:close].strip()) and bool(text[close + 8 :].strip())
        out.append((0.0 if answered else -penalty) + (0.0 if formed else -think_penalty))
    return out


def naive_group_penalty(correct: list[float], length: list[int], group: list[int], weight: float = 0.4) -> list[float]:
    """A per-response Python baseline of the Kimi group penalty."""
    lengths: dict[int, list[int]] = defaultdict(list)
    for g, n in zip(group, length):
        lengths[g].append(n)
    out = []
    for c, n, g in zip(correct, length, group):
        low, high = min(lengths[g]), max(lengths[g])
        lam = 0.0 if high == low else 0.5 - (n - low) / (high - low)
        out.append(c + weight * (lam if c >= 0.5 else min(0.0, lam)))
    return out


def naive_laser_d(correct: list[float], length: list[int], group: list[int], targets: dict[str, int], alpha: float = 0.5) -> list[float]:
    """A per-response Python baseline of LASER-D scoring."""
    hits: dict[int, list[float]] = defaultdict(list)
    for g, c in zip(group, correct):
        hits[g].append(c)
    out = []
    longest = max(length)
    for c, n, g in zip(correct, length, group):
        acc = sum(hits[g]) / len(hits[g])
        bucket = "easy" if acc >= 2 / 3 else "medium" if acc >= 1 / 3 else "hard"
        base = 1.0 if c >= 0.5 else -0.5
        target = longest if targets[bucket] is None else targets[bucket]  # None: no limit
        out.append(base + (alpha if c >= 0.5 and n <= target else 0.0))
    return out


def timed(call, repeats: int) -> np.ndarray:
    """CPU milliseconds of this process per call (time.process_time), after 2 warm-up calls."""
    for _ in range(2):
        call()
    samples = []
    for _ in range(repeats):
        start = time.process_time()
        call()
        samples.append((time.process_time() - start) * 1000.0)
    return np.array(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="Markdown file to write.")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as the target says
    batch, tokens = make_batch()
    as_list = list(tokens)  # per-response arrays (views), the shape a TRL adapter hands over
    list_batch = RolloutBatch(correct=batch.correct, length=batch.length, group=batch.group, token_ids=as_list)
    # Python int lists (TRL's completion_ids); only each response's last 512 ids, to spare memory
    py_ids = [row[max(n - 512, 0) : n].tolist() for row, n in zip(tokens, batch.length)]
    py_batch = RolloutBatch(correct=batch.correct, length=np.minimum(batch.length, 512), group=batch.group, token_ids=py_ids)
    rows: list[tuple[str, np.ndarray, str]] = []
    jobs = [(name, None) for name in rewards.names()] + [
        ("format", "defaults"), ("laser_de", "list"), ("repetition", "list"), ("repetition", "python")
    ]
    labels = {None: "", "list": " (token ids as list of arrays)", "python": " (token ids as Python int lists)",
              "defaults": " (defaults: answer check only)"}
    with Progress() as progress:
        task = progress.add_task("timing reward methods", total=len(jobs) + 5)
        for name, variant in jobs:
            method = rewards.get(name, **({} if variant == "defaults" else SETTINGS.get(name, {})))
            method.on_step(25)
            used = {None: batch, "defaults": batch, "list": list_batch, "python": py_batch}[variant]
            label = name + labels[variant]
            rows.append((label, timed(lambda: method.score(used, 25), args.repeats), ""))
            progress.advance(task)
        build = timed(
            lambda: RolloutBatch(correct=batch.correct, length=batch.length, group=batch.group, token_ids=tokens),
            args.repeats,
        )
        rows.append(("RolloutBatch construction (not in the rows above)", build, ""))
        progress.advance(task)

        peers: list[tuple[str, float, float, str]] = []
        try:
            from trl.rewards import get_soft_overlong_punishment
        except ImportError:
            get_soft_overlong_punishment = None
        if get_soft_overlong_punishment is not None:
            trl_dapo = get_soft_overlong_punishment(max_completion_len=4096, soft_punish_cache=1024)
            ids = [row[:n] for row, n in zip(tokens, batch.length)]
            ours = rewards.get("dapo_overlong", max_length=4096, cache_length=1024)
            agree = np.allclose(ours.score(batch).components["length"], trl_dapo(ids))
            trl_ms = np.median(timed(lambda: trl_dapo(ids), args.repeats))
            our_ms = np.median(timed(lambda: ours.score(batch), args.repeats))
            peers.append(("dapo_overlong vs TRL get_soft_overlong_punishment", our_ms, trl_ms, f"same values: {agree}"))
        progress.advance(task)

        c, n, g = batch.correct.tolist(), batch.length.tolist(), batch.group.tolist()
        kimi = rewards.get("group_penalty")
        agree = np.allclose(kimi.score(batch).total, naive_group_penalty(c, n, g))
        peers.append(("group_penalty vs per-response Python loop", np.median(timed(lambda: kimi.score(batch), args.repeats)),
                      np.median(timed(lambda: naive_group_penalty(c, n, g), args.repeats)), f"same values: {agree}"))
        progress.advance(task)
        laser_d = rewards.get("laser_d", **SETTINGS["laser_d"])
        laser_d.score(batch)  # the first call monitors (targets from this batch); the timed calls only score
        agree = np.allclose(laser_d.score(batch).total, naive_laser_d(c, n, g, laser_d.targets))
        peers.append(("laser_d vs per-response Python loop", np.median(timed(lambda: laser_d.score(batch), args.repeats)),
                      np.median(timed(lambda: naive_laser_d(c, n, g, laser_d.targets), args.repeats)), f"same values: {agree}"))
        progress.advance(task)
        fmt = rewards.get("format", **SETTINGS["format"])
        agree = np.allclose(fmt.score(batch).total, full_text_format(batch.texts))
        peers.append(("format vs full-text scans (the previous implementation)",
                      np.median(timed(lambda: fmt.score(batch), args.repeats)),
                      np.median(timed(lambda: full_text_format(batch.texts), args.repeats)), f"same values: {agree}"))
        plain = rewards.get("format")
        agree = np.allclose(plain.score(batch).total, full_text_format(batch.texts, think_penalty=0.0))
        peers.append(("format (defaults: answer check only) vs the previous implementation's defaults",
                      np.median(timed(lambda: plain.score(batch), args.repeats)),
                      np.median(timed(lambda: full_text_format(batch.texts, think_penalty=0.0), args.repeats)),
                      f"same values: {agree}"))
        progress.advance(task)
    write_results(rows, peers, args.repeats, args.out, batch.texts)


def machine() -> str:
    cores = os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{cores} CPU cores, load average {load:.1f} at the end of the run"


def target_ms(label: str) -> float:
    return FORMAT_TARGET_MS if label.startswith("format") else TARGET_MS


def write_results(rows, peers, repeats: int, out: Path, texts: list[str]) -> None:
    chars = np.mean([len(text) for text in texts])
    lines = [
        "# Reward methods: speed",
        "",
        f"Batch: {PROMPTS} prompts x {GROUP} responses = {PROMPTS * GROUP} responses, random correctness "
        f"(per-prompt accuracy uniform) and lengths uniform in [64, {MAX_TOKENS}] tokens; verifier excluded. "
        f"Texts: windows of the MATH500 reference solutions (real LaTeX prose), {CHARS_PER_TOKEN} characters per "
        f"token ({chars:,.0f} on average), "
        "a <think> block and a \\boxed answer, every third one cut off mid-thought with no answer. "
        f"laser_de and repetition read token ids: a padded int32 array {PROMPTS * GROUP} x {MAX_TOKENS} "
        "(10% of rows end in a loop); the repetition check reads the last 256 tokens of each response. "
        f"CPU time of the process (time.process_time), one core (sched_setaffinity), {repeats} timed runs after "
        f"2 warm-ups; {platform.python_implementation()} {platform.python_version()}, numpy {np.__version__}. "
        f"Machine: {machine()}. Absolute times on a shared machine are noisy; the ratios below come from the same run.",
        "",
        f"| method | median CPU ms/batch | p90 ms | target (< {TARGET_MS:.0f} ms; format < {FORMAT_TARGET_MS:.0f} ms) met |",
        "|---|---:|---:|---|",
    ]
    for label, samples, _ in rows:
        median, p90 = np.median(samples), np.percentile(samples, 90)
        met = "-" if label.startswith("RolloutBatch") else ("yes" if median < target_ms(label) else "no")
        lines.append(f"| {label} | {median:.2f} | {p90:.2f} | {met} |")
    lines += summary(rows, peers)
    lines += ["", "## Side by side (median CPU ms, same batch, same run)", "",
              "| comparison | rlvr ms | peer ms | peer / rlvr | check |", "|---|---:|---:|---:|---|"]
    for label, ours, theirs, check in peers:
        lines.append(f"| {label} | {ours:.2f} | {theirs:.2f} | {theirs / ours:.1f}x | {check} |")
    lines += ["", "![speed](speed.png)", ""]
    if not any("TRL" in label for label, *_ in peers):
        lines[-3:-3] = ["", "TRL is not installed on this machine, so its row is missing from this run."]
    figure = out.with_name("speed.png") if out.name == "RESULTS.md" else out.with_suffix(".png")
    lines[-2] = f"![speed]({figure.name})"
    out.write_text("\n".join(lines), encoding="utf-8")
    plot(rows, figure)
    print(out.read_text())


def summary(rows, peers) -> list[str]:
    """What the run says about the targets, in words (format's in particular)."""
    medians = {label: float(np.median(samples)) for label, samples, _ in rows}
    vectorised = [m for label, m in medians.items() if not label.startswith(("format", "RolloutBatch", "repetition (token ids as Python"))]
    lines = ["", "## Summary", "",
             f"- Every method on arrays meets {TARGET_MS:.0f} ms: the slowest takes {max(vectorised):.1f} ms."]
    python_ids = medians.get("repetition (token ids as Python int lists)")
    if python_ids is not None:
        lines.append(f"- `repetition` given Python int lists takes {python_ids:.0f} ms, nearly all of it converting them "
                     "to arrays: pass token ids as arrays.")
    plain = medians.get("format (defaults: answer check only)")
    with_think = medians.get("format")
    previous = next((theirs for label, _, theirs, _ in peers if label.startswith("format (defaults")), None)
    if plain is not None and with_think is not None and previous is not None:
        verdict = "meets" if plain < FORMAT_TARGET_MS else "does not meet"
        lines.append(
            f"- `format` with its defaults (answer check only) takes {plain:.1f} ms and {verdict} {FORMAT_TARGET_MS:.0f} ms "
            f"on this machine; {with_think:.1f} ms with the think check on. The previous implementation's defaults "
            f"took {previous:.1f} ms in the same run ({previous / plain:.1f}x slower). The audit that set the target "
            f"measured the previous implementation at {AUDIT_PREVIOUS_MS:.0f} ms on its machine; at this run's ratio "
            f"the new check would take about {AUDIT_PREVIOUS_MS * plain / previous:.0f} ms there (an estimate, not a "
            "measurement). What is left is CPython's substring search over the third of the texts that have no "
            "answer (it must read all of them to say so) and one call per text.")
    return lines


def plot(rows, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [(label, np.median(s), np.percentile(s, 90)) for label, s, _ in rows if not label.startswith("RolloutBatch")]
    shown.sort(key=lambda item: item[1])
    figure, axis = plt.subplots(figsize=(8, 0.35 * len(shown) + 1.2))
    short = {" (token ids as list of arrays)": " (array list)", " (token ids as Python int lists)": " (int lists)",
             " (defaults: answer check only)": " (answer only)"}
    names = []
    for label, _, _ in shown:
        for long, brief in short.items():
            label = label.replace(long, brief)
        names.append(label)
    axis.barh(names, [m for _, m, _ in shown], xerr=[[0] * len(shown), [p - m for _, m, p in shown]], color="#1b9e77")
    axis.axvline(TARGET_MS, color="#d95f02", linestyle="--", label=f"target {TARGET_MS:.0f} ms")
    axis.axvline(FORMAT_TARGET_MS, color="#7570b3", linestyle=":", label=f"format target {FORMAT_TARGET_MS:.0f} ms")
    axis.set_xlabel(f"CPU ms per batch of {PROMPTS * GROUP} responses of ~8k characters (median, bar to p90), one core")
    axis.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(out, dpi=110)
    plt.close(figure)


if __name__ == "__main__":
    main()
