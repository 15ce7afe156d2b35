"""Benchmarks as papers report them: whole datasets or a fixed subset, greedy / avg@k, unbiased pass@k."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rlvr.analysis import pass_at_k
from rlvr.cli import app
from rlvr.evaluate.benchmarks import accuracy_name, benchmark_problems, benchmark_rows, markdown, parse_n
from rlvr.evaluate.runner import EvalError, evaluate_problems
from rlvr.evaluate.sampling import Completion, SamplingParams

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scripted import RecordingSampler  # noqa: E402

runner = CliRunner()


def test_parse_n() -> None:
    assert parse_n("all") is None and parse_n("ALL") is None
    assert parse_n("7") == 7
    for bad in ("0", "-3", "many"):
        with pytest.raises(EvalError, match="--n"):
            parse_n(bad)


def test_all_is_every_problem_and_a_subset_is_fixed_by_the_seed() -> None:
    every = benchmark_problems(["aime24", "amc23"], None, seed=0)
    assert [p.task for p in every].count("aime24") == 30 and [p.task for p in every].count("amc23") == 40
    assert len({p.id for p in every}) == 70
    subset = benchmark_problems(["aime24", "amc23"], 5, seed=0)
    assert [p.id for p in subset] == [p.id for p in benchmark_problems(["aime24", "amc23"], 5, seed=0)]
    assert {p.id for p in subset} <= {p.id for p in every} and len(subset) == 10
    assert [p.id for p in benchmark_problems(["aime24"], 5, seed=1)] != [p.id for p in subset[:5]]
    with pytest.raises(EvalError, match="arithmetic is not a dataset benchmark"):
        benchmark_problems(["arithmetic"], 5, seed=0)


def test_rows_give_avg_at_k_and_unbiased_pass_at_k_per_benchmark() -> None:
    problems = benchmark_problems(["aime24", "amc23"], 2, seed=0)

    def script(i: int, j: int) -> Completion:
        # aime24: problem 0 right in 1 of 4 samples, problem 1 never; amc23: problem 2 in 3 of 4, problem 3 in all.
        right = {0: j == 0, 1: False, 2: j < 3, 3: True}[i]
        answer = problems[i].answer if right else "123456789"
        return Completion(f"\\boxed{{{answer}}}", tokens=10 * (i + 1), truncated=False)

    result = evaluate_problems(RecordingSampler(script), problems, 4, SamplingParams(temperature=0.6))
    rows = {r.benchmark: r for r in benchmark_rows(result)}
    assert rows["aime24"].metric == "avg@4" and rows["aime24"].pass_k == 4
    assert rows["aime24"].accuracy == pytest.approx(1 / 8)
    assert rows["amc23"].accuracy == pytest.approx(7 / 8)
    assert rows["aime24"].pass_at_k == pytest.approx((pass_at_k(4, 1, 4) + 0) / 2) == pytest.approx(0.5)
    assert rows["amc23"].problems == 2 and rows["amc23"].mean_tokens == pytest.approx(35.0)
    table = markdown(list(rows.values()))
    assert "| benchmark | n | avg@4 | pass@4 |" in table and "| amc23 | 2 | 0.875 | 1.000 | 35.0 |" in table
    assert accuracy_name(1, 0.0) == "greedy" and accuracy_name(1, 0.7) == "avg@1"


def test_cli_benchmarks_with_the_qwen_template(tiny_model_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = runner.invoke(app, ["eval", str(tiny_model_dir), "--benchmarks", "aime24,amc23", "--n", "2",
                                 "--template", "qwen25-math-cot", "--max-tokens", "2", "--backend", "transformers",
                                 "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "benchmarks (qwen25-math-cot template)" in result.output and "greedy" in result.output
    data = json.loads(out.read_text())
    assert data["meta"]["template"] == "qwen25-math-cot"
    assert [(b["benchmark"], b["problems"], b["metric"]) for b in data["meta"]["benchmarks"]] == [
        ("aime24", 2, "greedy"), ("amc23", 2, "greedy")]
    ids = [p.id for p in benchmark_problems(["aime24", "amc23"], 2, seed=10_000)]
    assert [r["problem_id"] for r in data["records"]] == ids


def test_cli_refuses_mismatched_options(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "default", "--template", "qwen25-math-cot", "--tasks", "arithmetic"])
    assert result.exit_code == 2 and "task arithmetic has its own answer format" in result.output
    result = runner.invoke(app, ["eval", "default", "--tasks", "arithmetic", "--n", "all"])
    assert result.exit_code == 2 and "--n all is for --benchmarks" in result.output
    result = runner.invoke(app, ["eval", "default", "--benchmarks", "math500", "--template", "nope"])
    assert result.exit_code == 2 and "unknown template 'nope'" in result.output
    assert "Traceback" not in result.output
