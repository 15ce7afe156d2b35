"""Genius (foresight re-sampling + ACO) against SFT on the model's own plain samples, same generated tokens.

    nice -n 10 python benchmarks/selfimprove/genius.py run --out runs/bench-genius
    python benchmarks/selfimprove/genius.py report --out runs/bench-genius

Both arms start from the same model, use the same training prompts and never look at an answer
(no verifier in training; it only scores the held-out set):
- genius: the shipped `genius` recipe with SETTINGS: foresight re-sampling of every training prompt,
  then ACO on the preference pairs (rlvr.selfimprove.genius_run);
- sft: plain samples of the same prompts at the same temperature and length limit, drawn round by
  round until they hold as many generated tokens as every Genius rollout together (candidates and
  foresight included), then TRL's SFTTrainer on them (completion-only loss).
Held-out: greedy accuracy on problems from a disjoint seed, before and after each arm.
`report` writes genius.png and the Genius section of RESULTS.md next to this file, between its markers.

On a GPU (the scale at which the paper reports its gains), e.g.:
    python benchmarks/selfimprove/genius.py run --out runs/gpu-genius --scale gpu
"""

from __future__ import annotations

import argparse
import copy
import json
import time
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/, for results_page
from results_page import put_section  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
PNG = HERE / "genius.png"
START, END = "<!-- genius:start -->", "<!-- genius:end -->"

# "cpu": sized for ~10 CPU-minutes, because the shared 2-core machine gave a niced run ~7% of one core
# (load average ~60); at this size an effect on held-out accuracy is not expected to be measurable.
# "cpu-30": the ~30 CPU-minute run the issue asked for (sized from a 4-prompt probe; see RESULTS.md).
# ACO's learning rate is 5x below SFT's (DPO-style losses are run ~10x below SFT; the authors use 5e-7 for
# an 8B model) with the authors' linear schedule and 10% warm-up; at 1e-5 and 3 steps the first run collapsed.
SETTINGS = {
    "cpu": ["threads=1", "tasks.difficulty=2", "tasks.problems=8", "sampling.beams=2", "sampling.candidates=2",
            "sampling.max_steps=2", "sampling.max_new_tokens=40", "sampling.temperature=0.7",
            "aco.learning_rate=1.0e-5", "aco.epochs=1", "aco.batch_size=4", "eval.problems=32",
            "eval.batch_size=32"],
    "cpu-30": ["threads=1", "tasks.difficulty=2", "tasks.problems=40", "sampling.beams=2", "sampling.candidates=3",
               "sampling.max_steps=2", "sampling.max_new_tokens=64", "sampling.temperature=0.7",
               "aco.learning_rate=2.0e-6", "aco.lr_scheduler=linear", "aco.warmup_ratio=0.1", "aco.epochs=2",
               "aco.batch_size=4", "eval.problems=64", "eval.batch_size=32"],
    # The paper's M = 2 beams x N = 4 candidates, K = 4 steps, longer responses, thousands of prompts.
    "gpu": ["tasks.difficulty=2", "tasks.problems=2048", "sampling.beams=2", "sampling.candidates=4",
            "sampling.max_steps=4", "sampling.max_new_tokens=256", "sampling.temperature=0.7",
            "aco.learning_rate=5.0e-7", "aco.lr_scheduler=linear", "aco.warmup_ratio=0.1", "aco.epochs=1",
            "aco.batch_size=16", "eval.problems=500",
            "eval.batch_size=250"],
}
SFT = {"cpu": {"learning_rate": 1e-5, "epochs": 1, "batch_size": 8},
       "cpu-30": {"learning_rate": 1e-5, "epochs": 2, "batch_size": 8},
       "gpu": {"learning_rate": 1e-5, "epochs": 1, "batch_size": 32}}


def _cpu() -> float:
    return time.process_time()


def plain_samples(config: Any, model: Any, tokenizer: Any, problems: list, target_tokens: int,
                  batch_size: int) -> tuple[list[dict[str, Any]], int]:
    """Rounds of one plain sample per prompt until `target_tokens` generated tokens; SFT rows and the count."""
    from rlvr.evaluate.sampling import SamplingParams, TransformersSampler
    from rlvr.tasks.rows import to_messages

    sampler = TransformersSampler(model, tokenizer, batch_size=batch_size)
    prompts = [to_messages(p, config.system_prompt) for p in problems]
    rows: list[dict[str, Any]] = []
    tokens, round_index = 0, 0
    while tokens < target_tokens:
        params = SamplingParams(max_tokens=config.sampling.max_new_tokens, temperature=config.sampling.temperature,
                                top_p=config.sampling.top_p, seed=config.seed + 1000 + round_index)
        for prompt, (completion,) in zip(prompts, sampler.sample(prompts, 1, params), strict=True):
            if tokens >= target_tokens:
                break
            tokens += completion.tokens
            rows.append({"prompt": prompt, "completion": [{"role": "assistant", "content": completion.text}]})
        round_index += 1
        print(f"  plain samples: round {round_index}, {tokens}/{target_tokens} tokens", flush=True)
    return rows, tokens


def sft(model: Any, tokenizer: Any, rows: list[dict[str, Any]], folder: Path, settings: dict[str, Any],
        seed: int) -> tuple[Any, int]:
    """TRL's SFTTrainer on prompt-completion rows (loss on the completions only)."""
    import torch
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    on_gpu = torch.cuda.is_available()
    args = SFTConfig(output_dir=str(folder), seed=seed, num_train_epochs=settings["epochs"],
                     per_device_train_batch_size=settings["batch_size"], learning_rate=settings["learning_rate"],
                     lr_scheduler_type="constant", completion_only_loss=True, use_cpu=not on_gpu,
                     bf16=on_gpu and torch.cuda.is_bf16_supported(), logging_steps=1, save_strategy="no",
                     report_to="none", disable_tqdm=True, dataloader_num_workers=0)
    trainer = SFTTrainer(model=model, args=args, train_dataset=Dataset.from_list(rows), processing_class=tokenizer)
    trainer.train()
    return trainer.model.eval(), int(trainer.state.global_step)


def pair_stats(pairs: list, tokenizer: Any, end_ids: set[int]) -> dict[str, Any]:
    """What the pairs look like: lengths, answer box, ended responses, calibration region, step of origin."""
    n = len(pairs)
    if not n:
        return {}

    def boxed(ids: list[int]) -> bool:
        return "\\boxed{" in tokenizer.decode(ids, skip_special_tokens=True)

    return {
        "chosen_tokens_mean": sum(len(p.chosen_ids) for p in pairs) / n,
        "rejected_tokens_mean": sum(len(p.rejected_ids) for p in pairs) / n,
        "chosen_shorter": sum(len(p.chosen_ids) < len(p.rejected_ids) for p in pairs),
        "chosen_boxed": sum(boxed(p.chosen_ids) for p in pairs),
        "rejected_boxed": sum(boxed(p.rejected_ids) for p in pairs),
        "chosen_ended": sum(bool(p.chosen_ids) and p.chosen_ids[-1] in end_ids for p in pairs),
        "rejected_ended": sum(bool(p.rejected_ids) and p.rejected_ids[-1] in end_ids for p in pairs),
        "calibrated": sum(p.rejected_advantage > p.chosen_advantage for p in pairs),
        "by_step": {str(k): sum(p.step == k for p in pairs) for k in sorted({p.step for p in pairs})},
    }


def pair_logps(model: Any, pairs: list) -> dict[str, float]:
    """Mean summed log-prob of the chosen and the rejected completions of every pair under `model`
    (and per token): the same pairs before and after ACO show which side moved."""
    import torch

    sums = {"chosen": 0.0, "rejected": 0.0}
    tokens = {"chosen": 0, "rejected": 0}
    model.eval()
    with torch.inference_mode():
        for pair in pairs:
            for side in ("chosen", "rejected"):
                completion = list(getattr(pair, f"{side}_ids"))
                ids = torch.tensor([list(pair.prompt_ids) + completion], device=model.device)
                logits = model(input_ids=ids).logits[0, len(pair.prompt_ids) - 1:-1].float()
                target = ids[0, len(pair.prompt_ids):]
                sums[side] += float(torch.log_softmax(logits, -1).gather(1, target[:, None]).sum())
                tokens[side] += len(completion)
    n = max(len(pairs), 1)
    return {"chosen": sums["chosen"] / n, "rejected": sums["rejected"] / n,
            "chosen_per_token": sums["chosen"] / max(tokens["chosen"], 1),
            "rejected_per_token": sums["rejected"] / max(tokens["rejected"], 1)}


def run(out: Path, scale: str, extra: list[str] | None = None, check_lr: float | None = None,
        sft_only: bool = False) -> None:
    """Base, Genius and SFT held-out figures into out/results.json, with the CPU time of each phase.

    `sft_only`: keep the base and Genius figures of a run in `out` cut short after them (same settings), and
    run the SFT arm (and the learning-rate check) again from its sampling."""
    import torch

    from rlvr.models import load
    from rlvr.selfimprove.genius_config import load_genius_config
    from rlvr.selfimprove.genius_run import collect_pairs, eval_problems, heldout, train_aco, train_problems, write_pairs

    out.mkdir(parents=True, exist_ok=True)
    settings = [*SETTINGS[scale], *(extra or [])]
    config = load_genius_config("genius", [*settings, f"output={out / 'genius'}"])
    torch.set_num_threads(config.threads or torch.get_num_threads())
    torch.manual_seed(config.seed)
    loaded = load(config.model)
    base, tokenizer = loaded.model, loaded.tokenizer
    held, problems = eval_problems(config), train_problems(config)
    phases: dict[str, float] = {}
    extra = list(extra or [])
    path = out / "results.json"

    def save() -> None:   # after every phase, so a run cut short still reports what it measured
        path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

    results: dict[str, Any] = {"scale": scale, "settings": settings, "sft_settings": SFT[scale],
                               "extra": extra, "check_lr": check_lr, "system_prompt": config.system_prompt, "eval_problems": len(held),
                               "device": "cuda" if torch.cuda.is_available() else "cpu", "phases_cpu_s": phases}
    if sft_only:
        if check_lr is not None:
            raise SystemExit("--sft-only runs the SFT arm alone; --check-lr needs the Genius pairs: run without --sft-only")
        if not path.exists():
            raise SystemExit(f"--sft-only: no earlier run in {out} (results.json missing)")
        earlier = json.loads(path.read_text(encoding="utf-8"))
        changed = [key for key in ("scale", "settings", "sft_settings", "system_prompt", "eval_problems")
                   if earlier.get(key) != results[key]]
        if changed or "genius" not in earlier:
            raise SystemExit(f"--sft-only: the run in {out} differs in {', '.join(changed) or 'its Genius arm (not finished)'}")
        results = {**earlier, "check_lr": check_lr}
        phases = {k: v for k, v in earlier["phases_cpu_s"].items() if k in ("eval_base", "genius_sampling",
                                                                              "genius_train", "eval_genius")}
        results["phases_cpu_s"] = phases
        _sft_arm(config, base, tokenizer, problems, held, out, scale, results, phases, save, check_lr)
        return

    start = _cpu()
    results["base"] = heldout(config, base, tokenizer, held)
    phases["eval_base"] = _cpu() - start
    print("base", results["base"], flush=True)
    save()

    start = _cpu()
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        print(f"  foresight re-sampling: {done[0]}/{len(problems)} prompts", flush=True)

    traces = collect_pairs(config, base, tokenizer, problems, progress=tick)
    phases["genius_sampling"] = _cpu() - start
    (out / "genius").mkdir(parents=True, exist_ok=True)
    write_pairs(out / "genius" / "pairs.jsonl", tokenizer, traces, problems)
    pairs = [pair for trace in traces for pair in trace.pairs]
    generated = sum(t.generated_tokens for t in traces)
    results["genius_generated_tokens"] = generated
    results["pairs"] = len(pairs)
    results["calibrated_pairs"] = sum(p.rejected_advantage > p.chosen_advantage for p in pairs)
    from rlvr.decoding.foresight import end_ids
    results["pair_stats"] = pair_stats(pairs, tokenizer, set(end_ids(base, tokenizer)))
    results["pair_logps_before"] = pair_logps(base, pairs)
    results["response_tokens"] = sum(len(t.response_ids) for t in traces)
    save()

    start = _cpu()
    history: list[dict[str, Any]] = []
    genius_model, steps, loss, mean_w = train_aco(config, copy.deepcopy(base), tokenizer, pairs, out / "genius" / "aco",
                                                  log_history=history)
    phases["genius_train"] = _cpu() - start
    results.update(genius_steps=steps, genius_loss=loss, genius_mean_calibration=mean_w,
                   genius_log=[{k: v for k, v in e.items() if k in LOGGED} for e in history if "loss" in e])
    start = _cpu()
    results["genius"] = heldout(config, genius_model, tokenizer, held)
    results["pair_logps_after"] = pair_logps(genius_model, pairs)
    phases["eval_genius"] = _cpu() - start
    print("genius", results["genius"], flush=True)
    save()
    del genius_model

    _sft_arm(config, base, tokenizer, problems, held, out, scale, results, phases, save, check_lr, pairs=pairs)


def _sft_arm(config, base, tokenizer, problems, held, out: Path, scale: str, results: dict[str, Any],
             phases: dict[str, float], save, check_lr: float | None, pairs: list | None = None) -> None:
    """SFT on the model's own plain samples at Genius's generated tokens, then the optional ACO rate check."""
    from rlvr.selfimprove.genius_run import heldout, train_aco

    generated = results["genius_generated_tokens"]
    start = _cpu()
    rows, sft_tokens = plain_samples(config, base, tokenizer, problems, generated, config.eval.batch_size)
    phases["sft_sampling"] = _cpu() - start
    results.update(sft_generated_tokens=sft_tokens, sft_samples=len(rows))
    save()
    start = _cpu()
    sft_model, sft_steps = sft(copy.deepcopy(base), tokenizer, rows, out / "sft", SFT[scale], config.seed)
    phases["sft_train"] = _cpu() - start
    results["sft_steps"] = sft_steps
    start = _cpu()
    results["sft"] = heldout(config, sft_model, tokenizer, held)
    phases["eval_sft"] = _cpu() - start
    print("sft", results["sft"], flush=True)
    save()

    if check_lr is not None:
        # The same pairs at another ACO learning rate (e.g. SFT's): does the rate alone decide collapse?
        import dataclasses

        other = dataclasses.replace(config, aco=dataclasses.replace(config.aco, learning_rate=check_lr))
        start = _cpu()
        history = []
        model, steps, loss, _ = train_aco(other, copy.deepcopy(base), tokenizer, pairs, out / "genius" / "aco-check",
                                          log_history=history)
        results["genius_lr_check"] = {"learning_rate": check_lr, "steps": steps, "loss": loss,
                                      **heldout(config, model, tokenizer, held), "pair_logps": pair_logps(model, pairs),
                                      "log": [{k: v for k, v in e.items() if k in LOGGED} for e in history if "loss" in e]}
        phases["genius_lr_check"] = _cpu() - start
        print("genius at lr", check_lr, results["genius_lr_check"]["accuracy"], flush=True)
        save()
        del model


def pair_correctness(out: Path, settings: list[str]) -> dict[str, int] | None:
    """After the run, for reading only: how many chosen and rejected completions the verifier accepts.

    Training never sees this (Genius uses no verifier); it shows whether the foresight score prefers
    right answers. A pair whose shared prefix sits in the prompt is judged on its completion alone.
    """
    from rlvr.selfimprove.genius_config import load_genius_config
    from rlvr.selfimprove.genius_run import train_problems
    from rlvr.tasks import get

    path = out / "genius" / "pairs.jsonl"
    if not path.is_file():
        return None
    config = load_genius_config("genius", [*settings, f"output={out / 'genius'}"])
    task = get(config.tasks.name)
    problems = {p.id: p for p in train_problems(config)}
    counts = {"pairs": 0, "chosen_right": 0, "rejected_right": 0, "only_chosen_right": 0, "only_rejected_right": 0}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        problem = problems[row["problem_id"]]
        chosen = task.check(problem, row["chosen"]).correct
        rejected = task.check(problem, row["rejected"]).correct
        counts["pairs"] += 1
        counts["chosen_right"] += chosen
        counts["rejected_right"] += rejected
        counts["only_chosen_right"] += chosen and not rejected
        counts["only_rejected_right"] += rejected and not chosen
    return counts


LOGGED = ("step", "loss", "rewards/margins", "rewards/accuracies", "logps/chosen", "logps/rejected", "aco/calibration")


def _se(p: float, n: int) -> float:
    """Binomial standard error of an accuracy p over n problems."""
    return (p * (1 - p) / n) ** 0.5 if n else float("nan")


def _row(name: str, m: dict[str, float] | None, n: int, tokens: Any = "-", steps: Any = "-") -> str:
    if m is None:
        return f"| {name} | not finished | | | {tokens} | {steps} |"
    return (f"| {name} | {m['accuracy']:.3f} ± {_se(m['accuracy'], n):.3f} | {m['format_rate']:.3f} | "
            f"{m['mean_tokens']:.1f} | {tokens} | {steps} |")


def report(out: Path) -> None:
    """genius.png and the Genius section of RESULTS.md from out/results.json (arms not finished say so)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    r = json.loads((out / "results.json").read_text(encoding="utf-8"))
    n = int(r.get("eval_problems") or 0)
    arms = [(a, r.get(k)) for a, k in (("base model", "base"), ("SFT on plain samples", "sft"), ("Genius (ACO)", "genius"),
                                      ("Genius, ACO lr check", "genius_lr_check"))]
    done = [(a, m) for a, m in arms if m]
    log = r.get("genius_log") or []
    fig, (ax, curve) = plt.subplots(1, 2, figsize=(11, 3.8))
    ax.bar([a for a, _ in done], [m["accuracy"] for _, m in done], yerr=[_se(m["accuracy"], n) for _, m in done],
           capsize=4, color="#4c72b0")
    ax.set_ylabel(f"held-out accuracy (greedy, n = {n}, ± binomial s.e.)")
    ax.set_title(f"Genius vs SFT, same generated tokens ({r.get('genius_generated_tokens', '?')})", fontsize=9)
    for key, colour in (("logps/chosen", "#55a868"), ("logps/rejected", "#c44e52")):
        points = [(e.get("step", i + 1), e[key]) for i, e in enumerate(log) if key in e]
        if points:
            curve.plot(*zip(*points, strict=True), marker=".", color=colour, label=key.split("/")[1])
    curve.set_xlabel("ACO optimiser step")
    curve.set_ylabel("summed completion log-prob (batch mean)")
    curve.set_title("ACO training: policy log-probs of the pairs", fontsize=9)
    if log:
        curve.legend()
    fig.tight_layout()
    fig.savefig(PNG, dpi=120)
    phases = r["phases_cpu_s"]
    lines = [
        START, "## Genius vs SFT on the model's own samples", "",
        f"Command: `nice -n 5 python benchmarks/selfimprove/genius.py run --out {out} --scale {r['scale']}"
        + "".join(f" --set {e}" for e in r.get("extra", []))
        + (f" --check-lr {r['check_lr']}" if r.get("check_lr") else "") + "` "
        f"(overrides of the `genius` recipe: `{' '.join(r['settings'])}`; SFT arm: {r['sft_settings']}); "
        f"device {r['device']}, CPU time of the phases that ran {sum(phases.values()) / 60:.1f} min.", "",
        f"System prompt of both arms and of every evaluation (the `genius` and `default` recipes' prompt): "
        f"`{r.get('system_prompt')}`", "",
        "| arm | held-out accuracy ± s.e. | format rate | mean response tokens | generated tokens for training | optimiser steps |",
        "|---|---|---|---|---|---|",
        _row("base model", r.get("base"), n),
        _row(f"SFT on {r.get('sft_samples', '?')} plain samples", r.get("sft"), n, r.get("sft_generated_tokens", "-"),
             r.get("sft_steps", "-")),
        _row(f"Genius: {r.get('pairs', '?')} ACO pairs", r.get("genius"), n, r.get("genius_generated_tokens", "-"),
             r.get("genius_steps", "-")),
    ]
    check = r.get("genius_lr_check")
    if check:
        lines.append(_row(f"Genius, same pairs, ACO lr {check['learning_rate']:g}", check, n,
                          r.get("genius_generated_tokens", "-"), check.get("steps", "-")))
    lines += [""]
    if "pairs" in r:
        w = r.get("genius_mean_calibration")
        lines.append(f"Pairs in the calibration region (A_l > A_w, weight < 1): {r['calibrated_pairs']} of {r['pairs']}; "
                     f"mean calibration weight over training batches: {'n/a' if w is None else f'{w:.3f}'}.")
        st = r.get("pair_stats") or {}
        if st:
            lines.append(f"Pairs: chosen {st['chosen_tokens_mean']:.1f} vs rejected {st['rejected_tokens_mean']:.1f} "
                         f"tokens on average (chosen shorter in {st['chosen_shorter']} of {r['pairs']}); `\\boxed` in "
                         f"{st['chosen_boxed']} chosen vs {st['rejected_boxed']} rejected; ended with EOS: "
                         f"{st['chosen_ended']} chosen, {st['rejected_ended']} rejected; pairs by step {st['by_step']}.")
        right = pair_correctness(out, r["settings"])
        if right:
            lines.append(f"Verifier on the pairs (read after the run, never used in training): chosen right in "
                         f"{right['chosen_right']} of {right['pairs']}, rejected right in {right['rejected_right']}; "
                         f"only the chosen right in {right['only_chosen_right']}, only the rejected right in "
                         f"{right['only_rejected_right']}.")
        before, after = r.get("pair_logps_before"), r.get("pair_logps_after")
        if before and after:
            lines.append(f"Summed log-prob of the training pairs' completions, mean over pairs, before -> after ACO: "
                         f"chosen {before['chosen']:.1f} -> {after['chosen']:.1f}, rejected {before['rejected']:.1f} -> "
                         f"{after['rejected']:.1f} (per token: chosen {before['chosen_per_token']:.3f} -> "
                         f"{after['chosen_per_token']:.3f}, rejected {before['rejected_per_token']:.3f} -> "
                         f"{after['rejected_per_token']:.3f}).")
        check = r.get("genius_lr_check") or {}
        if before and check.get("pair_logps"):
            c = check["pair_logps"]
            lines.append(f"At ACO lr {check['learning_rate']:g}: chosen {before['chosen']:.1f} -> {c['chosen']:.1f}, "
                         f"rejected {before['rejected']:.1f} -> {c['rejected']:.1f}.")
        if log:
            first, last = log[0], log[-1]
            # Per-batch log-probs depend on which pairs the batch holds; the before/after line above compares like with like.
            lines.append("ACO log, first -> last optimiser step (batch means): " + ", ".join(
                f"{k} {first[k]:.3f} -> {last[k]:.3f}" for k in ("loss", "rewards/margins", "rewards/accuracies",
                                                                 "aco/calibration") if k in first and k in last) + ".")
    lines += ["CPU seconds by phase: " + ", ".join(f"{k} {v:.0f}" for k, v in phases.items()) + ".", "",
              f"![Genius vs SFT]({PNG.name})", "", "<!-- reading: written by hand below the markers -->", END]
    put_section(RESULTS, "\n".join(lines), START, END, "Self-improvement benchmarks")
    print(f"wrote {PNG} and the Genius section of {RESULTS}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("run", help="run base, Genius and SFT into --out")
    one.add_argument("--out", type=Path, required=True)
    one.add_argument("--scale", choices=sorted(SETTINGS), default="cpu")
    one.add_argument("--set", dest="extra", action="append", default=[], metavar="KEY=VALUE",
                     help="extra recipe override after the scale's (e.g. a small probe: tasks.problems=4)")
    one.add_argument("--sft-only", action="store_true",
                     help="keep the base and Genius figures of the run in --out and run the SFT arm again")
    one.add_argument("--check-lr", type=float, default=None,
                     help="also ACO-train on the same pairs at this learning rate and evaluate (one more arm)")
    two = sub.add_parser("report", help="plot and write the RESULTS.md section")
    two.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "run":
        run(args.out, args.scale, args.extra, args.check_lr, args.sft_only)
    else:
        report(args.out)


if __name__ == "__main__":
    main()
