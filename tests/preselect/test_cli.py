"""`rlvr preselect train` and `select` end to end through the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

from preselect_corpus import MATH, SPAM, make_texts
from typer.testing import CliRunner

from rlvr.cli import app


def test_train_then_select(tmp_path: Path) -> None:
    scores = tmp_path / "scores.jsonl"
    rows = [{"id": f"m{k}", "text": t, "strength": 1.0} for k, t in enumerate(make_texts(MATH, 100, 3))]
    rows += [{"id": f"s{k}", "text": t, "strength": 0.0} for k, t in enumerate(make_texts(SPAM, 100, 4))]
    rows += [{"id": f"x{k}", "text": t, "strength": 0.5} for k, t in enumerate(make_texts(MATH + SPAM, 50, 5))]
    scores.write_text("".join(json.dumps(r) + "\n" for r in rows))
    clf = tmp_path / "clf.bin"
    runner = CliRunner()
    result = runner.invoke(app, ["preselect", "train", "--scores", str(scores), "--top", "0.4", "--bottom", "0.4",
                                 "--epoch", "20", "--lr", "0.5", "--bucket", "20000", "--out", str(clf)])
    assert result.exit_code == 0, result.output
    assert "100 positives (S >= 1), 100 negatives (S <= 0)" in result.output
    assert float(re.search(r"held-out accuracy ([0-9.]+)", result.output).group(1)) >= 0.9
    pool = tmp_path / "pool.jsonl"
    texts = make_texts(MATH, 30, 6) + make_texts(SPAM, 30, 7)
    pool.write_text("".join(json.dumps({"text": t, "k": k}) + "\n" for k, t in enumerate(texts)))
    out = tmp_path / "selected.jsonl"
    result = runner.invoke(app, ["preselect", "select", "--model", str(clf), "--docs", str(pool), "--keep", "0.5",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("kept 30 of 60 documents")
    kept = [json.loads(line)["k"] for line in out.read_text().splitlines()]
    assert kept == list(range(30))  # the math half, in pool order


def test_select_with_a_missing_classifier_is_one_line(tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    pool.write_text('{"text": "a"}\n')
    result = CliRunner().invoke(app, ["preselect", "select", "--model", str(tmp_path / "none.bin"), "--docs", str(pool),
                                      "--keep", "0.5", "--out", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "no such classifier" in result.output
