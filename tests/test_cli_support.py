"""Shared CLI plumbing: output files written whole, progress on stderr (bar or plain lines)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rlvr.cli_support as support
from rlvr.atomic import AtomicFile, OutputError
from rlvr.cli import app

runner = CliRunner()


# ---- AtomicFile -------------------------------------------------------------------------------

def test_atomic_file_appears_only_on_commit(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "out.jsonl"
    target = AtomicFile(path)
    assert target.temp.parent == path.parent and target.temp.suffix == ".jsonl" and target.temp.exists()
    target.temp.write_text("data\n")
    assert not path.exists()
    assert target.commit() == path
    assert path.read_text() == "data\n" and not target.temp.exists()


def test_atomic_file_keeps_the_old_file_on_failure_and_ctrl_c(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text("old\n")
    for error in (RuntimeError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(error)):
            with AtomicFile(path) as target:
                target.temp.write_text("half")
                raise error
        assert path.read_text() == "old\n"
        assert sorted(os.listdir(tmp_path)) == ["out.jsonl"]


def test_atomic_file_respects_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        with AtomicFile(tmp_path / "x.json") as target:
            target.temp.write_text("{}")
    finally:
        os.umask(previous)
    assert (tmp_path / "x.json").stat().st_mode & 0o777 == 0o644


def test_unwritable_paths_fail_before_any_work(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    for path in (blocker / "out.json", tmp_path):
        with pytest.raises(OutputError, match="cannot write"):
            AtomicFile(path)


# ---- progress ---------------------------------------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_plain_progress_prints_every_tenth_and_on_time(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    clock = Clock()
    monkeypatch.setattr(support.time, "monotonic", clock)
    bar = support.PlainProgress("work", 100, interval=30, after=2)
    bar.advance(50)  # within the first 2 s: quiet
    assert capsys.readouterr().err == ""
    clock.now += 3
    bar.advance(1)  # 51%: crosses into the sixth tenth
    bar.advance(1)  # same tenth, little time: nothing
    clock.now += 31
    bar.advance(1)  # same tenth, but 31 s later
    for _ in range(47):
        bar.advance(1)
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["work: 51/100 (51%), 0:03 elapsed", "work: 53/100 (53%), 0:34 elapsed",
                     "work: 60/100 (60%), 0:34 elapsed", "work: 70/100 (70%), 0:34 elapsed",
                     "work: 80/100 (80%), 0:34 elapsed", "work: 90/100 (90%), 0:34 elapsed",
                     "work: 100/100 (100%), 0:34 elapsed"]


def test_export_progress_goes_to_stderr_as_plain_lines_off_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(support, "PLAIN_PROGRESS_AFTER", 0.0)
    out = tmp_path / "a.jsonl"
    result = runner.invoke(app, ["tasks", "export", "--tasks", "arithmetic", "--n", "40", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote 40 verl rows to {out}\n"
    lines = result.stderr.splitlines()
    assert lines[0].startswith("export arithmetic: 4/40 (10%)")
    assert lines[-1].startswith("export arithmetic: 40/40 (100%)") and len(lines) == 10


def test_export_bar_on_a_terminal_is_drawn_on_stderr_not_stdout(tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    leader, follower = pty.openpty()
    command = [sys.executable, "-c", "from rlvr.cli import app; app()", "tasks", "export", "--tasks", "zebra",
               "--n", "300", "-o", str(out)]
    environment = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=follower, env=environment)
    os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        drawn += chunk
    stdout, _ = process.communicate(timeout=300)
    os.close(leader)
    assert process.returncode == 0, drawn
    assert stdout.decode() == f"wrote 300 verl rows to {out}\n"
    assert b"export zebra" in drawn and b"\x1b[" in drawn  # a live bar, with cursor control, on the terminal


def test_tasks_list_prints_prompts_literally(monkeypatch: pytest.MonkeyPatch) -> None:
    # A prompt excerpt with markup-like brackets once crashed rich (or vanished from the table).
    import rlvr.tasks.catalog

    monkeypatch.setattr(rlvr.tasks.catalog, "excerpt", lambda text, width: "grid [/x] [bold]cell")
    result = runner.invoke(app, ["tasks", "list", "--category", "strings"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "grid [/x] [bold]cell" in result.stdout
