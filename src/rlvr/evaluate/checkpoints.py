"""Evaluate every checkpoint of a training run on one problem set: accuracy, tokens and behaviour curves.

The points of a run folder, in order: its base model (`model:` in the run's config.yaml, step
0), each `checkpoint-N` folder that holds a model (step N), and `final` (the step from
summary.json; left out when a checkpoint of the same step is already there, since the
trainer saves both at the last step). Each point is sampled on the same problems with the
same parameters; its full result (every response) goes to `<out>/<point>.json`, and the
curves -- accuracy, mean response tokens, format rate and the behaviour rates of
`rlvr.evaluate.behaviour` per point -- to `<out>/checkpoints.json` and `checkpoints.png`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rlvr.evaluate.behaviour import RATES, behaviour_rates
from rlvr.evaluate.report import write_json
from rlvr.evaluate.runner import EvalError, evaluate_problems
from rlvr.evaluate.sampling import ProgressHook, SamplingParams
from rlvr.evaluate.templates import PromptTemplate
from rlvr.tasks import Problem

CURVES_JSON = "checkpoints.json"
CURVES_PNG = "checkpoints.png"
_CHECKPOINT = re.compile(r"^checkpoint-(\d+)$")


@dataclass(frozen=True)
class Point:
    """One model of a run: its name ("base", "checkpoint-10", "final"), step and what `rlvr.models` loads."""

    name: str
    step: int | None
    model: str


@dataclass
class Curves:
    """Per point: accuracy, tokens, format rate and behaviour rates; where they were written."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    document: dict[str, Any] = field(default_factory=dict)   # what checkpoints.json holds
    json: Path | None = None
    png: Path | None = None

    def lines(self) -> list[str]:
        """One plain line per point, for the terminal."""
        return [f"{r['name']} (step {r['step'] if r['step'] is not None else '?'}): accuracy {r['accuracy']:.3f}, "
                f"mean tokens {r['mean_tokens']:.1f}, format {r['format_rate']:.3f}, "
                + ", ".join(f"{k} {r[k]:.3f}" for k in RATES) for r in self.rows]


def _config_model(run: Path) -> str | None:
    config = run / "config.yaml"
    if not config.is_file():
        return None
    import yaml

    try:
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise EvalError(f"{config} is not valid YAML: {err}") from None
    model = data.get("model") if isinstance(data, dict) else None
    return str(model) if model else None


def _final_step(run: Path) -> int | None:
    try:
        steps = json.loads((run / "summary.json").read_text(encoding="utf-8")).get("steps")
    except (OSError, ValueError, AttributeError):
        return None
    return steps if isinstance(steps, int) else None


def find_points(run: Path) -> list[Point]:
    """The run's base model, checkpoints and final model, in training order."""
    if not run.is_dir():
        raise EvalError(f"--checkpoints needs a training run folder; {run} is not a folder")
    points = []
    base = _config_model(run)
    if base is not None:
        points.append(Point("base", 0, base))
    checkpoints = sorted((int(m.group(1)), child) for child in run.iterdir()
                         if (m := _CHECKPOINT.match(child.name)) and (child / "config.json").is_file())
    points += [Point(child.name, step, str(child)) for step, child in checkpoints]
    if (run / "final" / "config.json").is_file():
        step = _final_step(run)
        if step is None or step not in {s for s, _ in checkpoints}:
            points.append(Point("final", step, str(run / "final")))
    if len(points) < 2:
        raise EvalError(f"{run} holds {len(points)} model(s) to compare; --checkpoints needs a run folder with "
                        "config.yaml and checkpoint-N or final folders")
    return points


def evaluate_checkpoints(
    points: Sequence[Point],
    problems: Sequence[Problem],
    params: SamplingParams,
    out: Path,
    *,
    samples: int = 1,
    template: PromptTemplate | None = None,
    system_prompt: str | None = None,
    backend: str = "auto",
    batch_size: int = 32,
    progress: ProgressHook | None = None,
) -> Curves:
    """Sample every point on `problems`, write each result and the curves into `out`."""
    from rlvr.evaluate.model_eval import make_sampler

    out.mkdir(parents=True, exist_ok=True)
    curves = Curves()
    for point in points:
        sampler, used = make_sampler(point.model, backend, batch_size)
        result = evaluate_problems(sampler, problems, samples, params, system_prompt=system_prompt,
                                   model_name=point.model, progress=progress, template=template)
        del sampler  # one model in memory at a time
        result.meta.update(point=point.name, step=point.step, backend=used,
                           template=template.name if template is not None else "task")
        write_json(result, out / f"{point.name}.json")
        records = [r.__dict__ for r in result.records]
        curves.rows.append({"name": point.name, "step": point.step, "model": point.model,
                            "accuracy": result.overall.accuracy, "mean_tokens": result.overall.mean_tokens,
                            "format_rate": result.overall.format_rate,
                            "truncated_rate": result.overall.truncated_rate,
                            "pass_at_k": {str(k): v for k, v in result.overall.pass_at_k.items()},
                            **behaviour_rates(records)})
    curves.json = out / CURVES_JSON
    curves.document = {"problems": len(problems), "samples": samples, "params": dict(params.__dict__),
                       "template": template.name if template is not None else "task", "results": str(out),
                       "points": curves.rows}
    curves.json.write_text(json.dumps(curves.document, indent=2) + "\n", encoding="utf-8")
    curves.png = plot_curves(curves.rows, out / CURVES_PNG)
    return curves


def plot_curves(rows: list[dict[str, Any]], path: Path) -> Path:
    """Three panels over the run's points: accuracy and format rate; mean response tokens; behaviour rates."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = list(range(len(rows)))
    labels = [r["name"] if r["step"] is None or r["name"] == "base" else f"{r['name']}\n(step {r['step']})"
              if r["name"] == "final" else str(r["step"]) for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    axes[0].plot(x, [r["accuracy"] for r in rows], marker="o", label="accuracy", color="tab:red")
    axes[0].plot(x, [r["format_rate"] for r in rows], marker="o", label="format rate", color="tab:gray")
    axes[0].set_ylim(-0.02, 1.02)
    axes[0].set_title("accuracy")
    axes[1].plot(x, [r["mean_tokens"] for r in rows], marker="o", color="tab:orange")
    axes[1].set_title("mean response tokens")
    for name in RATES:
        axes[2].plot(x, [r[name] for r in rows], marker="o", label=name.replace("_", " "))
    axes[2].set_ylim(-0.02, 1.02)
    axes[2].set_title("share of responses with the behaviour")
    for ax in axes:
        ax.set_xticks(x, labels)
        ax.set_xlabel("checkpoint (step)")
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
