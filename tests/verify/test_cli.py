"""`rlvr verify FILE.jsonl`: verdict lines, summary, progress, and clear errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rlvr.cli import app

runner = CliRunner()


def _write(path: Path, records: list[object]) -> Path:
    path.write_text("".join((record if isinstance(record, str) else json.dumps(record)) + "\n" for record in records))
    return path


def test_verdict_per_line_and_summary(tmp_path: Path) -> None:
    source = _write(
        tmp_path / "in.jsonl",
        [
            {"response": "The answer is \\boxed{\\frac{1}{2}}.", "gold": "0.5"},
            {"response": "\\boxed{7}", "gold": "5"},
            {"response": "{", "gold": "5"},
            {"response": "\\boxed{27}", "gold": 27.0},
        ],
    )
    result = runner.invoke(app, ["verify", str(source)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [line["correct"] for line in lines] == [True, False, False, True]
    assert lines[0]["extracted"] == "\\frac{1}{2}"
    assert lines[1]["reason"] == "not-equal" and lines[2]["reason"] == "hacking"
    assert "4 checked, 2 correct" in result.stderr
    assert "hacking" in result.stderr


def test_output_file_and_workers(tmp_path: Path) -> None:
    records = [{"response": f"\\boxed{{{n}}}", "gold": str(n if n % 3 else n + 1)} for n in range(150)]
    source = _write(tmp_path / "in.jsonl", records)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["verify", str(source), "-o", str(out), "--workers", "2", "--timeout", "5"])
    assert result.exit_code == 0, result.output
    verdicts = [json.loads(line) for line in out.read_text().splitlines()]
    assert [verdict["correct"] for verdict in verdicts] == [n % 3 != 0 for n in range(150)]


def test_stdin_with_dash(tmp_path: Path) -> None:
    result = runner.invoke(app, ["verify", "-"], input=json.dumps({"response": "Answer: 12", "gold": "twelve"}) + "\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["correct"] is True


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "in.jsonl:2: not valid JSON"),
        ('{"response": "x"}', "in.jsonl:2: missing field 'gold'"),
        ('{"gold": "5"}', "in.jsonl:2: missing field 'response'"),
        ("[1, 2]", "in.jsonl:2: expected a JSON object"),
        ('{"response": 5, "gold": "5"}', "in.jsonl:2: 'response' must be a string"),
        ('{"response": "5", "gold": null}', "in.jsonl:2: 'gold' must be a string or a number"),
    ],
)
def test_bad_lines_name_the_line_without_a_traceback(tmp_path: Path, line: str, message: str) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"response": "\\boxed{5}", "gold": "5"}) + "\n" + line + "\n")
    result = runner.invoke(app, ["verify", str(source)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["verify", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_installed_command_runs_as_a_subprocess(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.jsonl", [{"response": "\\boxed{x^2-1}", "gold": "(x-1)(x+1)"}] * 250)
    command = [sys.executable, "-c", "from rlvr.cli import app; app()", "verify", str(source)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 250
    assert "250 checked, 250 correct" in result.stderr
