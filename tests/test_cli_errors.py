"""Every `rlvr` command: errors are printed literally, as one line, never as a traceback.

Error text used to go through rich markup, which ate `[train]` in `pip install 'rlvr[train]'`
and crashed on a stray `[/x]`; some bad inputs raised tracebacks. Each command is driven
here into an error whose text carries markup-like brackets, and a registry check makes sure
a new command cannot join the CLI without a case here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
import typer.main
from typer.testing import CliRunner

from rlvr.cli import app
from rlvr.tasks import get, names

runner = CliRunner()
MARK = "pip install 'rlvr[train]' [/x] [bold]"
BRACKETS = ("rlvr[train]", "[/x]", "[bold]")


def _commands(command: Any = None, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    command = command or typer.main.get_command(app)
    if not hasattr(command, "list_commands"):
        return {prefix}
    found: set[tuple[str, ...]] = set()
    for name in command.list_commands(None):
        found |= _commands(command.commands[name], (*prefix, name))
    return found


def _raise(error: Exception) -> Callable[..., Any]:
    def fake(*args: Any, **kwargs: Any) -> Any:
        raise error

    return fake


def _assert_clean_error(result: Any) -> str:
    """Exit 2, no exception escaped (no traceback), and the message is on stderr after 'error:'."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stderr.startswith("error: "), result.stderr
    return result.stderr


def _literal_cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, ...], list[str]]:
    """For each command, arguments that make it fail with MARK somewhere in the message."""
    import rlvr.train.demo

    monkeypatch.setattr(rlvr.train.demo, "run_demo", _raise(ValueError(MARK)))
    marked = str(tmp_path / f"{MARK}.jsonl")
    return {
        ("verify",): ["verify", marked],
        ("tasks", "list"): ["tasks", "list", "--category", MARK],
        ("tasks", "show"): ["tasks", "show", MARK],
        ("tasks", "export"): ["tasks", "export", "--tasks", MARK, "-o", str(tmp_path / "out.jsonl")],
        ("tasks", "check"): ["tasks", "check", marked],
        ("rewards", "plot"): ["rewards", "plot", MARK, "-o", str(tmp_path / "x.png")],
        ("train",): ["train", str(tmp_path / f"{MARK}.yaml")],
        ("eval",): ["eval", "default", "--difficulty", MARK],
        ("demo",): ["demo"],
        ("serve",): ["serve", "--rewards", MARK],
        ("execute",): ["execute", marked],
        ("analyze",): ["analyze", marked],
        ("compare",): ["compare", marked, str(tmp_path / "other.json")],
        ("self-improve",): ["self-improve", str(tmp_path / f"{MARK}.yaml")],
        ("merge",): ["merge", str(tmp_path / "a"), str(tmp_path / "b"), "-m", MARK, "-o", str(tmp_path / "m")],
        ("diff",): ["diff", str(tmp_path / MARK), str(tmp_path / "b"), "-o", str(tmp_path / "d")],
        ("ilo",): ["ilo", "default", "--data", marked],
        ("ilo-extract",): ["ilo-extract", str(tmp_path / MARK), "--out", str(tmp_path / "x.tsv")],
        ("preselect", "score"): ["preselect", "score", "--models", "a,b,c", "--abilities", "1,2,3", "--docs", marked,
                                 "--out", str(tmp_path / "s.jsonl")],
        ("preselect", "train"): ["preselect", "train", "--scores", marked, "--out", str(tmp_path / "c.bin")],
        ("preselect", "select"): ["preselect", "select", "--model", str(tmp_path / "c.bin"), "--docs", marked,
                                  "--keep", "0.2", "--out", str(tmp_path / "o.jsonl")],
    }


# Commands that take no user input and so have no error to print.
NO_ERROR_PATH = {("rewards", "list")}


def test_every_command_has_a_literal_error_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert set(_literal_cases(tmp_path, monkeypatch)) | NO_ERROR_PATH == _commands()


def test_error_text_with_brackets_prints_literally(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for command, args in _literal_cases(tmp_path, monkeypatch).items():
        result = runner.invoke(app, args)
        message = _assert_clean_error(result)
        for text in BRACKETS:
            assert text in message, (command, message)


def test_yaml_errors_keep_their_brackets(tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text('algorithm: [1, 2\n  x: "[/x]"\n')
    message = _assert_clean_error(runner.invoke(app, ["train", str(recipe)]))
    assert "algorithm: [1, 2" in message and '"[/x]"' in message and "expected ',' or ']'" in message


def test_set_override_with_markup_is_literal() -> None:
    message = _assert_clean_error(runner.invoke(app, ["train", "--dry-run", "--set", "algorithm.[/x][red]=1"]))
    assert "algorithm.[/x][red]" in message


def _one_line(result: Any) -> str:
    message = _assert_clean_error(result)
    assert message.count("\n") == 1, message
    return message


@pytest.fixture()
def blocker(tmp_path: Path) -> Path:
    """A regular file, used as a folder in output paths (so no user, root included, can write there)."""
    path = tmp_path / "a-file"
    path.write_text("x")
    return path


def _unwritable(tmp_path: Path, blocker: Path, suffix: str) -> list[Path]:
    folder = tmp_path / f"folder{suffix}"
    folder.mkdir()
    return [blocker / f"out{suffix}", folder]


def test_unwritable_outputs_are_one_line_errors_and_leave_nothing(tmp_path: Path, blocker: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"response": "\\boxed{1}", "gold": "1"}) + "\n")
    for out in _unwritable(tmp_path, blocker, ".jsonl"):
        assert "cannot write" in _one_line(runner.invoke(app, ["tasks", "export", "--tasks", "sat", "--n", "3", "-o", str(out)]))
        assert "cannot write" in _one_line(runner.invoke(app, ["verify", str(source), "-o", str(out)]))
    for out in _unwritable(tmp_path, blocker, ".png"):
        assert "cannot write" in _one_line(runner.invoke(app, ["rewards", "plot", "laser", "-o", str(out)]))
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a-file", "folder.jsonl", "folder.png", "in.jsonl"]


def test_eval_json_path_is_checked_before_any_sampling(tmp_path: Path, blocker: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import rlvr.evaluate.model_eval

    calls: list[object] = []
    monkeypatch.setattr(rlvr.evaluate.model_eval, "evaluate_model", lambda *a, **k: calls.append(a))
    for out in _unwritable(tmp_path, blocker, ".json"):
        message = _one_line(runner.invoke(app, ["eval", "default", "--n", "2", "--json", str(out)]))
        assert f"cannot write {out}" in message
    assert calls == []


def test_check_rejects_non_utf8_and_cut_short_files(tmp_path: Path) -> None:
    problem = get("sat").problem(0, difficulty=2).to_dict()
    good = json.dumps({"problem": problem, "response": "<answer>x</answer>"})
    cases = {
        b"\xff\xfe" + good.encode() + b"\n": "in.jsonl:1: not UTF-8 text",
        good.encode() + b"\n" + "caf\u00e9".encode("latin-1") + b"\n": "in.jsonl:2: not UTF-8 text",
        good.encode() + b"\n" + good.encode()[:40]: "in.jsonl:2: not valid JSON",
        b"[1, 2]\n": "in.jsonl:1: each line must be a JSON object",
    }
    for content, expected in cases.items():
        path = tmp_path / "in.jsonl"
        path.write_bytes(content)
        assert expected in _one_line(runner.invoke(app, ["tasks", "check", str(path)]))
    path.write_bytes(good.encode()[:40])
    assert "cut short" in _one_line(runner.invoke(app, ["tasks", "check", str(path)]))


MUTILATIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "no metadata": lambda p: {k: v for k, v in p.items() if k != "metadata"},
    "metadata null": lambda p: {**p, "metadata": None},
    "metadata a list": lambda p: {**p, "metadata": [1]},
    "answer a number": lambda p: {**p, "answer": 5},
    "no answer": lambda p: {k: v for k, v in p.items() if k != "answer"},
    "empty metadata": lambda p: {**p, "metadata": {}},
}


@pytest.mark.parametrize("family", names())
def test_check_answers_every_incomplete_problem_with_a_verdict_or_one_line(tmp_path: Path, family: str) -> None:
    problem = get(family).problem(0, difficulty=3).to_dict()
    path = tmp_path / "in.jsonl"
    for label, mutilate in MUTILATIONS.items():
        for nested in (True, False):
            broken = mutilate(problem)
            record = {"problem": broken} if nested else dict(broken)
            record["response"] = f"<answer>{problem['answer']}</answer>"
            path.write_text(json.dumps(record) + "\n")
            result = runner.invoke(app, ["tasks", "check", str(path)])
            if result.exit_code == 0:
                assert json.loads(result.stdout.splitlines()[0])["reason"], (family, label)
            else:
                assert "in.jsonl:1:" in _one_line(result), (family, label)


def test_verl_engine_without_verl_is_a_message_before_any_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for module in ("verl", "verl.trainer", "verl.trainer.main_ppo", "omegaconf", "hydra"):
        monkeypatch.setitem(sys.modules, module, None)  # import raises ImportError, find_spec says absent
    out = tmp_path / "run"
    message = _one_line(runner.invoke(app, ["train", "--dry-run", "-o", str(out), "--set", "engine=verl"]))
    assert "engine verl needs verl" in message and "pip install 'rlvr[verl]'" in message
    assert not out.exists()


def test_missing_training_modules_name_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import rlvr.evaluate.model_eval
    import rlvr.train.demo

    error = ModuleNotFoundError("No module named 'torch'", name="torch")
    monkeypatch.setattr(rlvr.train.demo, "run_demo", _raise(error))
    monkeypatch.setattr(rlvr.evaluate.model_eval, "evaluate_model", _raise(error))
    for args in (["demo"], ["eval", "default", "--n", "2"]):
        message = _one_line(runner.invoke(app, args))
        assert "cannot import torch" in message and "pip install 'rlvr[train]'" in message
