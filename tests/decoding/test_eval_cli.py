"""`rlvr eval --decoding`: one-line errors naming the option, and a predictive run end to end on the tiny model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rlvr.cli import app

runner = CliRunner()


@pytest.mark.parametrize("options, named", [
    (["--decoding", "beam"], "--decoding"),
    (["--decoding", "predictive", "--foresight-k", "0"], "--foresight-k"),
    (["--decoding", "predictive", "--tau", "0"], "--tau"),
    (["--decoding", "predictive", "--tau", "-0.5"], "--tau"),
    (["--decoding", "majority", "--decoding-n", "0"], "--decoding-n"),
    (["--decoding", "predictive", "--horizon", "-1"], "--horizon"),
    (["--decoding", "predictive", "--backend", "vllm"], "transformers"),
    (["--decoding", "majority", "--decoding-n", "-1"], "--decoding-n"),
    (["--decoding", "best-of-n", "--temperature", "0"], "--temperature"),
    (["--decoding", "majority", "--n", "0"], "--n"),          # an empty problem set
    (["--decoding", "majority", "--tasks", ","], "task"),     # no task at all
    (["--decoding", "majority", "--tasks", "nosuchtask"], "nosuchtask"),
])
def test_bad_decoding_options_fail_in_one_line(options: list[str], named: str, tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    # The model folder does not exist: the options must be refused before any model is looked for.
    result = runner.invoke(app, ["eval", str(tmp_path / "no-model"), "--n", "1", *options, "--json", str(out)])
    assert result.exit_code != 0
    assert named in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_predictive_eval_writes_results_and_generated_tokens(tiny_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    result = runner.invoke(app, ["eval", str(tiny_dir), "--n", "2", "--max-tokens", "6", "--decoding", "predictive",
                                 "--foresight-k", "2", "--horizon", "1", "--tau", "0.5", "--json", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["overall"]["problems"] == 2 and len(data["records"]) == 2
    assert all(r["tokens"] <= 6 for r in data["records"])
    meta = data["meta"]["decoding"]
    assert (meta["strategy"], meta["k"], meta["horizon"], meta["tau"]) == ("predictive", 2, 1, 0.5)
    # Two foresight rollouts per committed step: more generated than kept.
    assert meta["generated_tokens_per_problem"] > sum(r["tokens"] for r in data["records"]) / 2
    assert "generated tokens per problem" in result.output


def test_greedy_decoding_keeps_the_plain_sampler_and_records_cost(tiny_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    result = runner.invoke(app, ["eval", str(tiny_dir), "--n", "2", "--max-tokens", "4", "--decoding", "greedy",
                                 "--temperature", "0.9", "--backend", "transformers", "--json", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["params"]["temperature"] == 0.0  # greedy wins over a stray --temperature
    assert data["meta"]["decoding"]["generated_tokens_total"] == sum(r["tokens"] for r in data["records"])


def test_majority_eval_votes_on_arithmetic_and_gsm8k(tiny_dir: Path, tmp_path: Path) -> None:
    # gsm8k pools votes with the verifier, arithmetic by exact answer; the tiny model's noise gives no
    # readable answer, so both fall back to the likeliest sample, and each problem costs 3 samples.
    out = tmp_path / "eval.json"
    result = runner.invoke(app, ["eval", str(tiny_dir), "--tasks", "arithmetic,gsm8k", "--n", "1", "--max-tokens", "4",
                                 "--decoding", "majority", "--decoding-n", "3", "--json", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert {r["task"] for r in data["records"]} == {"arithmetic", "gsm8k"}
    meta = data["meta"]["decoding"]
    assert meta["strategy"] == "majority" and meta["n"] == 3
    assert max(r["tokens"] for r in data["records"]) <= 4
    assert 2 * max(r["tokens"] for r in data["records"]) < meta["generated_tokens_total"] <= 2 * 3 * 4
