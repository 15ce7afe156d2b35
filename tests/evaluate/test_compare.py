"""`rlvr compare`: the Pareto front, behaviour rates side by side, and its one-line refusals."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rlvr.cli import app
from rlvr.evaluate.compare import CompareError, compare, pareto_front
from rlvr.evaluate.report import write_json
from rlvr.evaluate.runner import evaluate_problems
from rlvr.evaluate.sampling import Completion, SamplingParams
from rlvr.tasks import get

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scripted import RecordingSampler  # noqa: E402

runner = CliRunner()


def test_pareto_front_keeps_only_undominated_points() -> None:
    # (mean tokens, accuracy)
    points = [(100, 0.5), (50, 0.5), (200, 0.8), (150, 0.4), (50, 0.3), (300, 0.8)]
    # (100, .5) is beaten by (50, .5); (150, .4) and (50, .3) by (50, .5); (300, .8) by (200, .8).
    assert pareto_front(points) == [1, 2]
    assert pareto_front([(10, 0.1)]) == [0]
    assert pareto_front([(10, 0.1), (10, 0.1)]) == [0, 1]  # equal points dominate neither


def _eval_file(path: Path, problems, right, tokens: int, text: str = "", with_records: bool = True) -> Path:
    def script(i: int, j: int) -> Completion:
        answer = problems[i].answer if right(i) else str(int(problems[i].answer) + 1)
        return Completion(f"{text}\\boxed{{{answer}}}", tokens=tokens, truncated=False)

    result = evaluate_problems(RecordingSampler(script), problems, 1, SamplingParams(max_tokens=64, temperature=0.0))
    return write_json(result, path, with_records=with_records)


@pytest.fixture()
def problems():
    return get("arithmetic").distinct(4, seed=3, difficulty=1)


def test_compare_marks_the_front_and_measures_behaviours(problems, tmp_path: Path) -> None:
    base = _eval_file(tmp_path / "base.json", problems, lambda i: i == 0, tokens=40)
    long = _eval_file(tmp_path / "long.json", problems, lambda i: i < 3, tokens=60,
                      text="Wait, let me verify this again. ")
    short = _eval_file(tmp_path / "short.json", problems, lambda i: i < 2, tokens=20)
    entries, warnings = compare([base, long, short])
    assert warnings == []
    by = {e.label: e for e in entries}
    assert by["long"].accuracy == 0.75 and by["short"].mean_tokens == 20.0
    assert (by["base"].on_front, by["long"].on_front, by["short"].on_front) == (False, True, True)
    assert by["long"].rates["reflection"] == 1.0 and by["long"].rates["verification"] == 1.0
    assert by["short"].rates["reflection"] == 0.0 and by["short"].rates["verification"] == 0.0

    out = tmp_path / "cmp"
    result = runner.invoke(app, ["compare", str(base), str(long), str(short), "--out", str(out),
                                 "--labels", "base,laser,grpo"])
    assert result.exit_code == 0, result.output
    md = (out / "compare.md").read_text()
    assert "| laser | 0.750 | 60.0 | 1.000 | yes | 1.000 | 1.000 |" in md
    assert "Pareto front (most accuracy for the fewest mean response tokens): grpo (0.500 at 20.0 tokens); " \
           "laser (0.750 at 60.0 tokens)." in md
    assert (out / "compare.png").stat().st_size > 10_000
    data = json.loads((out / "compare.json").read_text())
    assert [e["on_pareto_front"] for e in data["inputs"]] == [False, True, True]


def test_compare_refuses_bad_inputs_in_one_line(problems, tmp_path: Path) -> None:
    good = _eval_file(tmp_path / "a.json", problems, lambda i: True, tokens=5)
    no_records = _eval_file(tmp_path / "b.json", problems, lambda i: True, tokens=5, with_records=False)
    other = _eval_file(tmp_path / "c.json", get("arithmetic").distinct(4, seed=4, difficulty=2), lambda i: True,
                       tokens=5)
    (tmp_path / "junk.json").write_text("not json")
    cases = [
        ([good, tmp_path / "missing.json"], "missing.json does not exist"),
        ([good, no_records], "b.json holds no responses"),
        ([good, tmp_path / "junk.json"], "junk.json is not an rlvr eval JSON file"),
        ([good, other], "a and c were evaluated on different problems (4 only in a, 4 only in c); "),
        ([good, tmp_path], "holds no evaluated responses: run `rlvr eval"),
        ([good], "needs at least two inputs"),
    ]
    for inputs, message in cases:
        result = runner.invoke(app, ["compare", *map(str, inputs), "--out", str(tmp_path / "o")])
        assert result.exit_code == 2, (inputs, result.output)
        assert message in result.output and "Traceback" not in result.output
        assert not (tmp_path / "o").exists()  # nothing written on a refusal
    result = runner.invoke(app, ["compare", str(good), str(other), "--allow-different", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "warning: a and c were evaluated on different problems" in result.output
    with pytest.raises(CompareError, match="--labels gives 1 names for 2 inputs"):
        compare([good, good], ["x"])


def test_a_run_folder_is_read_through_its_checkpoint_evaluation(problems, tmp_path: Path) -> None:
    run = tmp_path / "run"
    folder = run / "eval"
    _eval_file(folder / "base.json", problems, lambda i: False, tokens=9)
    _eval_file(folder / "final.json", problems, lambda i: True, tokens=7)
    (folder / "checkpoints.json").write_text(json.dumps({"points": [{"name": "base"}, {"name": "final"}]}))
    other = _eval_file(tmp_path / "other.json", problems, lambda i: False, tokens=3)
    entries, _ = compare([run, other])
    assert entries[0].label == "run" and entries[0].accuracy == 1.0 and entries[0].source == folder / "final.json"
    entries, _ = compare([folder, other])
    assert entries[0].label == "run"
