"""Merging the embedded model with an rlvr-trained one, and where the trained model's gain lives.

1. Held-out accuracy of the base (embedded SmolLM2-135M-Instruct), the trained model, and each
   merge method between them (`rlvr.merging.merge`, mergekit underneath).
2. `rlvr diff` of base -> trained: relative update and share of parameters changed per layer, and
   the layer-swap ablation (the base with each block of trained layers), as figures.

Held-out set: 64 arithmetic problems (difficulty 1, the default recipe's held-out seed), one greedy
sample each, at most 64 tokens, one system prompt (--system-prompt; the model's own by default,
but pass the one the trained model was trained with): the same for every model, so
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/, for results_page
from results_page import put_section  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS_MD = HERE / "RESULTS.md"
RESULTS_JSON = HERE / "merging.json"  # --json may point elsewhere (two parts run side by side)
FIGURES = HERE / "merging"
START = "<!-- merging:start (written by benchmarks/internals/merging.py) -->"
END = "<!-- merging:end -->"

# name -> (method, keyword arguments of MergeSpec besides models/base); every merge is base + trained.
MERGES: dict[str, tuple[str, dict[str, Any]]] = {
    "linear 0.5/0.5": ("linear", {"weights": [0.5, 0.5]}),
    "ties density=0.2": ("ties", {"density": 0.2}),
    "dare_ties density=0.2": ("dare_ties", {"density": 0.2, "seed": 0}),
    "slerp t=0.5": ("slerp", {"t": 0.5}),
    "task_arithmetic lambda=2 (extrapolate)": ("task_arithmetic", {"lam": 2.0}),
    "dare_linear density=0.2": ("dare_linear", {"density": 0.2, "seed": 0}),
    "task_arithmetic lambda=0.5": ("task_arithmetic", {"lam": 0.5}),
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
        _save(data)
        shutil.rmtree(folder, ignore_errors=True)


def run_updates(trained: Path, data: dict[str, Any], work: Path, diff_from: Path | None) -> None:
    """The update-size and update-sparsity figures: `rlvr diff --no-swap` here, or an earlier one's folder."""
    from rlvr.merging.run import FIGURES as NAMES
    from rlvr.merging.run import diff_checkpoints

    if "diff" in data and diff_from is None:
        return
    FIGURES.mkdir(exist_ok=True)
    out = diff_from or work / "diff"
    if diff_from is None:
        diff_checkpoints("default", str(trained), out, heldout=None, device="cpu")
    data["diff"] = json.loads((out / "diff.json").read_text(encoding="utf-8"))
    for key in ("size", "sparsity"):
        shutil.copy(out / NAMES[key], FIGURES / NAMES[key])
    _save(data)


def run_swaps(trained: Path, heldout: Any, data: dict[str, Any], block_size: int) -> None:
    """Base and trained accuracy, then the base with each block of trained layers; every score saved at once."""
    from rlvr.merging.checkpoints import open_checkpoint
    from rlvr.merging.diff import blocks, swap_ablation
    from rlvr.models import load

    FIGURES.mkdir(exist_ok=True)
    swap = data.setdefault("swap", {"block_size": block_size, "accuracy": {}, "layer_swap": []})
    scores = swap["accuracy"]
    done = {(row["first"], row["last"]) for row in swap["layer_swap"]}
    ranges = [r for r in blocks(open_checkpoint("default").num_layers, block_size) if r not in done]
    if "base" in scores and "trained" in scores and not ranges:
        return
    base, other = load("default", device="cpu"), load(str(trained), device="cpu")
    score = heldout.scorer(base.tokenizer)
    for name, loaded in (("base", base), ("trained", other)):
        if name not in scores:
            scores[name] = score(loaded.model)
            print(f"{name}: accuracy {scores[name]:.3f}", flush=True)
            _save(data)
    base_state = {k: v.detach().clone() for k, v in base.model.state_dict().items()}
    trained_state = {k: v.detach() for k, v in other.model.state_dict().items()}

    def keep(result: Any) -> None:
        swap["layer_swap"].append({"first": result.first, "last": result.last, "accuracy": result.accuracy})
        swap["layer_swap"].sort(key=lambda row: row["first"])
        print(f"layers {result.first}-{result.last}: accuracy {result.accuracy:.3f}", flush=True)
        _save(data)
        _swap_figure(swap, len(heldout.problems))

    swap_ablation(base.model, base_state, trained_state, ranges, score, on_done=keep)


def _swap_figure(swap: dict[str, Any], problems: int) -> None:
    from rlvr.merging.diff import SwapScore
    from rlvr.merging.plots import plot_layer_swap

    rows = [SwapScore(**row) for row in swap["layer_swap"]]
    plot_layer_swap(rows, swap["accuracy"]["base"], swap["accuracy"]["trained"], FIGURES / "layer_swap.png",
                    f"base with a block of trained layers: held-out accuracy ({problems} problems)")


def _save(data: dict[str, Any]) -> None:
    RESULTS_JSON.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def section(data: dict[str, Any]) -> str:
    diff = data.get("diff", {})
    swap = data.get("swap", {})
    accuracy = swap.get("accuracy", {})
    lines = [START, "## Merging: base, trained and the merges between them (`rlvr merge`, `rlvr diff`)", "",
             f"Trained model: {data.get('trained_note', data.get('trained', '?'))}. Base: the embedded "
             "SmolLM2-135M-Instruct. Held-out: " + _heldout_text(data) + ". Machine: " + data.get("machine", "?") + ".",
             ""]
    table = [f"| {name} | {accuracy[name]:.3f} |" for name in ("base", "trained") if name in accuracy]
    table += [f"| merge: {name} | {row['accuracy']:.3f} |" for name, row in data.get("merges", {}).items()]
    if table:
        lines += ["| model | held-out accuracy |", "|---|---|", *table]
    if swap.get("layer_swap"):
        lines += ["", "Layer-swap ablation (the base with one block of trained layers, same held-out set):", "",
                  "| layers from the trained model | held-out accuracy |", "|---|---|"]
        for row in swap["layer_swap"]:
            lines.append(f"| {row['first']}-{row['last']} | {row['accuracy']:.3f} |")
    if diff:
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
                  "![share of parameters changed per layer](merging/update_sparsity.png)"]
    if swap.get("layer_swap"):
        lines.append("![layer-swap ablation](merging/layer_swap.png)")
    if data.get("reading"):
        lines += ["", data["reading"]]
    lines += ["", "Reproduce: `python benchmarks/internals/merging.py --trained RUN_FOLDER`.", END]
    return "\n".join(lines)


def _heldout_text(data: dict[str, Any]) -> str:
    h = data.get("heldout", {})
    return (f"{h.get('problems', '?')} {'/'.join(h.get('tasks', []))} problems (difficulty {h.get('difficulty', '?')}, "
            f"seed {h.get('seed', '?')}), greedy, at most {h.get('max_tokens', '?')} tokens, "
            + (f"system prompt `{h['system_prompt']}`" if h.get("system_prompt") else "the model's own system prompt"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trained", type=Path, help="the trained model: an rlvr training run or a model folder")
    parser.add_argument("--trained-note", default=None, help="how the trained model was made, for the page")
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--system-prompt", default=None,
                        help="system message for every evaluation (default: the model's own); use the one the trained "
                             "model was trained with")
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--block-size", type=int, default=5)
    parser.add_argument("--only", choices=("merges", "swaps", "updates"), action="append")
    parser.add_argument("--fresh", action="store_true", help="discard merging.json first")
    parser.add_argument("--reuse", action="store_true", help="only rewrite the section from merging.json")
    parser.add_argument("--diff-from", type=Path, default=None,
                        help="take the update figures from an earlier `rlvr diff default TRAINED --no-swap -o DIR`")
    parser.add_argument("--json", type=Path, default=None, help="results file instead of merging.json")
    args = parser.parse_args()
    if args.json is not None:
        global RESULTS_JSON
        RESULTS_JSON = args.json
    data: dict[str, Any] = {} if args.fresh or not RESULTS_JSON.exists() else json.loads(RESULTS_JSON.read_text())
    if not args.reuse:
        import torch

        from rlvr.merging.heldout import HeldoutSet
        from rlvr.models import resolve

        if args.trained is None:
            sys.exit("--trained is required unless --reuse")
        torch.set_num_threads(2)
        trained = resolve(args.trained)
        heldout = HeldoutSet(n=args.n, max_tokens=args.max_tokens, system_prompt=args.system_prompt)
        data.update(trained=str(trained), heldout=heldout.describe(),
                    machine=f"{platform.machine()} CPU (2 cores shared with other jobs), torch threads 2")
        if args.trained_note:
            data["trained_note"] = args.trained_note
        with tempfile.TemporaryDirectory(prefix="rlvr-merging-") as tmp:
            steps = args.only or ["swaps", "merges", "updates"]
            if "swaps" in steps:
                run_swaps(trained, heldout, data, args.block_size)
            if "merges" in steps:
                run_merges(trained, heldout, data, Path(tmp))
            if "updates" in steps:
                run_updates(trained, data, Path(tmp), args.diff_from)
    elif args.diff_from is not None:
        run_updates(Path(data["trained"]), data, Path(tempfile.gettempdir()), args.diff_from)
    put_section(RESULTS_MD, section(data), START, END, "Internals benchmark results")
    print(f"wrote {RESULTS_MD}")


if __name__ == "__main__":
    main()
