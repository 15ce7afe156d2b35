"""Recipe loading and validation: every error names the key and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from rlvr.train.config import ConfigError, from_dict, load_config, recipe_names


def test_shipped_recipes_load() -> None:
    assert {"default", "laser_d"} <= set(recipe_names())
    default = load_config(None)
    assert default.name == "default"
    assert default.model == "default"
    assert default.engine == "trl"
    # The demo's numbers must not depend on machine load: no time budget, fixed threads, bounded micro-batches.
    assert default.budget.minutes is None and default.budget.steps >= 1
    assert default.threads is not None
    assert default.algorithm.micro_batch is not None and default.algorithm.micro_batch <= 4
    assert [r.name for r in load_config("laser_d").rewards] == ["laser_d", "format"]


def test_defaults_fill_what_a_file_leaves_out() -> None:
    config = from_dict({"algorithm": {"group_size": 4}})
    assert config.algorithm.group_size == 4
    assert config.algorithm.beta == 0.0
    assert config.rewards[0].name == "correct"


def test_toml_and_yaml_files(tmp_path: Path) -> None:
    toml = tmp_path / "r.toml"
    toml.write_text('model = "default"\n[algorithm]\nlearning_rate = 2e-5\n[[rewards]]\nname = "correct"\n')
    assert load_config(toml).algorithm.learning_rate == 2e-5
    yaml = tmp_path / "r.yaml"
    yaml.write_text("algorithm:\n  learning_rate: 3e-5\n  lora: {r: 8}\n")  # YAML 1.1 reads 3e-5 as text
    config = load_config(yaml)
    assert config.algorithm.learning_rate == 3e-5
    assert config.algorithm.lora is not None and config.algorithm.lora.r == 8


def test_overrides() -> None:
    config = load_config("default", ["algorithm.learning_rate=2e-5", "budget.steps=3", "output=/tmp/x"])
    assert (config.algorithm.learning_rate, config.budget.steps, config.output) == (2e-5, 3, "/tmp/x")
    with pytest.raises(ConfigError, match="section.key=value"):
        load_config("default", ["nonsense"])


@pytest.mark.parametrize(("data", "message"), [
    ({"algoritm": {}}, "unknown key 'algoritm'; allowed keys here: name, model"),
    ({"algorithm": {"grup_size": 3}}, "unknown key 'algorithm.grup_size'; allowed keys here: group_size"),
    ({"algorithm": {"group_size": "x"}}, "algorithm.group_size: expected an integer"),
    ({"algorithm": {"group_size": 1}}, "algorithm.group_size must be >= 2"),
    ({"algorithm": {"loss_type": "ppo"}}, "algorithm.loss_type must be one of grpo"),
    ({"algorithm": {"temperature": 0}}, "algorithm.temperature must be > 0"),
    ({"algorithm": {"learning_rate": "fast"}}, "algorithm.learning_rate: expected a number"),
    ({"engine": "deepspeed"}, "engine must be one of trl, verl"),
    ({"tasks": {"mixture": [{"name": "nope"}]}}, "tasks.mixture\\[0\\].name: unknown task 'nope'; known: "),
    ({"tasks": {"difficulty": 11}}, "tasks.difficulty must be 1..10"),
    ({"tasks": {"difficulty": {"sudoku": 2}}}, "names 'sudoku', which is not in tasks.mixture"),
    ({"tasks": {"curriculum": {"start": 5, "max_difficulty": 3}}}, "min_difficulty <= start <= max_difficulty"),
    ({"rewards": []}, "rewards needs at least one entry"),
    ({"rewards": [{"name": "nope"}]}, "rewards\\[0\\].name: unknown reward 'nope'; known: "),
    ({"rewards": [{"name": "laser_d", "params": {"alfa": 1}}]}, "rewards\\[0\\].params: .*alfa"),
    ({"rewards": [{"name": "correct"}, {"name": "correct"}]}, "lists 'correct' twice"),
    ({"budget": {"minutes": 0}}, "budget.minutes must be > 0"),
    ({"algorithm": {"micro_batch": 3}}, "algorithm.micro_batch must be null or divide"),
    ({"algorithm": {"micro_batch": 0}}, "algorithm.micro_batch must be null or divide"),
    ({"eval": {"seed": 0}}, "eval.seed \\(0\\) must differ from tasks.seed"),
    ({"verl": {"rollout": "tgi"}}, "verl.rollout must be vllm or sglang"),
    ({"verl": {"rollout": "hf"}}, "its HF rollout was removed"),
    ({"tasks": "arithmetic"}, "tasks must be a mapping of keys"),
    ({"tasks": {"monitor_problems": 0}}, "tasks.monitor_problems must be >= 1"),
    ({"tasks": {"monitor_rollouts": 0}}, "tasks.monitor_rollouts must be >= 1"),
])
def test_errors_name_the_key(data: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        from_dict(data)


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.yaml")
    with pytest.raises(ConfigError, match="no recipe named 'nope'"):
        load_config("nope")
    bad = tmp_path / "bad.yaml"
    bad.write_text("algorithm: [1, 2\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_config(bad)
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n- 2\n")
    with pytest.raises(ConfigError, match="top level must be a mapping"):
        load_config(listed)
    other = tmp_path / "r.json"
    other.write_text("{}")
    with pytest.raises(ConfigError, match=".yaml, .yml or .toml"):
        load_config(other)


def test_monitor_rows_follow_the_config_and_come_from_their_own_seed() -> None:
    from rlvr.train.data import monitor_rows, train_rows

    config = load_config("laser_d", ["tasks.monitor_problems=5", "tasks.train_problems=5"])
    rows = monitor_rows(config)
    assert len(rows) == 5
    assert [row["prompt"] for row in rows] != [row["prompt"] for row in train_rows(config)]
