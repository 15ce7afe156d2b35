"""Predictive-Decoding against greedy, best-of-N and majority vote at matched generated tokens.

    nice python benchmarks/selfimprove/decoding.py run --task arithmetic --out runs/bench-decoding
    nice python benchmarks/selfimprove/decoding.py run --task gsm8k --out runs/bench-decoding
    python benchmarks/selfimprove/decoding.py report --out runs/bench-decoding

Every prompt carries the default training recipe's system message (`--system-prompt recipe`: box
the final answer, with a worked example); with the model's own, it rarely boxes an answer and
greedy scored 0 on arithmetic. Pick the arithmetic difficulty where greedy is 10-60% first, e.g.
`rlvr eval --tasks arithmetic --difficulty 1-3 --n 32 --system-prompt "<the recipe's>"` (on
SmolLM2-135M-Instruct: 0.44 / 0.09 / 0.12, hence difficulty 1).

Per problem, on the embedded SmolLM2-135M-Instruct: greedy; Predictive-Decoding (K foresight
rollouts of `horizon` further steps, tau, rollout temperature T); then samples at T drawn one at a
time until they have generated as many tokens as Predictive-Decoding did on that problem (N = 2..16,
over by at most one sample); best-of-N (highest mean log-prob) and majority vote
are two picks from the same N samples, so they share their cost. Every arm's generated tokens
(all rollouts and samples counted) are recorded beside its accuracy. Results go to
<out>/<task>.jsonl one problem per line, so a run cut short still reports what it has.
`report` writes decoding.png and the Predictive-Decoding section of RESULTS.md between its markers.

On a GPU (the comparison at a scale where an effect could show; vLLM not needed):
    python benchmarks/selfimprove/decoding.py run --task gsm8k --problems 500 --k 8 --horizon 2 \\
        --max-tokens 384 --out runs/gpu-decoding --threads 0
"""

from __future__ import annotations

import argparse
import json
import time
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/, for results_page
from results_page import put_section  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
PNG = HERE / "decoding.png"
START, END = "<!-- decoding:start -->", "<!-- decoding:end -->"
ARMS = ("greedy", "predictive", "best-of-n", "majority")
MAX_N = 16  # most samples per problem for best-of-N and majority
# Sized for a shared 2-core CPU: a few problems per task, short foresight (see RESULTS.md).
DEFAULTS = {"arithmetic": {"difficulty": 1, "problems": 32, "max_tokens": 96},
            "gsm8k": {"difficulty": 1, "problems": 12, "max_tokens": 160}}


def run(args: argparse.Namespace) -> None:
    """Decode every problem of one task with every arm, appending one JSON line per problem."""
    import torch
    from tqdm import tqdm

    from rlvr.decoding import DecodingConfig, decode
    from rlvr.decoding.baselines import as_decoded, full_samples, pick_best, pick_majority
    from rlvr.decoding.sampler import DecodingSampler, task_answer, task_same
    from rlvr.decoding.vote import read_answers
    from rlvr.models import load
    from rlvr.tasks import get
    from rlvr.tasks.rows import to_messages

    if args.threads:
        torch.set_num_threads(args.threads)  # one thread: no spinning on a shared box
    defaults = DEFAULTS[args.task]
    difficulty = args.difficulty or defaults["difficulty"]
    problems = get(args.task).distinct(args.problems or defaults["problems"], seed=10_000, difficulty=difficulty)
    max_tokens = args.max_tokens or defaults["max_tokens"]
    out = Path(args.out) / f"{args.task}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    system_prompt = system_prompt_of(args.system_prompt)
    settings = {"k": args.k, "horizon": args.horizon, "tau": args.tau, "temperature": args.temperature,
                "max_tokens": max_tokens, "system_prompt": args.system_prompt, "difficulty": difficulty,
                "matching": "samples drawn one at a time until they reach PD's generated tokens (2..16)"}
    old = [json.loads(line) for line in out.read_text().splitlines() if line.strip()] if out.exists() else []
    changed = sorted(k for k in settings if old and old[0]["settings"].get(k) != settings[k])
    if changed:  # one file holds one comparison: resuming under other settings would mix two
        saved = old[0]["settings"]
        details = "; ".join(f"{k}: {saved.get(k)!r} -> {settings[k]!r}" for k in changed)
        raise SystemExit(f"{out} was run with other settings ({details}); use another --out or the same settings")
    done = {row["id"] for row in old}
    loaded = load(args.model)
    model, tokenizer = loaded.model, loaded.tokenizer
    sampler = DecodingSampler(model, tokenizer, DecodingConfig())
    for index, problem in enumerate(tqdm(problems, desc=args.task)):
        if problem.id in done:
            continue
        task, ids = get(problem.task), sampler.prompt_ids(to_messages(problem, system_prompt))
        cpu = time.process_time()
        row = {"id": problem.id, "task": args.task, "difficulty": problem.difficulty, "settings": settings}
        base = DecodingConfig(strategy="predictive", k=args.k, horizon=args.horizon, tau=args.tau,
                              temperature=args.temperature, max_tokens=max_tokens)
        first = decode(model, tokenizer, ids, DecodingConfig(max_tokens=max_tokens))
        pd = decode(model, tokenizer, ids, base, seed=index)
        samples = matched_samples(lambda j: full_samples(model, tokenizer, ids, 1, args.temperature, base,
                                                         seed=index * 1000 + j)[0], pd.generated)
        n, cost = len(samples), sum(s.generated for s in samples)
        votes = read_answers([s.step + s.continuation for s in samples], task_answer(problem))
        picks = {"greedy": first, "predictive": pd,
                 "best-of-n": as_decoded(pick_best(samples), model, tokenizer, cost),
                 "majority": as_decoded(pick_majority(samples, votes, task_same(problem)), model, tokenizer, cost)}
        for arm, decoded in picks.items():
            row[arm] = {"correct": task.check(problem, decoded.text).correct, "generated": decoded.generated,
                        "tokens": decoded.tokens, "truncated": decoded.truncated}
        row["n"] = n
        row["votes"] = votes
        row["texts"] = {arm: decoded.text for arm, decoded in picks.items()}
        row["cpu_s"] = time.process_time() - cpu
        with out.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(row) + "\n")


def matched_samples(draw: Callable[[int], Any], budget: int, least: int = 2, most: int = MAX_N) -> list:
    """Samples drawn one at a time until their generated tokens reach `budget` (Predictive-Decoding's
    on this problem), at least `least` (a vote needs two) and at most `most`: the sample arms spend
    what PD spent, over by at most one sample."""
    samples: list = []
    while len(samples) < most and (len(samples) < least or sum(s.generated for s in samples) < budget):
        samples.append(draw(len(samples)))
    return samples


def system_prompt_of(name: str) -> str | None:
    """The system message: 'recipe' = the default training recipe's (boxed-answer instruction and
    example), 'model' = none (the chat template's own), anything else is the message itself."""
    if name == "model":
        return None
    if name == "recipe":
        from rlvr.train.config import load_config

        return load_config("default").system_prompt
    return name


def summarise(rows: list[dict]) -> dict[str, dict[str, float]]:
    """Per arm: accuracy, mean generated tokens per problem, mean response tokens."""
    table = {}
    for arm in ARMS:
        cells = [r[arm] for r in rows]
        table[arm] = {"accuracy": sum(c["correct"] for c in cells) / len(cells),
                      "generated": sum(c["generated"] for c in cells) / len(cells),
                      "tokens": sum(c["tokens"] for c in cells) / len(cells)}
    return table


def report(args: argparse.Namespace) -> None:
    """Write decoding.png and the section of RESULTS.md from every task file under --out."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tasks = {}
    for path in sorted(Path(args.out).glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        if rows:
            tasks[path.stem] = rows
    if not tasks:
        raise SystemExit(f"no results under {args.out}")
    figure, axes = plt.subplots(1, len(tasks), figsize=(5 * len(tasks), 4), squeeze=False)
    lines = [START, "## Predictive-Decoding vs greedy, best-of-N and majority vote (matched generated tokens)", ""]
    for axis, (name, rows) in zip(axes[0], tasks.items()):
        table = summarise(rows)
        s = rows[0]["settings"]
        cpu = sum(r["cpu_s"] for r in rows)
        lines += [f"**{name}** (difficulty {rows[0]['difficulty']}, {len(rows)} held-out problems; K={s['k']}, "
                  f"horizon={s['horizon']}, tau={s['tau']}, T={s['temperature']}, max {s['max_tokens']} tokens; "
                  f"N per problem {min(r['n'] for r in rows)}..{max(r['n'] for r in rows)}; system prompt: "
                  f"{s.get('system_prompt', 'model')}; {cpu / 60:.1f} CPU-min)", "",
                  "| arm | accuracy | binomial s.e. | solved | generated tokens / problem | response tokens |",
                  "|---|---|---|---|---|---|"]
        for arm, cell in table.items():
            acc, count = cell["accuracy"], len(rows)
            lines.append(f"| {arm} | {acc:.3f} | {(acc * (1 - acc) / count) ** 0.5:.3f} | {round(acc * count)}/{count} | "
                         f"{cell['generated']:.0f} | {cell['tokens']:.0f} |")
            axis.scatter(cell["generated"], cell["accuracy"], label=arm, s=60)
        lines.append("")
        axis.set_title(f"{name} ({len(rows)} problems)")
        axis.set_xscale("log")
        axis.set_xlabel("generated tokens per problem")
        axis.set_ylabel("accuracy")
        axis.legend()
    figure.tight_layout()
    figure.savefig(PNG, dpi=100)
    lines += [f"![accuracy vs generated tokens]({PNG.name})", "", args.note or "", END]
    section = "\n".join(lines)
    put_section(RESULTS, section, START, END, "Self-improvement benchmarks")
    print(section)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    go = sub.add_parser("run")
    go.add_argument("--task", choices=sorted(DEFAULTS), required=True)
    go.add_argument("--out", required=True)
    go.add_argument("--model", default="default")
    go.add_argument("--problems", type=int, default=0)
    go.add_argument("--difficulty", type=int, default=0)
    go.add_argument("--max-tokens", type=int, default=0)
    go.add_argument("--k", type=int, default=4)
    go.add_argument("--horizon", type=int, default=1)
    go.add_argument("--tau", type=float, default=0.1)
    go.add_argument("--temperature", type=float, default=0.7)
    go.add_argument("--system-prompt", default="recipe",
                    help="'recipe' (the default recipe's, which asks for \\boxed{} with an example), 'model' "
                         "(the model's own), or the message itself")
    go.add_argument("--threads", type=int, default=1, help="torch CPU threads; 0 leaves torch's default")
    show = sub.add_parser("report")
    show.add_argument("--out", required=True)
    show.add_argument("--note", default="")
    args = parser.parse_args()
    run(args) if args.command == "run" else report(args)


if __name__ == "__main__":
    main()
