"""The figures of `rlvr diff`: update size, share changed, and the layer-swap ablation (matplotlib)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rlvr.merging.diff import LayerUpdate, SwapScore


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _layer_rows(updates: Sequence[LayerUpdate]) -> list[LayerUpdate]:
    return [row for row in updates if row.layer is not None]


def plot_update_size(updates: Sequence[LayerUpdate], path: Path, title: str) -> Path:
    """Bars of ||W_t - W_b|| / ||W_b|| per layer, a dashed line for the tensors outside the layers."""
    plt = _pyplot()
    rows = _layer_rows(updates)
    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.bar([r.layer for r in rows], [r.relative_update for r in rows], color="#4c72b0")
    outside = [r for r in updates if r.layer is None]
    if outside:
        ax.axhline(outside[0].relative_update, color="#dd8452", linestyle="--", label="outside layers (embeddings, norm)")
        ax.legend(loc="upper right", fontsize=8)
    ax.set_xlabel("layer")
    ax.set_ylabel("||W_trained - W_base|| / ||W_base||")
    ax.set_title(title, fontsize=10)
    return _save(plt, fig, path)


def plot_sparsity(updates: Sequence[LayerUpdate], tolerance: float, path: Path, title: str) -> Path:
    """Share of each layer's parameters that changed at all, and by more than `tolerance`."""
    plt = _pyplot()
    rows = _layer_rows(updates)
    fig, ax = plt.subplots(figsize=(8, 3.6))
    layers = [r.layer for r in rows]
    ax.plot(layers, [100 * r.changed_share for r in rows], marker="o", label="changed at all (!=)")
    ax.plot(layers, [100 * r.changed_share_tol for r in rows], marker="s", label=f"changed by > {tolerance:g}")
    ax.set_ylim(0, 105)
    ax.set_xlabel("layer")
    ax.set_ylabel("% of the layer's parameters")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    return _save(plt, fig, path)


def plot_layer_swap(swaps: Sequence[SwapScore], base: float, trained: float, path: Path, title: str) -> Path:
    """Held-out accuracy of the base with each block swapped in, against the base and the trained model."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 3.6))
    labels = [f"{s.first}-{s.last}" if s.last != s.first else str(s.first) for s in swaps]
    ax.bar(range(len(swaps)), [100 * s.accuracy for s in swaps], color="#55a868")
    ax.axhline(100 * base, color="#c44e52", linestyle="--", label=f"base {100 * base:.1f}%")
    ax.axhline(100 * trained, color="#4c72b0", linestyle="-", label=f"trained {100 * trained:.1f}%")
    ax.set_xticks(range(len(swaps)), labels)
    ax.set_xlabel("layers taken from the trained model")
    ax.set_ylabel("held-out accuracy (%)")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper right", fontsize=8)
    return _save(plt, fig, path)


def _save(plt: Any, fig: Any, path: Path) -> Path:
    """Lay out, write the PNG and free the figure (pyplot keeps every open figure alive)."""
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
