"""Turn per-item outcomes into rates, tables, RESULTS.md, failures.md and a PNG."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from rich.table import Table

TARGET_FN = 0.01
TARGET_SPEEDUP = 10.0
# Math-Verify at its own default timeouts: timed for the speed ratio, not tabulated.
MV_DEFAULTS = "math-verify-defaults"


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


# Where the final answer sits, as far as what a verifier must parse. Math-Verify's README
# says LaTeX must sit in a LaTeX environment (`$...$`, `\[...\]`) to be parsed and gives
# `\boxed{}` priority; `<answer>` tags, `####` lines and bare text after "Answer:" are not
# among the layouts it claims, and `\fbox` is not a box to it (only `\boxed` is).
BOTH_READ = ("boxed", "dollar")
LAYOUTS = {
    "boxed": "`\\boxed{}` (any delimiters)",
    "dollar": "`$...$` after an answer phrase or in bold",
    "bare": "bare text after an answer phrase or in bold (no `$`)",
    "answer-tag": "`<answer>...</answer>` without a box",
    "hash": "`#### ...` line",
    "fbox": "`\\fbox{}`",
}
_BOXED_STYLES = ("boxed", "boxed-dollar", "boxed-display", "boxed-paren")
_PHRASE_STYLES = ("answer-colon", "answer-is-colon", "answer-is-plain", "final-colon", "bold")
_DOLLAR_AFTER_PHRASE = re.compile(r"(?:answer(?:\s+is)?\s*:?|\*\*)\s*(?:\*\*\s*)?\$", re.IGNORECASE)
# Categories whose positives Math-Verify cannot read by design, whatever the layout: a labelling choice.
LABELLING_CHOICES = {"number-word": "number words (`\\text{twelve}` for 12): a labelling choice; Math-Verify does not read number words"}


def layout(item: dict) -> str | None:
    """The layout of an item's final answer (a key of LAYOUTS), or None for the hack categories."""
    if item["category"].startswith("hack-"):
        return None
    style = answer_style(item.get("note", ""))
    if style in _BOXED_STYLES:
        return "boxed"
    if style == "final-answer-is":
        return "dollar"  # "The final answer is $...$"
    if style in _PHRASE_STYLES:
        lines = [line for line in item["response"].strip().splitlines() if line.strip()]
        return "dollar" if lines and _DOLLAR_AFTER_PHRASE.search(lines[-1]) else "bare"
    if style in ("answer-tag", "hash", "fbox"):
        return style
    response = item["response"]
    tag = response.lower().rfind("<answer>")
    if tag >= 0 and "\\boxed" not in response[tag:]:
        return "answer-tag"
    return "boxed" if "\\boxed" in response else "bare"


# Whether Math-Verify claims each final-answer form of the builder (see LAYOUTS).
STYLE_CLAIMED = {style: "yes" for style in (*_BOXED_STYLES, "final-answer-is")}
STYLE_CLAIMED.update({style: "if in `$...$`" for style in _PHRASE_STYLES})
STYLE_CLAIMED.update({"answer-tag": "no", "hash": "no", "fbox": "no"})


def in_fair_subset(item: dict) -> bool:
    """An item both verifiers claim to read: final answer boxed or in `$...$`, and not a labelling choice."""
    return layout(item) in BOTH_READ and item["category"] not in LABELLING_CHOICES


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
                keys += ["group:values", f"layout:{layout(item)}"]
                keys.append("subset:both-read" if in_fair_subset(item) else "subset:outside")
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


def speedup(summary: Summary, peer: str = "math-verify", group: str = "overall") -> float | None:
    """rlvr items/s divided by a peer's items/s over a group of items, when both ran."""
    if "rlvr" in summary and peer in summary and group in summary["rlvr"] and group in summary[peer]:
        slow = summary[peer][group].items_per_s
        return summary["rlvr"][group].items_per_s / slow if slow else None
    return None


def _scored(summary: Summary) -> list[str]:
    """The verifiers whose verdicts the tables compare (the defaults run is timed, not tabulated)."""
    return [name for name in summary if name != MV_DEFAULTS]


def _fn_fp(s: Stats | None) -> tuple[str, str]:
    if s is None:
        return "–", "–"
    fn = f"{_pct(s.fn_rate)} ({s.false_negatives}/{s.positives})" if s.positives else "–"
    fp = f"{_pct(s.fp_rate)} ({s.false_positives}/{s.negatives})" if s.negatives else "–"
    return fn, fp


def fair_section(summary: Summary, timeout_s: float) -> list[str]:
    """The comparison on what both verifiers claim to read, and the speed ratio at equal timeouts."""
    names = _scored(summary)
    groups = [
        ("overall", "whole set (hack categories included)"),
        ("group:values", "value categories (no hack categories)"),
        ("subset:both-read", "**layouts both claim to read**: final answer in `\\boxed{}` or `$...$`, number words left out"),
        ("subset:outside", "the rest: `<answer>` tags, `####`, bare text, `\\fbox`, number words"),
    ]
    lines = ["## Fair comparison", "",
             "Math-Verify reads LaTeX inside a LaTeX environment and plain expressions; it does not claim `<answer>` tags, "
             "`####` lines, bare text after an answer phrase or `\\fbox`, and it does not read number words by design. "
             "The whole-set rates charge those to it; the subset below holds only items both verifiers claim to read.", "",
             "| items | n (pos/neg) | " + " | ".join(f"{n} FN | {n} FP" for n in names) + " |",
             "|---|---:|" + "---:|" * (2 * len(names))]
    for key, label in groups:
        first = summary[names[0]].get(key)
        if first is None:
            continue
        cells = [cell for name in names for cell in _fn_fp(summary[name].get(key))]
        lines.append(f"| {label} | {first.n} ({first.positives}/{first.negatives}) | " + " | ".join(cells) + " |")
    mv = summary.get("math-verify")
    if mv and mv["overall"].false_negatives:
        outside = mv.get("subset:outside", Stats()).false_negatives
        lines += ["", f"Of Math-Verify's {mv['overall'].false_negatives} false negatives, {outside} are outside the subset "
                  "(layouts it does not claim, or number words)."]
    lines += ["", "Speed, with Math-Verify's timeouts set to rlvr's "
              f"({timeout_s:g} s for `parse(parsing_timeout=...)` and `verify(timeout_seconds=...)`):", ""]
    for label, peer, group in (("equal timeouts, whole set", "math-verify", "overall"),
                               ("equal timeouts, without the hack categories", "math-verify", "group:values"),
                               ("equal timeouts, layouts both read", "math-verify", "subset:both-read"),
                               ("Math-Verify at its default 5 s timeouts, whole set", MV_DEFAULTS, "overall")):
        ratio = speedup(summary, peer, group)
        if ratio is not None:
            lines.append(f"- rlvr / Math-Verify items/s, {label}: **{ratio:.1f}x**")
    return lines + [""]


def layout_section(summary: Summary) -> list[str]:
    """Rates by where the final answer sits, marking the layouts Math-Verify claims to read."""
    names = _scored(summary)
    keys = [k for k in LAYOUTS if f"layout:{k}" in summary[names[0]]]
    if not keys:
        return []
    lines = ["## By layout of the final answer (value categories)", "",
             "| layout | Math-Verify claims it | pos | neg | " + " | ".join(f"{n} FN | {n} FP" for n in names) + " |",
             "|---|---|---:|---:|" + "---:|" * (2 * len(names))]
    for key in keys:
        first = summary[names[0]][f"layout:{key}"]
        cells = [cell for name in names for cell in _fn_fp(summary[name][f"layout:{key}"])]
        lines.append(f"| {LAYOUTS[key]} | {'yes' if key in BOTH_READ else 'no'} | {first.positives} | {first.negatives} | "
                     + " | ".join(cells) + " |")
    return lines + [""]


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
        lines.append(f"- rlvr >= 10x Math-Verify items/s (equal timeouts): {ratio:.1f}x ({met(ratio >= TARGET_SPEEDUP)})")
    else:
        lines.append("- rlvr >= 10x Math-Verify items/s: not measured (both verifiers must run)")
    return lines


def results_markdown(summary: Summary, unavailable: dict[str, str], context: dict[str, Any]) -> str:
    """RESULTS.md: overall table, the fair comparison, targets, tables by layout, category and form."""
    names = _scored(summary)
    timeout_s = context.get("timeout_s", 2)
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
        "- Math-Verify is called as its README shows: `verify(parse('$' + gold + '$'), parse(response))`, with "
        f"`parsing_timeout={timeout_s}` and `timeout_seconds={timeout_s}` (rlvr's bound) as `math-verify`, and at its "
        f"own defaults (5 s each) as `{MV_DEFAULTS}`, timed for the speed ratio; its bound applies to each of the "
        "three calls, so one item can take up to about three times it",
        "",
        "## Overall",
        "",
        "| verifier | items | FN rate | FP rate | accuracy | errors | items/s (1 core) | p50 latency | p99 latency |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in summary:
        s = summary[name]["overall"]
        lines.append(
            f"| {name} | {s.n} | {_pct(s.fn_rate)} ({s.false_negatives}/{s.positives}) | "
            f"{_pct(s.fp_rate)} ({s.false_positives}/{s.negatives}) | {_pct(s.accuracy)} | {s.errors} | "
            f"{s.items_per_s:.1f} | {s.latency_ms(50):.2f} ms | {s.latency_ms(99):.2f} ms |"
        )
    for name, why in unavailable.items():
        lines.append(f"| {name} | not run: {why} | | | | | | | |")
    ratio = speedup(summary)
    lines += ["", f"Speed ratio rlvr / Math-Verify (items/s, equal timeouts): **{ratio:.1f}x**" if ratio
              else "Speed ratio: not measured"]
    if ratio:
        p50 = summary["math-verify"]["overall"].latency_ms(50) / max(summary["rlvr"]["overall"].latency_ms(50), 1e-9)
        lines.append(f"(median latency ratio Math-Verify / rlvr: {p50:.1f}x)")
    lines.append("")
    if "rlvr" in summary and "math-verify" in summary:
        lines += fair_section(summary, timeout_s)
    lines += ["## Targets", "", *_targets(summary), ""]
    lines += layout_section(summary)
    lines += ["## By category", "", "FN = false-negative rate (positives judged wrong), FP = false-positive rate "
              "(negatives judged right); counts in parentheses. "
              + " ".join(f"`{c}`: {why}." for c, why in LABELLING_CHOICES.items()), ""]
    header = "| category | pos | neg | " + " | ".join(f"{n} FN | {n} FP | {n} acc" for n in names) + " |"
    lines += [header, "|---|---:|---:|" + "---:|" * (3 * len(names))]
    categories = [c for c in summary[names[0]] if c != "overall" and not c.startswith(("style:", "group:", "layout:", "subset:"))]
    for category in categories:
        first = summary[names[0]][category]
        cells = []
        for name in names:
            s = summary[name][category]
            cells += [f"{_pct(s.fn_rate)} ({s.false_negatives})" if s.positives else "–",
                      f"{_pct(s.fp_rate)} ({s.false_positives})" if s.negatives else "–", _pct(s.accuracy)]
        label = f"{category} (labelling choice)" if category in LABELLING_CHOICES else category
        lines.append(f"| {label} | {first.positives} | {first.negatives} | " + " | ".join(cells) + " |")
    styles = [k for k in summary[names[0]] if k.startswith("style:")]
    if styles:
        lines += ["", "## By final-answer form (non-hack categories)", "",
                  "| form | Math-Verify claims it | pos | neg | " + " | ".join(f"{n} FN | {n} FP" for n in names) + " |",
                  "|---|---|---:|---:|" + "---:|" * (2 * len(names))]
        for key in styles:
            first = summary[names[0]][key]
            cells = []
            for name in names:
                s = summary[name][key]
                cells += [f"{s.false_negatives} ({_pct(s.fn_rate)})", f"{s.false_positives}"]
            lines.append(f"| {key[6:]} | {STYLE_CLAIMED.get(key[6:], '?')} | {first.positives} | {first.negatives} | "
                         + " | ".join(cells) + " |")
    if context.get("peer_suite"):
        lines += ["", "## Math-Verify's own regression cases", "",
                  "From [peer_suite.md](peer_suite.md) (`peer_suite.py`, run separately against a Math-Verify checkout):", "",
                  context["peer_suite"]]
    lines += ["", "Per-item failures of rlvr: [failures.md](failures.md). Charts: [accuracy.png](accuracy.png) (by category), "
              "[latency.png](latency.png). Math-Verify's own regression cases through rlvr: [peer_suite.md](peer_suite.md).", ""]
    return "\n".join(lines)


def peer_suite_summary(path: Path) -> str | None:
    """The agreement bullets of peer_suite.md (its date line first), or None when there is no such file."""
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8")
    date = next((line for line in text.splitlines() if line.startswith("- date:")), None)
    section = text.split("## Agreement", 1)[1].split("\n## ", 1)[0] if "## Agreement" in text else ""
    bullets = [line for line in section.splitlines() if line.startswith(("- ", "  ("))]
    return "\n".join(([date] if date else []) + bullets) or None


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
    names = _scored(summary)
    categories = [c for c in summary[names[0]] if c != "overall" and not c.startswith(("style:", "group:", "layout:", "subset:"))]
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
