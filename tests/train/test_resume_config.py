"""Resuming a run under other settings than it started with is refused (budget aside)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rlvr.train.config import ConfigError, dump_yaml, load_config
from rlvr.train.trl_engine import CONFIG_FILE, check_resume_config


def started(tmp_path: Path, recipe: str = "laser_d") -> Path:
    config = load_config(recipe, [f"output={tmp_path}"])
    (tmp_path / CONFIG_FILE).write_text(dump_yaml(config), encoding="utf-8")
    return tmp_path


def test_a_new_budget_or_thread_count_may_resume(tmp_path: Path) -> None:
    run = started(tmp_path)
    check_resume_config(run, load_config("laser_d", [f"output={run}", "budget.minutes=20", "threads=1"]))


def test_a_changed_recipe_is_refused(tmp_path: Path) -> None:
    run = started(tmp_path)
    # The shipped recipe edited between the stages: here, another recipe's rewards under the same output.
    with pytest.raises(ConfigError, match="rewards"):
        check_resume_config(run, load_config("default", [f"output={run}"]))


def test_a_changed_seed_is_named_in_the_error(tmp_path: Path) -> None:
    run = started(tmp_path)
    with pytest.raises(ConfigError, match=r"seed: 0 -> 3"):
        check_resume_config(run, load_config("laser_d", [f"output={run}", "seed=3"]))


def test_a_run_without_a_saved_config_is_not_checked(tmp_path: Path) -> None:
    check_resume_config(tmp_path, load_config("laser_d", [f"output={tmp_path}"]))
