"""Reading a peer's test suite statically, and reporting every disagreement with a reason."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

import peer_cases  # noqa: E402
import peer_suite  # noqa: E402

# A made-up test file in the shape of Math-Verify's tests (nothing of theirs is copied here).
SYNTHETIC = r'''
import math
import pytest

from tests.helpers import compare_strings
from math_verify import parse, verify

MARKER = []


@pytest.mark.parametrize(
    "gold,pred,expected",
    [
        ("$5$", "\\boxed{5}", 1),
        ("$5$", "\\boxed{6}", 0),
        ("7", "seven", True),
        (GOLD_FROM_A_NAME, "x", 1),
        ("$2$", __import__("os").system("touch PWNED"), 1),
        ("$3$", "$3$"),
        ("$3$", "$3$", 2),
    ],
)
def test_basic(gold, pred, expected):
    assert compare_strings(gold, pred, match_types=["latex"]) == expected


@pytest.mark.parametrize(
    "gold, pred, expected, precision",
    [("$\\frac{1}{3}$", "$0.33$", 1, 2), ("$\\frac{1}{3}$", "$0.333333$", 1, 6)],
)
def test_with_precision(gold, pred, expected, precision):
    assert compare_strings(gold, pred, precision=precision) == expected


@pytest.mark.parametrize("gold, pred, expected", [(f"{math.sqrt(16):.3f}", "$4$", 1)])
def test_fixed_option(gold, pred, expected):
    assert compare_strings(gold, pred, precision=5, strict=False) == expected


@pytest.mark.parametrize("gold, pred, result", [("$1$", "$1$", 1)])
def test_plain_verify(gold, pred, result):
    assert int(verify(parse(gold), parse(pred))) == result


@pytest.mark.parametrize("pred,expected,config", [("A", ["a"], None)])
def test_strings(pred, expected, config):
    assert parse(pred, [config]) == expected


def test_literal_calls():
    assert compare_strings("$\\frac{1}{4}$", "0.25", precision=4) == 1
    assert compare_strings("$1$", "$2$") == 0
    assert something_else("$1$", "$1$") == 1


def test_api_only():
    MARKER.append(1)
    assert verify(1, 1)


@pytest.mark.parametrize("gold,pred,expected", [("$1$", "$1$", 1)])
def test_without_a_verdict_call(gold, pred, expected):
    assert gold == pred
'''


@pytest.fixture()
def checkout(tmp_path: Path) -> Path:
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_synthetic.py").write_text(SYNTHETIC, encoding="utf-8")
    (tests / "test_broken.py").write_text("def test_x(:\n", encoding="utf-8")
    (tests / "helpers.py").write_text("raise SystemExit('never imported')\n", encoding="utf-8")
    return tmp_path


def test_cases_are_read_from_parametrize_rows_and_literal_calls(checkout: Path) -> None:
    cases, excluded = peer_cases.collect(checkout)
    found = [(c.function, c.gold, c.pred, c.expected, c.options) for c in cases]
    assert found == [
        ("test_basic", "$5$", "\\boxed{5}", True, ""),
        ("test_basic", "$5$", "\\boxed{6}", False, ""),
        ("test_basic", "7", "seven", True, ""),
        ("test_with_precision", "$\\frac{1}{3}$", "$0.33$", True, "precision=2"),
        ("test_with_precision", "$\\frac{1}{3}$", "$0.333333$", True, ""),
        ("test_fixed_option", "4.000", "$4$", True, "precision=5;strict=False"),
        ("test_plain_verify", "$1$", "$1$", True, ""),
        ("test_literal_calls", "$\\frac{1}{4}$", "0.25", True, "precision=4"),
        ("test_literal_calls", "$1$", "$2$", False, ""),
    ]
    basic = [c for c in cases if c.function == "test_basic"]
    assert {c.match_types for c in basic} == {"latex"} and {c.caller for c in basic} == {"compare_strings"}
    assert [c.caller for c in cases if c.function == "test_plain_verify"] == ["verify"]
    reasons = {(e.file, e.function): [] for e in excluded}
    for e in excluded:
        reasons[(e.file, e.function)].append(e.why)
    skipped_rows = reasons[("test_synthetic.py", "test_basic")]
    assert len(skipped_rows) == 4  # a name, a call, a short row, an expected value of 2
    assert any("not a literal" in why for why in skipped_rows)
    assert any("not 0/1" in why for why in skipped_rows)
    assert "not a (gold, pred, expected) case" in reasons[("test_synthetic.py", "test_strings")][0]
    assert "tests the API" in reasons[("test_synthetic.py", "test_api_only")][0]
    assert "does not call" in reasons[("test_synthetic.py", "test_without_a_verdict_call")][0]
    assert "not readable as Python" in reasons[("test_broken.py", "-")][0]


def test_nothing_in_the_test_file_is_run(checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(checkout)
    peer_cases.collect(checkout)
    assert not (checkout / "PWNED").exists()
    assert "tests.helpers" not in sys.modules


def test_fstrings_only_format_whitelisted_math_of_literals() -> None:
    import ast

    ok = ast.parse('f"{math.sqrt(2):.4f}"', mode="eval").body
    assert peer_cases.literal(ok) == "1.4142"
    for text in ('f"{os.getcwd()}"', 'f"{math.sqrt(x)}"', 'f"{math.factorial(10)}"', 'f"{math.sqrt(10**9)}"', 'f"{x!r}"'):
        with pytest.raises(peer_cases.NotLiteral):
            peer_cases.literal(ast.parse(text, mode="eval").body)


def test_a_folder_without_tests_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no tests/ folder"):
        peer_cases.collect(tmp_path)
    with pytest.raises(SystemExit, match="no tests/ folder"):
        peer_suite.main(["--math-verify-src", str(tmp_path), "--no-write"])


def _write_reasons(path: Path, entries: list[dict]) -> None:
    path.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")


def test_reasons_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "reasons.jsonl"
    path.write_text('{"key": "a", "category": "x", "reason": "y"}\n{"key": "b"}\n', encoding="utf-8")
    with pytest.raises(SystemExit, match="reasons.jsonl:2"):
        peer_suite.load_reasons(path)
    path.write_text('{"key": "a", "category": " ", "reason": "y"}\n', encoding="utf-8")
    with pytest.raises(SystemExit, match="non-empty"):
        peer_suite.load_reasons(path)
    assert peer_suite.load_reasons(tmp_path / "absent.jsonl") == {}


def test_every_disagreement_gets_its_reason_or_is_unexplained(tmp_path: Path) -> None:
    case = peer_cases.Case
    rows = [
        peer_suite.Row(case("f.py", "t", 1, "$1,5$", "1.5", True), False, "not-equal", 0.001),
        peer_suite.Row(case("f.py", "t", 2, "$2$", "\\boxed{3}", False), True, "equal", 0.001),
        peer_suite.Row(case("f.py", "t", 3, "$4$", "\\boxed{4}", True), True, "equal", 0.001),
        peer_suite.Row(case("f.py", "t", 4, "$x$", "$y$", True, "strict=False"), False, "not-equal", 0.001),
    ]
    reasons = {
        peer_suite.case_key("$1,5$", "1.5"): peer_suite.Reason("convention: decimal comma", "comma | not a point"),
        peer_suite.case_key("$4$", "\\boxed{4}"): peer_suite.Reason("real miss: other", "was wrong once"),
        # the same gold and pred at default options has no reason: options are part of the key
        peer_suite.case_key("$x$", "$y$"): peer_suite.Reason("option: strict=False", "wrong key"),
    }
    disagreements, resolved = peer_suite.classify(rows, reasons)
    assert [(r.case.line, reason.category) for r, reason in disagreements] == [
        (1, "convention: decimal comma"), (2, peer_suite.UNEXPLAINED), (4, peer_suite.UNEXPLAINED)]
    assert [(r.case.line, reason.category) for r, reason in resolved] == [(3, "real miss: other")]
    context = {"date": "today", "rlvr": "0", "source": "synthetic", "peer": "none", "command": "peer_suite.py"}
    text = peer_suite.markdown(rows, [], reasons, context)
    assert "**1 of 4**" in text
    assert "2 disagreements have no reason on file" in text
    assert "real miss: other (fixed)" in text
    assert "comma \\| not a point" in text  # a pipe in a reason does not break the table
    table = text.split("## Disagreements")[1].split("\n## ")[0]
    assert table.index("f.py:2") < table.index("f.py:1")  # unexplained rows come first
    stubs = [json.loads(line) for line in peer_suite.stubs(rows, reasons)]
    assert [s["where"] for s in stubs] == ["f.py:2", "f.py:4"]
    assert stubs[1]["key"] == peer_suite.case_key("$x$", "$y$", "strict=False")


def test_main_scores_each_case_and_writes_the_report(checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    seen = []

    def fake_check(case: peer_cases.Case) -> tuple[bool, str, float]:
        seen.append((case.gold, case.pred))
        return case.pred.strip("$\\boxed{}") == case.gold.strip("$"), "fake", 0.0

    monkeypatch.setattr(peer_suite, "rlvr_check", fake_check)
    reasons = tmp_path / "reasons.jsonl"
    _write_reasons(reasons, [{"key": peer_suite.case_key("7", "seven"), "category": "convention: number words", "reason": "r"}])
    out = tmp_path / "peer.md"
    assert peer_suite.main(["--math-verify-src", str(checkout), "--reasons", str(reasons), "--out", str(out), "--unexplained"]) == 0
    assert len(seen) == 9
    printed = capsys.readouterr().out
    assert "9 cases" in printed and '"where": "test_synthetic.py:' in printed
    report = out.read_text(encoding="utf-8")
    assert "convention: number words" in report and "test_strings" in report
