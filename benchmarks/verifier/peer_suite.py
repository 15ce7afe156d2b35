"""Run Math-Verify's own regression cases through rlvr's verifier and explain every disagreement.

    python benchmarks/verifier/peer_suite.py --math-verify-src /path/to/Math-Verify
    python benchmarks/verifier/peer_suite.py --math-verify-src PATH --peer      # also run the installed math-verify
    python benchmarks/verifier/peer_suite.py --math-verify-src PATH --unexplained   # print reason stubs to fill in

The (gold, pred, expected) cases are read statically from the checkout's tests/ (see
peer_cases.py); nothing of Math-Verify's is copied into this repository or executed from
its test files. Each case goes through `rlvr.verify.check(pred, gold)` unchanged. Every
disagreement needs a one-line reason in peer_suite_reasons.jsonl, keyed by (gold, pred,
options); a disagreement without one is reported as "unexplained". Writes peer_suite.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import peer_cases  # noqa: E402
from peer_cases import Case, Excluded  # noqa: E402

REASONS = HERE / "peer_suite_reasons.jsonl"
OUTPUT = HERE / "peer_suite.md"
TIMEOUT_S = 2.0
UNEXPLAINED = "unexplained"
# A category starting with this marks a case rlvr gets wrong; every other category is a
# convention, a non-default option or a flaw of the case itself, where rlvr may rightly differ.
MISS_PREFIX = "real miss"


@dataclass(frozen=True)
class Reason:
    """Why rlvr's verdict on one case differs from Math-Verify's expected value."""

    category: str
    reason: str


@dataclass(frozen=True)
class Row:
    """One case with rlvr's verdict (and the installed Math-Verify's, when run)."""

    case: Case
    rlvr: bool
    rlvr_reason: str
    seconds: float
    peer: bool | None = None

    @property
    def agrees(self) -> bool:
        return self.rlvr == self.case.expected


def case_key(gold: str, pred: str, options: str = "") -> str:
    """The key a reason is filed under: a hash of (gold, pred, options), stable across runs."""
    return hashlib.sha1(json.dumps([gold, pred, options]).encode("utf-8")).hexdigest()[:16]


def load_reasons(path: Path) -> dict[str, Reason]:
    """Reasons by case key; a malformed line is a one-line error naming the line."""
    reasons: dict[str, Reason] = {}
    if not path.exists():
        return reasons
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            key, category, reason = entry["key"], entry["category"], entry["reason"]
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise SystemExit(f"{path}:{number}: not a reason entry ({error}); each line needs key, category, reason")
        if not (isinstance(category, str) and category.strip() and isinstance(reason, str) and reason.strip()):
            raise SystemExit(f"{path}:{number}: category and reason must be non-empty strings")
        reasons[key] = Reason(category.strip(), reason.strip())
    return reasons


def rlvr_check(case: Case) -> tuple[bool, str, float]:
    """rlvr's verdict on one case: pred is the response, gold the gold, both as the suite wrote them."""
    from rlvr.verify import check

    start = time.perf_counter()
    try:
        verdict = check(case.pred, case.gold, timeout=TIMEOUT_S)
        correct, reason = verdict.correct, str(verdict.reason.value if hasattr(verdict.reason, "value") else verdict.reason)
    except Exception as error:  # a crash is a verdict of "wrong", kept visible
        correct, reason = False, f"error: {type(error).__name__}"
    return bool(correct), reason, time.perf_counter() - start


def peer_check(case: Case) -> bool | None:
    """The installed Math-Verify's verdict, called as the test calls it (None when not installed)."""
    try:
        from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse, verify
    except ImportError:
        return None
    kwargs: dict[str, object] = {}
    for option in filter(None, case.options.split(";")):
        name, value = option.split("=", 1)
        kwargs["float_rounding" if name == "precision" else name] = int(value) if value.isdigit() else value == "True"
    if case.caller == "verify":
        return bool(verify(parse(case.gold), parse(case.pred), **kwargs))
    targets = []
    for kind in (case.match_types or "latex,expr").split(","):
        targets.append(LatexExtractionConfig(boxed_match_priority=0) if kind == "latex" else ExprExtractionConfig())
    kwargs.setdefault("float_rounding", 6)
    return bool(verify(parse(case.gold, targets), parse(case.pred, targets), **kwargs))


def run_cases(cases: list[Case], peer: bool) -> list[Row]:
    """rlvr's verdict (and optionally Math-Verify's) on every case, in order."""
    rows = []
    for case in cases:
        correct, reason, seconds = rlvr_check(case)
        rows.append(Row(case, correct, reason, seconds, peer_check(case) if peer else None))
    return rows


def _checkout_label(source: Path) -> str:
    """Which Math-Verify the cases came from: its git commit when the checkout has one, else its version."""
    try:
        commit = subprocess.run(["git", "-C", str(source), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    try:
        version = tomllib.loads((source / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        version = "unknown version"
    return f"math-verify {version}" + (f", commit {commit}" if commit else "")


def _cell(text: str, head: int, tail: int = 0) -> str:
    """A table cell: whitespace collapsed, long text cut to its head (and tail, where answers live)."""
    flat = " ".join(text.split()).replace("|", "\\|").replace("`", "'")
    if len(flat) > head + tail + 3:
        flat = flat[:head] + " … " + flat[-tail:] if tail else flat[:head] + "…"
    return f"`{flat}`" if flat else "(empty)"


def _text(text: str) -> str:
    """Free text in a table cell: one line, pipes escaped (inside code spans too)."""
    return " ".join(text.split()).replace("|", "\\|")


def classify(rows: list[Row], reasons: dict[str, Reason]) -> tuple[list[tuple[Row, Reason]], list[tuple[Row, Reason]]]:
    """(disagreements with their reason or 'unexplained', agreeing rows that still have a reason on file)."""
    disagreements, resolved = [], []
    for row in rows:
        reason = reasons.get(case_key(row.case.gold, row.case.pred, row.case.options))
        if not row.agrees:
            disagreements.append((row, reason or Reason(UNEXPLAINED, "no reason on file")))
        elif reason is not None:
            resolved.append((row, reason))
    return disagreements, resolved


def markdown(rows: list[Row], excluded: list[Excluded], reasons: dict[str, Reason], context: dict[str, str]) -> str:
    """peer_suite.md: agreement, every disagreement with its reason, and what was left out."""
    disagreements, resolved = classify(rows, reasons)
    default = [r for r in rows if not r.case.options]
    distinct = len({(r.case.gold, r.case.pred, r.case.options, r.case.expected) for r in rows})
    tally = Counter(reason.category for _, reason in disagreements)
    files = Counter(r.case.file for r in rows)
    agree = sum(r.agrees for r in rows)
    lines = [
        "# Math-Verify's own regression cases, scored by rlvr",
        "",
        f"- date: {context['date']}; rlvr {context['rlvr']}; cases from {context['source']}",
        f"- command: `{context['command']}`",
        f"- cases: {len(rows)} (gold, pred, expected) rows ({distinct} distinct) read statically from "
        + ", ".join(f"`{f}` {n}" for f, n in sorted(files.items())),
        "- each case: `rlvr.verify.check(pred, gold, timeout=2)` with gold and pred exactly as the test wrote them "
        "(`$...$`, `\\boxed{}` and whole worked solutions included)",
        "",
        "## Agreement",
        "",
        f"- rlvr agrees with Math-Verify's expected value in **{agree} of {len(rows)}** cases "
        f"({len(rows) - agree} disagree); at Math-Verify's default options: "
        f"{sum(r.agrees for r in default)} of {len(default)}",
    ]
    expected_true = [r for r in rows if r.case.expected]
    expected_false = [r for r in rows if not r.case.expected]
    lines.append(f"- expected equal: rlvr says equal in {sum(r.rlvr for r in expected_true)} of {len(expected_true)}; "
                 f"expected different: rlvr says different in {sum(not r.rlvr for r in expected_false)} of {len(expected_false)}")
    peer_rows = [r for r in rows if r.peer is not None]
    if peer_rows:
        lines.append(f"- the installed Math-Verify ({context['peer']}) itself agrees with its expected value in "
                     f"{sum(r.peer == r.case.expected for r in peer_rows)} of {len(peer_rows)}")
    peer_misses = [r for r in peer_rows if r.peer != r.case.expected]
    if peer_misses:
        lines.append("  (it fails " + ", ".join(f"{r.case.file}:{r.case.line}" for r in peer_misses) + ")")
    lines.append(f"- disagreements by reason: " + ", ".join(f"{c} {n}" for c, n in tally.most_common()) if tally else
                 "- no disagreements")
    misses = sum(n for c, n in tally.items() if c.startswith(MISS_PREFIX))
    fixed = sum(reason.category.startswith(MISS_PREFIX) for _, reason in resolved)
    lines.append(f"- of the {len(disagreements)} disagreements, {misses} are real misses of rlvr, "
                 f"{len(disagreements) - misses - tally.get(UNEXPLAINED, 0)} are conventions or flaws of the case, "
                 f"{tally.get(UNEXPLAINED, 0)} are unexplained; {fixed} real misses on file are fixed (listed at the end)")
    if tally.get(UNEXPLAINED):
        lines.append(f"- **{tally[UNEXPLAINED]} disagreements have no reason on file** (`peer_suite_reasons.jsonl`)")
    lines += [
        "",
        "Categories: `real miss` is a case rlvr gets wrong and should not; `convention: ...` is a case where rlvr "
        "deliberately differs (its conventions are in README.md); `option: ...` is a row that tests a non-default "
        "Math-Verify option; `doubtful expected value` is a row whose expected value looks wrong on reading.",
        "",
        "## Disagreements",
        "",
        "| where | gold | pred (head … tail) | options | expected | rlvr | rlvr reason | category | why |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    order = lambda pair: (pair[1].category != UNEXPLAINED, not pair[1].category.startswith(MISS_PREFIX),  # noqa: E731
                          pair[1].category, pair[0].case.file, pair[0].case.line)
    for row, reason in sorted(disagreements, key=order):
        c = row.case
        lines.append(f"| {c.file}:{c.line} | {_cell(c.gold, 50)} | {_cell(c.pred, 30, 50)} | {c.options or '–'} | "
                     f"{int(c.expected)} | {int(row.rlvr)} | {row.rlvr_reason} | {reason.category} | {_text(reason.reason)} |")
    if resolved:
        lines += ["", "## Cases with a reason on file that rlvr now agrees on", "",
                  "A `real miss` here was fixed in rlvr after its reason was written (`real miss (fixed)`).", "",
                  "| where | gold | pred (head … tail) | expected | category | reason on file |", "|---|---|---|---|---|---|"]
        for row, reason in resolved:
            c = row.case
            category = reason.category + (" (fixed)" if reason.category.startswith(MISS_PREFIX) else " (stale reason)")
            lines.append(f"| {c.file}:{c.line} | {_cell(c.gold, 50)} | {_cell(c.pred, 30, 50)} | {int(c.expected)} | "
                         f"{category} | {_text(reason.reason)} |")
    lines += ["", "## Left out", "", "| file | test | why |", "|---|---|---|"]
    lines += [f"| {e.file}:{e.line} | {e.function} | {e.why} |" for e in excluded]
    slow = sorted(rows, key=lambda r: r.seconds, reverse=True)[:5]
    lines += ["", "Slowest rlvr checks: " + ", ".join(f"{r.case.file}:{r.case.line} {1000 * r.seconds:.0f} ms" for r in slow), ""]
    return "\n".join(lines)


def stubs(rows: list[Row], reasons: dict[str, Reason]) -> list[str]:
    """JSON lines to paste into the reasons file for every unexplained disagreement."""
    disagreements, _ = classify(rows, reasons)
    out = []
    for row, reason in disagreements:
        if reason.category == UNEXPLAINED:
            c = row.case
            out.append(json.dumps({"key": case_key(c.gold, c.pred, c.options), "where": f"{c.file}:{c.line}",
                                   "gold": c.gold[:120], "pred": c.pred[-160:], "options": c.options,
                                   "expected": int(c.expected), "rlvr": row.rlvr_reason, "category": "", "reason": ""},
                                  ensure_ascii=False))
    return out


def _rlvr_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rlvr")
    except PackageNotFoundError:
        return "not installed"


def _peer_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"math-verify {version('math-verify')}"
    except PackageNotFoundError:
        return "math-verify not installed"


def main(argv: list[str] | None = None) -> int:
    """Score the checkout's cases with rlvr, print the agreement, write peer_suite.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--math-verify-src", type=Path, required=True, help="a Math-Verify source checkout (with tests/)")
    parser.add_argument("--reasons", type=Path, default=REASONS, help="reasons for disagreements (JSON lines)")
    parser.add_argument("--out", type=Path, default=OUTPUT, help="where the markdown report goes")
    parser.add_argument("--peer", action="store_true", help="also run the installed math-verify on each case")
    parser.add_argument("--unexplained", action="store_true", help="print a reason stub for every unexplained disagreement")
    parser.add_argument("--no-write", action="store_true", help="print the summary only")
    args = parser.parse_args(argv)
    try:
        cases, excluded = peer_cases.collect(args.math_verify_src)
    except FileNotFoundError as error:
        raise SystemExit(str(error))
    if not cases:
        raise SystemExit(f"no (gold, pred, expected) cases found under {args.math_verify_src}/tests")
    reasons = load_reasons(args.reasons)
    rows = run_cases(cases, args.peer)
    disagreements, resolved = classify(rows, reasons)
    unexplained = sum(reason.category == UNEXPLAINED for _, reason in disagreements)
    print(f"{len(rows)} cases: rlvr agrees on {len(rows) - len(disagreements)}, disagrees on {len(disagreements)} "
          f"({unexplained} unexplained); {len(resolved)} agreeing cases still have a reason on file")
    if args.peer:
        print(f"installed {_peer_version()} agrees with its own expected value on "
              f"{sum(r.peer == r.case.expected for r in rows)} of {len(rows)}")
    if args.unexplained:
        print("\n".join(stubs(rows, reasons)))
    if not args.no_write:
        context = {
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "rlvr": _rlvr_version(),
            "source": _checkout_label(args.math_verify_src),
            "peer": _peer_version(),
            "command": "python benchmarks/verifier/peer_suite.py --math-verify-src PATH" + (" --peer" if args.peer else ""),
        }
        args.out.write_text(markdown(rows, excluded, reasons, context), encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
