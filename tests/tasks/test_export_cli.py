from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rlvr.cli import app
from rlvr.tasks import TaskError, get
from rlvr.tasks.checking import check_record
from rlvr.tasks.export import export

runner = CliRunner()


def test_export_verl_parquet_round_trips(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "train.parquet"
    result = runner.invoke(app, ["tasks", "export", "--tasks", "sat,cipher", "--n", "10", "--difficulty", "3",
                                 "--format", "verl", "--seed", "5", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = pq.read_table(out).to_pylist()
    assert len(rows) == 10
    assert [r["data_source"] for r in rows[:4]] == ["rlvr/sat", "rlvr/cipher", "rlvr/sat", "rlvr/cipher"]
    first = rows[0]
    assert first["ability"] == "logic"
    assert first["prompt"][-1]["role"] == "user" and "<answer>" in first["prompt"][-1]["content"]
    assert first["reward_model"]["style"] == "rule"
    assert first["extra_info"]["difficulty"] == 3
    assert first["extra_info"]["split"] == "train"
    expected = get("sat").problem(0, seed=5, difficulty=3)
    assert first["reward_model"]["ground_truth"] == expected.answer
    for row in rows:
        gold = check_record({**row, "response": f"<answer>{row['reward_model']['ground_truth']}</answer>"})
        assert gold.correct
        assert not check_record({**row, "response": "no tag"}).correct


def test_export_trl_and_plain_jsonl(tmp_path: Path) -> None:
    trl = tmp_path / "trl.jsonl"
    plain = tmp_path / "plain.jsonl"
    assert export(["arithmetic"], 6, trl, fmt="trl", difficulty=1) == 6
    assert export(["arithmetic", "dyck_error"], 4, plain, fmt="jsonl", weights=[1, 1], seed=2) == 4
    trl_rows = [json.loads(line) for line in trl.read_text().splitlines()]
    assert set(trl_rows[0]) == {"prompt", "answer", "task", "difficulty", "problem_json"}
    assert trl_rows[0]["prompt"][0]["content"].startswith("What is")
    plain_rows = [json.loads(line) for line in plain.read_text().splitlines()]
    assert {"id", "task", "prompt", "answer", "difficulty", "metadata"} <= set(plain_rows[0])
    assert check_record({**plain_rows[0], "response": f"<answer>{plain_rows[0]['answer']}</answer>"}).correct


@pytest.mark.parametrize(
    "args, message",
    [
        (["--tasks", "nope", "--n", "3", "-o", "x.jsonl"], "unknown task"),
        (["--tasks", "sat", "--n", "3", "--difficulty", "0", "-o", "x.jsonl"], "difficulty"),
        (["--tasks", "sat", "--n", "3", "--format", "csv", "-o", "x.jsonl"], "format"),
        (["--tasks", "sat", "--n", "3", "-o", "x.csv"], ".parquet"),
        (["--tasks", "sat", "--n", "0", "-o", "x.jsonl"], "at least 1"),
        (["--tasks", "sat", "--n", "3", "--weights", "a", "-o", "x.jsonl"], "weights"),
    ],
)
def test_export_errors_are_clean(tmp_path: Path, args: list[str], message: str) -> None:
    args = [a if not a.startswith("x.") else str(tmp_path / a) for a in args]
    result = runner.invoke(app, ["tasks", "export", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_export_function_validates_before_writing(tmp_path: Path) -> None:
    with pytest.raises(TaskError):
        export([], 3, tmp_path / "x.jsonl")
    assert not (tmp_path / "x.jsonl").exists()


def test_list_show_and_markdown() -> None:
    listed = runner.invoke(app, ["tasks", "list"])
    assert listed.exit_code == 0
    assert "sequence_induction" in listed.output and "math500" in listed.output
    shown = runner.invoke(app, ["tasks", "show", "arithmetic", "--difficulty", "2", "--seed", "4"])
    assert shown.exit_code == 0
    problem = get("arithmetic").problem(0, seed=4, difficulty=2)
    assert problem.prompt in shown.output and problem.answer in shown.output
    as_json = runner.invoke(app, ["tasks", "show", "sat", "--json", "-d", "1"])
    assert json.loads(as_json.output)["task"] == "sat"
    markdown = runner.invoke(app, ["tasks", "list", "--markdown"])
    assert markdown.output.startswith("# Task families")
    assert "| `cipher` | strings |" in markdown.output


@pytest.mark.parametrize("args", [["show", "nope"], ["show", "sat", "-d", "11"], ["check", "missing.jsonl"]])
def test_bad_commands_exit_2_without_traceback(args: list[str]) -> None:
    result = runner.invoke(app, ["tasks", *args])
    assert result.exit_code == 2
    assert "error:" in result.output and "Traceback" not in result.output


def test_check_command(tmp_path: Path) -> None:
    problems = list(get("dyck_error").generate(3, difficulty=4))
    lines = [
        {"problem": problems[0].to_dict(), "response": f"<answer>{problems[0].answer}</answer>"},
        {"problem": problems[1].to_dict(), "response": "<answer>9999</answer>"},
        {**problems[2].to_dict(), "response": "nothing"},
    ]
    path = tmp_path / "responses.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    result = runner.invoke(app, ["tasks", "check", str(path)])
    assert result.exit_code == 0, result.output
    verdicts = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [v["correct"] for v in verdicts] == [True, False, False]
    assert verdicts[2]["reason"] == "no-answer"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"response": 3}\n')
    assert runner.invoke(app, ["tasks", "check", str(bad)]).exit_code == 2


def test_parquet_is_written_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    import rlvr.tasks.export as export_module

    monkeypatch.setattr(export_module, "PARQUET_BATCH", 7)
    out = tmp_path / "batched.parquet"
    assert export(["arithmetic", "sat"], 23, out, fmt="trl", difficulty=2) == 23
    rows = pq.read_table(out).to_pylist()
    assert len(rows) == 23
    assert [r["task"] for r in rows[:3]] == ["arithmetic", "sat", "arithmetic"]
    assert rows[22]["problem_json"] == to_json(get("arithmetic").problem(11, difficulty=2))


def to_json(problem) -> str:  # noqa: ANN001
    from rlvr.tasks.rows import problem_to_json

    return problem_to_json(problem)


def test_list_by_category() -> None:
    strings = runner.invoke(app, ["tasks", "list", "--category", "strings"])
    assert strings.exit_code == 0 and "cipher" in strings.output and "math500" not in strings.output
    unknown = runner.invoke(app, ["tasks", "list", "--category", "poetry"])
    assert unknown.exit_code == 2 and "no family" in unknown.output


def test_test_split_is_recorded(tmp_path: Path) -> None:
    out = tmp_path / "test.jsonl"
    result = runner.invoke(app, ["tasks", "export", "--tasks", "gsm8k", "--n", "3", "--split", "test", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["extra_info"]["split"] for r in rows} == {"test"}
    bad = runner.invoke(app, ["tasks", "export", "--tasks", "gsm8k", "--n", "3", "--split", "dev", "-o", str(out)])
    assert bad.exit_code == 2 and "split" in bad.output
