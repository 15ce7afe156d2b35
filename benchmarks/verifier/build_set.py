"""Build the labelled verifier benchmark set from real gold answers.

    python benchmarks/verifier/build_set.py            # writes labelled.jsonl
    python benchmarks/verifier/build_set.py --check    # rebuilds, compares, prints counts

Deterministic (fixed seed). Every positive is re-read and compared with its gold by
exact arithmetic in `exact.equivalent`; every negative must compare unequal; pairs
that fail either check are dropped and listed, never written with a doubtful label.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import exact  # noqa: E402
import responses  # noqa: E402
import rewrites  # noqa: E402
from golds import Gold, load_golds  # noqa: E402

SEED = 20_240_611
OUTPUT = HERE / "labelled.jsonl"

# category -> (positives, negatives) to draw
PLAN: dict[str, tuple[int, int]] = {
    "integer": (100, 100),
    "decimal": (50, 50),
    "thousands-separator": (50, 50),
    "number-word": (40, 40),
    "fraction": (70, 70),
    "decimal-of-fraction": (40, 40),
    "scientific": (30, 30),
    "percent": (40, 40),
    "currency-units": (70, 70),
    "degrees": (40, 40),
    "radical-constant": (60, 60),
    "big-exact": (30, 30),
    "complex": (24, 24),
    "expression": (60, 60),
    "equation": (24, 24),
    "tuple": (40, 40),
    "set-roots": (36, 36),
    "interval": (44, 44),
    "inequality-interval": (30, 30),
    "matrix-vector": (36, 36),
    "base-subscript": (20, 20),
    "choice": (20, 20),
    "text": (20, 20),
}
EXTRACTION_GOLDS = 36  # 6 positive and 4 negative layouts each
HACK_GOLDS = 9  # every hack layout for each of these golds

HACK_CATEGORIES = [
    "hack-empty", "hack-brace", "hack-empty-box", "hack-special-token", "hack-gibberish",
    "hack-claim-correct", "hack-injection", "hack-html-markdown", "hack-hedge",
    "hack-equation-chain", "hack-enumeration", "hack-bare-variable", "hack-earlier-gold",
]


@dataclass
class Pair:
    """One labelled (response, gold) pair as written to the jsonl file."""

    id: str
    response: str
    gold: str
    label: bool
    category: str
    source: str
    note: str

    def to_json(self) -> str:
        """One JSON line (non-ASCII kept as is)."""
        return json.dumps(self.__dict__, ensure_ascii=False)


def _pool(category: str, golds: dict[str, list[Gold]]) -> list[Gold]:
    """The real golds a category draws from."""
    if category == "number-word":
        return [g for g in golds["integer"] if 0 <= int(g.gold) <= 999]
    if category == "decimal-of-fraction":
        fractions = [g for g in golds["fraction"] if "frac" in g.gold]
        decimals = [g for g in golds["decimal"] if exact.parse_number(g.gold).denominator != 1]
        return fractions + decimals
    if category == "scientific":
        big = [g for g in golds["thousands-separator"] if str(int(exact.parse_number(g.gold))).endswith("00")]
        small = [g for g in golds["decimal"] if exact.parse_number(g.gold) < Fraction(1, 100)]
        return small * 4 + big  # the one tiny real decimal gets drawn about as often as a big one
    return golds[category]



def _rewrite(category: str, gold: Gold) -> rewrites.Rewrite:
    table = {
        "integer": rewrites.rewrite_integer,
        "decimal": rewrites.rewrite_decimal,
        "thousands-separator": rewrites.rewrite_thousands,
        "number-word": rewrites.rewrite_number_word,
        "fraction": rewrites.rewrite_fraction,
        "decimal-of-fraction": rewrites.rewrite_decimal_of_fraction,
        "scientific": rewrites.rewrite_scientific,
        "percent": rewrites.rewrite_percent,
        "currency-units": rewrites.rewrite_currency_units,
        "degrees": rewrites.rewrite_degrees,
        "radical-constant": rewrites.rewrite_radical_constant,
        "big-exact": rewrites.rewrite_big_exact,
        "complex": rewrites.rewrite_complex,
        "expression": rewrites.rewrite_expression,
        "equation": rewrites.rewrite_equation,
        "tuple": rewrites.rewrite_tuple,
        "set-roots": rewrites.rewrite_set_roots,
        "interval": rewrites.rewrite_interval,
        "inequality-interval": rewrites.rewrite_inequality_interval,
        "matrix-vector": rewrites.rewrite_matrix,
        "base-subscript": rewrites.rewrite_base,
        "choice": rewrites.rewrite_choice,
    }
    if category == "text":
        return rewrites.rewrite_text(gold.gold, gold.question)
    if category == "currency-units":
        return rewrites.rewrite_currency_units(gold.gold, gold.question)
    return table[category](gold.gold)


def _checked(category: str, gold: Gold, answer: str, label: bool, dropped: list[str]) -> bool:
    """Whether exact arithmetic agrees with `label`; disagreements are recorded and dropped."""
    try:
        same = exact.equivalent(category, gold.gold, answer)
    except (exact.LabelError, ValueError, TypeError, ZeroDivisionError) as exc:
        dropped.append(f"{category}: gold {gold.gold!r} answer {answer!r}: unreadable ({exc})")
        return False
    if same != label:
        dropped.append(f"{category}: gold {gold.gold!r} answer {answer!r}: labelled {label} but exact check says {same}")
        return False
    return True


def _draw(rng: random.Random, category: str, pool: list[Gold], count: int, label: bool, dropped: list[str]) -> list[tuple[Gold, str, str, str]]:
    """`count` (gold, answer, note, distractor) tuples, spread over golds round-robin."""
    order = list(pool)
    rng.shuffle(order)
    candidates: list[list[tuple[Gold, str, str, str]]] = []
    seen_answers: set[tuple[str, str]] = set()
    for gold in order[: max(count, 1) * 2]:
        if (gold.gold, "") in seen_answers:
            continue
        seen_answers.add((gold.gold, ""))
        try:
            positives, negatives = _rewrite(category, gold)
        except (exact.LabelError, ValueError, KeyError) as exc:
            dropped.append(f"{category}: gold {gold.gold!r}: no rewrites ({exc!r})")
            continue
        chosen = positives if label else negatives
        distractors = [a for a, _ in negatives] or ["0"]
        usable = []
        for answer, note in chosen:
            if (gold.gold, answer) in seen_answers or not _checked(category, gold, answer, label, dropped):
                continue
            seen_answers.add((gold.gold, answer))
            usable.append((gold, answer, note, rng.choice(distractors)))
        rng.shuffle(usable)
        if usable:
            candidates.append(usable)
    drawn: list[tuple[Gold, str, str, str]] = []
    while len(drawn) < count and any(candidates):
        for bucket in candidates:
            if bucket and len(drawn) < count:
                drawn.append(bucket.pop())
    # Small pools (e.g. three choice golds) reuse answers under different response layouts.
    distinct = len(drawn)
    while len(drawn) < count and distinct:
        drawn.append(drawn[len(drawn) % distinct])
    return drawn


def build(seed: int = SEED) -> tuple[list[Pair], list[str]]:
    """All pairs, and the list of generated pairs dropped by the exact check."""
    rng = random.Random(seed)
    golds = load_golds()
    pairs: list[Pair] = []
    dropped: list[str] = []

    def add(category: str, response: str, gold: Gold, label: bool, note: str) -> None:
        pairs.append(Pair(f"{category}-{len(pairs):05d}", response, gold.gold, label, category, gold.source, note))

    for category, (n_pos, n_neg) in PLAN.items():
        pool = _pool(category, golds)
        for label, count in ((True, n_pos), (False, n_neg)):
            for gold, answer, note, distractor in _draw(rng, category, pool, count, label, dropped):
                mention = gold.gold if rng.random() < 0.3 else None
                text, style = responses.response(rng, answer, gold.question, distractor, mention, gold.solution)
                extra = "; gold mentioned in think" if mention and f"${mention}$" in text else ""
                add(category, text, gold, label, f"{note}; {style}{extra}")

    extraction_pool = [g for g in golds["integer"] if g.source.startswith(("math500", "aime24"))] + golds["fraction"] + golds["radical-constant"]
    rng.shuffle(extraction_pool)
    for gold in extraction_pool[:EXTRACTION_GOLDS]:
        category = "integer" if gold in golds["integer"] else "fraction" if gold in golds["fraction"] else "radical-constant"
        wrong = next(a for a, _ in _rewrite(category, gold)[1] if _checked(category, gold, a, False, dropped))
        layouts = responses.extraction_layouts(rng, gold.gold, wrong, gold.question, gold.solution)
        positives = [x for x in layouts if x[1]]
        negatives = [x for x in layouts if not x[1]]
        for text, label, note in rng.sample(positives, 3) + rng.sample(negatives, 2):
            add("extraction", text, gold, label, note)

    hack_pool = [g for g in golds["integer"] if g.source.startswith(("math500", "aime24", "gsm8k"))]
    rng.shuffle(hack_pool)
    hack_golds = hack_pool[: HACK_GOLDS - 2] + rng.sample(golds["fraction"], 1) + rng.sample(golds["radical-constant"], 1)
    for gold in hack_golds:
        category = "integer" if gold in golds["integer"] else "fraction" if gold in golds["fraction"] else "radical-constant"
        wrong = next(a for a, _ in _rewrite(category, gold)[1] if _checked(category, gold, a, False, dropped))
        by_hack = responses.hack_responses(rng, gold.gold, wrong, gold.question)
        for hack in HACK_CATEGORIES:
            for text, note in by_hack[hack]:
                add(hack, text, gold, False, note)
    return _deduplicate(pairs), dropped


def _deduplicate(pairs: list[Pair]) -> list[Pair]:
    """Drop exact repeats of (response, gold) and renumber ids densely."""
    seen: set[tuple[str, str]] = set()
    unique = []
    for pair in pairs:
        key = (pair.response, pair.gold)
        if key not in seen:
            seen.add(key)
            unique.append(pair)
    for index, pair in enumerate(unique):
        pair.id = f"{pair.category}-{index:05d}"
    return unique


def counts_table(pairs: list[Pair]) -> str:
    """Per-category positive/negative counts as a markdown table."""
    pos = Counter(p.category for p in pairs if p.label)
    neg = Counter(p.category for p in pairs if not p.label)
    categories = list(dict.fromkeys(p.category for p in pairs))
    lines = ["| category | positives | negatives |", "|---|---:|---:|"]
    lines += [f"| {c} | {pos[c]} | {neg[c]} |" for c in categories]
    lines.append(f"| **total** | {sum(pos.values())} | {sum(neg.values())} |")
    return "\n".join(lines)


def main() -> int:
    """Build (or, with --check, verify) labelled.jsonl."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="rebuild in memory, compare with labelled.jsonl, print counts")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--seed", type=int, default=SEED, help="another seed gives a fresh, equally checked set (e.g. a held-out one)")
    args = parser.parse_args()
    pairs, dropped = build(args.seed)
    text = "".join(p.to_json() + "\n" for p in pairs)
    if args.check:
        print(counts_table(pairs))
        print(f"\n{len(pairs)} pairs; {len(dropped)} generated pairs dropped by the exact check")
        for line in dropped:
            print("  dropped:", line)
        if not args.output.exists():
            print(f"{args.output} does not exist yet: run without --check")
            return 1
        same = args.output.read_text(encoding="utf-8") == text
        print(f"{args.output.name} {'matches' if same else 'DIFFERS FROM'} a fresh build")
        return 0 if same else 1
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {len(pairs)} pairs to {args.output} ({len(dropped)} generated pairs dropped by the exact check)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
