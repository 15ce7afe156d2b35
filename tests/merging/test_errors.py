"""Bad input to rlvr merge / rlvr diff: one-line errors that say what to fix, and no output folder left behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from merge_helpers import wider_model
from rlvr.cli import app
from rlvr.merging import MergeError, MergeSpec, merge, parse_layers

pytestmark = pytest.mark.train


def _fails(args: list[str]) -> str:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.output
    return lines[0]


def test_unknown_method_lists_the_methods(family, tmp_path: Path) -> None:
    line = _fails(["merge", str(family["a"]), str(family["b"]), "--method", "frankenmerge", "-o", str(tmp_path / "o")])
    assert "frankenmerge" in line and "ties" in line and "layer_swap" in line
    assert not (tmp_path / "o").exists()


def test_mismatched_shapes_name_the_tensor(family, tmp_path: Path) -> None:
    wide = wider_model(tmp_path / "wide")
    line = _fails(["merge", str(family["a"]), str(wide), "--method", "linear", "-o", str(tmp_path / "o")])
    assert "model.embed_tokens.weight" in line and "same size" in line
    assert not (tmp_path / "o").exists()


def test_mismatched_architectures_are_refused(family, tmp_path: Path) -> None:
    import json

    other = tmp_path / "other"
    other.mkdir()
    for file in family["a"].iterdir():
        (other / file.name).write_bytes(file.read_bytes())
    config = json.loads((other / "config.json").read_text())
    config.update(model_type="mistral", architectures=["MistralForCausalLM"])
    (other / "config.json").write_text(json.dumps(config))
    with pytest.raises(MergeError, match="one architecture"):
        merge(MergeSpec("linear", models=[str(family["a"]), str(other)]), tmp_path / "o")


def test_missing_folder_is_named(family, tmp_path: Path) -> None:
    line = _fails(["merge", str(family["a"]), str(tmp_path / "nowhere"), "--method", "linear", "-o", str(tmp_path / "o")])
    assert "nowhere" in line


@pytest.mark.parametrize("text", ["2-2", "0-5", "-1", "1-0", "x"])
def test_layer_range_out_of_bounds(text: str) -> None:
    with pytest.raises(MergeError, match="--layers"):
        parse_layers(text, 2)


def test_layer_range_out_of_bounds_on_the_command_line(family, tmp_path: Path) -> None:
    line = _fails(["merge", str(family["a"]), "--base", str(family["base"]), "--method", "layer_swap",
                   "--layers", "1-7", "-o", str(tmp_path / "o")])
    assert "layers 0-1" in line
    assert not (tmp_path / "o").exists() and not list(tmp_path.glob(".o-*"))


@pytest.mark.parametrize("spec, message", [
    (dict(method="linear", models=["x"]), "two or more"),
    (dict(method="linear", models=["x", "y"], base="z"), "no --base"),
    (dict(method="ties", models=["x"]), "needs --base"),
    (dict(method="slerp", models=["x", "y"], base="z"), "exactly one"),
    (dict(method="slerp", models=["x"], base="z", t=1.5), "--t"),
    (dict(method="dare_ties", models=["x"], base="z", density=0.0), "--density"),
    (dict(method="layer_swap", models=["x"], base="z"), "needs --layers"),
    (dict(method="ties", models=["x"], base="z", layers="1-2"), "layer_swap only"),
    (dict(method="linear", models=["x", "y"], weights=[1.0]), "one per model"),
    (dict(method="linear", models=["x", "y"], dtype="int8"), "--dtype"),
])
def test_specs_a_method_cannot_take(spec: dict, message: str) -> None:
    with pytest.raises(MergeError, match=message):
        MergeSpec(**spec).check()


def test_the_same_checkpoint_twice(family, tmp_path: Path) -> None:
    with pytest.raises(MergeError, match="twice"):
        merge(MergeSpec("linear", models=[str(family["a"]), str(family["a"])]), tmp_path / "o")


def test_an_existing_output_folder_is_not_overwritten(family, tmp_path: Path) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    line = _fails(["merge", str(family["a"]), str(family["b"]), "--method", "linear", "-o", str(out)])
    assert "not empty" in line
    assert (out / "keep.txt").read_text() == "mine"


def test_diff_of_mismatched_models(family, tmp_path: Path) -> None:
    wide = wider_model(tmp_path / "wide")
    line = _fails(["diff", str(family["base"]), str(wide), "--no-swap", "-o", str(tmp_path / "d")])
    assert "same size" in line
    assert not (tmp_path / "d").exists()


def test_diff_block_size_larger_than_the_model(family, tmp_path: Path) -> None:
    line = _fails(["diff", str(family["base"]), str(family["a"]), "--block-size", "5", "-o", str(tmp_path / "d")])
    assert "--block-size 5" in line and "2 layers" in line
