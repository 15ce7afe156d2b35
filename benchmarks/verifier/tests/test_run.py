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
    try:
        import math_verify  # noqa: F401
    except ImportError:
        # `make test` installs no peer: a stand-in (the last integer, compared as text) keeps the
        # harness end to end; with `make bench-setup` the real Math-Verify runs here
        import re
        import types

        fake = types.ModuleType("math_verify")
        fake.parse = lambda text, **kwargs: re.findall(r"-?\d+", text)[-1:]  # type: ignore[attr-defined]
        fake.verify = lambda gold, answer, **kwargs: bool(gold) and gold == answer  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "math_verify", fake)
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


def _item(category: str, response: str, note: str, label: bool = True, id_: str = "x") -> dict:
    return {"id": id_, "category": category, "label": label, "gold": "5", "response": response, "note": note}


@pytest.mark.parametrize(
    ("response", "note", "expected"),
    [
        ("Work.\n\nTherefore, the answer is \\boxed{5}.", "plain; boxed", "boxed"),
        ("Work.\n\n**Final Answer**\n\\[\n\\boxed{5}\n\\]", "plain; boxed-display", "boxed"),
        ("Work.\n\nThe final answer is $5$. I hope it is correct.", "plain; final-answer-is", "dollar"),
        ("Work.\n\nThe answer is: $\\frac{1}{2}$", "plain; answer-is-colon", "dollar"),
        ("Work.\n\nSo the answer is **$\\frac{1}{2}$**.", "plain; bold", "dollar"),
        ("Work.\n\n**Final Answer:** $\\sqrt{2}$", "plain; final-colon", "dollar"),
        ("Work costs $5 and $6.\n\nAnswer: 11", "plain; answer-colon", "bare"),
        ("Work.\n\nSo the answer is **11**.", "plain; bold", "bare"),
        ("Work.\n\n#### 11", "plain; hash", "hash"),
        ("Work.\n\nHence the result is $\\fbox{11}$.", "plain; fbox", "fbox"),
        ("Work.\n\n<answer>11</answer>", "plain; answer-tag", "answer-tag"),
        ("<think>\nmaybe 4\n</think>\n<answer>5</answer>", "answer tag after think with a wrong guess", "answer-tag"),
        ("Work.\n\n<answer>\n\\boxed{5}\n</answer>", "box inside answer tags", "boxed"),
        ("<think>\n\\boxed{4}\n</think>\n\nTherefore, the answer is \\boxed{5}.", "wrong box inside think, right box after", "boxed"),
    ],
)
def test_layout_reads_where_the_final_answer_sits(response: str, note: str, expected: str) -> None:
    category = "extraction" if ";" not in note else "integer"
    assert report.layout(_item(category, response, note)) == expected


def test_fair_subset_keeps_layouts_both_read_and_drops_labelling_choices() -> None:
    boxed = "Therefore, the answer is \\boxed{5}."
    assert report.in_fair_subset(_item("integer", boxed, "plain; boxed"))
    assert not report.in_fair_subset(_item("number-word", boxed, "plain; boxed"))
    assert not report.in_fair_subset(_item("integer", "#### 5", "plain; hash"))
    assert not report.in_fair_subset(_item("hack-empty", boxed, "empty box", label=False))
    assert report.layout(_item("hack-empty", boxed, "empty box", label=False)) is None


def test_fair_section_reports_the_subset_and_speed_at_equal_timeouts() -> None:
    items = [
        _item("integer", "\\boxed{5}", "plain; boxed", id_="in-right"),
        _item("integer", "\\boxed{6}", "plain; boxed", label=False, id_="in-wrong"),
        _item("integer", "#### 5", "plain; hash", id_="out-right"),
        _item("number-word", "\\boxed{\\text{five}}", "plain; boxed", id_="word-right"),
    ]

    class O:  # an outcome
        def __init__(self, correct: bool, seconds: float) -> None:
            self.correct, self.seconds, self.error, self.extracted, self.reason, self.detail = correct, seconds, None, None, None, None

    rlvr = {i["id"]: O(i["label"], 0.001) for i in items}
    # Math-Verify misses the hash layout and the number word, reads the boxed items right
    mv = {"in-right": O(True, 0.01), "in-wrong": O(False, 0.01), "out-right": O(False, 0.01), "word-right": O(False, 0.01)}
    mv_defaults = {k: O(v.correct, 0.02) for k, v in mv.items()}
    summary = report.summarise(items, {"rlvr": rlvr, "math-verify": mv, report.MV_DEFAULTS: mv_defaults})
    assert summary["math-verify"]["subset:both-read"].n == 2
    assert summary["math-verify"]["subset:both-read"].false_negatives == 0
    assert summary["math-verify"]["subset:outside"].false_negatives == 2
    text = "\n".join(report.fair_section(summary, 2))
    assert "| 2 (1/1) | 0.0% (0/1) | 0.0% (0/1) | 0.0% (0/1) | 0.0% (0/1) |" in text
    assert "Of Math-Verify's 2 false negatives, 2 are outside the subset" in text
    assert "equal timeouts, whole set: **10.0x**" in text
    assert "default 5 s timeouts, whole set: **20.0x**" in text
    context = {"date": "today", "machine": "m", "command": "run.py", "items": 4, "timeout_s": 2}
    results = report.results_markdown(summary, {}, context)
    assert "number-word (labelling choice)" in results
    assert "| `<answer>...</answer>` without a box |" not in results  # no such items here
    assert "| `#### ...` line | no | 1 | 0 |" in results
    assert f"{report.MV_DEFAULTS} FN" not in results  # the defaults run is timed, not tabulated


def test_math_verify_gets_rlvrs_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    calls: list[tuple[str, dict]] = []
    fake = types.ModuleType("math_verify")
    fake.parse = lambda text, **kwargs: calls.append(("parse", kwargs)) or [text]  # type: ignore[attr-defined]
    fake.verify = lambda gold, answer, **kwargs: calls.append(("verify", kwargs)) or True  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "math_verify", fake)
    equal = run.math_verify_verifier()
    assert equal.run("\\boxed{5}", "5").correct
    assert calls == [("parse", {"parsing_timeout": 2}), ("parse", {"parsing_timeout": 2}), ("verify", {"timeout_seconds": 2})]
    assert run.MATH_VERIFY_TIMEOUT_S == 2 and run.TIMEOUT_S == 2.0
    calls.clear()
    defaults = run.math_verify_defaults()
    assert defaults.name == report.MV_DEFAULTS and defaults.run("\\boxed{5}", "5").correct
    assert calls == [("parse", {}), ("parse", {}), ("verify", {})]


def test_results_carry_the_peer_suite_summary(tmp_path: Path) -> None:
    page = tmp_path / "peer_suite.md"
    assert report.peer_suite_summary(page) is None
    page.write_text("# t\n\n- date: today; rlvr 0\n- command: x\n\n## Agreement\n\n- rlvr agrees in **9 of 10**\n"
                    "  (it fails a.py:1)\n\nprose\n\n## Disagreements\n\n- not this\n", encoding="utf-8")
    summary = report.peer_suite_summary(page)
    assert summary == "- date: today; rlvr 0\n- rlvr agrees in **9 of 10**\n  (it fails a.py:1)"
    fast = report.Stats(positives=1, seconds=[0.001])
    context = {"date": "today", "machine": "m", "command": "run.py", "items": 1, "peer_suite": summary}
    results = report.results_markdown({"rlvr": {"overall": fast}}, {}, context)
    assert "## Math-Verify's own regression cases" in results and "**9 of 10**" in results
