"""Draw reward-against-length curves to a PNG (matplotlib, imported only here and lazily)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

from rlvr.atomic import AtomicFile, OutputError
from rlvr.rewards.base import RewardError, RewardMethod
from rlvr.rewards.curves import SYNTHETIC_GROUP, curves

_COLOURS = ("#1b9e77", "#d95f02")  # first curve: correct / passes; second: incorrect / fails


def plot_methods(
    methods: Sequence[RewardMethod],
    out: Path,
    max_len: int = 16384,
    columns: int = 3,
    titles: Sequence[str] | None = None,
) -> Path:
    """One panel per method (reward against response length in tokens), saved as PNG at `out`.

    `out` is checked before drawing and appears only when complete (see `rlvr.atomic`);
    an unwritable path is a `RewardError`.
    """
    if not methods:
        raise RewardError("name at least one reward method to plot")
    if max_len < 16:
        raise RewardError(f"--max-len must be at least 16 tokens; got {max_len}")
    try:
        import matplotlib  # noqa: F401 - imported here only to fail early with the extra to install
    except ImportError:
        raise RewardError("plotting needs matplotlib: pip install 'rlvr[plot]'") from None
    titles = list(titles) if titles is not None else [method.name for method in methods]
    if len(titles) != len(methods):
        raise RewardError("give one title per plotted method")
    try:
        target = AtomicFile(out)
    except OutputError as error:
        raise RewardError(str(error)) from None
    try:
        _draw(methods, titles, target.temp, max_len, columns)
    except OSError as error:
        target.discard()
        raise RewardError(f"cannot write {out}: {error.strerror or error}") from None
    except BaseException:  # Ctrl-C included: no half-written image is left behind
        target.discard()
        raise
    try:
        return target.commit()
    except OutputError as error:
        raise RewardError(str(error)) from None


def _draw(methods: Sequence[RewardMethod], titles: list[str], out: Path, max_len: int, columns: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = max(1, min(columns, len(methods)))
    rows = -(-len(methods) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4.6 * columns, 3.6 * rows), squeeze=False)
    grouped = False
    for axis, method, title in zip(axes.flat, methods, titles):
        for line, colour in zip(curves(method, max_len), _COLOURS):
            axis.plot(line.length, line.reward, label=line.label, color=colour, linewidth=2)
        grouped = grouped or method.needs_group
        axis.set_title(title + (" *" if method.needs_group else ""), fontsize=12, fontweight="bold")
        axis.set_xlabel("response length (tokens)")
        axis.set_ylabel("reward")
        axis.axhline(0.0, color="#999999", linewidth=0.8)
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8, loc="best")
        axis.text(
            0.5, -0.34, "\n".join(textwrap.wrap(method.formula, 62)), transform=axis.transAxes,
            ha="center", va="top", fontsize=7, color="#333333",
        )
    for axis in list(axes.flat)[len(methods):]:
        axis.set_visible(False)
    if grouped:
        figure.text(0.01, 0.005, "* group method: " + SYNTHETIC_GROUP, fontsize=7, color="#555555")
    figure.tight_layout(rect=(0, 0.03, 1, 1), h_pad=4.0)
    try:
        figure.savefig(out, dpi=110)
    finally:
        plt.close(figure)
