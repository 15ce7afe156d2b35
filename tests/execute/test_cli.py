"""`rlvr execute FILE`: output, status line, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from rlvr.cli import app

runner = CliRunner()


def _program(tmp_path: Path, code: str) -> str:
    path = tmp_path / "prog.py"
    path.write_text(code, encoding="utf-8")
    return str(path)


def test_runs_a_program_with_stdin(tmp_path: Path) -> None:
    result = runner.invoke(app, ["execute", _program(tmp_path, "print(input()[::-1])"), "--stdin", "abc"])
    assert result.exit_code == 0
    assert result.stdout.startswith("cba\n")
    assert "status: ok" in result.output


def test_json_output_and_failing_status(tmp_path: Path) -> None:
    result = runner.invoke(app, ["execute", _program(tmp_path, "print(1)\nraise SystemExit(4)"), "--json"])
    assert result.exit_code == 1
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert record["status"] == "runtime-error" and record["exit_code"] == 4 and record["stdout"] == "1\n"


def test_expected_file_decides_wrong_answer(tmp_path: Path) -> None:
    expected = tmp_path / "want.txt"
    expected.write_text("2\n")
    result = runner.invoke(app, ["execute", _program(tmp_path, "print(1)"), "--expected-file", str(expected)])
    assert result.exit_code == 1
    assert "status: wrong-answer" in result.output


def test_timeout_status(tmp_path: Path) -> None:
    result = runner.invoke(app, ["execute", _program(tmp_path, "while True:\n    pass\n"), "-t", "0.3"])
    assert result.exit_code == 1
    assert "status: timeout" in result.output


def test_bad_input_is_one_line(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["execute", str(tmp_path / "nope.py")])
    assert missing.exit_code == 2 and "no such file" in missing.output and "Traceback" not in missing.output
    bad = tmp_path / "bad.py"
    bad.write_bytes(b"\xff\xfe print(1)")
    assert "not UTF-8" in runner.invoke(app, ["execute", str(bad)]).output
    nan = runner.invoke(app, ["execute", _program(tmp_path, "print(1)"), "-t", "nan"])
    assert nan.exit_code == 2 and "timeout" in nan.output and "Traceback" not in nan.output
    both = runner.invoke(app, ["execute", _program(tmp_path, "print(1)"), "--stdin", "a", "--stdin-file", "x"])
    assert both.exit_code == 2 and "not both" in both.output
