"""`rlvr eval RUN --checkpoints`: which models of a run are evaluated, and the curves written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rlvr.cli import app
from rlvr.evaluate.checkpoints import find_points
from rlvr.evaluate.runner import EvalError

runner = CliRunner()


def _model(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}")


def test_points_are_base_checkpoints_and_final_in_order(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.yaml").write_text("name: x\nmodel: default\n")
    for name in ("checkpoint-10", "checkpoint-2", "final"):
        _model(run / name)
    (run / "checkpoint-5").mkdir()  # no model in it: skipped
    (run / "summary.json").write_text(json.dumps({"steps": 12}))
    points = find_points(run)
    assert [(p.name, p.step) for p in points] == [("base", 0), ("checkpoint-2", 2), ("checkpoint-10", 10),
                                                  ("final", 12)]
    assert points[0].model == "default" and points[1].model == str(run / "checkpoint-2")
    (run / "summary.json").write_text(json.dumps({"steps": 10}))  # final = the last checkpoint's weights
    assert [p.name for p in find_points(run)] == ["base", "checkpoint-2", "checkpoint-10"]


def test_a_folder_without_models_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="not a folder"):
        find_points(tmp_path / "nope")
    (tmp_path / "config.yaml").write_text("model: default\n")
    with pytest.raises(EvalError, match="holds 1 model"):
        find_points(tmp_path)


def test_cli_writes_curves_and_compare_reads_them(tiny_model_dir: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.yaml").write_text(f"model: {tiny_model_dir}\n")
    shutil.copytree(tiny_model_dir, run / "checkpoint-1")
    table = tmp_path / "tables" / "run.json"
    result = runner.invoke(app, ["eval", str(run), "--checkpoints", "--n", "2", "--max-tokens", "3",
                                 "--backend", "transformers", "--json", str(table)])
    assert result.exit_code == 0, result.output
    curves = json.loads((run / "eval" / "checkpoints.json").read_text())
    # --json with --checkpoints: the per-checkpoint table, the same document as checkpoints.json
    assert json.loads(table.read_text()) == curves
    assert curves["results"] == str(run / "eval") and curves["template"] == "task" and curves["problems"] == 2
    assert [p.name for p in table.parent.iterdir()] == ["run.json"]   # no temporary left beside it
    assert [(p["name"], p["step"]) for p in curves["points"]] == [("base", 0), ("checkpoint-1", 1)]
    for point in curves["points"]:
        assert {"accuracy", "mean_tokens", "format_rate", "reflection", "verification", "backtracking",
                "subgoal_setting", "enumeration"} <= point.keys()
        assert 0 < point["mean_tokens"] <= 3
        assert len(json.loads((run / "eval" / f"{point['name']}.json").read_text())["records"]) == 2
    # the same weights, greedy: the same responses at both points
    assert curves["points"][0]["mean_tokens"] == curves["points"][1]["mean_tokens"]
    assert (run / "eval" / "checkpoints.png").stat().st_size > 10_000
    assert "checkpoint-1 (step 1): accuracy" in result.output
    result = runner.invoke(app, ["compare", str(run), str(run / "eval" / "base.json"), "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "c" / "compare.md").read_text().startswith("# rlvr compare")
    # the --json table stands for its run in compare: the run's last point, as the run folder does
    result = runner.invoke(app, ["compare", str(table), str(run / "eval" / "base.json"), "--out", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    sources = [e["source"] for e in json.loads((tmp_path / "d" / "compare.json").read_text())["inputs"]]
    assert sources[0] == str(run / "eval" / "checkpoint-1.json")
