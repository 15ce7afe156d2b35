"""The Genius recipe, command and run end to end on a tiny random model."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rlvr.cli import app
from rlvr.selfimprove.genius_config import ConfigError, genius_from_dict, load_genius_config, recipe_algorithm

runner = CliRunner()


def test_shipped_recipe_loads_and_is_routed_by_its_algorithm(tmp_path):
    config = load_genius_config("genius")
    assert config.algorithm == "genius" and config.sampling.settings().beams == 2
    path = tmp_path / "mine.yaml"
    path.write_text("algorithm: genius\nsampling: {candidates: 3}\n", encoding="utf-8")
    assert recipe_algorithm(str(path)) == "genius" and load_genius_config(str(path)).sampling.candidates == 3
    assert recipe_algorithm("bstar") is None


@pytest.mark.parametrize(("data", "key"), [
    ({"sampling": {"beams": 0}}, "sampling.beams"),
    ({"sampling": {"rejected": "nope"}}, "sampling.rejected"),
    ({"sampling": {"pairs_from": "nope"}}, "sampling.pairs_from"),
    ({"aco": {"alpha": -1}}, "aco.alpha"),
    ({"aco": {"beta": 0}}, "aco.beta"),
    ({"tasks": {"problems": 0}}, "tasks.problems"),
    ({"tasks": {"name": "nope"}}, "tasks.name"),
    ({"eval": {"seed": 0}}, "eval.seed"),
    ({"aco": {"lr": 1e-5}}, "aco.lr"),
    ({"algorithm": "bstar"}, "algorithm"),
])
def test_bad_recipes_name_the_key(data, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        genius_from_dict({"algorithm": "genius", **data})


def test_command_errors_are_one_line():
    result = runner.invoke(app, ["self-improve", "genius", "--set", "sampling.candidates=0"])
    assert result.exit_code == 2 and "sampling.candidates must be >= 1" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["self-improve", "genius", "--resume"])
    assert result.exit_code == 2 and "not resumable" in result.output
    result = runner.invoke(app, ["self-improve", "genius", "--dry-run", "--set", "aco.alpha=2"])
    assert result.exit_code == 0 and "alpha: 2" in result.output


def test_a_whole_run_on_a_tiny_model(tiny_model_dir, tmp_path):
    pytest.importorskip("trl")
    out = tmp_path / "run"
    result = runner.invoke(app, [
        "self-improve", "genius", "--output", str(out),
        "--set", f"model={tiny_model_dir}", "--set", "threads=1", "--set", "tasks.problems=2",
        "--set", "sampling.max_new_tokens=10", "--set", "sampling.max_steps=2", "--set", "sampling.temperature=1.0",
        # A random 10-token model rarely says EOS: let rollouts cut by the limit make pairs.
        "--set", "sampling.pairs_from=all",
        "--set", "eval.problems=2", "--set", "aco.batch_size=2", "--set", "system_prompt=null",
    ])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    pairs = [json.loads(line) for line in (out / "pairs.jsonl").read_text().splitlines()]
    assert summary["pairs"] == len(pairs) >= 1 and summary["train_steps"] >= 1
    assert summary["generated_tokens"] > 0 and 0.0 <= summary["after"]["accuracy"] <= 1.0
    assert all(p["chosen_score"] >= p["rejected_score"] for p in pairs)
    assert (out / "final" / "config.json").is_file()
    assert "held-out accuracy" in result.output


def test_no_pairs_is_a_clear_error(tmp_path):
    from rlvr.selfimprove.genius_run import train_aco

    with pytest.raises(ValueError, match="no preference pairs"):
        train_aco(load_genius_config("genius"), None, None, [], tmp_path)
