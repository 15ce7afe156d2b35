"""`rlvr eval` end to end on a tiny model, and its error messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rlvr import cli_support
from rlvr.cli import app
from rlvr.evaluate.cli import parse_difficulties

runner = CliRunner()


def eval_to_json(model_dir: Path, tmp_path: Path, *options: str):
    """Run `rlvr eval` on the transformers backend; (CLI result, the --json file's content)."""
    out = tmp_path / "eval.json"
    result = runner.invoke(app, ["eval", str(model_dir), *options, "--backend", "transformers", "--json", str(out)])
    assert result.exit_code == 0, result.output
    return result, json.loads(out.read_text())


def test_eval_writes_table_and_json(tiny_model_dir: Path, tmp_path: Path) -> None:
    result, data = eval_to_json(tiny_model_dir, tmp_path, "--n", "3", "--samples", "2", "--difficulty", "1-2",
                                "--max-tokens", "4")
    assert "pass@2" in result.output
    assert data["overall"]["problems"] == 6
    assert len(data["records"]) == 12
    assert all(r["tokens"] <= 4 for r in data["records"])
    assert [g["difficulty"] for g in data["groups"]] == [1, 2]


def test_eval_counts_distinct_problems_and_says_when_a_level_has_fewer(tiny_model_dir: Path, tmp_path: Path) -> None:
    result, data = eval_to_json(tiny_model_dir, tmp_path, "--n", "120", "--difficulty", "1", "--max-tokens", "2",
                                "--batch-size", "64")
    assert "arithmetic difficulty 1 has 100 distinct problems; evaluating all of them" in result.output
    assert data["overall"]["problems"] == 100 and len(data["records"]) == 100
    assert len({r["problem_id"] for r in data["records"]}) == 100


def test_eval_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", str(tmp_path / "missing"), "--n", "2"])
    assert result.exit_code == 2
    assert "no model at" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["eval", "default", "--difficulty", "x"])
    assert result.exit_code == 2
    assert "--difficulty takes integers" in result.output


@pytest.mark.parametrize("options, message", [
    (["--out", "somewhere"], "--out is the folder of --checkpoints results"),
    (["--benchmarks", "gsm8k", "--tasks", "arithmetic"], "--benchmarks replaces --tasks and --difficulty"),
    (["--benchmarks", "gsm8k", "--difficulty", "2"], "--benchmarks replaces --tasks and --difficulty"),
    (["--decoding-n", "4"], "--decoding-n is for --decoding best-of-n or majority"),
    (["--decoding", "predictive", "--decoding-n", "4"], "--decoding-n is for --decoding best-of-n or majority"),
    (["--decoding", "majority", "--horizon", "3", "--tau", "0.2"], "--horizon, --tau: for --decoding predictive only"),
    (["--foresight-k", "3"], "--foresight-k: for --decoding predictive only"),
    (["--backend", "vllm", "--batch-size", "8"], "--batch-size is for the transformers backend"),
    (["--decoding", "majority", "--batch-size", "8"], "--batch-size does not apply to --decoding majority"),
])
def test_an_option_that_would_be_ignored_is_refused(options: list[str], message: str, tmp_path: Path) -> None:
    # a missing model: were the option not refused first, the run would stop at "no model at"
    result = runner.invoke(app, ["eval", str(tmp_path / "no-model"), *options, "--json", str(tmp_path / "x.json")])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())   # refused before anything is written


def test_parse_difficulties() -> None:
    assert parse_difficulties("1-3,5") == [1, 2, 3, 5]


def test_eval_reports_plain_progress_on_stderr_off_a_terminal(tiny_model_dir: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # CliRunner's stderr is not a terminal, as in a log or CI: progress must still show, as lines.
    monkeypatch.setattr(cli_support, "PLAIN_PROGRESS_AFTER", 0.0)
    result, data = eval_to_json(tiny_model_dir, tmp_path, "--n", "10", "--max-tokens", "2", "--batch-size", "2")
    assert data["overall"]["problems"] == 10
    lines = [line for line in result.stderr.splitlines() if line.startswith("sampling: ")]
    assert len(lines) >= 2, result.stderr
    assert lines[-1].startswith("sampling: 10/10 (100%)")
    assert not any(line.startswith("sampling") for line in result.stdout.splitlines())


def test_eval_json_is_written_whole_beside_no_temporaries(tiny_model_dir: Path, tmp_path: Path) -> None:
    eval_to_json(tiny_model_dir, tmp_path, "--n", "2", "--max-tokens", "2")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["eval.json"]
