"""`rlvr serve` refuses configurations that cannot work, with a message and no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from rlvr.cli import app


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rewards", "laser_d"], "--n-samples"),
        (["--rewards", "laser_d", "--n-samples", "8"], "--prompts-per-step"),
        (["--rewards", "l1_max"], "--tokenizer"),
        (["--rewards", "bogus"], "unknown reward 'bogus'"),
        (["--params", "{not json"], "--params is not valid JSON"),
        (["--params", '{"laser": {"alpha": 1}}'], "not among the rewards"),
        (["--workers", "0"], "workers must be a whole number >= 1"),
        (["--max-body-mb", "0"], "max_body_mb must be a number of MiB"),
        (["--cache-mb", "-1"], "cache_mb must be a number of MiB"),
        (["--group-timeout", "0"], "group_timeout must be a number of seconds in (0, 86400]"),
        (["--rewards", "laser", "--tokenizer", "/no/such/folder"], "cannot load a tokenizer"),
    ],
)
def test_bad_configurations_exit_with_a_message(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["serve", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_the_cli_does_not_import_the_web_stack() -> None:
    # The core install has no fastapi/uvicorn/httpx: `rlvr --help` must work without them.
    code = "import sys, rlvr.cli, rlvr.serve; print(sorted(m for m in ('fastapi', 'uvicorn', 'httpx', 'torch') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True).stdout
    assert out.strip() == "[]"
