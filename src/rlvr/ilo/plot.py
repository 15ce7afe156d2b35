"""The per-layer ILO figure: mean ILO and translation overlap per layer, one thin line per language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rlvr.atomic import AtomicFile


def plot_layers(layers: Sequence[Mapping[str, Any]], path: str | Path, title: str,
                compare: Mapping[str, Sequence[Mapping[str, Any]]] | None = None) -> Path:
    """Write a PNG of ILO (left) and translation overlap (right) per layer; `compare` adds labelled runs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = dict(compare) if compare else {"": layers}
    figure, axes = plt.subplots(1, 2, figsize=(11, 4), sharex=True)
    for metric, axis in zip(("ilo", "translation_overlap"), axes):
        for label, run in runs.items():
            x = list(range(len(run)))
            axis.plot(x, [layer[metric] for layer in run], marker="o", markersize=3, linewidth=2,
                      label=label or "mean over languages")
            if len(runs) == 1:
                for lang in run[0]["per_language"]:
                    axis.plot(x, [layer["per_language"][lang][metric] for layer in run], linewidth=0.8, alpha=0.5, label=lang)
        axis.set_xlabel("layer (0 = embeddings)")
        axis.set_ylabel("ILO" if metric == "ilo" else "translation neighbourhood overlap")
        axis.set_ylim(0, 1.02)
        axis.grid(alpha=0.3)
    axes[0].legend(fontsize=7, ncol=2)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    with AtomicFile(path) as out:
        figure.savefig(out.temp, dpi=120)
    plt.close(figure)
    return Path(path)
