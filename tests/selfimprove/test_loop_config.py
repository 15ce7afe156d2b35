"""`rlvr self-improve` recipes and their validation: one-line errors naming the key, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rlvr.cli import app
from rlvr.selfimprove.config import ConfigError, load_config, recipe_names

runner = CliRunner()


def test_shipped_recipes_differ_only_in_auto_tuning() -> None:
    assert {"bstar", "star"} <= set(recipe_names())
    bstar, star = load_config("bstar").to_dict(), load_config("star").to_dict()
    assert bstar["bstar"]["auto"] is True and star["bstar"]["auto"] is False
    for d in (bstar, star):
        d.pop("name"), d.pop("output"), d["bstar"].pop("auto")
    assert bstar == star


def test_grids_follow_auto_tuning_and_the_reward() -> None:
    auto = load_config("bstar", ["bstar.temperatures=[0.5, 1.0]"])
    assert auto.temperature_grid == [0.5, 1.0] and auto.tau_grid == [0.5]
    fixed = load_config("star", ["sampling.temperature=0.9"])
    assert fixed.temperature_grid == [0.9]
    scored = load_config("bstar", ["reward.name=cosine", "bstar.taus=[0.0, 1.0]"])
    assert scored.is_score_reward and scored.tau_grid == [0.0, 1.0]
    assert load_config("star", ["reward=cosine", "sampling.tau=1.5", "bstar.taus=[0.0]"]).tau_grid == [1.5]


@pytest.mark.parametrize(("override", "message"), [
    ("sampling.k=0", "sampling.k (samples per prompt) must be >= 1; got 0"),
    ("bstar.probe_k=0", "bstar.probe_k must be >= 1"),
    ("tasks.prompts_per_iteration=0", "tasks.prompts_per_iteration must be >= 1 (an empty training set"),
    ("eval.problems=0", "eval.problems must be >= 1"),
    ("bstar.probe_problems=0", "bstar.probe_problems must be >= 1"),
    ("sampling.tau=0.5", "sampling.tau needs a score reward, but reward.name is 'correct'"),
    ("bstar.taus=[0.1]", "bstar.taus needs a score reward, but reward.name is 'correct'"),
    ("reward.name=laser_d", "reward.name: 'laser_d' is stateful"),
    ("reward.name=nope", "reward.name: unknown reward 'nope'"),
    ("tasks.name=nope", "tasks.name: unknown task 'nope'"),
    ("bogus=1", "unknown key 'bogus'"),
    ("sampling.kk=1", "unknown key 'sampling.kk'"),
    ("bstar.temperatures=[]", "bstar.temperatures needs at least one temperature"),
    ("bstar.temperatures=[0.5, 0]", "bstar.temperatures[1] must be > 0"),
    ("iterations=0", "iterations must be >= 1"),
    ("sampling.k=two", "sampling.k: expected an integer"),
    ("bstar.probe_seed=10000", "bstar.probe_seed (10000) must differ from tasks.seed and eval.seed"),
])
def test_bad_settings_name_the_key(override: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config("bstar", [override])
    assert message in str(err.value)
    result = runner.invoke(app, ["self-improve", "--dry-run", "--set", override])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {err.value}"   # one line, no traceback


def test_dry_run_prints_the_resolved_recipe() -> None:
    result = runner.invoke(app, ["self-improve", "star", "--dry-run", "--iterations", "5", "--set", "sampling.k=16"])
    assert result.exit_code == 0, result.output
    assert "name: star" in result.output and "iterations: 5" in result.output and "k: 16" in result.output


def test_recipe_files_and_missing_ones(tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text("name: mine\nsampling:\n  k: 2\n")
    assert load_config(str(recipe)).sampling.k == 2
    result = runner.invoke(app, ["self-improve", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2 and "does not exist" in result.output
    result = runner.invoke(app, ["self-improve", "nosuchrecipe"])
    assert result.exit_code == 2 and "no self-improvement recipe named 'nosuchrecipe'" in result.output


def test_cli_resume_with_changed_settings_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    (out / "config.yaml").write_text("name: bstar\nsampling:\n  k: 4\n")
    result = runner.invoke(app, ["self-improve", "bstar", "--resume", "-o", str(out), "--set", "sampling.k=8"])
    assert result.exit_code == 2
    assert "error: --resume:" in result.output and "sampling.k: 4 -> 8" in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
