"""Cross-check `rlvr eval` against lm-evaluation-harness on GSM8K: same model, problems, prompt, decoding.

Both harnesses get the same GSM8K problems (rlvr's `gsm8k` family, the held-out draw that
`rlvr eval --tasks gsm8k --difficulty 1-10 --n N/10` makes), the same chat-formatted prompt
(the model's own chat template, no few-shot examples), greedy decoding and the same token
limit. lm-eval reads the problems from a local JSONL through a task config written here, so
nothing is downloaded. Per problem the script compares the generated text (did the two
harnesses decode the same thing?) and the verdict (did they judge the same text the same
way?), and writes the numbers to lmeval_gsm8k.json and a section of RESULTS.md.

    python benchmarks/evaluate/lmeval_gsm8k.py --n 100
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/, for results_page
from results_page import put_section  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
START, END = "<!-- lmeval-gsm8k:start -->", "<!-- lmeval-gsm8k:end -->"
TASK = "rlvr_gsm8k_local"

# lm-eval's own exact_match with the normalisation its GSM8K tasks use, after taking the
# last \boxed{...} (rlvr's task prompt asks for \boxed{}), and a second filter that takes the
# last number in the response (lm-eval's "flexible-extract").
def task_config(data: Path, max_tokens: int) -> dict[str, Any]:
    """An lm-eval task reading the problems from a local JSONL, zero-shot, greedy."""
    return {
        "task": TASK,
        "dataset_path": "json",
        "dataset_kwargs": {"data_files": {"test": str(data)}},
        "test_split": "test",
        "output_type": "generate_until",
        "doc_to_text": "{{prompt}}",
        "doc_to_target": "{{answer}}",
        "generation_kwargs": {"until": ["<|im_end|>"], "do_sample": False, "max_gen_toks": max_tokens},
        "num_fewshot": 0,
        "metric_list": [{"metric": "exact_match", "aggregation": "mean", "higher_is_better": True,
                         "ignore_case": True, "ignore_punctuation": False,
                         "regexes_to_ignore": [",", "\\$", "\\.$"]}],
        "filter_list": [
            {"name": "boxed", "filter": [{"function": "regex", "regex_pattern": r"\\boxed\{([^{}]*)\}",
                                          "group_select": -1}, {"function": "take_first"}]},
            {"name": "flexible-extract", "filter": [{"function": "regex", "group_select": -1,
                                                     "regex_pattern": r"(-?[$0-9.,]{2,})|(-?[0-9]+)"},
                                                    {"function": "take_first"}]},
        ],
        "metadata": {"version": 1.0},
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="problems (a multiple of 10: N/10 per difficulty tenth)")
    parser.add_argument("--model", default="default", help="model spec for rlvr (default: the embedded model)")
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=16, help="sequences per generate call, both harnesses")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cpu", help="cpu or cuda (both harnesses, float32)")
    parser.add_argument("--out", type=Path, default=HERE / "lmeval_gsm8k.json")
    parser.add_argument("--render-only", action="store_true", help="re-render RESULTS.md from --out")
    return parser.parse_args()


def problems_for(n: int) -> list[Any]:
    from rlvr.evaluate.runner import heldout_problems

    if n < 10 or n % 10:
        sys.exit("error: --n must be a positive multiple of 10 (N/10 problems per difficulty tenth)")
    return heldout_problems(["gsm8k"], n // 10, list(range(1, 11)))


def run_rlvr(loaded: Any, problems: list[Any], max_tokens: int, batch_size: int) -> tuple[list[dict[str, Any]], float]:
    from rlvr.evaluate.runner import evaluate_problems
    from rlvr.evaluate.sampling import SamplingParams, TransformersSampler

    sampler = TransformersSampler(loaded.model, loaded.tokenizer, batch_size=batch_size)
    started = time.process_time()
    result = evaluate_problems(sampler, problems, 1, SamplingParams(max_tokens=max_tokens, temperature=0.0))
    cpu = time.process_time() - started
    rows = [{"id": r.problem_id, "response": r.response, "correct": r.correct, "tokens": r.tokens,
             "extracted": r.extracted} for r in result.records]
    return rows, cpu


def run_lmeval(folder: Path, problems: list[Any], max_tokens: int, batch_size: int,
               work: Path, device: str) -> tuple[list[dict[str, Any]], float, str]:
    import lm_eval
    from lm_eval.tasks import TaskManager

    data = work / "gsm8k_local.jsonl"
    with data.open("w", encoding="utf-8") as handle:
        for problem in problems:
            handle.write(json.dumps({"id": problem.id, "prompt": problem.prompt, "answer": problem.answer}) + "\n")
    import yaml

    (work / f"{TASK}.yaml").write_text(yaml.safe_dump(task_config(data, max_tokens)), encoding="utf-8")
    started = time.process_time()
    out = lm_eval.simple_evaluate(
        model="hf",
        model_args={"pretrained": str(folder), "dtype": "float32", "device": device},
        tasks=[TASK],
        task_manager=TaskManager(include_path=str(work)),
        apply_chat_template=True,
        batch_size=batch_size,
        log_samples=True,
    )
    cpu = time.process_time() - started
    rows = []
    by_filter: dict[int, dict[str, Any]] = {}
    for sample in out["samples"][TASK]:
        entry = by_filter.setdefault(sample["doc_id"], {"id": sample["doc"]["id"], "response": sample["resps"][0][0]})
        entry[f"correct_{sample['filter']}"] = bool(sample["exact_match"])
        entry[f"extracted_{sample['filter']}"] = sample["filtered_resps"][0]
    rows = [by_filter[i] for i in sorted(by_filter)]
    return rows, cpu, lm_eval.__version__


def compare(rlvr_rows: list[dict[str, Any]], lm_rows: list[dict[str, Any]], tokenizer: Any) -> dict[str, Any]:
    lm_by_id = {row["id"]: row for row in lm_rows}
    same_text = 0
    disagreements = []
    for row in rlvr_rows:
        other = lm_by_id[row["id"]]
        mine, theirs = row["response"].strip(), other["response"].strip()
        identical = mine == theirs
        same_text += identical
        if row["correct"] != other["correct_boxed"]:
            disagreements.append({
                "id": row["id"], "same_text": identical,
                "rlvr": {"correct": row["correct"], "extracted": row["extracted"], "tail": mine[-160:]},
                "lm_eval": {"correct": other["correct_boxed"], "extracted": other["extracted_boxed"], "tail": theirs[-160:]},
            })
    n = len(rlvr_rows)
    lm_tokens = [len(tokenizer(r["response"], add_special_tokens=False)["input_ids"]) for r in lm_rows]
    return {
        "problems": n,
        "rlvr_accuracy": sum(r["correct"] for r in rlvr_rows) / n,
        "lm_eval_accuracy_boxed": sum(r["correct_boxed"] for r in lm_rows) / n,
        "lm_eval_accuracy_flexible": sum(r["correct_flexible-extract"] for r in lm_rows) / n,
        "identical_generations": same_text / n,
        "rlvr_mean_tokens": sum(r["tokens"] for r in rlvr_rows) / n,
        "lm_eval_mean_tokens": sum(lm_tokens) / n,
        "verdict_disagreements": len(disagreements),
        "disagreements_same_text": sum(d["same_text"] for d in disagreements),
        "examples": disagreements[:8],
    }


def render(report: dict[str, Any]) -> str:
    c = report["comparison"]
    lines = [
        START,
        "## Cross-check: `rlvr eval` vs lm-evaluation-harness on GSM8K",
        "",
        f"Model: {report['model']}; {c['problems']} GSM8K test problems (rlvr's held-out draw, "
        f"{c['problems'] // 10} per difficulty tenth); the same chat-formatted zero-shot prompt (rlvr's task prompt, "
        f"asking for `\\boxed{{}}`), greedy decoding, at most {report['max_tokens']} new tokens, "
        f"batch size {report['batch_size']} in both; lm-eval {report['lm_eval_version']} `hf` backend reading the "
        f"problems from a local JSONL (`{report['command']}`, {report['date']}).",
        "",
        "| measure | rlvr eval | lm-eval |",
        "|---|---|---|",
        f"| accuracy (answer in the last `\\boxed{{}}`) | {c['rlvr_accuracy']:.3f} | {c['lm_eval_accuracy_boxed']:.3f} |",
        f"| accuracy, lm-eval's flexible-extract (last number) | - | {c['lm_eval_accuracy_flexible']:.3f} |",
        f"| mean response tokens | {c['rlvr_mean_tokens']:.1f} | {c['lm_eval_mean_tokens']:.1f} |",
        f"| CPU time of generation and scoring | {report['rlvr_cpu_s']:.0f} s | {report['lm_eval_cpu_s']:.0f} s |",
        "",
        f"Identical generated text on {c['identical_generations']:.0%} of problems; the verdicts differ on "
        f"{c['verdict_disagreements']} problem(s), {c['disagreements_same_text']} of them on identical text.",
        "",
    ]
    lines += report.get("explanation", [])
    lines += ["", "On a GPU, with a model folder that solves GSM8K (any local Hugging Face causal LM):",
              "`python benchmarks/evaluate/lmeval_gsm8k.py --model /path/to/model --n 500 --batch-size 64 --device cuda`."]
    lines += ["", END]
    return "\n".join(lines)


def explain(c: dict[str, Any]) -> list[str]:
    """Why the numbers differ, from the per-problem comparison."""
    notes = []
    diff_text = c["verdict_disagreements"] - c["disagreements_same_text"]
    if c["disagreements_same_text"]:
        notes.append(f"- {c['disagreements_same_text']} verdict difference(s) on the same text come from answer "
                     "checking: lm-eval compares the last `\\boxed{}`'s content as a string after stripping `,`, `$` "
                     "and a final `.`; rlvr parses it as a number (`\\boxed{18.00}`, `\\boxed{\\$18}`, "
                     "`\\boxed{18 \\text{ dollars}}` are right in rlvr, wrong as strings) and also reads "
                     "`<answer>` tags.")
    if diff_text:
        notes.append(f"- {diff_text} come from different generated text: both decode greedily in fp32 on CPU, but "
                     "the harnesses batch and pad differently (lm-eval sorts requests by length), and "
                     "a different left-padding changes floating-point sums enough to flip a near-tie in greedy "
                     "decoding of a 135M model.")
    if not notes:
        notes.append("- No verdict differs: the two harnesses agree problem by problem.")
    if max(c["rlvr_accuracy"], c["lm_eval_accuracy_boxed"]) < 0.05:
        notes.append("- The model is too weak for GSM8K for the accuracies to say much (135M parameters: almost no "
                     "answer is boxed, and few are right); the cross-check's weight is in the identical generations "
                     "and verdicts. The GPU command below repeats it on a model that solves GSM8K.")
    if c["identical_generations"] < 1.0:
        notes.append(f"- Generations differ on {1 - c['identical_generations']:.0%} of problems in total (most "
                     "without changing the verdict); that is the batching effect above.")
    flexible_gap = round((c["lm_eval_accuracy_flexible"] - c["lm_eval_accuracy_boxed"]) * c["problems"])
    if flexible_gap:
        notes.append(f"- lm-eval's flexible-extract filter takes the last number anywhere in the response; rlvr and the "
                     f"boxed filter read only the final answer in the format the prompt asks for. {flexible_gap:+d} "
                     "problem(s) of difference come from that alone (a right number written without `\\boxed{}`): a "
                     "format-free reading rewards answers the prompt did not ask for.")
    if c["rlvr_mean_tokens"] > c["lm_eval_mean_tokens"]:
        notes.append(f"- Mean tokens differ by {c['rlvr_mean_tokens'] - c['lm_eval_mean_tokens']:.2f} on identical "
                     "text: rlvr counts the tokens the model generated, the end-of-turn token included; lm-eval returns "
                     "the text without its stop sequence, re-tokenised here.")
    if c["examples"]:
        notes.append("- The disagreeing problems, with both harnesses' extracted answers, are in "
                     "`lmeval_gsm8k.json` (`comparison.examples`).")
    return notes


def update_results(block: str) -> None:
    put_section(RESULTS, block, START, END, "Evaluation benchmarks")


def main() -> None:
    args = parse_args()
    if args.render_only:
        update_results(render(json.loads(args.out.read_text(encoding="utf-8"))))
        return
    import torch

    from rlvr import models

    torch.set_num_threads(args.threads)
    problems = problems_for(args.n)
    loaded = models.load(args.model, device=args.device, dtype="float32")
    print(f"rlvr eval on {len(problems)} GSM8K problems...", flush=True)
    rlvr_rows, rlvr_cpu = run_rlvr(loaded, problems, args.max_tokens, args.batch_size)
    print("lm-eval on the same problems...", flush=True)
    with tempfile.TemporaryDirectory(prefix="rlvr-lmeval-") as work:
        lm_rows, lm_cpu, version = run_lmeval(loaded.path, problems, args.max_tokens, args.batch_size, Path(work),
                                               args.device)
    comparison = compare(rlvr_rows, lm_rows, loaded.tokenizer)
    report = {
        "model": f"{args.model} ({loaded.path.name})",
        "max_tokens": args.max_tokens,
        "batch_size": args.batch_size,
        "lm_eval_version": version,
        "command": "python benchmarks/evaluate/lmeval_gsm8k.py " + " ".join(sys.argv[1:]),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, torch {torch.__version__}, {args.threads} threads",
        "rlvr_cpu_s": rlvr_cpu,
        "lm_eval_cpu_s": lm_cpu,
        "comparison": comparison,
        "explanation": explain(comparison),
        "rlvr_rows": rlvr_rows,
        "lm_eval_rows": lm_rows,
    }
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    update_results(render(report))
    print(json.dumps({k: v for k, v in comparison.items() if k != "examples"}, indent=1))


if __name__ == "__main__":
    main()
