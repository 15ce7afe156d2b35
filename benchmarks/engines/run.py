"""Adapter overhead: each engine adapter against the core on the same batch, in one run.

The core is what every adapter must reproduce: each task's own check, then
`RewardMethod.score` on the groups. The adapters are called the way their engines call
them: TRL's `GRPOTrainer._calculate_rewards` layout, verl 0.9's `RewardLoopWorker`
(one async call per response, groups held by uid) and OpenRLHF's `reward_func`. Writes
benchmarks/engines/RESULTS.md and speed.png; the ratios are what to compare.
"""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.progress import Progress

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "engines"))

from conftest import build_tokenizer  # noqa: E402
from engine_helpers import verl_data  # noqa: E402

from rlvr import rewards, tasks  # noqa: E402
from rlvr.rewards.base import RolloutBatch  # noqa: E402
from rlvr.tasks.rows import problem_to_json, to_trl_row, to_verl_row  # noqa: E402

PROMPTS = 64
G = 8
REPEATS = 7
METHODS = ["correct", "laser_d"]
TASK = "math500"


def responses(problem, rng):
    out = []
    for j in range(G):
        words = "Let me think step by step. " * int(rng.integers(2, 40))
        kind = j % 3
        answer = problem.answer if kind == 0 else (problem.answer + "1" if kind == 1 else None)
        out.append(words + (f"The answer is \\boxed{{{answer}}}." if answer else "I could not finish."))
    return out


def build_batch(tokenizer):
    rng = np.random.default_rng(0)
    problem_list = list(tasks.get(TASK).generate(PROMPTS, seed=0))
    texts = [responses(p, rng) for p in problem_list]
    ids = [[tokenizer(t, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id] for t in group] for group in texts]
    return problem_list, texts, ids


def run_core(method_name, problem_list, texts, ids):
    method = rewards.get(method_name)
    family = tasks.get(TASK)
    correct = [[family.check(p, t).score for t in group] for p, group in zip(problem_list, texts)]
    lengths = [[len(x) for x in group] for group in ids]
    return method.score(RolloutBatch.from_groups(correct, lengths, texts=[t for g in texts for t in g]), 0).total


def trl_inputs(problem_list, texts, ids):
    """The keyword layout GRPOTrainer passes (dataset rows built once, outside the timing)."""
    rows = [to_trl_row(p) for p in problem_list]
    flat = [rows[k] for k in range(len(problem_list)) for _ in range(G)]
    columns = {key: [r[key] for r in flat] for key in flat[0] if key != "prompt"}
    completions = [[{"role": "assistant", "content": t}] for group in texts for t in group]
    return [r["prompt"] for r in flat], completions, [x for g in ids for x in g], columns


def run_trl(reward, inputs):
    prompts, completions, completion_ids, columns = inputs
    return np.array(reward(prompts, completions, completion_ids, **columns))


def verl_setup(method_name, problem_list, ids, tokenizer, folder, manager=True):
    from omegaconf import OmegaConf
    from verl.experimental.reward_loop.reward_loop import RewardLoopWorker

    flat_ids = [x for g in ids for x in g]
    rows = [to_verl_row(p, index=k) for k, p in enumerate(problem_list) for _ in range(G)]
    data, width = verl_data(flat_ids, rows, [f"u{k // G}" for k in range(len(flat_ids))], tokenizer.pad_token_id)
    config = OmegaConf.create({
        "actor_rollout_ref": {"model": {"path": str(folder), "tokenizer_path": None}, "rollout": {"n": G, "val_kwargs": {"n": G}, "response_length": width}},
        "data": {"train_batch_size": PROMPTS},
        "reward": {"num_workers": 1, "reward_model": {"enable": False},
                   "custom_reward_function": {"path": "pkg://rlvr.engines.verl", "name": "compute_score", "reward_kwargs": {"rewards": method_name}},
                   "reward_manager": {"source": "importlib", "name": "RlvrRewardManager", "module": {"path": "pkg://rlvr.engines.verl", "name": "x"}}
                   if manager else {"source": "register", "name": "naive", "module": {"path": None, "name": "x"}}},
        "trainer": {"experiment_name": "bench"},
    })
    loop = asyncio.get_event_loop()
    worker = RewardLoopWorker(config)
    return worker, data, loop


def run_verl(worker, data, loop):
    outputs = loop.run_until_complete(worker.compute_score_batch(data))
    return np.array([o["reward_score"] for o in outputs])


def openrlhf_inputs(problem_list, texts):
    prompts = [f"<|user|>{p.prompt}<|assistant|>" for p in problem_list for _ in range(G)]
    queries = [q + t for q, t in zip(prompts, [t for g in texts for t in g])]
    labels = [problem_to_json(p) for p in problem_list for _ in range(G)]
    return queries, prompts, labels


def run_openrlhf(reward, inputs):
    return reward(*inputs)["rewards"].numpy()


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> None:
    tokenizer = build_tokenizer()
    folder = Path(tempfile.mkdtemp())
    tokenizer.save_pretrained(folder)
    problem_list, texts, ids = build_batch(tokenizer)
    results: dict[str, dict[str, list[float]]] = {}
    agree: dict[str, bool] = {}
    asyncio.set_event_loop(asyncio.new_event_loop())
    trl_batch = trl_inputs(problem_list, texts, ids)
    openrlhf_batch = openrlhf_inputs(problem_list, texts)
    with Progress() as progress:
        job = progress.add_task("adapters", total=len(METHODS) * REPEATS)
        for method_name in METHODS:
            worker, data, loop = verl_setup(method_name, problem_list, ids, tokenizer, folder)
            from rlvr.engines.openrlhf_reward import OpenRLHFReward
            from rlvr.engines.trl import RlvrReward

            trl_reward = RlvrReward(method_name, num_generations=G)
            openrlhf_reward = OpenRLHFReward(method_name, n_samples=G, tokenizer=tokenizer, prompts_per_step=PROMPTS)
            runners = {
                "core": lambda m=method_name: run_core(m, problem_list, texts, ids),
                "TRL": lambda r=trl_reward: run_trl(r, trl_batch),
                "verl (RlvrRewardManager)": lambda w=worker, d=data, lp=loop: run_verl(w, d, lp),
                "OpenRLHF": lambda r=openrlhf_reward: run_openrlhf(r, openrlhf_batch),
            }
            if method_name == "correct":
                # The peer for verl: its own NaiveRewardManager calling rlvr's compute_score.
                naive = verl_setup(method_name, problem_list, ids, tokenizer, folder, manager=False)
                runners["verl (naive + compute_score)"] = lambda n=naive: run_verl(*n)
            times = {name: [] for name in runners}
            last = {}
            for fn in runners.values():
                fn()  # warm-up: parses each row once, as the first step of a run would
            for _ in range(REPEATS):
                # Round-robin, so load from other jobs falls on every runner alike.
                for name, fn in runners.items():
                    seconds, last[name] = timed(fn)
                    times[name].append(seconds)
                progress.advance(job)
            for name in runners:
                if name != "core":
                    agree[f"{method_name}/{name}"] = bool(np.allclose(last[name], last["core"], atol=1e-6))
            results[method_name] = times
    write_results(results, agree)


def write_results(results, agree) -> None:
    lines = [
        "# Engine adapters: overhead against the core",
        "",
        f"Written by `benchmarks/engines/run.py`. Batch: {PROMPTS} {TASK} prompts x {G} responses = "
        f"{PROMPTS * G} responses (a third right, a third wrong, a third without an answer; 40-1100 tokens). "
        "`core` = each task's own check plus `RewardMethod.score`; the adapters are called as their engines call "
        "them (TRL: GRPOTrainer's keyword layout; verl: 0.9's `RewardLoopWorker.compute_score_batch`, one async "
        "call per response through `RlvrRewardManager`, and, as the peer, verl's own `naive` manager calling "
        "rlvr's `compute_score`; OpenRLHF: `reward_func` on prompt+response strings, "
        "re-tokenising to count tokens). "
        f"Median of {REPEATS} round-robin runs after one warm-up; {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPU cores shared with other jobs, so read the ratios, not the times.",
        "",
        "| method | adapter | median s/batch | ratio to core | same rewards as core |",
        "|---|---|---:|---:|---|",
    ]
    for method_name, times in results.items():
        core = statistics.median(times["core"])
        for name, values in times.items():
            median = statistics.median(values)
            same = "-" if name == "core" else ("yes" if agree[f"{method_name}/{name}"] else "NO")
            lines.append(f"| {method_name} | {name} | {median:.3f} | {median / core:.2f}x | {same} |")
    lines += [
        "",
        "How to read it: TRL hands over token ids and columns, so its adapter should cost about what the core "
        "costs. verl's rows include verl's own per-response reward loop (slicing the DataProto, one async call "
        "and one thread hop per response): compare them with verl's own `naive` manager, not with the core. "
        "OpenRLHF passes only text, so the adapter cuts the response out of each query and re-tokenises it to "
        "count tokens; the tokenizer here is a byte-level one (one token per byte), the slow end for that step.",
        "",
        "![adapter time relative to the core](speed.png)",
        "",
    ]
    # Keep the section benchmarks/engines/workers.py writes (between its markers).
    page = (HERE / "RESULTS.md").read_text(encoding="utf-8") if (HERE / "RESULTS.md").exists() else ""
    kept = page[page.index("<!-- workers:start -->") :] if "<!-- workers:start -->" in page else ""
    (HERE / "RESULTS.md").write_text("\n".join(lines) + ("\n" + kept if kept else ""), encoding="utf-8")
    plot(results)
    print("\n".join(lines))


def plot(results) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    adapters = ["TRL", "verl (RlvrRewardManager)", "verl (naive + compute_score)", "OpenRLHF"]
    labels = ["TRL", "verl\n(rlvr manager)", "verl\n(verl's naive, peer)", "OpenRLHF"]
    fig, ax = plt.subplots(figsize=(7, 3.4))
    width = 0.8 / len(results)
    for k, (method_name, times) in enumerate(results.items()):
        core = statistics.median(times["core"])
        ratios = [statistics.median(times[a]) / core if a in times else np.nan for a in adapters]
        ax.bar(np.arange(len(adapters)) + k * width, ratios, width, label=method_name)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_xticks(np.arange(len(adapters)) + width * (len(results) - 1) / 2, labels)
    ax.set_ylabel("time / core time")
    ax.set_title(f"Adapter time per batch of {PROMPTS * G} responses, relative to the core")
    ax.legend()
    fig.tight_layout()
    fig.savefig(HERE / "speed.png", dpi=120)


if __name__ == "__main__":
    main()
