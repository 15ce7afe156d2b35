"""`rlvr train` from the command line: dry runs, overrides and error messages without tracebacks."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from rlvr.cli import app

runner = CliRunner()


def test_bad_recipe_is_a_message(tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text("algorithm:\n  grup_size: 4\n")
    result = runner.invoke(app, ["train", str(recipe)])
    assert result.exit_code == 2
    assert "unknown key 'algorithm.grup_size'" in result.output
    assert "Traceback" not in result.output


def test_trl_dry_run_prints_the_resolved_recipe() -> None:
    result = runner.invoke(app, ["train", "laser_d", "--dry-run", "--steps", "7", "--set", "algorithm.group_size=4"])
    assert result.exit_code == 0, result.output
    assert "steps: 7" in result.output and "group_size: 4" in result.output and "name: laser_d" in result.output


def test_verl_dry_run_writes_files_and_prints_the_command(tmp_path: Path, tiny_model_dir: Path) -> None:
    out = tmp_path / "verl"
    result = runner.invoke(app, ["train", "--dry-run", "-o", str(out), "--set", "engine=verl",
                                 "--set", f"model={tiny_model_dir}", "--set", "tasks.train_problems=4"])
    assert result.exit_code == 0, result.output
    assert "verl.trainer.main_ppo" in result.output
    assert "reward.custom_reward_function.path=pkg://rlvr.engines.verl" in result.output
    assert (out / "data" / "train.parquet").is_file() and (out / "verl_config.yaml").is_file()


def test_resume_without_a_run_is_a_message(tmp_path: Path) -> None:
    result = runner.invoke(app, ["train", "--resume", "-o", str(tmp_path / "nothing")])
    assert result.exit_code == 2
    assert "no checkpoint-N folder" in result.output
