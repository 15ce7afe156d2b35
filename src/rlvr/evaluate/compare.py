"""Compare evaluated models side by side: the LASER figure (accuracy against mean response tokens,
with the Pareto front) and the behaviour rates of each input's responses.

An input is an `rlvr eval --json` file (it must hold the responses, `records`), or a folder:
a training run evaluated with `rlvr eval RUN --checkpoints` (its last point, from
`RUN/eval/checkpoints.json`), the `--out` folder of such an evaluation, or a run folder with an
`eval.json` in it. Every input must have been evaluated on the same problems (same problem
ids); otherwise the comparison is refused, or, with `allow_different`, made with a warning.

Pareto front (LASER, Liu et al. 2025, "Learn to Reason Efficiently with Adaptive Length-based
Reward Shaping", Figure 1): an input is on the front when no other input has accuracy at
least as high with no more mean tokens, and is strictly better in one of the two.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rlvr.evaluate.behaviour import RATES, behaviour_rates
from rlvr.evaluate.checkpoints import CURVES_JSON

RUN_EVAL_FOLDER = "eval"
RUN_EVAL_FILE = "eval.json"


class CompareError(ValueError):
    """An input that cannot be compared: missing, without responses, or on other problems."""


@dataclass
class Entry:
    """One compared input: where it came from and its numbers."""

    label: str
    source: Path
    accuracy: float
    mean_tokens: float
    format_rate: float
    samples: int
    params: dict[str, Any]
    template: str
    problem_ids: frozenset[str]
    rates: dict[str, float] = field(default_factory=dict)
    on_front: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "source": str(self.source), "accuracy": self.accuracy,
                "mean_tokens": self.mean_tokens, "format_rate": self.format_rate, "samples": self.samples,
                "params": self.params, "template": self.template, "problems": len(self.problem_ids),
                "on_pareto_front": self.on_front, **self.rates}


def eval_file(path: Path) -> Path:
    """The `rlvr eval --json` file an input names (itself, or the one a folder points to)."""
    if not path.exists():
        raise CompareError(f"{path} does not exist")
    if path.is_file():
        return path
    for folder in (path, path / RUN_EVAL_FOLDER):
        curves = folder / CURVES_JSON
        if curves.is_file():
            try:
                last = json.loads(curves.read_text(encoding="utf-8"))["points"][-1]["name"]
            except (ValueError, KeyError, IndexError, TypeError):
                raise CompareError(f"{curves} is not an `rlvr eval --checkpoints` result") from None
            return folder / f"{last}.json"
    if (path / RUN_EVAL_FILE).is_file():
        return path / RUN_EVAL_FILE
    raise CompareError(f"{path} holds no evaluated responses: run `rlvr eval {path} --checkpoints` "
                       f"or `rlvr eval {path} --json {path / RUN_EVAL_FILE}` first")


def read_eval(path: Path) -> dict[str, Any]:
    """An `rlvr eval --json` document with its responses; one-line errors otherwise."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CompareError(f"{path} does not exist") from None
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise CompareError(f"{path} is not an rlvr eval JSON file ({type(err).__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("overall"), dict):
        raise CompareError(f"{path} is not an rlvr eval JSON file (no `overall` summary)")
    records = data.get("records")
    if not records or not isinstance(records, list):
        raise CompareError(f"{path} holds no responses (`records`); compare needs `rlvr eval --json` output, "
                           "which includes every response")
    needed = {"problem_id", "response", "correct", "tokens", "truncated"}
    for number, record in enumerate(records):
        if not isinstance(record, dict) or not needed <= record.keys():
            raise CompareError(f"{path}: record {number} lacks one of {', '.join(sorted(needed))}")
    return data


def _label(given: Path, file: Path) -> str:
    if given.is_dir():
        return given.name if given.name != RUN_EVAL_FOLDER else given.parent.name
    return file.stem if file.stem not in ("eval", "final") else file.parent.name


def load_entry(path: str | Path, label: str | None = None) -> Entry:
    """Read one input and compute its behaviour rates."""
    given = Path(path)
    file = eval_file(given)
    data = read_eval(file)
    overall, records = data["overall"], data["records"]
    return Entry(
        label=label or _label(given, file),
        source=file,
        accuracy=float(overall["accuracy"]),
        mean_tokens=float(overall["mean_tokens"]),
        format_rate=float(overall.get("format_rate", float("nan"))),
        samples=int(overall.get("samples", 1)),
        params=dict(data.get("params") or {}),
        template=str((data.get("meta") or {}).get("template", "task")),
        problem_ids=frozenset(str(r["problem_id"]) for r in records),
        rates=behaviour_rates(records),
    )


def pareto_front(points: list[tuple[float, float]]) -> list[int]:
    """Indices of the (mean tokens, accuracy) points no other point dominates, by increasing tokens."""
    front = []
    for i, (tokens, acc) in enumerate(points):
        dominated = any(t <= tokens and a >= acc and (t < tokens or a > acc) for j, (t, a) in enumerate(points) if j != i)
        if not dominated:
            front.append(i)
    return sorted(front, key=lambda i: (points[i][0], -points[i][1]))


def check_same_problems(entries: list[Entry], allow_different: bool) -> list[str]:
    """Refuse inputs evaluated on different problems (warnings instead when allowed); warn on other settings."""
    warnings = []
    first = entries[0]
    for other in entries[1:]:
        if other.problem_ids != first.problem_ids:
            only_first = len(first.problem_ids - other.problem_ids)
            only_other = len(other.problem_ids - first.problem_ids)
            message = (f"{first.label} and {other.label} were evaluated on different problems "
                       f"({only_first} only in {first.label}, {only_other} only in {other.label})")
            if not allow_different:
                raise CompareError(message + "; evaluate both with the same --tasks/--benchmarks, --n and --seed, "
                                   "or pass --allow-different to compare anyway")
            warnings.append("warning: " + message)
        for key in ("max_tokens", "temperature", "top_p"):
            if other.params.get(key) != first.params.get(key):
                warnings.append(f"warning: {first.label} and {other.label} were sampled with different {key} "
                                f"({first.params.get(key)} vs {other.params.get(key)})")
        if other.samples != first.samples or other.template != first.template:
            warnings.append(f"warning: {first.label} and {other.label} differ in samples per problem or template "
                            f"({first.samples}/{first.template} vs {other.samples}/{other.template})")
    return warnings


def compare(paths: list[str | Path], labels: list[str] | None = None, allow_different: bool = False) -> tuple[list[Entry], list[str]]:
    """Load every input, check they compare, mark the Pareto front; (entries, warnings)."""
    if len(paths) < 2:
        raise CompareError("compare needs at least two inputs")
    if labels is not None and len(labels) != len(paths):
        raise CompareError(f"--labels gives {len(labels)} names for {len(paths)} inputs")
    entries = [load_entry(p, labels[i] if labels else None) for i, p in enumerate(paths)]
    seen: dict[str, int] = {}
    for entry in entries:  # two inputs named alike (two runs' final.json) stay apart in the table
        seen[entry.label] = seen.get(entry.label, 0) + 1
        if seen[entry.label] > 1:
            entry.label = f"{entry.label} ({seen[entry.label]})"
    warnings = check_same_problems(entries, allow_different)
    for i in pareto_front([(e.mean_tokens, e.accuracy) for e in entries]):
        entries[i].on_front = True
    return entries, warnings


def markdown(entries: list[Entry], png_name: str | None = None) -> str:
    """The comparison as Markdown: one row per input, then the Pareto front's points."""
    names = [r.replace("_", " ") for r in RATES]
    lines = ["| input | accuracy | mean tokens | format rate | Pareto front | " + " | ".join(names) + " |",
             "|---|---:|---:|---:|:---:|" + "---:|" * len(RATES)]
    for e in entries:
        lines.append(f"| {e.label} | {e.accuracy:.3f} | {e.mean_tokens:.1f} | {e.format_rate:.3f} | "
                     f"{'yes' if e.on_front else ''} | " + " | ".join(f"{e.rates[r]:.3f}" for r in RATES) + " |")
    front = sorted((e for e in entries if e.on_front), key=lambda e: e.mean_tokens)
    first = entries[0]
    lines += ["", "Pareto front (most accuracy for the fewest mean response tokens): "
              + "; ".join(f"{e.label} ({e.accuracy:.3f} at {e.mean_tokens:.1f} tokens)" for e in front) + ".",
              "", f"{len(first.problem_ids)} problems, {first.samples} sample(s) each, template {first.template}, "
              f"max_tokens {first.params.get('max_tokens')}, temperature {first.params.get('temperature')}. "
              "Behaviour columns: share of responses (rlvr.analysis rules; reflection = a SimpleRL-Zoo "
              "reflection word)."]
    if png_name:
        lines += ["", f"![compare]({png_name})"]
    return "\n".join(lines) + "\n"


def plot(entries: list[Entry], path: Path) -> Path:
    """Left: accuracy against mean response tokens with the Pareto front; right: behaviour rates side by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8))
    for e in entries:
        left.scatter(e.mean_tokens, e.accuracy, s=60, zorder=3, marker="o" if e.on_front else "x")
        left.annotate(e.label, (e.mean_tokens, e.accuracy), textcoords="offset points", xytext=(6, 6), fontsize=9)
    front = sorted((e for e in entries if e.on_front), key=lambda e: e.mean_tokens)
    left.plot([e.mean_tokens for e in front], [e.accuracy for e in front], linestyle="--", color="black",
              alpha=0.6, label="Pareto front", drawstyle="steps-post" if len(front) > 1 else "default")
    left.set_xlabel("mean response tokens")
    left.set_ylabel("accuracy")
    left.set_title("accuracy vs response length")
    left.grid(alpha=0.3)
    left.legend(fontsize=8)
    x = np.arange(len(RATES))
    width = 0.8 / len(entries)
    for i, e in enumerate(entries):
        right.bar(x + (i - (len(entries) - 1) / 2) * width, [e.rates[r] for r in RATES], width, label=e.label)
    right.set_xticks(x, [r.replace("_", "\n") for r in RATES])
    right.set_ylim(0, 1)
    right.set_ylabel("share of responses")
    right.set_title("behaviours")
    right.grid(alpha=0.3, axis="y")
    right.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
