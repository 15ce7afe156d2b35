"""Turn per-item outcomes into rates, tables, RESULTS.md, failures.md and a PNG."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from rich.table import Table

TARGET_FN = 0.01
TARGET_SPEEDUP = 10.0


class OutcomeLike(Protocol):
    correct: bool
    seconds: float
    error: str | None
    extracted: str | None
    reason: str | None
    detail: str | None


@dataclass
class Stats:
    """Counts for one verifier over a group of items."""

    positives: int = 0
    negatives: int = 0
    false_negatives: int = 0
    false_positives: int = 0
    errors: int = 0
    seconds: list[float] = field(default_factory=list)

    @property
    def n(self) -> int:
        return self.positives + self.negatives

    @property
    def fn_rate(self) -> float | None:
        return self.false_negatives / self.positives if self.positives else None

    @property
    def fp_rate(self) -> float | None:
        return self.false_positives / self.negatives if self.negatives else None

    @property
    def accuracy(self) -> float:
        return 1 - (self.false_negatives + self.false_positives) / self.n if self.n else 0.0

    @property
    def items_per_s(self) -> float:
        """Items per second of verifier time (sum of per-item latencies)."""
        total = sum(self.seconds)
        return len(self.seconds) / total if total else 0.0

    def latency_ms(self, q: float) -> float:
        """The q-th percentile of per-item latency, in milliseconds."""
        return float(np.percentile(self.seconds, q)) * 1000 if self.seconds else 0.0


Summary = dict[str, dict[str, Stats]]  # verifier -> category ("overall" too) -> stats


STYLES = ("boxed", "boxed-dollar", "boxed-display", "boxed-paren", "fbox", "answer-tag", "final-answer-is",
          "answer-colon", "answer-is-colon", "answer-is-plain", "final-colon", "hash", "bold")


def answer_style(note: str) -> str | None:
    """The final-answer form recorded in a pair's note by the builder, if any."""
    parts = [p.strip() for p in note.split(";")]
    return next((s for s in STYLES if s in parts), None)


def summarise(items: list[dict], outcomes: dict[str, dict[str, OutcomeLike]]) -> Summary:
    """Per-verifier, per-category counts; "overall" holds all items, "style:<form>" each final-answer form."""
    summary: Summary = {}
    for name, by_id in outcomes.items():
        stats: dict[str, Stats] = defaultdict(Stats)
        for item in items:
            outcome = by_id[item["id"]]
            style = answer_style(item.get("note", ""))
            keys = ["overall", item["category"]] + ([f"style:{style}"] if style else [])
            if not item["category"].startswith("hack-"):
                keys.append("group:values")
            for key in keys:
                s = stats[key]
                s.seconds.append(outcome.seconds)
                s.errors += outcome.error is not None
                if item["label"]:
                    s.positives += 1
                    s.false_negatives += not outcome.correct
                else:
                    s.negatives += 1
                    s.false_positives += outcome.correct
        summary[name] = dict(stats)
    return summary


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def speedup(summary: Summary) -> float | None:
    """rlvr items/s divided by Math-Verify items/s, when both ran."""
    if "rlvr" in summary and "math-verify" in summary:
        slow = summary["math-verify"]["overall"].items_per_s
        return summary["rlvr"]["overall"].items_per_s / slow if slow else None
    return None


def overall_table(summary: Summary, unavailable: dict[str, str]) -> Table:
    """A rich table of the overall figures, for the console."""
    table = Table(title="verifier benchmark (overall)")
    for column in ("verifier", "items", "FN rate", "FP rate", "accuracy", "errors", "items/s", "p50 ms", "p99 ms"):
        table.add_column(column, justify="right" if column != "verifier" else "left")
    for name, stats in summary.items():
        s = stats["overall"]
        table.add_row(name, str(s.n), _pct(s.fn_rate), _pct(s.fp_rate), _pct(s.accuracy), str(s.errors),
                      f"{s.items_per_s:.1f}", f"{s.latency_ms(50):.2f}", f"{s.latency_ms(99):.2f}")
    for name, why in unavailable.items():
        table.add_row(name, "–", "–", "–", "–", "–", "–", "–", why[:40])
    ratio = speedup(summary)
    if ratio is not None:
        table.caption = f"rlvr / Math-Verify items/s = {ratio:.1f}x"
    return table


def _targets(summary: Summary) -> list[str]:
    if "rlvr" not in summary:
        return ["- rlvr did not run: no target can be judged."]
    s = summary["rlvr"]["overall"]
    ratio = speedup(summary)
    met = lambda ok: "met" if ok else "**missed**"  # noqa: E731
    lines = [
        f"- rlvr false-negative rate <= 1%: {_pct(s.fn_rate)} ({met((s.fn_rate or 0) <= TARGET_FN)})",
        f"- rlvr false positives = 0: {s.false_positives} ({met(s.false_positives == 0)})",
    ]
    if ratio is not None:
        lines.append(f"- rlvr >= 10x Math-Verify items/s: {ratio:.1f}x ({met(ratio >= TARGET_SPEEDUP)})")
    else:
        lines.append("- rlvr >= 10x Math-Verify items/s: not measured (both verifiers must run)")
    return lines


def results_markdown(summary: Summary, unavailable: dict[str, str], context: dict[str, Any]) -> str:
    """RESULTS.md: overall table, targets, per-category table."""
    names = list(summary)
    lines = [
        "# Verifier benchmark results",
        "",
        f"- date: {context['date']}",
        f"- machine: {context['machine']}",
        f"- versions: {context.get('versions', 'not recorded')}",
        f"- command: `{context['command']}`",
        f"- items: {context['items']} labelled pairs from `labelled.jsonl` (see README.md); "
        "each verifier sees the same items in one process, one at a time, alternating order, after a warm-up",
        "- a crash or exception counts as a wrong verdict (column `errors`)",
        "- speed: items/s = items / summed per-item latency, one core; on this shared machine absolute figures "
        "move by 2x or more between runs, so read the ratio (both verifiers are timed on the same items, interleaved)",
        "- Math-Verify is called as its README shows: `verify(parse('$' + gold + '$'), parse(response))`",
        "",
        "## Overall",
        "",
        "| verifier | items | FN rate | FP rate | accuracy | errors | items/s (1 core) | p50 latency | p99 latency |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in names:
        s = summary[name]["overall"]
        lines.append(
            f"| {name} | {s.n} | {_pct(s.fn_rate)} ({s.false_negatives}/{s.positives}) | "
            f"{_pct(s.fp_rate)} ({s.false_positives}/{s.negatives}) | {_pct(s.accuracy)} | {s.errors} | "
            f"{s.items_per_s:.1f} | {s.latency_ms(50):.2f} ms | {s.latency_ms(99):.2f} ms |"
        )
    for name, why in unavailable.items():
        lines.append(f"| {name} | not run: {why} | | | | | | | |")
    ratio = speedup(summary)
    lines += ["", f"Speed ratio rlvr / Math-Verify (items/s): **{ratio:.1f}x**" if ratio else "Speed ratio: not measured"]
    if ratio:
        p50 = summary["math-verify"]["overall"].latency_ms(50) / max(summary["rlvr"]["overall"].latency_ms(50), 1e-9)
        lines.append(f"(median latency ratio Math-Verify / rlvr: {p50:.1f}x)")
        values = [summary[n].get("group:values") for n in ("rlvr", "math-verify")]
        if all(values) and values[1].items_per_s:
            lines.append(f"(items/s ratio without the hack categories, whose evaluation bombs can cost a verifier its "
                         f"whole timeout: {values[0].items_per_s / values[1].items_per_s:.1f}x)")
    for name in names:
        forms = sorted(((k[6:], summary[name][k]) for k in summary[name] if k.startswith("style:")),
                       key=lambda kv: -(kv[1].fn_rate or 0))
        missed = [f"{form} {_pct(s.fn_rate)}" for form, s in forms[:3] if s.false_negatives]
        if missed:
            lines.append(f"\n{name} misses right answers most in these final-answer forms: {', '.join(missed)}.")
    lines.append("")
    lines += ["## Targets", "", *_targets(summary), ""]
    lines += ["## By category", "", "FN = false-negative rate (positives judged wrong), FP = false-positive rate "
              "(negatives judged right); counts in parentheses.", ""]
    header = "| category | pos | neg | " + " | ".join(f"{n} FN | {n} FP | {n} acc" for n in names) + " |"
    lines += [header, "|---|---:|---:|" + "---:|" * (3 * len(names))]
    categories = [c for c in summary[names[0]] if c != "overall" and not c.startswith(("style:", "group:"))]
    for category in categories:
        first = summary[names[0]][category]
        cells = []
        for name in names:
            s = summary[name][category]
            cells += [f"{_pct(s.fn_rate)} ({s.false_negatives})" if s.positives else "–",
                      f"{_pct(s.fp_rate)} ({s.false_positives})" if s.negatives else "–", _pct(s.accuracy)]
        lines.append(f"| {category} | {first.positives} | {first.negatives} | " + " | ".join(cells) + " |")
    styles = [k for k in summary[names[0]] if k.startswith("style:")]
    if styles:
        lines += ["", "## By final-answer form (non-hack categories)", "",
                  "| form | pos | neg | " + " | ".join(f"{n} FN | {n} FP" for n in names) + " |",
                  "|---|---:|---:|" + "---:|" * (2 * len(names))]
        for key in styles:
            first = summary[names[0]][key]
            cells = []
            for name in names:
                s = summary[name][key]
                cells += [f"{s.false_negatives} ({_pct(s.fn_rate)})", f"{s.false_positives}"]
            lines.append(f"| {key[6:]} | {first.positives} | {first.negatives} | " + " | ".join(cells) + " |")
    lines += ["", "Per-item failures of rlvr: `failures.md`. Charts: `accuracy.png` (by category), `latency.png`.", ""]
    return "\n".join(lines)


def _cell(text: str | None, width: int = 80) -> str:
    if text is None:
        return "–"
    flat = " ".join(str(text).split()).replace("|", "\\|")
    return "`" + (flat[: width - 1] + "…" if len(flat) > width else flat).replace("`", "'") + "`"


def failures_markdown(items: list[dict], outcomes: dict[str, dict[str, OutcomeLike]], context: dict[str, Any]) -> str:
    """failures.md: every rlvr mistake; Math-Verify mistakes by category, briefly."""
    lines = ["# Verifier benchmark failures", "", f"Run: {context['date']}, `{context['command']}`.", ""]
    if "rlvr" in outcomes:
        wrong = [i for i in items if outcomes["rlvr"][i["id"]].correct != i["label"]]
        lines += [f"## rlvr: {len(wrong)} wrong verdicts", "",
                  "`label` is the right verdict; rlvr said the opposite. Responses are in `labelled.jsonl` by id.", "",
                  "| id | category | label | gold | extracted | reason | detail / error | note |", "|---|---|---|---|---|---|---|---|"]
        for item in wrong:
            o = outcomes["rlvr"][item["id"]]
            lines.append(f"| {item['id']} | {item['category']} | {item['label']} | {_cell(item['gold'], 50)} | "
                         f"{_cell(o.extracted, 50)} | {_cell(o.reason, 24)} | {_cell(o.error or o.detail, 70)} | {_cell(item['note'], 50)} |")
        lines.append("")
    for name, count in (("rlvr", 15), ("math-verify", 10)):
        if name not in outcomes:
            continue
        slowest = sorted(items, key=lambda i: outcomes[name][i["id"]].seconds, reverse=True)[:count]
        lines += [f"## {name}: the {count} slowest items", "", "For the speed target; times are single calls after warm-up.", "",
                  "| id | category | ms | gold | note |", "|---|---|---:|---|---|"]
        for item in slowest:
            o = outcomes[name][item["id"]]
            lines.append(f"| {item['id']} | {item['category']} | {1000 * o.seconds:.1f} | {_cell(item['gold'], 40)} | {_cell(item['note'], 50)} |")
        lines.append("")
    if "math-verify" in outcomes:
        mv = outcomes["math-verify"]
        by_category: dict[str, Counter] = defaultdict(Counter)
        examples: dict[str, list[str]] = defaultdict(list)
        for item in items:
            o = mv[item["id"]]
            if o.correct != item["label"]:
                kind = "FN" if item["label"] else "FP"
                by_category[item["category"]][kind] += 1
                by_category[item["category"]]["errors"] += o.error is not None
                if len(examples[item["category"]]) < 2:
                    examples[item["category"]].append(f"{item['id']} ({kind}): gold {_cell(item['gold'], 40)}, parsed {_cell(o.error or o.extracted, 40)}")
        total = sum(c["FN"] + c["FP"] for c in by_category.values())
        lines += [f"## Math-Verify: {total} wrong verdicts, by category", "",
                  "| category | FN | FP | of which exceptions | examples |", "|---|---:|---:|---:|---|"]
        for category, counts in by_category.items():
            lines.append(f"| {category} | {counts['FN']} | {counts['FP']} | {counts['errors']} | {'<br>'.join(examples[category])} |")
        lines.append("")
    return "\n".join(lines)


def plot_accuracy(summary: Summary, path: Path) -> bool:
    """A horizontal bar chart of per-category accuracy for each verifier; False if matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    names = list(summary)
    categories = [c for c in summary[names[0]] if c != "overall" and not c.startswith(("style:", "group:"))]
    height = 0.8 / len(names)
    fig, ax = plt.subplots(figsize=(9, 0.32 * len(categories) + 1.5))
    positions = np.arange(len(categories))
    for k, name in enumerate(names):
        values = [100 * summary[name][c].accuracy for c in categories]
        ax.barh(positions + k * height, values, height=height, label=name)
    ax.set_yticks(positions + height * (len(names) - 1) / 2, categories)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("accuracy on the labelled set (%)")
    ax.set_title("Verifier accuracy by category")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def plot_latency(summary: Summary, path: Path) -> bool:
    """Cumulative distribution of per-item latency (log scale) per verifier; False without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, stats in summary.items():
        times = np.sort(np.asarray(stats["overall"].seconds) * 1000)
        if times.size:
            ax.plot(times, np.arange(1, times.size + 1) / times.size * 100, label=f"{name} (p50 {np.median(times):.2f} ms)")
    ax.set_xscale("log")
    ax.set_xlabel("latency per item (ms, log scale)")
    ax.set_ylabel("items checked within (%)")
    ax.set_title("Verifier latency on the labelled set (one core)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True
