"""The labelled set: complete, deterministic, and every label re-checked."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

import build_set  # noqa: E402
import exact  # noqa: E402
import responses  # noqa: E402
import rewrites  # noqa: E402

VALUE_CATEGORIES = list(build_set.PLAN) + ["extraction"]


@pytest.fixture(scope="module")
def built() -> tuple[list[build_set.Pair], list[str]]:
    return build_set.build()


def test_every_category_has_positives_and_negatives(built) -> None:
    pairs, _ = built
    labels = Counter((p.category, p.label) for p in pairs)
    for category in VALUE_CATEGORIES:
        assert labels[(category, True)] >= 10, category
        assert labels[(category, False)] >= 10, category
    for category in build_set.HACK_CATEGORIES:
        assert labels[(category, False)] >= 20, category
        assert labels[(category, True)] == 0, category
    assert len(pairs) >= 1500


def test_no_pair_was_dropped_and_ids_are_unique(built) -> None:
    pairs, dropped = built
    assert dropped == []
    assert len({p.id for p in pairs}) == len(pairs)
    assert len({(p.response, p.gold) for p in pairs}) == len(pairs)


def test_build_is_deterministic_and_matches_the_committed_file(built) -> None:
    pairs, _ = built
    written = build_set.OUTPUT.read_text(encoding="utf-8")
    assert written == "".join(p.to_json() + "\n" for p in pairs)


def test_rows_have_the_documented_fields() -> None:
    with open(build_set.OUTPUT, encoding="utf-8") as handle:
        first = json.loads(handle.readline())
    assert set(first) == {"id", "response", "gold", "label", "category", "source", "note"}


def test_sources_are_real_data_except_big_exact(built) -> None:
    pairs, _ = built
    handmade = {p.category for p in pairs if p.source == "handmade"}
    assert handmade <= {"big-exact"} | set(build_set.HACK_CATEGORIES)
    assert all(re.fullmatch(r"(math500|gsm8k|aime24|amc23):.+|handmade", p.source) for p in pairs)


def test_hacks_never_commit_to_the_gold(built) -> None:
    pairs, _ = built
    for pair in pairs:
        if pair.category.startswith("hack-"):
            final = re.findall(r"\\boxed\{([^{}]*)\}\s*$", pair.response)
            if final and final[-1].strip() == pair.gold.strip():
                # only allowed when hedging or enumerating: another, different boxed value is offered too
                every_box = {b.strip() for b in re.findall(r"\\boxed\{([^{}]*)\}", pair.response)}
                assert len(every_box) > 1 and pair.category in ("hack-hedge", "hack-enumeration"), pair.id


def test_final_answer_forms_all_appear(built) -> None:
    pairs, _ = built
    text = "\n".join(p.response for p in pairs)
    for form in ("\\boxed{", "\\fbox{", "$\\boxed{", "<answer>", "The final answer is $", "Answer: ", "**", "<think>"):
        assert form in text, form


def test_rewrites_produce_checked_positives_for_a_real_gold() -> None:
    positives, negatives = rewrites.rewrite_fraction("\\frac{13}{6}")
    assert all(exact.equivalent("fraction", "\\frac{13}{6}", a) for a, _ in positives)
    assert not any(exact.equivalent("fraction", "\\frac{13}{6}", a) for a, _ in negatives)


def test_final_answer_rejects_unknown_style() -> None:
    with pytest.raises(ValueError, match="unknown style"):
        responses.final_answer("5", "shout")
