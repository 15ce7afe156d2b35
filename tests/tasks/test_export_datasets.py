"""Exported datasets hold each problem of a dataset family (math500, gsm8k, ...) at most once.

`rlvr tasks export --tasks math500 --n 500 --split test` used to write the 53 problems of one
difficulty pool about nine times over, silently.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rlvr.cli import app
from rlvr.tasks import get
from rlvr.tasks.export import export
from rlvr.tasks.math_data import MathDatasetTask
from rlvr.tasks.base import names

runner = CliRunner()
DATASETS = [name for name in names() if isinstance(get(name), MathDatasetTask)]


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _source(row: dict) -> tuple[str, str]:
    problem = json.loads(row["extra_info"]["problem_json"])
    return problem["task"], problem["metadata"]["source_id"]


def test_the_documented_math500_test_export_is_the_whole_set_once(tmp_path: Path) -> None:
    out = tmp_path / "test.jsonl"
    result = runner.invoke(app, ["tasks", "export", "--tasks", "math500", "--n", "500", "--split", "test", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    assert len(rows) == 500
    assert len({_source(row) for row in rows}) == 500
    assert len({row["prompt"][-1]["content"] for row in rows}) == 500
    assert {row["extra_info"]["difficulty"] for row in rows} == set(range(1, 11))
    assert "warning" not in result.stderr


def test_n_beyond_a_pool_writes_each_problem_once_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "d5.jsonl"
    pool = len(get("math500").distinct_problems(difficulty=5))
    result = runner.invoke(app, ["tasks", "export", "--tasks", "math500", "--n", "500", "-d", "5", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    assert len(rows) == pool < 500
    assert len({_source(row) for row in rows}) == pool
    assert f"warning: math500 has {pool} distinct problems at difficulty 5" in result.stderr
    assert f"wrote {pool} rows, not 500" in result.stderr
    assert result.stdout == f"wrote {pool} verl rows to {out}\n"


def test_whole_dataset_beyond_its_size(tmp_path: Path) -> None:
    out = tmp_path / "aime.jsonl"
    size = len(get("aime24").all_problems())
    warnings: list[str] = []
    assert export(["aime24"], size + 7, out, fmt="jsonl", warn=warnings.append) == size
    rows = _rows(out)
    assert len({row["metadata"]["source_id"] for row in rows}) == size
    assert warnings == [f"aime24 has {size} distinct problems; each was exported once",
                        f"wrote {size} rows, not {size + 7}: every family ran out of distinct problems"]


@pytest.mark.parametrize("weights", [None, [3.0, 1.0], [1.0, 0.0]])
def test_mixtures_fill_with_other_families_and_never_repeat_a_dataset_problem(tmp_path: Path, weights: list[float] | None) -> None:
    out = tmp_path / "mix.jsonl"
    warnings: list[str] = []
    count = export(["math500", "arithmetic"], 200, out, difficulty=5, weights=weights, warn=warnings.append)
    rows = _rows(out)
    sources = Counter(_source(row) for row in rows if row["data_source"] == "rlvr/math500")
    pool = len(get("math500").distinct_problems(difficulty=5))
    assert max(sources.values()) == 1
    if weights == [1.0, 0.0]:  # arithmetic never drawn: math500 runs out and the export ends short
        assert count == len(rows) == pool
        assert warnings[-1].startswith(f"wrote {pool} rows, not 200")
    else:
        assert count == len(rows) == 200 and len(sources) == pool
        assert warnings == [f"math500 has {pool} distinct problems at difficulty 5; each was exported once"]
    assert len({row["extra_info"]["id"] for row in rows}) == len(rows)


def test_rows_are_unchanged_while_no_dataset_runs_out(tmp_path: Path) -> None:
    # Row i is item i // k of family i % k, as before dataset families could run out.
    out = tmp_path / "gen.jsonl"
    export(["sat", "gsm8k"], 40, out, fmt="jsonl", difficulty=4, seed=3)
    rows = _rows(out)
    gsm8k = get("gsm8k").distinct_problems(seed=3, difficulty=4)
    for i, row in enumerate(rows):
        expected = get("sat").problem(i // 2, seed=3, difficulty=4) if i % 2 == 0 else gsm8k[i // 2]
        assert row["id"] == expected.id and row["prompt"] == expected.prompt


@pytest.mark.parametrize("name", DATASETS)
def test_every_dataset_family_and_level_exports_without_repeats(tmp_path: Path, name: str) -> None:
    task = get(name)
    for difficulty in [None, *range(1, 11)]:
        expected = len(task.distinct_problems(difficulty=difficulty))
        out = tmp_path / f"{name}-{difficulty}.jsonl"
        warnings: list[str] = []
        assert export([name], expected + 1, out, fmt="jsonl", difficulty=difficulty, warn=warnings.append) == expected
        rows = _rows(out)
        assert len({row["metadata"]["source_id"] for row in rows}) == len(rows) == expected
        assert len(warnings) == 2


def test_listing_a_family_twice_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["tasks", "export", "--tasks", "math500,math500", "--n", "3", "-o", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 2 and "listed twice" in result.stderr
