"""PreSelect on rlvr's own data: abilities, predictive strength, the fastText scorer, selection speed, and SFT on
selected vs random documents.

    python benchmarks/internals/preselect.py pool                          # the document pools (rlvr data)
    python benchmarks/internals/preselect.py ability --model M             # held-out accuracy of M (the recipe's eval)
    python benchmarks/internals/preselect.py cost --model default          # CPU seconds of BPC per document
    python benchmarks/internals/preselect.py bpc --model M                 # BPC of the scoring pool (cached per model)
    python benchmarks/internals/preselect.py evidence --models default=0.42,RUN=0.94,...
    python benchmarks/internals/preselect.py speed --docs 1000000          # docs/s of `select` on a generated pool
    python benchmarks/internals/preselect.py sft --arm selected|random     # SFT on --count (48) documents, held-out accuracy
    python benchmarks/internals/preselect.py write                         # this area's PreSelect section of RESULTS.md

Pool: GSM8K questions with their worked solutions and MATH-500 problems with theirs (shipped in
rlvr.tasks.data), and task prompts with their answers from 12 rlvr task families (seed 1,
difficulties 1-3; the held-out evaluation uses seed 10000, and a task document whose prompt is one
of the held-out prompts is dropped). Every document is a prompt and a response that ends in the
answer the prompt asks for: `\\boxed{..}` for GSM8K (its `#### 18` line), MATH-500 (already boxed) and
the tasks that ask for a box, `<answer>..</answer>` for the tasks that ask for that tag. Its `text`
(what PreSelect scores and the classifier reads) is the prompt, a newline and the response;
documents longer than MAX_CHARS characters are left out, so BPC and SFT see every document whole.
A seeded shuffle splits the pool into a scoring pool (BPC under every model, labels for the
classifier) and a selection pool (scored only by the classifier; SFT draws from it).

Abilities: the default recipe's held-out evaluation (64 single-digit sums, seed 10000, greedy, 64
tokens, the recipe's system prompt with its \\boxed example) for every model, one evaluation each.
SFT (selected vs random): the embedded model fine-tuned with TRL's SFTTrainer on the chat-formatted
documents (the recipe's system prompt, the prompt as the user turn, the response as the assistant
turn, loss on the response only), the same number of documents and steps in both arms, then the same
held-out evaluation. Work files go to --work (default /tmp/rlvr-preselect-bench2); results to
preselect.json beside this file. Run everything with --threads 1 under `nice` on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/, for results_page
from results_page import put_section  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS_JSON = HERE / "preselect.json"
RESULTS_MD = HERE / "RESULTS.md"
FIGURE = HERE / "preselect.png"
FAMILIES = ["arithmetic", "countdown", "word_problems", "sequence_induction", "alphabet_sort", "boolean_expression",
            "cipher", "syllogisms", "web_of_lies", "object_swaps", "property_tracking", "spatial_relations"]
PER_FAMILY = 100
MAX_CHARS = 600  # documents longer than this are left out: BPC and SFT see every document whole
LABEL_SHARE = 0.3  # top and bottom 30% of the scored documents by S are the labelled set
HOLDOUT = 0.25  # of the labelled documents, held out from the classifier
START, END = "<!-- preselect:start -->", "<!-- preselect:end -->"
DEFAULT_WORK = Path("/tmp/rlvr-preselect-bench2")


def _load_results() -> dict:
    return json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}


def _save_results(update: dict) -> None:
    results = _load_results()
    results.update(update)
    RESULTS_JSON.write_text(json.dumps(results, indent=2) + "\n")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _slug(spec: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", spec).strip("_")


def _counts(docs: list[dict]) -> dict[str, int]:
    return dict(sorted(Counter(d["source"] for d in docs).items()))


# ---------------------------------------------------------------- pools
def _gsm8k_response(solution: str) -> str:
    """GSM8K's worked solution without its calculator notes (<<3*4=12>>), its `#### N` line as a boxed answer."""
    body, _, answer = solution.rpartition("####")
    body = re.sub(r"<<[^>]*>>", "", body).strip()
    return f"{body}\nThe answer is \\boxed{{{answer.strip()}}}."


def _task_response(prompt: str, answer: str) -> str:
    """The answer in the form the task's prompt asks for."""
    return f"The answer is \\boxed{{{answer}}}." if "\\boxed" in prompt else f"<answer>{answer}</answer>"


def build_pool(work: Path, scoring: int) -> dict:
    """Write scoring.jsonl (the first `scoring` documents after a seeded shuffle) and selection.jsonl."""
    from rlvr.tasks import get
    from rlvr.tasks.math_data import read_jsonl
    from rlvr.train.config import load_config
    from rlvr.train.heldout import recipe_heldout_problems

    heldout = {p.prompt for p in recipe_heldout_problems(load_config("default", []))}
    docs, dropped = [], Counter()
    for row in read_jsonl("gsm8k-test.jsonl"):
        docs.append({"id": f"gsm8k-{row['idx']}", "source": "gsm8k", "prompt": row["question"],
                     "response": _gsm8k_response(row["answer"])})
    for k, row in enumerate(read_jsonl("math500-test.jsonl")):
        docs.append({"id": f"math500-{k}", "source": "math500", "prompt": row["problem"], "response": row["solution"]})
    for name in FAMILIES:
        task = get(name)
        for k in range(PER_FAMILY):
            problem = task.problem(k, seed=1, difficulty=1 + k % 3)
            if problem.prompt in heldout:
                dropped["with a held-out prompt"] += 1
                continue
            docs.append({"id": f"{name}-{k}", "source": name, "prompt": problem.prompt,
                         "response": _task_response(problem.prompt, problem.answer)})
    kept = []
    for d in docs:
        d["text"] = f"{d['prompt']}\n{d['response']}"
        if len(d["text"]) > MAX_CHARS:
            dropped[f"longer than {MAX_CHARS} characters"] += 1
        else:
            kept.append(d)
    random.Random(0).shuffle(kept)
    work.mkdir(parents=True, exist_ok=True)
    parts = {"scoring": kept[:scoring], "selection": kept[scoring:]}
    for name, part in parts.items():
        (work / f"{name}.jsonl").write_text("".join(json.dumps(d) + "\n" for d in part), encoding="utf-8")
    info = {"documents": len(kept), "dropped": dict(dropped), "max_chars": MAX_CHARS, "sources": _counts(kept),
            "scoring": len(parts["scoring"]), "selection": len(parts["selection"]),
            "scoring_sources": _counts(parts["scoring"]), "mean_chars": round(sum(len(d["text"]) for d in kept) / len(kept))}
    _save_results({"pool": info})
    print(json.dumps(info))
    return info


# ---------------------------------------------------------------- BPC per model (cached), and its cost
def _bpc(spec: str, texts: list[str], threads: int) -> tuple[list[float], float, float]:
    import torch

    from rlvr.cli_support import progress
    from rlvr.models import load
    from rlvr.preselect.losses import document_bpc

    torch.set_num_threads(threads)
    loaded = load(spec, device="cpu", dtype="float32")
    cpu, wall = _cpu(), time.time()
    with progress(f"BPC under {spec}", len(texts)) as advance:
        values = document_bpc(loaded.model, loaded.tokenizer, texts, max_chars=MAX_CHARS, batch_size=8, advance=advance)
    return values, _cpu() - cpu, time.time() - wall


def model_bpc(work: Path, spec: str, threads: int) -> list[float]:
    """BPC of every scoring document under `spec`, cached in work/bpc/<slug>.json."""
    cache = work / "bpc" / f"{_slug(spec)}.json"
    if cache.exists():
        return json.loads(cache.read_text())["bpc"]
    texts = [d["text"] for d in _read(work / "scoring.jsonl")]
    values, cpu, wall = _bpc(spec, texts, threads)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"model": spec, "bpc": values, "cpu_s": cpu, "wall_s": wall, "threads": threads}))
    return values


def cost(work: Path, spec: str, threads: int, docs: int = 48) -> dict:
    """CPU seconds per document of BPC under `spec`, timed on the first `docs` scoring documents."""
    rows = _read(work / "scoring.jsonl")[:docs]
    _, cpu, wall = _bpc(spec, [d["text"] for d in rows], threads)
    info = {"model": spec, "documents": len(rows), "threads": threads, "cpu_s": round(cpu, 1),
            "cpu_s_per_document": round(cpu / len(rows), 3), "mean_chars": round(sum(len(d["text"]) for d in rows) / len(rows))}
    _save_results({"bpc_cost": info})
    print(json.dumps(info))
    return info


# ---------------------------------------------------------------- ability of a model (the recipe's held-out set)
def ability(spec: str, threads: int) -> dict:
    """Held-out accuracy of `spec` under the default recipe's held-out evaluation (its system prompt included)."""
    import torch

    from rlvr.models import load
    from rlvr.train.config import load_config
    from rlvr.train.heldout import Heldout

    torch.set_num_threads(threads)
    config = load_config("default", [])
    loaded = load(spec, device="cpu", dtype="float32")
    cpu = _cpu()
    metrics = Heldout(config, loaded.tokenizer).metrics(loaded.model)
    metrics["cpu_s"] = round(_cpu() - cpu, 1)
    _save_results({"abilities": {**_load_results().get("abilities", {}), spec: metrics}})
    print(spec, json.dumps(metrics))
    return metrics


# ---------------------------------------------------------------- strength, labels, classifier
def _split(labelled: list[dict], share: float, seed: int) -> tuple[list[dict], list[dict]]:
    """Held-out and training documents: `share` of each label held out (a seeded, stratified split)."""
    held, train = [], []
    for label in (1, 0):
        group = [d for d in labelled if d["label"] == label]
        random.Random(seed).shuffle(group)
        cut = round(share * len(group))
        held += group[:cut]
        train += group[cut:]
    return held, train


def _fit_predict(train: list[dict], held: list[dict], work: Path, seed: int, params) -> list[int]:
    from rlvr.preselect import load_classifier, train_classifier
    from rlvr.preselect.classifier import POSITIVE, predict_labels

    path = work / "fold.bin"
    train_classifier([d["text"] for d in train if d["label"] == 1], [d["text"] for d in train if d["label"] == 0], path,
                     holdout=0.0, seed=seed, params=params)
    return [int(p == POSITIVE) for p in predict_labels(load_classifier(path), [d["text"] for d in held])]


def _source_majority(train: list[dict], held: list[dict]) -> list[int]:
    """The baseline that reads only a document's source: the majority label of its source in the training split."""
    overall = int(sum(d["label"] for d in train) * 2 >= len(train))
    votes: dict[str, list[int]] = {}
    for d in train:
        votes.setdefault(d["source"], []).append(d["label"])
    return [int(sum(votes[d["source"]]) * 2 > len(votes[d["source"]])) if d["source"] in votes
            and sum(votes[d["source"]]) * 2 != len(votes[d["source"]]) else overall for d in held]


def _accuracy(predicted: list[int], held: list[dict]) -> float:
    return sum(p == d["label"] for p, d in zip(predicted, held)) / len(held)


def classifier_checks(labelled: list[dict], work: Path, params, folds: int = 5, seeds: int = 3) -> dict:
    """fastText on one stratified held-out split and in repeated k-fold CV, each beside the source-majority baseline."""
    held, train = _split(labelled, HOLDOUT, seed=0)
    out = {"split": {"heldout_docs": len(held), "train_docs": len(train),
                     "fasttext": _accuracy(_fit_predict(train, held, work, 0, params), held),
                     "source_majority": _accuracy(_source_majority(train, held), held)}}
    right = {"fasttext": 0, "source_majority": 0}
    total = 0
    for seed in range(seeds):
        order = list(range(len(labelled)))
        random.Random(100 + seed).shuffle(order)
        for fold in range(folds):
            held = [labelled[k] for k in order[fold::folds]]
            train = [labelled[k] for j, k in enumerate(order) if j % folds != fold]
            right["fasttext"] += sum(p == d["label"] for p, d in zip(_fit_predict(train, held, work, seed, params), held))
            right["source_majority"] += sum(p == d["label"] for p, d in zip(_source_majority(train, held), held))
            total += len(held)
    out["cv"] = {"folds": folds, "seeds": seeds, "predictions": total, **{k: v / total for k, v in right.items()}}
    return out


def _label(rows: list[dict], share: float, seed: int = 0) -> list[dict]:
    """The top `share` by S (label 1) and the bottom `share` (label 0); ties in S broken by a seeded shuffle."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    order.sort(key=lambda k: rows[k]["strength"])
    n = round(share * len(rows))
    return [{**rows[k], "label": 0} for k in order[:n]] + [{**rows[k], "label": 1} for k in order[len(rows) - n:]]


def evidence(work: Path, models: list[tuple[str, float]], threads: int) -> dict:
    import numpy as np

    from rlvr.preselect import FastTextParams, predictive_strength, select_pool, train_classifier

    rows = _read(work / "scoring.jsonl")
    table = np.array([model_bpc(work, spec, threads) for spec, _ in models]).T
    abilities = [a for _, a in models]
    strength = predictive_strength(table, abilities)
    scored = [{"id": r["id"], "source": r["source"], "text": r["text"], "strength": float(s)} for r, s in zip(rows, strength)]
    (work / "scores.jsonl").write_text("".join(json.dumps(r) + "\n" for r in scored), encoding="utf-8")
    by_source: dict[str, list[float]] = {}
    for r in scored:
        by_source.setdefault(r["source"], []).append(r["strength"])
    # A random loss order gives S the distribution of Kendall's concordance: the null to compare with.
    rng = np.random.default_rng(0)
    null = predictive_strength(rng.random((20000, len(models))), abilities)
    params = FastTextParams(epoch=25, lr=0.5)
    labelled = _label(scored, LABEL_SHARE)
    checks = {"all sources": classifier_checks(labelled, work, params)}
    gsm = [r for r in scored if r["source"] == "gsm8k"]
    gsm_labelled = _label(gsm, LABEL_SHARE)
    checks["GSM8K only (labels by S within GSM8K)"] = classifier_checks(gsm_labelled, work, params)
    # The classifier `select` uses: every labelled document, authors' recipe except more epochs (tiny data).
    train_classifier([d["text"] for d in labelled if d["label"] == 1], [d["text"] for d in labelled if d["label"] == 0],
                     work / "clf.bin", holdout=0.0, seed=0, params=params)
    selected = select_pool(work / "clf.bin", work / "selection.jsonl", 0.1, work / "selected.jsonl")
    info = {
        "models": [{"model": spec, "ability": a, "mean_bpc": float(table[:, k].mean())} for k, (spec, a) in enumerate(models)],
        "bpc_correlation_with_ability": _rank_correlation(table.mean(axis=0), abilities),
        "strength": {"mean": float(strength.mean()), "null_mean": float(null.mean()),
                     "quantiles": [float(q) for q in np.quantile(strength, [0.1, 0.25, 0.5, 0.75, 0.9])],
                     "null_quantiles": [float(q) for q in np.quantile(null, [0.1, 0.25, 0.5, 0.75, 0.9])]},
        "strength_by_source": {s: {"docs": len(v), "mean": round(float(np.mean(v)), 3)} for s, v in sorted(by_source.items())},
        "labels": {"share": LABEL_SHARE, "positives": sum(d["label"] for d in labelled),
                   "negatives": sum(1 - d["label"] for d in labelled),
                   "lowest_positive": min(d["strength"] for d in labelled if d["label"] == 1),
                   "highest_negative": max(d["strength"] for d in labelled if d["label"] == 0),
                   "positives_by_source": _counts([d for d in labelled if d["label"] == 1]),
                   "negatives_by_source": _counts([d for d in labelled if d["label"] == 0]),
                   "gsm8k_only": {"positives": sum(d["label"] for d in gsm_labelled),
                                  "negatives": sum(1 - d["label"] for d in gsm_labelled)}},
        "classifier": {"params": "fastText, 25 epochs, lr 0.5, word bigrams, dim 100, 200,000 buckets", **checks},
        "selection": {"pool": selected.documents, "kept": selected.kept, "threshold": selected.threshold,
                      "kept_by_source": _counts(_read(work / "selected.jsonl")),
                      "pool_by_source": _counts(_read(work / "selection.jsonl"))},
    }
    _save_results({"evidence": info})
    figure()
    print(json.dumps(info, indent=1))
    return info


def _rank_correlation(values, abilities) -> float:
    """Spearman's rank correlation between mean BPC and ability (negative: abler models compress better)."""
    from scipy.stats import spearmanr

    return float(spearmanr(values, abilities).statistic)


# ---------------------------------------------------------------- figure
def figure() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = _load_results()
    ev, ft = results.get("evidence"), results.get("sft", {})
    if not ev:
        return
    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(15, 4.2))
    models = ev["models"]
    left.plot([m["ability"] for m in models], [m["mean_bpc"] for m in models], "o")
    for m in models:
        left.annotate(_short(m["model"]), (m["ability"], m["mean_bpc"]), fontsize=7)
    left.set_xlabel("held-out accuracy (ability)")
    left.set_ylabel("mean BPC on the scoring pool")
    left.set_title("compression vs ability")
    sources = sorted(ev["strength_by_source"], key=lambda s: ev["strength_by_source"][s]["mean"])
    middle.barh([f"{s} ({ev['strength_by_source'][s]['docs']})" for s in sources],
                [ev["strength_by_source"][s]["mean"] for s in sources])
    middle.axvline(ev["strength"]["null_mean"], color="grey", linestyle="--", label="random loss order")
    middle.set_xlim(0, 1)
    middle.set_xlabel("mean predictive strength S")
    middle.set_title("S by source (scored documents)")
    middle.legend(fontsize=7)
    arms = [("base (no SFT)", results.get("abilities", {}).get("default", {}).get("accuracy"))]
    arms += [(arm, r["heldout"]["accuracy"]) for arm, r in ft.get("arms", {}).items()]
    arms = [(a, v) for a, v in arms if v is not None]
    right.bar([a for a, _ in arms], [v for _, v in arms], color=["grey", "tab:blue", "tab:orange"][:len(arms)])
    for k, (_, v) in enumerate(arms):
        right.annotate(f"{v:.3f}", (k, v), ha="center", va="bottom")
    right.set_ylim(0, 1)
    right.set_ylabel("held-out accuracy")
    right.set_title(f"SFT on {ft.get('documents_per_arm', '?')} documents per arm")
    fig.tight_layout()
    fig.savefig(FIGURE, dpi=110)
    plt.close(fig)


def _short(spec: str) -> str:
    return spec if "/" not in spec else "/".join(Path(spec).parts[-2:])


# ---------------------------------------------------------------- docs/s of select
def speed(work: Path, count: int, classifier: Path | None = None) -> dict:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from rlvr.preselect import select_pool

    classifier = classifier or work / "clf.bin"
    if not classifier.exists():
        raise SystemExit(f"no classifier at {classifier}: run `evidence` first, or pass --classifier")
    source = [d["text"] for d in _read(work / "scoring.jsonl") + _read(work / "selection.jsonl")]
    big = work / f"pool-{count}.jsonl"
    if not big.exists():
        rng = random.Random(0)
        with big.open("w", encoding="utf-8") as handle:
            for k in range(count):
                handle.write(json.dumps({"id": k, "text": rng.choice(source)}) + "\n")
    parquet = work / f"pool-{count}.parquet"
    if not parquet.exists():
        writer = None
        with big.open(encoding="utf-8") as handle:
            batch = []
            for line in handle:
                batch.append(json.loads(line))
                if len(batch) == 100_000:
                    table = pa.Table.from_pylist(batch)
                    writer = writer or pq.ParquetWriter(str(parquet), table.schema)
                    writer.write_table(table)
                    batch = []
            if batch:
                table = pa.Table.from_pylist(batch)
                writer = writer or pq.ParquetWriter(str(parquet), table.schema)
                writer.write_table(table)
        writer.close()
    info = {"documents": count, "mean_chars": round(sum(len(t) for t in source) / len(source)), "classifier": str(classifier),
            "classifier_mb": round(classifier.stat().st_size / 1e6)}
    for name, pool, out in (("jsonl", big, work / "big-selected.jsonl"), ("parquet", parquet, work / "big-selected.parquet")):
        cpu, wall = _cpu(), time.time()
        summary = select_pool(classifier, pool, 0.2, out)
        cpu, wall = _cpu() - cpu, time.time() - wall
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        info[name] = {"kept": summary.kept, "cpu_s": round(cpu, 1), "wall_s": round(wall, 1),
                      "docs_per_cpu_s": round(count / cpu), "docs_per_wall_s": round(count / wall),
                      "peak_rss_mib_so_far": round(peak)}
        print(name, json.dumps(info[name]))
    _save_results({"speed": {**_load_results().get("speed", {}), str(count): info}})
    return info


# ---------------------------------------------------------------- SFT: selected vs random
SFT = {"epochs": 2, "learning_rate": 2e-5, "batch": 8, "max_length": 512, "scheduler": "constant"}


def sft(work: Path, threads: int, count: int, arm: str, epochs: int = SFT["epochs"], seed: int = 0) -> dict:
    """Fine-tune the embedded model on `count` chat-formatted documents of the selection pool; held-out accuracy.

    arm 'selected': the `count` documents the classifier scores highest; arm 'random': `count` drawn at random.
    Both arms: the same recipe (SFT above, `epochs` passes), so the same number of steps; tokens differ with the documents.
    """
    import torch
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    from rlvr.models import load
    from rlvr.preselect import select_pool
    from rlvr.train.config import load_config
    from rlvr.train.heldout import Heldout

    torch.set_num_threads(threads)
    pool = _read(work / "selection.jsonl")
    if arm == "selected":
        select_pool(work / "clf.bin", work / "selection.jsonl", count / len(pool), work / "sft-selected.jsonl")
        docs = _read(work / "sft-selected.jsonl")
    else:
        docs = random.Random(1).sample(pool, count)
    config = load_config("default", [])
    rows = [{"prompt": [{"role": "system", "content": config.system_prompt}, {"role": "user", "content": d["prompt"]}],
             "completion": [{"role": "assistant", "content": d["response"]}]} for d in docs]
    loaded = load("default", device="cpu", dtype="float32")
    model, tokenizer = loaded.model, loaded.tokenizer
    tokens = sum(len(tokenizer(d["response"]).input_ids) for d in docs)
    args = SFTConfig(output_dir=str(work / f"sft-{arm}"), seed=seed, num_train_epochs=epochs,
                     per_device_train_batch_size=SFT["batch"], learning_rate=SFT["learning_rate"],
                     lr_scheduler_type=SFT["scheduler"], max_length=SFT["max_length"], completion_only_loss=True,
                     use_cpu=True, logging_steps=1, save_strategy="no", report_to="none", disable_tqdm=False,
                     dataloader_num_workers=0)
    cpu = _cpu()
    trainer = SFTTrainer(model=model, args=args, train_dataset=Dataset.from_list(rows), processing_class=tokenizer)
    trainer.train()
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    train_cpu = _cpu() - cpu
    model = trainer.model
    model.eval()
    tokenizer.padding_side = "left"
    metrics = Heldout(config, tokenizer).metrics(model)
    result = {"heldout": metrics, "steps": int(trainer.state.global_step), "response_tokens": tokens,
              "first_loss": losses[0], "last_loss": losses[-1], "train_cpu_s": round(train_cpu),
              "cpu_s": round(_cpu() - cpu), "sources": _counts(docs)}
    info = _load_results().get("sft", {})
    info.setdefault("arms", {})
    info.update({"documents_per_arm": count, **SFT, "epochs": epochs,
                 "heldout": f"{config.eval.problems} problems of {', '.join(config.task_names)} at difficulty "
                            f"{config.eval_difficulty}, seed {config.eval.seed}, greedy, {config.eval_max_tokens} tokens, "
                            "the recipe's system prompt"})
    info["arms"][arm] = result
    _save_results({"sft": info})
    figure()
    print(arm, json.dumps(result))
    return info


# ---------------------------------------------------------------- RESULTS.md section
def _sources(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


def write_section() -> None:
    results = _load_results()
    lines = [START, "## PreSelect: data selection by predictive strength (`rlvr preselect`)", ""]
    lines += ["- command: `python benchmarks/internals/preselect.py pool|ability|cost|bpc|evidence|speed|sft|write` "
              "(each stage on one torch thread under `nice`); raw numbers in `benchmarks/internals/preselect.json`, "
              "figure `preselect.png`"]
    pool = results.get("pool")
    if pool:
        lines.append(f"- pool: {pool['documents']} documents of at most {pool['max_chars']} characters (mean "
                     f"{pool['mean_chars']}) from rlvr's own data, each a prompt and a response ending in the answer: "
                     + _sources(pool["sources"]) + "; left out: "
                     + ", ".join(f"{v} {k}" for k, v in pool["dropped"].items())
                     + f". {pool['scoring']} scored under every model ({_sources(pool['scoring_sources'])}), "
                     f"{pool['selection']} left for selection")
    c = results.get("bpc_cost")
    if c:
        lines.append(f"- cost of BPC: {c['cpu_s_per_document']} CPU s per document and model ({c['documents']} documents of "
                     f"mean {c['mean_chars']} characters under `{c['model']}`, {c['threads']} thread)")
    ev = results.get("evidence")
    if ev:
        abilities = results.get("abilities", {})
        lines += ["", "![PreSelect evidence](preselect.png)", "", "### Models, abilities and losses", "",
                  "Abilities: the default recipe's held-out evaluation (64 single-digit sums, seed 10000, greedy, "
                  "64 tokens, the recipe's system prompt with its `\\boxed` example), one evaluation per model.", "",
                  "| model | held-out accuracy (ability) | format rate | mean BPC on the scoring pool |", "|---|---:|---:|---:|"]
        for m in ev["models"]:
            fmt = abilities.get(m["model"], {}).get("format_rate")
            lines.append(f"| `{m['model']}` | {m['ability']:.3f} | {'' if fmt is None else f'{fmt:.3f}'} | {m['mean_bpc']:.4f} |")
        s = ev["strength"]
        lines += ["", f"Spearman correlation of mean BPC with ability: {ev['bpc_correlation_with_ability']:+.2f}.", "",
                  f"S over the scoring pool: mean {s['mean']:.3f}, quantiles 10/25/50/75/90% "
                  + " / ".join(f"{q:.2f}" for q in s["quantiles"])
                  + f"; a random loss order would give mean {s['null_mean']:.3f}, quantiles "
                  + " / ".join(f"{q:.2f}" for q in s["null_quantiles"]) + ".", "",
                  "| source | scored docs | mean S | positives | negatives |", "|---|---:|---:|---:|---:|"]
        lab = ev["labels"]
        for src, v in sorted(ev["strength_by_source"].items(), key=lambda kv: -kv[1]["mean"]):
            lines.append(f"| {src} | {v['docs']} | {v['mean']:.3f} | {lab['positives_by_source'].get(src, 0)} | "
                         f"{lab['negatives_by_source'].get(src, 0)} |")
        lines += ["", f"Labels: top {lab['share']:.0%} by S = {lab['positives']} positives (S >= {lab['lowest_positive']:.3f}), "
                  f"bottom {lab['share']:.0%} = {lab['negatives']} negatives (S <= {lab['highest_negative']:.3f}).", "",
                  f"Classifier ({ev['classifier']['params']}) beside a baseline that reads only the document's source "
                  "(the majority label of its source in the training split):", "",
                  "| labelled set | split | held-out docs | fastText accuracy | source-majority accuracy |",
                  "|---|---|---:|---:|---:|"]
        for name, r in ev["classifier"].items():
            if name == "params":
                continue
            sp, cv = r["split"], r["cv"]
            lines.append(f"| {name} | one stratified {HOLDOUT:.0%} split ({sp['train_docs']} train) | {sp['heldout_docs']} | "
                         f"{sp['fasttext']:.3f} | {sp['source_majority']:.3f} |")
            lines.append(f"| {name} | {cv['folds']}-fold CV x {cv['seeds']} seeds | {cv['predictions']} predictions | "
                         f"{cv['fasttext']:.3f} | {cv['source_majority']:.3f} |")
        sel = ev["selection"]
        lines += ["", f"`select --keep 0.1` (classifier trained on all {lab['positives'] + lab['negatives']} labelled "
                  f"documents) on the {sel['pool']}-document selection pool kept {sel['kept']} (score >= "
                  f"{sel['threshold']:.3f}): {_sources(sel['kept_by_source'])}."]
    speeds = results.get("speed", {})
    if speeds:
        first = next(iter(speeds.values()))
        lines += ["", f"### Speed of `select` (generated pools of rlvr documents, mean {first['mean_chars']} characters, keep 0.2, "
                  f"a {first['classifier_mb']} MB fastText model)", "",
                  "Measured in the previous round of this benchmark (the classifier's size, not its labels, sets the speed). "
                  "The classifier timed is a stand-in with the benchmark's fastText settings (25 epochs, 200,000 buckets, "
                  "dim 100). Timed inside the benchmark process with `select_pool` (both passes):", "",
                  "| documents | pool | documents / CPU second | documents / wall second (busy machine) | CPU s | kept | "
                  "peak RSS MiB of the process (includes writing the pool) |",
                  "|---:|---|---:|---:|---:|---:|---:|"]
        for count, sp in sorted(speeds.items(), key=lambda kv: int(kv[0])):
            for name in ("jsonl", "parquet"):
                r = sp[name]
                lines.append(f"| {int(count):,} | {name} | {r['docs_per_cpu_s']:,} | {r['docs_per_wall_s']:,} | {r['cpu_s']} | "
                             f"{r['kept']:,} | {r['peak_rss_mib_so_far']} |")
    cli = results.get("select_cli")
    if cli:
        lines += ["", f"The whole command, `{cli['command']}` (process start, model load, both passes): "
                  + "; ".join(f"{int(n):,} JSONL documents: {r['cpu_s']} CPU s ({int(n) / r['cpu_s']:,.0f} documents / CPU second), "
                              f"peak RSS {r['max_rss_mib']} MiB" for n, r in cli.items() if n.isdigit())
                  + "; " + "; ".join(f"{int(n.split()[1]):,} parquet documents: {r['cpu_s']} CPU s, peak RSS {r['max_rss_mib']} MiB"
                                     for n, r in cli.items() if n.startswith("parquet"))
                  + "."]
    ft = results.get("sft")
    if ft and ft.get("arms"):
        base = results.get("abilities", {}).get("default")
        lines += ["", "### Does selected data train better than random? (one CPU run)", "",
                  f"The embedded model fine-tuned (TRL SFTTrainer, loss on the response only) on {ft['documents_per_arm']} "
                  f"chat-formatted documents per arm, {ft['epochs']} epochs, batch {ft['batch']}, lr {ft['learning_rate']} "
                  f"({ft['scheduler']}); held-out: {ft['heldout']}. Selected: the classifier's top documents of the selection "
                  "pool; random: a seeded draw from it.", "",
                  "| arm | steps | response tokens | held-out accuracy | format rate | accuracy among formatted | mean tokens | "
                  "train loss first -> last | documents by source |", "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        if base:
            lines.append(f"| base (no SFT) | 0 | 0 | {base['accuracy']:.3f} | {base['format_rate']:.3f} | "
                         f"{base.get('formatted_accuracy', float('nan')):.3f} | {base['mean_tokens']:.1f} | | |")
        for arm, r in ft["arms"].items():
            h = r["heldout"]
            lines.append(f"| {arm} | {r['steps']} | {r['response_tokens']} | {h['accuracy']:.3f} | {h['format_rate']:.3f} | "
                         f"{h.get('formatted_accuracy', float('nan')):.3f} | {h['mean_tokens']:.1f} | "
                         f"{r['first_loss']:.3f} -> {r['last_loss']:.3f} | {_sources(r['sources'])} |")
    reading = results.get("reading")
    if reading:
        lines += ["", "### Reading", "", reading]
    lines.append(END)
    section = "\n".join(lines) + "\n"
    put_section(RESULTS_MD, section, START, END, "Internals benchmark results")
    print(section)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("phase", choices=["pool", "ability", "cost", "bpc", "evidence", "speed", "sft", "figure", "write"])
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--model", default="default")
    parser.add_argument("--models", default="", help="evidence: spec=ability,... in any order")
    parser.add_argument("--scoring", type=int, default=480, help="pool: documents scored under every model")
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--classifier", type=Path, default=None, help="speed: classifier to time (default: evidence's)")
    parser.add_argument("--count", type=int, default=48, help="sft: documents per arm")
    parser.add_argument("--arm", choices=["selected", "random"], default="selected")
    parser.add_argument("--epochs", type=int, default=SFT["epochs"], help="sft: passes over the documents")
    args = parser.parse_args()
    if args.phase == "pool":
        build_pool(args.work, args.scoring)
    elif args.phase == "ability":
        ability(args.model, args.threads)
    elif args.phase == "cost":
        cost(args.work, args.model, args.threads)
    elif args.phase == "bpc":
        values = model_bpc(args.work, args.model, args.threads)
        print(f"{args.model}: mean BPC {sum(values) / len(values):.4f} over {len(values)} documents")
    elif args.phase == "evidence":
        models = [(item.rsplit("=", 1)[0], float(item.rsplit("=", 1)[1])) for item in args.models.split(",") if item]
        evidence(args.work, models, args.threads)
    elif args.phase == "speed":
        speed(args.work, args.docs, args.classifier)
    elif args.phase == "sft":
        sft(args.work, args.threads, args.count, args.arm, args.epochs)
    elif args.phase == "figure":
        figure()
    else:
        write_section()


if __name__ == "__main__":
    sys.exit(main())
