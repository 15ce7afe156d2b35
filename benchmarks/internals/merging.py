"""Merging the embedded model with an rlvr-trained one, and where the trained model's gain lives.

1. Held-out accuracy of the base (embedded SmolLM2-135M-Instruct), the trained model, and each
   merge method between them (`rlvr.merging.merge`, mergekit underneath).
2. `rlvr diff` of base -> trained: relative update and share of parameters changed per layer, and
   the layer-swap ablation (the base with each block of trained layers), as figures.

Held-out set: 64 arithmetic problems (difficulty 1, the default recipe's held-out seed), one greedy
sample each, at most 64 tokens, the model's own system prompt: the same for every model, so
differences come from the weights alone. Results accumulate in merging.json (a rerun skips what
is there; --fresh starts over) and the "Merging" section of RESULTS.md (between its markers).

    python benchmarks/internals/merging.py --trained runs/default     # a `rlvr train default` run
    python benchmarks/internals/merging.py --reuse                     # rewrite the section only

CPU note: a shared 2-core machine; merge times are CPU seconds of this process.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS_MD = HERE / "RESULTS.md"
RESULTS_JSON = HERE / "merging.json"
FIGURES = HERE / "merging"
START = "<!-- merging:start (written by benchmarks/internals/merging.py) -->"
END = "<!-- merging:end -->"

# name -> (method, keyword arguments of MergeSpec besides models/base); every merge is base + trained.
MERGES: dict[str, tuple[str, dict[str, Any]]] = {
    "linear 0.5/0.5": ("linear", {"weights": [0.5, 0.5]}),
    "task_arithmetic lambda=0.5": ("task_arithmetic", {"lam": 0.5}),
    "task_arithmetic lambda=2 (extrapolate)": ("task_arithmetic", {"lam": 2.0}),
    "ties density=0.2": ("ties", {"density": 0.2}),
    "dare_linear density=0.2": ("dare_linear", {"density": 0.2, "seed": 0}),
    "dare_ties density=0.2": ("dare_ties", {"density": 0.2, "seed": 0}),
    "slerp t=0.5": ("slerp", {"t": 0.5}),
}


def _score(folder: Path, heldout: Any) -> float:
    from rlvr.models import load

    loaded = load(str(folder), device="cpu")
    return heldout.scorer(loaded.tokenizer)(loaded.model)


def run_merges(trained: Path, heldout: Any, data: dict[str, Any], work: Path) -> None:
    from rlvr.merging import MergeSpec, merge
    from rlvr.models import resolve

    base = resolve("default")
    rows = data.setdefault("merges", {})
    for name, (method, extra) in MERGES.items():
        if name in rows:
            continue
        if method == "linear":
            spec = MergeSpec(method, models=[str(base), str(trained)], **extra)
        else:
            spec = MergeSpec(method, models=[str(trained)], base=str(base), **extra)
        cpu = time.process_time()
        folder = merge(spec, work / f"merge{len(rows)}")
        merge_cpu = time.process_time() - cpu
        accuracy = _score(folder, heldout)
        rows[name] = {"method": method, "params": extra, "accuracy": accuracy, "merge_cpu_s": round(merge_cpu, 1)}
        print(f"{name}: accuracy {accuracy:.3f} (merge {merge_cpu:.0f} CPU s)", flush=True)
        RESULTS_JSON.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)


def run_diff(trained: Path, heldout: Any, data: dict[str, Any], work: Path, block_size: int) -> None:
    from rlvr.merging.run import FIGURES as NAMES
    from rlvr.merging.run import diff_checkpoints

    if "diff" in data:
        return
    out = work / "diff"
    record = diff_checkpoints("default", str(trained), out, block_size=block_size, heldout=heldout, device="cpu")
    FIGURES.mkdir(exist_ok=True)
    for name in NAMES.values():
        shutil.copy(out / name, FIGURES / name)
    data["diff"] = record
    RESULTS_JSON.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def section(data: dict[str, Any]) -> str:
    diff = data.get("diff", {})
    accuracy = diff.get("accuracy", {})
    lines = [START, "## Merging: base, trained and the merges between them (`rlvr merge`, `rlvr diff`)", "",
             f"Trained model: {data.get('trained_note', data.get('trained', '?'))}. Base: the embedded "
             "SmolLM2-135M-Instruct. Held-out: " + _heldout_text(data) + ". Machine: " + data.get("machine", "?") + ".",
             "", "| model | held-out accuracy |", "|---|---|"]
    if accuracy:
        lines.append(f"| base | {accuracy['base']:.3f} |")
        lines.append(f"| trained | {accuracy['trained']:.3f} |")
    for name, row in data.get("merges", {}).items():
        lines.append(f"| merge: {name} | {row['accuracy']:.3f} |")
    if diff:
        lines += ["", "Layer-swap ablation (the base with one block of trained layers, same held-out set):", "",
                  "| layers from the trained model | held-out accuracy |", "|---|---|"]
        for row in diff.get("layer_swap", []):
            lines.append(f"| {row['first']}-{row['last']} | {row['accuracy']:.3f} |")
        layer_rows = [r for r in diff["updates"] if isinstance(r["layer"], int)]
        outside = [r for r in diff["updates"] if not isinstance(r["layer"], int)]
        changed = sum(r["changed_share"] * r["parameters"] for r in diff["updates"]) / sum(r["parameters"] for r in diff["updates"])
        changed_tol = sum(r["changed_share_tol"] * r["parameters"] for r in diff["updates"]) / sum(r["parameters"] for r in diff["updates"])
        sizes = [r["relative_update"] for r in layer_rows]
        lines += ["", f"Update: {100 * changed:.1f}% of all parameters changed at all, {100 * changed_tol:.1f}% by more "
                  f"than {diff['tolerance']:g}; relative update per layer {min(sizes):.2e} to {max(sizes):.2e} "
                  f"(largest at layer {layer_rows[sizes.index(max(sizes))]['layer']})"
                  + (f", outside the layers {outside[0]['relative_update']:.2e}" if outside else "") + ".", "",
                  "![relative update per layer](merging/update_size.png)",
                  "![share of parameters changed per layer](merging/update_sparsity.png)",
                  "![layer-swap ablation](merging/layer_swap.png)"]
    if data.get("reading"):
        lines += ["", data["reading"]]
    lines += ["", "Reproduce: `python benchmarks/internals/merging.py --trained RUN_FOLDER`.", END]
    return "\n".join(lines)


def _heldout_text(data: dict[str, Any]) -> str:
    h = data.get("heldout", {})
    return (f"{h.get('problems', '?')} {'/'.join(h.get('tasks', []))} problems (difficulty {h.get('difficulty', '?')}, "
            f"seed {h.get('seed', '?')}), greedy, at most {h.get('max_tokens', '?')} tokens")


def write_section(text: str) -> None:
    page = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else "# Inside the model\n"
    if START in page and END in page:
        head, rest = page.split(START, 1)
        page = head + text + rest.split(END, 1)[1]
    else:
        page = page.rstrip() + "\n\n" + text + "\n"
    RESULTS_MD.write_text(page, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trained", type=Path, help="the trained model: an rlvr training run or a model folder")
    parser.add_argument("--trained-note", default=None, help="how the trained model was made, for the page")
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--block-size", type=int, default=5)
    parser.add_argument("--only", choices=("merges", "diff"), action="append")
    parser.add_argument("--fresh", action="store_true", help="discard merging.json first")
    parser.add_argument("--reuse", action="store_true", help="only rewrite the section from merging.json")
    args = parser.parse_args()
    data: dict[str, Any] = {} if args.fresh or not RESULTS_JSON.exists() else json.loads(RESULTS_JSON.read_text())
    if not args.reuse:
        import torch

        from rlvr.merging.heldout import HeldoutSet
        from rlvr.models import resolve

        if args.trained is None:
            sys.exit("--trained is required unless --reuse")
        torch.set_num_threads(2)
        trained = resolve(args.trained)
        heldout = HeldoutSet(n=args.n, max_tokens=args.max_tokens)
        data.update(trained=str(trained), heldout=heldout.describe(),
                    machine=f"{platform.machine()} CPU (2 cores shared with other jobs), torch threads 2")
        if args.trained_note:
            data["trained_note"] = args.trained_note
        with tempfile.TemporaryDirectory(prefix="rlvr-merging-") as tmp:
            if not args.only or "diff" in args.only:
                run_diff(trained, heldout, data, Path(tmp), args.block_size)
            if not args.only or "merges" in args.only:
                run_merges(trained, heldout, data, Path(tmp))
    write_section(section(data))
    print(f"wrote {RESULTS_MD}")


if __name__ == "__main__":
    main()
