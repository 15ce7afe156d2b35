"""PreSelect on rlvr's own data: predictive strength, the fastText scorer, selection speed, and SFT on
selected vs random documents.

    python benchmarks/internals/preselect.py pool                      # the document pools (rlvr data)
    python benchmarks/internals/preselect.py bpc --model default       # BPC of the scoring pool (cached per model)
    python benchmarks/internals/preselect.py evidence --models default=0.42,CKPT=0.45,RUN=0.5
    python benchmarks/internals/preselect.py speed --docs 1000000      # docs/s of `select` on a generated pool
    python benchmarks/internals/preselect.py sft                       # selected vs random, held-out accuracy
    python benchmarks/internals/preselect.py write                     # this area's PreSelect section of RESULTS.md

Pools: GSM8K and MATH-500 questions with their worked solutions (shipped in rlvr.tasks.data) and
task prompts with their solutions from 12 rlvr task families (seed 1, difficulties 1-3; the held-out
evaluation uses seed 10000). A seeded shuffle splits them into a scoring pool (BPC under every model,
labels for the classifier) and a selection pool (scored only by the classifier; SFT draws from it).
Work files go to --work (default /tmp/rlvr-preselect-bench); results to preselect.json beside this file.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import time
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
SCORING_DOCS = 150  # BPC under every model costs ~0.27 GFLOP per token each: sized for a shared, busy 2-core CPU
MAX_CHARS = 300
START, END = "<!-- preselect:start -->", "<!-- preselect:end -->"


def _load_results() -> dict:
    return json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}


def _save_results(update: dict) -> None:
    results = _load_results()
    results.update(update)
    RESULTS_JSON.write_text(json.dumps(results, indent=2) + "\n")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------- pools
def build_pool(work: Path) -> dict:
    """Write scoring.jsonl and selection.jsonl from rlvr's shipped data."""
    from rlvr.tasks import get
    from rlvr.tasks.math_data import read_jsonl

    docs = []
    for row in read_jsonl("gsm8k-test.jsonl"):
        docs.append({"id": f"gsm8k-{row['idx']}", "source": "gsm8k", "text": f"Question: {row['question']}\nSolution: {row['answer']}"})
    for k, row in enumerate(read_jsonl("math500-test.jsonl")):
        docs.append({"id": f"math500-{k}", "source": "math500", "text": f"Problem: {row['problem']}\nSolution: {row['solution']}"})
    for name in FAMILIES:
        task = get(name)
        for k in range(PER_FAMILY):
            problem = task.problem(k, seed=1, difficulty=1 + k % 3)
            docs.append({"id": f"{name}-{k}", "source": name, "text": f"{problem.prompt}\nAnswer: {problem.answer}"})
    random.Random(0).shuffle(docs)
    work.mkdir(parents=True, exist_ok=True)
    for name, part in (("scoring", docs[:SCORING_DOCS]), ("selection", docs[SCORING_DOCS:])):
        (work / f"{name}.jsonl").write_text("".join(json.dumps(d) + "\n" for d in part), encoding="utf-8")
    sources: dict[str, int] = {}
    for d in docs:
        sources[d["source"]] = sources.get(d["source"], 0) + 1
    info = {"documents": len(docs), "scoring": SCORING_DOCS, "selection": len(docs) - SCORING_DOCS, "sources": sources,
            "mean_chars": round(sum(len(d["text"]) for d in docs) / len(docs))}
    _save_results({"pool": info})
    print(json.dumps(info))
    return info


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _slug(spec: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", spec).strip("_")


# ---------------------------------------------------------------- BPC per model (cached)
def model_bpc(work: Path, spec: str, threads: int) -> list[float]:
    """BPC of every scoring document under `spec`, cached in work/bpc/<slug>.json."""
    cache = work / "bpc" / f"{_slug(spec)}.json"
    if cache.exists():
        return json.loads(cache.read_text())["bpc"]
    import torch

    from rlvr.cli_support import progress
    from rlvr.models import load
    from rlvr.preselect.losses import document_bpc

    torch.set_num_threads(threads)
    texts = [d["text"] for d in _read(work / "scoring.jsonl")]
    loaded = load(spec, device="cpu", dtype="float32")
    cpu, wall = _cpu(), time.time()
    with progress(f"BPC under {spec}", len(texts)) as advance:
        values = document_bpc(loaded.model, loaded.tokenizer, texts, max_chars=MAX_CHARS, batch_size=8, advance=advance)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"model": spec, "bpc": values, "cpu_s": _cpu() - cpu, "wall_s": time.time() - wall}))
    return values


# ---------------------------------------------------------------- ability of a model (the recipe's held-out set)
def ability(spec: str, threads: int, system_prompt: str | None) -> dict:
    """Held-out accuracy of `spec` on the default recipe's held-out set, under `system_prompt`."""
    import torch

    from rlvr.models import load
    from rlvr.train.config import load_config
    from rlvr.train.heldout import Heldout

    torch.set_num_threads(threads)
    overrides = [] if system_prompt is None else [f"system_prompt={json.dumps(system_prompt)}"]
    config = load_config("default", overrides)
    loaded = load(spec, device="cpu", dtype="float32")
    metrics = Heldout(config, loaded.tokenizer).metrics(loaded.model)
    key = f"{spec} | system prompt {'default' if system_prompt is None else 'boxed'}"
    _save_results({"abilities": {**_load_results().get("abilities", {}), key: metrics}})
    print(key, json.dumps(metrics))
    return metrics


# ---------------------------------------------------------------- strength, classifier, selection
def evidence(work: Path, models: list[tuple[str, float]], threads: int) -> dict:
    import numpy as np

    from rlvr.preselect import FastTextParams, label_by_strength, predictive_strength, select_pool, train_classifier

    rows = _read(work / "scoring.jsonl")
    table = np.array([model_bpc(work, spec, threads) for spec, _ in models]).T
    abilities = [a for _, a in models]
    strength = predictive_strength(table, abilities)
    scored = [{"id": r["id"], "source": r["source"], "text": r["text"], "strength": float(s)} for r, s in zip(rows, strength)]
    (work / "scores.jsonl").write_text("".join(json.dumps(r) + "\n" for r in scored), encoding="utf-8")
    values, counts = np.unique(strength.round(3), return_counts=True)
    by_source: dict[str, list[float]] = {}
    for r in scored:
        by_source.setdefault(r["source"], []).append(r["strength"])
    runs = {}
    labels = label_by_strength(scored, 0.2, 0.2, seed=0)
    for name, params in (("authors' defaults (3 epochs, lr 0.1)", FastTextParams()),
                         ("25 epochs, lr 0.5", FastTextParams(epoch=25, lr=0.5))):
        out = work / ("clf_default.bin" if params.epoch == 3 else "clf.bin")
        result = train_classifier(labels.positives, labels.negatives, out, holdout=0.2, seed=0, params=params)
        runs[name] = {"heldout_accuracy": result.heldout_accuracy, "heldout_docs": result.heldout_docs,
                      "train_docs": result.train_docs}
    runs["5-fold cross-validation x 5 seeds, 25 epochs, lr 0.5"] = _cross_validated(labels.positives, labels.negatives, work)
    positives_by_source: dict[str, int] = {}
    text_to_source = {r["text"]: r["source"] for r in scored}
    for t in labels.positives:
        positives_by_source[text_to_source[t]] = positives_by_source.get(text_to_source[t], 0) + 1
    selected = select_pool(work / "clf.bin", work / "selection.jsonl", 0.1, work / "selected.jsonl")
    chosen = _read(work / "selected.jsonl")
    chosen_sources: dict[str, int] = {}
    for d in chosen:
        chosen_sources[d["source"]] = chosen_sources.get(d["source"], 0) + 1
    info = {
        "models": [{"model": spec, "ability": a, "mean_bpc": float(table[:, k].mean())} for k, (spec, a) in enumerate(models)],
        "strength_counts": {f"{v:.3f}": int(c) for v, c in zip(values, counts)},
        "strength_by_source": {s: round(float(np.mean(v)), 3) for s, v in sorted(by_source.items())},
        "labels": {"positives": len(labels.positives), "negatives": len(labels.negatives),
                   "lowest_positive": labels.lowest_positive, "highest_negative": labels.highest_negative,
                   "positives_by_source": dict(sorted(positives_by_source.items()))},
        "classifier": runs,
        "selection": {"pool": selected.documents, "kept": selected.kept, "threshold": selected.threshold,
                      "kept_by_source": dict(sorted(chosen_sources.items()))},
    }
    _save_results({"evidence": info})
    _figure(table, abilities, [spec for spec, _ in models], strength)
    print(json.dumps(info, indent=1))
    return info


def _cross_validated(positives: list[str], negatives: list[str], work: Path, folds: int = 5, seeds: int = 5) -> dict:
    """Accuracy over every labelled document, each predicted by a classifier that did not see it (k-fold, repeated)."""
    from rlvr.preselect import FastTextParams, load_classifier, train_classifier
    from rlvr.preselect.classifier import predict_labels

    examples = [(t, "__label__1") for t in positives] + [(t, "__label__0") for t in negatives]
    right = total = 0
    for seed in range(seeds):
        order = list(range(len(examples)))
        random.Random(seed).shuffle(order)
        for fold in range(folds):
            held = [examples[k] for k in order[fold::folds]]
            kept = [examples[k] for j, k in enumerate(order) if j % folds != fold]
            path = work / "cv.bin"
            train_classifier([t for t, y in kept if y == "__label__1"], [t for t, y in kept if y == "__label__0"], path,
                             holdout=0.0, seed=seed, params=FastTextParams(epoch=25, lr=0.5))
            predicted = predict_labels(load_classifier(path), [t for t, _ in held])
            right += sum(p == y for p, (_, y) in zip(predicted, held))
            total += len(held)
    return {"heldout_accuracy": right / total, "heldout_docs": total, "train_docs": len(examples) * (folds - 1) // folds}


def _figure(table, abilities, names, strength) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    means = table.mean(axis=0)
    left.plot(abilities, means, "o-")
    for a, m, n in zip(abilities, means, names):
        left.annotate(Path(n).name or n, (a, m), fontsize=7)
    left.set_xlabel("held-out accuracy (ability)")
    left.set_ylabel("mean BPC on the scoring pool")
    left.set_title("compression vs ability")
    values, counts = np.unique(strength.round(3), return_counts=True)
    right.bar([f"{v:.2f}" for v in values], counts)
    right.set_xlabel("predictive strength S")
    right.set_ylabel("documents")
    right.set_title(f"S over {len(strength)} scoring documents")
    fig.tight_layout()
    fig.savefig(FIGURE, dpi=110)


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
def sft(work: Path, threads: int, system_prompt: str | None, count: int, arm: str, seed: int = 0) -> dict:
    """Continued training of the embedded model on `count` documents of the selection pool, then held-out accuracy.

    arm 'selected': the `count` documents the classifier scores highest; arm 'random': `count` drawn at random.
    """
    import torch

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
    config = load_config("default", [] if system_prompt is None else [f"system_prompt={json.dumps(system_prompt)}"])
    loaded = load("default", device="cpu", dtype="float32")
    model, tokenizer = loaded.model, loaded.tokenizer
    cpu = _cpu()
    losses = _train(model, tokenizer, [d["text"] for d in docs], seed=seed)
    model.eval()
    metrics = Heldout(config, tokenizer).metrics(model)
    sources: dict[str, int] = {}
    for d in docs:
        sources[d["source"]] = sources.get(d["source"], 0) + 1
    result = {"heldout": metrics, "first_loss": losses[0], "last_loss": losses[-1], "cpu_s": round(_cpu() - cpu),
              "sources": dict(sorted(sources.items()))}
    info = _load_results().get("sft", {"arms": {}})
    info.update({"documents_per_arm": count, "epochs": 1, "learning_rate": 1e-5, "batch": 4, "max_tokens": 128,
                 "system_prompt": "default" if system_prompt is None else "boxed",
                 "heldout": f"{config.eval.problems} problems of {', '.join(config.task_names)} at difficulty "
                            f"{config.eval_difficulty}, seed {config.eval.seed}, greedy"})
    info["arms"][arm] = result
    _save_results({"sft": info})
    print(arm, json.dumps(result))
    return info


def _train(model, tokenizer, texts: list[str], seed: int, batch: int = 4, lr: float = 1e-5) -> list[float]:
    import torch

    order = list(range(len(texts)))
    random.Random(seed).shuffle(order)
    torch.manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    model.train()
    losses = []
    tokenizer.padding_side = "right"
    for first in range(0, len(order), batch):
        chunk = [texts[k] for k in order[first:first + batch]]
        enc = tokenizer(chunk, return_tensors="pt", padding=True, truncation=True, max_length=128)
        labels = enc.input_ids.masked_fill(enc.attention_mask == 0, -100)
        loss = model(input_ids=enc.input_ids, attention_mask=enc.attention_mask, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(round(loss.item(), 4))
    tokenizer.padding_side = "left"
    return losses


# ---------------------------------------------------------------- RESULTS.md section
def write_section() -> None:
    results = _load_results()
    lines = [START, "## PreSelect: data selection by predictive strength (`rlvr preselect`)", ""]
    lines += ["- command: `python benchmarks/internals/preselect.py pool|bpc|evidence|speed|sft|write`; raw numbers in "
              "`benchmarks/internals/preselect.json`, figure `preselect.png`"]
    pool = results.get("pool")
    if pool:
        lines.append(f"- pool: {pool['documents']} documents from rlvr's own data (mean {pool['mean_chars']} characters): "
                     + ", ".join(f"{k} {v}" for k, v in sorted(pool["sources"].items()))
                     + f"; {pool['scoring']} scored under every model, {pool['selection']} left for selection")
    ev = results.get("evidence")
    if ev:
        lines += ["", "### Models, losses and predictive strength", "", "| model | held-out accuracy (ability) | mean BPC |",
                  "|---|---:|---:|"]
        lines += [f"| `{m['model']}` | {m['ability']:.3f} | {m['mean_bpc']:.4f} |" for m in ev["models"]]
        lines += ["", "S over the scoring pool: " + ", ".join(f"S={k}: {v}" for k, v in ev["strength_counts"].items()),
                  "", "mean S by source: " + ", ".join(f"{k} {v}" for k, v in ev["strength_by_source"].items()), "",
                  f"Labels: top 20% by S = {ev['labels']['positives']} positives (S >= {ev['labels']['lowest_positive']:.3f}), "
                  f"bottom 20% = {ev['labels']['negatives']} negatives (S <= {ev['labels']['highest_negative']:.3f}); "
                  "positives by source: " + ", ".join(f"{k} {v}" for k, v in ev["labels"]["positives_by_source"].items()),
                  "", "| fastText classifier | held-out accuracy | held-out docs | train docs |", "|---|---:|---:|---:|"]
        lines += [f"| {name} | {r['heldout_accuracy']:.3f} | {r['heldout_docs']} | {r['train_docs']} |" for name, r in ev["classifier"].items()]
        s = ev["selection"]
        lines += ["", f"`select --keep 0.1` on the {s['pool']}-document selection pool kept {s['kept']} (score >= {s['threshold']:.3f}): "
                  + ", ".join(f"{k} {v}" for k, v in s["kept_by_source"].items())]
    speeds = results.get("speed", {})
    if speeds:
        first = next(iter(speeds.values()))
        lines += ["", f"### Speed of `select` (generated pools of rlvr documents, mean {first['mean_chars']} characters, keep 0.2, "
                  f"a {first['classifier_mb']} MB fastText model)", "",
                  "The classifier timed is a stand-in with the benchmark's fastText settings (25 epochs, 200,000 buckets, "
                  "dim 100), trained to tell math solutions from task prompts: speed depends on the model's size and the "
                  "documents, not on its labels. Timed inside the benchmark process with `select_pool` (both passes):", "",
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
    if ft:
        lines += ["", "### Does selected data train better than random? (one CPU run)", "",
                  f"System prompt: {ft['system_prompt']} (the one the abilities were measured under).",
                  f"Continued training of the embedded model, {ft['documents_per_arm']} documents per arm, {ft['epochs']} epoch, "
                  f"AdamW lr {ft['learning_rate']}, batch {ft['batch']}, {ft['max_tokens']} tokens max; held-out: {ft['heldout']}.", "",
                  "| arm | held-out accuracy | format rate | accuracy among formatted | train loss first -> last |", "|---|---:|---:|---:|---:|"]
        for arm, r in ft["arms"].items():
            h = r["heldout"]
            lines.append(f"| {arm} | {h['accuracy']:.3f} | {h['format_rate']:.3f} | {h.get('formatted_accuracy', float('nan')):.3f} | "
                         f"{r['first_loss']:.3f} -> {r['last_loss']:.3f} |")
    reading = results.get("reading")
    if reading:
        lines += ["", "### Reading", "", reading]
    lines.append(END)
    section = "\n".join(lines) + "\n"
    put_section(RESULTS_MD, section, START, END, "Internals benchmark results")
    print(section)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("phase", choices=["pool", "bpc", "ability", "evidence", "speed", "sft", "write"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/rlvr-preselect-bench"))
    parser.add_argument("--model", default="default")
    parser.add_argument("--models", default="", help="spec=ability,... in any order")
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--classifier", type=Path, default=None, help="speed: classifier to time (default: evidence's)")
    parser.add_argument("--count", type=int, default=48, help="sft: documents per arm")
    parser.add_argument("--arm", choices=["selected", "random"], default="selected")
    parser.add_argument("--system-prompt", default="You are a helpful AI assistant named SmolLM, trained by Hugging Face. "
                        "Give the final answer in \\boxed{}, for example: 12 + 30 = 42, so the answer is \\boxed{42}.")
    args = parser.parse_args()
    if args.phase == "pool":
        build_pool(args.work)
    elif args.phase == "bpc":
        values = model_bpc(args.work, args.model, args.threads)
        print(f"{args.model}: mean BPC {sum(values) / len(values):.4f} over {len(values)} documents")
    elif args.phase == "ability":
        ability(args.model, args.threads, args.system_prompt or None)
    elif args.phase == "evidence":
        models = [(item.rsplit("=", 1)[0], float(item.rsplit("=", 1)[1])) for item in args.models.split(",") if item]
        evidence(args.work, models, args.threads)
    elif args.phase == "speed":
        speed(args.work, args.docs, args.classifier)
    elif args.phase == "sft":
        sft(args.work, args.threads, args.system_prompt or None, args.count, args.arm)
    else:
        write_section()


if __name__ == "__main__":
    sys.exit(main())
