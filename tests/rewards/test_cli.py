"""`rlvr rewards list` and `rlvr rewards plot`."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from rlvr import rewards
from rlvr.cli import app

runner = CliRunner()


def test_list_names_every_method_with_defaults_and_source() -> None:
    result = runner.invoke(app, ["rewards", "list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for name in rewards.names():
        assert name in result.output
    assert "monitor_every=20" in result.output
    assert "2505.15612" in result.output
    assert "1[no answer]" in result.output  # formulas are shown literally, not as markup


def test_plot_writes_a_png(tmp_path: Path) -> None:
    out = tmp_path / "curves.png"
    result = runner.invoke(
        app, ["rewards", "plot", "laser_d", "group_penalty", "thinkprune", "-o", str(out), "--max-len", "6000",
              "--param", "alpha=0.3", "--param", "thinkprune.limits=[3000,2000]",
              "--param", "thinkprune.stage_steps=[0,5]", "--step", "6"],
    )
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000


def test_plot_reports_bad_names_and_params_without_a_traceback(tmp_path: Path) -> None:
    out = tmp_path / "x.png"
    for args, message in [
        (["rewards", "plot", "nope", "-o", str(out)], "unknown reward method"),
        (["rewards", "plot", "laser", "--param", "gamma=1", "-o", str(out)], "no plotted method has a parameter"),
        (["rewards", "plot", "laser", "--param", "oops", "-o", str(out)], "key=value"),
        (["rewards", "plot", "laser", "--param", "alpha=-2", "-o", str(out)], "alpha must be >= 0"),
    ]:
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        assert message in result.output
        assert "Traceback" not in result.output
    assert not out.exists()
