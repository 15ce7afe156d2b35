"""The runner's bookkeeping: rates, crash handling, subsets and the written reports."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

import report  # noqa: E402
import run  # noqa: E402

ITEMS = [
    {"id": "a", "category": "integer", "label": True, "gold": "5", "response": "\\boxed{5}", "note": "plain; boxed"},
    {"id": "b", "category": "integer", "label": False, "gold": "5", "response": "\\boxed{6}", "note": "off by one; bold"},
    {"id": "c", "category": "hack-empty", "label": False, "gold": "5", "response": "", "note": "empty response"},
    {"id": "d", "category": "integer", "label": True, "gold": "7", "response": "Answer: 7", "note": "plain; answer-colon"},
]


def _verifier(verdicts: dict[str, bool], crash_on: str | None = None) -> run.Verifier:
    by_response = {item["response"]: verdicts[item["id"]] for item in ITEMS}

    def call(response: str, gold: str):
        if response == crash_on:
            raise RuntimeError("boom")
        return by_response[response], response[-3:], "test", None

    return run.Verifier("rlvr", call)


def test_summary_counts_false_negatives_false_positives_and_crashes() -> None:
    verifier = _verifier({"a": True, "b": True, "c": False, "d": True}, crash_on="Answer: 7")
    run.score(ITEMS, [verifier])
    summary = report.summarise(ITEMS, {"rlvr": verifier.outcomes})
    overall = summary["rlvr"]["overall"]
    assert (overall.positives, overall.negatives) == (2, 2)
    assert overall.false_negatives == 1  # the crash on item d counts as a wrong verdict
    assert overall.false_positives == 1  # item b
    assert overall.errors == 1
    assert overall.accuracy == pytest.approx(0.5)
    assert summary["rlvr"]["integer"].false_positives == 1
    assert summary["rlvr"]["style:bold"].false_positives == 1
    assert summary["rlvr"]["hack-empty"].false_positives == 0


def test_reports_list_every_rlvr_failure_and_the_targets() -> None:
    verifier = _verifier({"a": False, "b": False, "c": True, "d": True})
    run.score(ITEMS, [verifier])
    summary = report.summarise(ITEMS, {"rlvr": verifier.outcomes})
    context = {"date": "today", "machine": "2 shared cores", "command": "run.py", "items": len(ITEMS)}
    failures = report.failures_markdown(ITEMS, {"rlvr": verifier.outcomes}, context)
    wrong_section = failures.split("## rlvr: the 15 slowest")[0]
    assert "## rlvr: the 15 slowest items" in failures
    assert "## rlvr: 2 wrong verdicts" in wrong_section
    assert "| a | integer | True |" in wrong_section and "| c | hack-empty | False |" in wrong_section
    assert "| b |" not in wrong_section and "| d |" not in wrong_section
    results = report.results_markdown(summary, {"math-verify": "not installed"}, context)
    assert "false-negative rate <= 1%: 50.0% (**missed**)" in results
    assert "false positives = 0: 1 (**missed**)" in results
    assert "2 shared cores" in results and "not installed" in results


def test_speedup_is_the_items_per_second_ratio() -> None:
    fast, slow = report.Stats(seconds=[0.001] * 10), report.Stats(seconds=[0.01] * 10)
    summary = {"rlvr": {"overall": fast}, "math-verify": {"overall": slow}}
    assert report.speedup(summary) == pytest.approx(10.0)


def test_load_items_spreads_a_limit_and_filters_a_category(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    rows = [dict(ITEMS[k % 4], id=str(k)) for k in range(40)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    subset = run.load_items(path, None, 4)
    assert [r["id"] for r in subset] == ["0", "10", "20", "30"]
    assert {r["category"] for r in run.load_items(path, "hack-empty", None)} == {"hack-empty"}
    with pytest.raises(SystemExit, match="known categories"):
        run.load_items(path, "no-such-category", None)


def test_end_to_end_on_a_small_set_writes_all_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(item) + "\n" for item in ITEMS), encoding="utf-8")
    out = tmp_path / "out"
    monkeypatch.setattr(sys, "argv", ["run.py", "--labelled", str(path), "--out-dir", str(out)])
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    try:
        assert run.main() == 0
    finally:
        if cores:  # main() pins the process to one core; give the test process its cores back
            os.sched_setaffinity(0, cores)
    results = (out / "RESULTS.md").read_text(encoding="utf-8")
    assert "| rlvr | 4 |" in results and "| math-verify | 4 |" in results
    assert "Speed ratio rlvr / Math-Verify" in results
    assert (out / "failures.md").exists() and (out / "accuracy.png").stat().st_size > 0
    assert (out / "latency.png").stat().st_size > 0
