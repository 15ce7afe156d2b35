"""benchmarks/code/run.py: its sections of RESULTS.md are replaced in place, other sections kept."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "run.py"


def _load():  # a unique module name: other benchmark areas also have a run.py
    spec = importlib.util.spec_from_file_location("rlvr_bench_code_run", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sections_are_replaced_and_other_text_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bench = _load()
    page = tmp_path / "RESULTS.md"
    monkeypatch.setattr(bench, "RESULTS", page)
    bench.write_section("throughput", "<!-- throughput:start -->\nold\n<!-- throughput:end -->")
    page.write_text(page.read_text() + "\n## Someone else's section\nkeep me\n")
    bench.write_section("throughput", "<!-- throughput:start -->\nnew\n<!-- throughput:end -->")
    bench.write_section("escape", "<!-- escape:start -->\nrows\n<!-- escape:end -->")
    text = page.read_text()
    assert "new" in text and "old" not in text
    assert "keep me" in text and text.count("throughput:start") == 1
    assert text.index("throughput:start") < text.index("Someone else") < text.index("escape:start")


def test_check_program_is_human_evals() -> None:
    bench = _load()
    problem = {"prompt": "def f(x):\n", "canonical_solution": "    return x\n", "test": "def check(c):\n    assert c(1) == 1\n",
               "entry_point": "f"}
    assert bench.check_program(problem) == "def f(x):\n    return x\n\ndef check(c):\n    assert c(1) == 1\n\ncheck(f)"
