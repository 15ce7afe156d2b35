"""Score rlvr's verifier and Math-Verify side by side on the labelled set.

    python benchmarks/verifier/run.py                      # full run, writes RESULTS.md and failures.md
    python benchmarks/verifier/run.py --limit 300          # quick look (prints, writes nothing)
    python benchmarks/verifier/run.py --only rlvr --category fraction

Both verifiers see the same items in one process, one item at a time, alternating
which goes first, after a warm-up; the process is pinned to one core. Math-Verify runs
with rlvr's 2 s timeout, and once more at its own defaults, timed only. A crash or
exception counts as a wrong verdict and is counted separately. Exit code is 0 even
when targets are missed: this script reports, it does not gate.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import report  # noqa: E402

LABELLED = HERE / "labelled.jsonl"
WARMUP_ITEMS = 20
TIMEOUT_S = 2.0
# Math-Verify's timeouts are whole seconds (signal.alarm); the same bound as rlvr's.
MATH_VERIFY_TIMEOUT_S = math.ceil(TIMEOUT_S)
# A pipe or log file gets a fixed width so the summary table is not squeezed to 80 columns.
console = Console() if sys.stdout.isatty() else Console(width=120)


@dataclass
class Outcome:
    """One verifier's verdict on one item."""

    correct: bool
    seconds: float
    error: str | None = None
    extracted: str | None = None
    reason: str | None = None
    detail: str | None = None


@dataclass
class Verifier:
    """A named callable `(response, gold) -> Outcome fields`, and its results."""

    name: str
    call: Callable[[str, str], tuple[bool, str | None, str | None, str | None]]
    outcomes: dict[str, Outcome] = field(default_factory=dict)

    def run(self, response: str, gold: str) -> Outcome:
        """Time one call; an exception becomes a wrong verdict with its message kept."""
        start = time.perf_counter()
        try:
            correct, extracted, reason, detail = self.call(response, gold)
            error = None
        except Exception as exc:  # a crash is a wrong verdict; the benchmark counts them
            correct, extracted, reason, detail = False, None, None, None
            error = f"{type(exc).__name__}: {exc}"[:300]
        return Outcome(bool(correct), time.perf_counter() - start, error, extracted, reason, detail)


def rlvr_verifier() -> Verifier | str:
    """rlvr.verify.check, or why it cannot be loaded."""
    try:
        from rlvr.verify import check
    except ImportError as exc:
        return f"rlvr.verify.check is not importable ({exc})"

    def call(response: str, gold: str) -> tuple[bool, str | None, str | None, str | None]:
        verdict = check(response, gold, timeout=TIMEOUT_S)
        return verdict.correct, verdict.extracted, verdict.reason, verdict.detail

    return Verifier("rlvr", call)


def math_verify_verifier(timeout_s: int | None = MATH_VERIFY_TIMEOUT_S, name: str = "math-verify") -> Verifier | str:
    """Math-Verify called as its README shows: `verify(parse(gold), parse(answer))`, gold first.

    `timeout_s` goes to `parse(parsing_timeout=...)` and `verify(timeout_seconds=...)` (both
    `signal.alarm`, whole seconds); None keeps Math-Verify's own defaults (5 s each in 0.9).
    Each of the three calls gets the bound, so one item can take up to about three times it.
    """
    try:
        from math_verify import parse, verify
    except ImportError as exc:
        return f"math-verify is not installed ({exc}); pip install -e '.[bench]'"
    parse_kwargs = {} if timeout_s is None else {"parsing_timeout": timeout_s}
    verify_kwargs = {} if timeout_s is None else {"timeout_seconds": timeout_s}

    def call(response: str, gold: str) -> tuple[bool, str | None, str | None, str | None]:
        # The README wraps LaTeX golds in $...$ so they go through the LaTeX extractor.
        parsed_gold = parse(f"${gold}$", **parse_kwargs)
        parsed_answer = parse(response, **parse_kwargs)
        extracted = str(parsed_answer[-1]) if parsed_answer else None
        return verify(parsed_gold, parsed_answer, **verify_kwargs), extracted, None, None

    return Verifier(name, call)


def math_verify_defaults() -> Verifier | str:
    """Math-Verify at its own default timeouts, for the speed ratio as it is usually run."""
    return math_verify_verifier(None, report.MV_DEFAULTS)


def load_items(path: Path, category: str | None, limit: int | None) -> list[dict]:
    """Labelled items, optionally one category, optionally an evenly spread subset."""
    with open(path, encoding="utf-8") as handle:
        items = [json.loads(line) for line in handle if line.strip()]
    if category:
        known = sorted({i["category"] for i in items})
        items = [i for i in items if i["category"] == category]
        if not items:
            raise SystemExit(f"no items in category {category!r}; known categories: {', '.join(known)}")
    if limit and limit < len(items):
        step = len(items) / limit
        items = [items[int(k * step)] for k in range(limit)]
    return items


def pin_to_one_core() -> str:
    """Pin this process to a single core so items/s means 'on one core'."""
    if hasattr(os, "sched_setaffinity"):
        core = sorted(os.sched_getaffinity(0))[0]
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity on this platform)"


def score(items: list[dict], verifiers: list[Verifier]) -> None:
    """Run every verifier on every item (alternating order), after a warm-up."""
    for verifier in verifiers:
        for item in items[:WARMUP_ITEMS]:
            verifier.run(item["response"], item["gold"])
    columns = [TextColumn("[bold]scoring"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.fields[current]}")]
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("score", total=len(items), current="")
        for index, item in enumerate(items):
            order = verifiers if index % 2 == 0 else list(reversed(verifiers))
            for verifier in order:
                verifier.outcomes[item["id"]] = verifier.run(item["response"], item["gold"])
            progress.update(task, advance=1, current=item["category"])


def _versions() -> str:
    """Installed versions of the two verifiers, for the record."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for package in ("rlvr", "math-verify", "sympy"):
        try:
            found.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            found.append(f"{package} not installed")
    return ", ".join(found)


def main() -> int:
    """Score the verifiers on the labelled set and write the reports."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="score an evenly spread subset of N items")
    parser.add_argument("--only", choices=["rlvr", "math-verify", report.MV_DEFAULTS], default=None, help="score one verifier")
    parser.add_argument("--no-defaults-run", action="store_true",
                        help=f"skip {report.MV_DEFAULTS} (Math-Verify at its own 5 s timeouts, timed for the speed ratio only)")
    parser.add_argument("--category", default=None, help="score one category")
    parser.add_argument("--labelled", type=Path, default=LABELLED)
    parser.add_argument("--write", action="store_true", help="write RESULTS.md/failures.md even for a partial run")
    parser.add_argument("--out-dir", type=Path, default=HERE, help="where RESULTS.md, failures.md and accuracy.png go")
    args = parser.parse_args()
    if args.limit is not None and args.limit < 1:
        raise SystemExit("--limit must be a positive number of items")
    if not args.labelled.exists():
        raise SystemExit(f"{args.labelled} not found: run benchmarks/verifier/build_set.py first")

    items = load_items(args.labelled, args.category, args.limit)
    pinning = pin_to_one_core()
    verifiers: list[Verifier] = []
    unavailable: dict[str, str] = {}
    factories = (("rlvr", rlvr_verifier), ("math-verify", math_verify_verifier), (report.MV_DEFAULTS, math_verify_defaults))
    for name, factory in factories:
        if (args.only and args.only != name) or (name == report.MV_DEFAULTS and args.no_defaults_run and args.only != name):
            continue
        loaded = factory()
        if isinstance(loaded, str):
            unavailable[name] = loaded
            console.print(f"[yellow]{name}: {loaded}")
        else:
            verifiers.append(loaded)
    if not verifiers:
        console.print("[red]no verifier could be loaded; nothing to score")
        return 0

    console.print(f"{len(items)} items, verifiers: {', '.join(v.name for v in verifiers)}; {pinning}")
    score(items, verifiers)
    summary = report.summarise(items, {v.name: v.outcomes for v in verifiers})
    console.print(report.overall_table(summary, unavailable))

    partial = bool(args.limit or args.category or args.only)
    if partial and not args.write:
        console.print("partial run: RESULTS.md and failures.md left unchanged (pass --write to overwrite)")
        return 0
    command = "python benchmarks/verifier/run.py " + " ".join(sys.argv[1:])
    context = {
        "versions": _versions(),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"2 shared cores ({platform.machine()}, Python {platform.python_version()}), {pinning}",
        "command": command.strip(),
        "items": len(items),
        "timeout_s": MATH_VERIFY_TIMEOUT_S,
        "peer_suite": report.peer_suite_summary(args.out_dir / "peer_suite.md"),
    }
    out = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    (out / "RESULTS.md").write_text(report.results_markdown(summary, unavailable, context), encoding="utf-8")
    (out / "failures.md").write_text(report.failures_markdown(items, {v.name: v.outcomes for v in verifiers}, context), encoding="utf-8")
    plotted = report.plot_accuracy(summary, out / "accuracy.png") and report.plot_latency(summary, out / "latency.png")
    console.print(f"wrote RESULTS.md, failures.md{', accuracy.png, latency.png' if plotted else ''} in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
