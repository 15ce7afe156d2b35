"""Real gold answers from /work/shared/data, sorted into the benchmark's categories."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path("/work/shared/data")


@dataclass(frozen=True)
class Gold:
    """One real gold answer and where it came from."""

    gold: str
    source: str  # "math500:<unique_id>", "gsm8k:<idx>", "aime24:<id>", "amc23:<id>", "handmade"
    question: str
    solution: str = ""  # the dataset's own worked solution, used as realistic reasoning text


# MATH-500 answers whose shape alone does not say what they are (point or interval?).
_MATH500_OVERRIDES = {
    "(2,4)": "tuple",
    "(-2,1)": "tuple",
    "(a+5)(b+2)": "expression",
    "\\$32,\\!348": "currency-units",
    "(-1,6)": "tuple",
    "(8,-2)": "tuple",
    "(15,-29)": "tuple",
    "(1,-16,-4,43)": "tuple",
    "(6,31,-1)": "tuple",
    "\\left( 3, \\frac{\\pi}{2} \\right)": "tuple",
    "\\left( \\frac{3}{2}, -13 \\right)": "tuple",
    "x=5": "equation",
    "\\frac{270}7\\text{ degrees}": "degrees",
    "137 \\frac{1}{2}": "fraction",
    "1\\frac{4}{5}": "fraction",
}

# Handmade golds for the one category the real data lacks: exact values too large or
# too small for a float (factorials, huge powers). Marked source "handmade".
HANDMADE_BIG_EXACT = [
    "\\frac{1}{2006!}",
    "2^{-100}",
    "2^{100}",
    "\\frac{1}{2^{64}}",
    "3^{50}",
    "100!",
    "\\frac{2005!}{2003!}",
    "10^{30}+1",
    "\\frac{1}{3^{40}}",
    "2^{2024}",
]


def _math500_category(answer: str) -> str | None:
    if answer in _MATH500_OVERRIDES:
        return _MATH500_OVERRIDES[answer]
    a = answer.strip()
    if re.fullmatch(r"-?\d+", a):
        return "integer"
    if ",\\!" in a or re.fullmatch(r"\d{1,3}(,\d{3})+", a):
        return None if "\\$" in a else "thousands-separator"
    if re.fullmatch(r"-?\d*\.\d+", a):
        return "decimal"
    if "matrix" in a:
        return "matrix-vector"
    if "^\\circ" in a:
        return "degrees"
    if "\\$" in a or "\\mbox" in a or "cents" in a:
        return "currency-units"
    if re.fullmatch(r"\d+_\{?\d+\}?", a):
        return "base-subscript"
    if re.fullmatch(r"\\text\{\([A-E]\)\}", a):
        return "choice"
    if re.fullmatch(r"\\text\{[A-Za-z ]+\}", a):
        return "text"
    if "\\cup" in a or "\\infty" in a or re.fullmatch(r"(\\left)?[(\[].*(\\right)?[)\]]", a) or "\\in" in a:
        return "interval"
    if "\\pm" in a or "\\{" in a or re.fullmatch(r"-?\d+(, ?-?\d+)+", a):
        return "set-roots"
    if "=" in a:
        return "equation"
    if re.fullmatch(r"-?\d* ?[-+] ?\d*i", a.replace(" ", "")) or re.fullmatch(r"-?\d+ ?[-+] ?\d+i", a):
        return "complex"
    if re.fullmatch(r"-?\\d?frac ?\{?\d+\}? ?\{?\d+\}?|-?\\frac\d\{\d+\}|\\frac\d\d", a) or re.fullmatch(
        r"-?\\d?frac\{\d+\}\{\d+\}", a
    ):
        return "fraction"
    if re.fullmatch(r"\\frac ?\d ?\d|\\frac\d\{\d+\}|\\frac\{\d+\}\d", a):
        return "fraction"
    if re.search(r"\\sqrt|\\pi", a) and not re.search(r"[a-zA-Z](?<!\\sqrt)(?<!\\pi)", re.sub(r"\\(sqrt|pi|frac)", "", a)):
        return "radical-constant"
    if re.search(r"[a-zA-Z]", re.sub(r"\\(frac|sqrt|cot|pi|left|right)", "", a)):
        return "expression"
    return None


def _asks_for_percent(question: str) -> bool:
    """Whether the question's last sentence asks for a percentage (not a count)."""
    asked = re.split(r"(?<=[.!])\s+", question.strip())[-1].lower()
    return bool(re.search(r"\bwhat\b[^?]*\bpercent|\bas a percent", asked)) and "how many" not in asked


def _read_jsonl(name: str) -> list[dict]:
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_golds() -> dict[str, list[Gold]]:
    """All real golds by category, in file order (the builder samples with a fixed seed)."""
    by_category: dict[str, list[Gold]] = {}

    def add(category: str | None, gold: Gold) -> None:
        if category:
            by_category.setdefault(category, []).append(gold)

    for row in _read_jsonl("math500-test.jsonl"):
        gold = Gold(row["answer"], f"math500:{row['unique_id']}", row["problem"], row["solution"])
        add(_math500_category(row["answer"]), gold)
        if _math500_category(row["answer"]) == "integer" and _asks_for_percent(row["problem"]):
            add("percent", gold)
        if _math500_category(row["answer"]) == "interval":
            add("inequality-interval", gold)
    for row in _read_jsonl("gsm8k-test.jsonl"):
        answer = row["answer"].split("####")[-1].strip().replace(",", "")
        worked = re.sub(r"<<[^>]*>>", "", row["answer"].split("####")[0]).strip()
        gold = Gold(answer, f"gsm8k:{row['idx']}", row["question"], worked)
        add("integer", gold)
        question = row["question"].lower()
        if re.fullmatch(r"\d+", answer) and int(answer) >= 1000:
            add("thousands-separator", gold)
        if _asks_for_percent(question):
            add("percent", gold)
        if "how much money" in question or re.search(r"how many [a-z]+ (does|did|do|will|are|were|can|would)", question):
            add("currency-units", gold)
    for row in _read_jsonl("aime24-test.jsonl"):
        add("integer", Gold(str(row["answer"]), f"aime24:{row['id']}", row["problem"], row.get("solution") or ""))
    for row in _read_jsonl("amc23-test.jsonl"):
        add("decimal", Gold(str(row["answer"]), f"amc23:{row['id']}", row["problem"]))
    for text in HANDMADE_BIG_EXACT:
        add("big-exact", Gold(text, "handmade", ""))
    return by_category


if __name__ == "__main__":
    for category, golds in sorted(load_golds().items()):
        print(f"{category:22s} {len(golds):5d}  {[g.gold for g in golds[:8]]}")
