"""rlvr diff: per-layer update size and sparsity against hand computations, the layer-swap ablation, its files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from merge_helpers import perturbed
from rlvr.merging import MergeError
from rlvr.merging.diff import OUTSIDE, blocks, swap_ablation, update_stats

pytestmark = pytest.mark.train


def test_update_stats_by_hand() -> None:
    base = {"model.layers.0.w": torch.tensor([3.0, 4.0], dtype=torch.float64), "model.layers.1.w": torch.tensor([1.0, 0.0, 0.0, 0.0]),
            "model.embed_tokens.weight": torch.tensor([2.0])}
    trained = {"model.layers.0.w": torch.tensor([3.0, 4.0 + 1e-7], dtype=torch.float64), "model.layers.1.w": torch.tensor([1.5, 0.0, 0.0, 0.5]),
               "model.embed_tokens.weight": torch.tensor([2.0])}
    rows = update_stats(base, trained, tolerance=1e-5)
    assert [r.layer for r in rows] == [0, 1, None]
    zero, one, outside = rows
    assert zero.relative_update == pytest.approx(1e-7 / 5, rel=1e-3)
    assert (zero.changed_share, zero.changed_share_tol) == (0.5, 0.0)  # changed, but below the tolerance
    assert one.relative_update == pytest.approx((0.25 + 0.25) ** 0.5 / 1.0)
    assert (one.changed_share, one.changed_share_tol, one.parameters) == (0.5, 0.5, 4)
    assert (outside.relative_update, outside.changed_share) == (0.0, 0.0)


def test_update_stats_refuses_different_tensors() -> None:
    with pytest.raises(MergeError, match="different tensors"):
        update_stats({"a": torch.zeros(1)}, {"b": torch.zeros(1)})
    with pytest.raises(MergeError, match=r"\[2\]"):
        update_stats({"a": torch.zeros(2)}, {"a": torch.zeros(3)})


def test_blocks_cover_every_layer_once() -> None:
    assert blocks(30, 5) == [(0, 4), (5, 9), (10, 14), (15, 19), (20, 24), (25, 29)]
    assert blocks(7, 3) == [(0, 2), (3, 5), (6, 6)]
    with pytest.raises(MergeError):
        blocks(4, 0)


def test_swap_ablation_scores_each_block_and_restores_the_base() -> None:
    model = torch.nn.Module()
    model.layers = torch.nn.ModuleList([torch.nn.Linear(2, 2, bias=False) for _ in range(3)])
    base = {k: v.clone() for k, v in model.state_dict().items()}
    trained = {k: v + 1.0 for k, v in base.items()}
    seen = []

    def score(m: torch.nn.Module) -> float:
        # Which layers now hold the trained weights?
        swapped = [i for i, layer in enumerate(m.layers) if torch.equal(layer.weight, trained[f"layers.{i}.weight"])]
        seen.append(swapped)
        return float(len(swapped))

    results = swap_ablation(model, base, trained, [(0, 1), (2, 2)], score)
    assert seen == [[0, 1], [2]]
    assert [(r.first, r.last, r.accuracy) for r in results] == [(0, 1, 2.0), (2, 2, 1.0)]
    assert all(torch.equal(v, base[k]) for k, v in model.state_dict().items())


def test_diff_finds_the_one_layer_that_moved(family, tmp_path: Path) -> None:
    from rlvr.merging.heldout import HeldoutSet
    from rlvr.merging.run import diff_checkpoints

    moved = perturbed(family["base"], tmp_path / "moved", seed=5, only_layer=1)
    heldout = HeldoutSet(n=2, max_tokens=4)
    record = diff_checkpoints(str(family["base"]), str(moved), tmp_path / "diff", block_size=1, heldout=heldout,
                              device="cpu")
    rows = {row["layer"]: row for row in record["updates"]}
    assert rows[0]["changed_share"] == 0.0 and rows[OUTSIDE]["changed_share"] == 0.0
    assert rows[1]["changed_share"] > 0.99 and rows[1]["relative_update"] > 0.01
    assert [(r["first"], r["last"]) for r in record["layer_swap"]] == [(0, 0), (1, 1)]
    # Swapping in the only layer that moved rebuilds the trained model, so it scores the same.
    assert record["layer_swap"][1]["accuracy"] == record["accuracy"]["trained"]
    assert record["layer_swap"][0]["accuracy"] == record["accuracy"]["base"]
    files = sorted(p.name for p in (tmp_path / "diff").iterdir())
    assert files == ["diff.json", "layer_swap.png", "update_size.png", "update_sparsity.png"]
    assert json.loads((tmp_path / "diff" / "diff.json").read_text())["block_size"] == 1
    assert (tmp_path / "diff" / "layer_swap.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_diff_command_without_the_ablation(family, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from rlvr.cli import app

    result = CliRunner().invoke(app, ["diff", str(family["base"]), str(family["a"]), "--no-swap", "-o", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["diff.json", "update_size.png", "update_sparsity.png"]
    assert "changed 100.0%" in result.output  # Gaussian noise touches every entry
