"""Each merge method against a hand computation on the tensors of tiny random checkpoints."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from merge_helpers import tensors
from rlvr.merging import MergeSpec, layer_of, merge

pytestmark = pytest.mark.train


def _merged(tmp_path: Path, spec: MergeSpec) -> dict:
    return tensors(merge(spec, tmp_path / "out"))


def test_linear_is_the_weighted_mean(family, tmp_path: Path) -> None:
    a, b = tensors(family["a"]), tensors(family["b"])
    merged = _merged(tmp_path, MergeSpec("linear", models=[str(family["a"]), str(family["b"])], weights=[3.0, 1.0]))
    assert set(merged) == set(a)
    for name in a:
        torch.testing.assert_close(merged[name], (3 * a[name] + b[name]) / 4)


def test_task_arithmetic_adds_scaled_updates(family, tmp_path: Path) -> None:
    base, a, b = (tensors(family[k]) for k in ("base", "a", "b"))
    merged = _merged(tmp_path, MergeSpec("task_arithmetic", models=[str(family["a"]), str(family["b"])],
                                         base=str(family["base"]), lam=0.5))
    for name in base:
        torch.testing.assert_close(merged[name], base[name] + 0.5 * ((a[name] - base[name]) + (b[name] - base[name])))


def test_ties_elects_a_sign_and_averages_the_agreeing_updates(family, tmp_path: Path) -> None:
    base = tensors(family["base"])
    others = [tensors(family[k]) for k in ("a", "b", "c")]
    merged = _merged(tmp_path, MergeSpec("ties", models=[str(family[k]) for k in ("a", "b", "c")],
                                         base=str(family["base"]), density=1.0))
    disagreements = 0
    for name in base:
        deltas = torch.stack([m[name] - base[name] for m in others])
        elected = torch.where(deltas.sum(0) >= 0, 1.0, -1.0)
        agree = deltas.sign() == elected
        expected = base[name] + (deltas * agree).sum(0) / agree.sum(0).clamp(min=1)
        torch.testing.assert_close(merged[name], expected)
        disagreements += int((~agree).any(0).sum())
    # Three independent noises disagree in sign on most entries: the election did real work.
    assert disagreements > 0


def test_ties_trims_each_update_to_its_largest_entries(family, tmp_path: Path) -> None:
    base, a = tensors(family["base"]), tensors(family["a"])
    merged = _merged(tmp_path, MergeSpec("ties", models=[str(family["a"])], base=str(family["base"]), density=0.25))
    name = "model.layers.0.mlp.up_proj.weight"
    delta, kept = a[name] - base[name], merged[name] - base[name]
    k = int(0.25 * delta.numel())
    assert int((kept != 0).sum()) == k
    threshold = delta.abs().flatten().topk(k).values.min()
    torch.testing.assert_close(kept, torch.where(delta.abs() >= threshold, delta, torch.zeros_like(delta)))


def test_dare_drops_entries_and_rescales_the_survivors(family, tmp_path: Path) -> None:
    base, a = tensors(family["base"]), tensors(family["a"])
    spec = MergeSpec("dare_linear", models=[str(family["a"])], base=str(family["base"]), density=0.5, seed=7)
    merged = _merged(tmp_path, spec)
    name = "model.layers.1.mlp.down_proj.weight"
    delta, kept = a[name] - base[name], merged[name] - base[name]
    survived = kept != 0
    share = float(survived.float().mean())
    assert 0.4 < share < 0.6  # Bernoulli(0.5) over 2,048 entries
    # One rescale factor for the whole tensor (mergekit keeps the update's L1 norm; about 1/density).
    scale = float(delta.abs().sum() / delta[survived].abs().sum())
    assert 1.6 < scale < 2.4
    torch.testing.assert_close(kept, torch.where(survived, delta * scale, torch.zeros_like(delta)))
    again = tensors(merge(spec, tmp_path / "again"))
    assert torch.equal(again[name], merged[name])  # the seed fixes the drops


@pytest.mark.parametrize("t, endpoint", [(0.0, "base"), (1.0, "a")])
def test_slerp_endpoints_are_the_models(family, tmp_path: Path, t: float, endpoint: str) -> None:
    expected = tensors(family[endpoint])
    merged = _merged(tmp_path, MergeSpec("slerp", models=[str(family["a"])], base=str(family["base"]), t=t))
    for name in expected:
        torch.testing.assert_close(merged[name], expected[name], atol=1e-5, rtol=1e-4)


def test_slerp_midpoint_is_between_not_the_mean_norm(family, tmp_path: Path) -> None:
    base, a = tensors(family["base"]), tensors(family["a"])
    merged = _merged(tmp_path, MergeSpec("slerp", models=[str(family["a"])], base=str(family["base"]), t=0.5))
    name = "model.layers.0.self_attn.q_proj.weight"
    linear = (base[name] + a[name]) / 2
    # Spherical interpolation keeps row norms that linear averaging shrinks.
    assert float(merged[name].norm()) > float(linear.norm())
    assert float((merged[name] - linear).abs().max()) < float((a[name] - base[name]).abs().max())


def test_layer_swap_copies_exactly_the_chosen_layers(family, tmp_path: Path) -> None:
    base, a = tensors(family["base"]), tensors(family["a"])
    merged = _merged(tmp_path, MergeSpec("layer_swap", models=[str(family["a"])], base=str(family["base"]), layers="1-1"))
    assert set(merged) == set(base)
    for name in base:
        source = a if layer_of(name) == 1 else base
        assert torch.equal(merged[name], source[name]), name
    assert (tmp_path / "out" / "tokenizer.json").is_file()


def test_a_merged_model_loads_and_generates(family, tmp_path: Path) -> None:
    from rlvr.models import load

    out = merge(MergeSpec("ties", models=[str(family["a"])], base=str(family["base"]), density=0.5), tmp_path / "m")
    loaded = load(str(out), device="cpu")
    ids = loaded.tokenizer("1+1=", return_tensors="pt")
    generated = loaded.model.generate(**ids, max_new_tokens=3, do_sample=False)
    assert generated.shape[1] == ids["input_ids"].shape[1] + 3 or int(generated[0, -1]) == loaded.tokenizer.eos_token_id
