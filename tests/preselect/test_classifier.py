"""Labelling by predictive strength and the fastText train/save/load/predict round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from preselect_corpus import MATH, SPAM, make_texts

from rlvr.preselect import PreselectError, label_by_strength, load_classifier, positive_probability, train_classifier
from rlvr.preselect.classifier import one_line



def _rows(strengths: list[float]) -> list[dict]:
    return [{"text": f"doc {k}", "strength": s} for k, s in enumerate(strengths)]


def test_top_and_bottom_shares_are_labelled() -> None:
    rows = _rows([k / 99 for k in range(100)])
    labels = label_by_strength(rows, top=0.1, bottom=0.2)
    assert sorted(labels.positives) == sorted(f"doc {k}" for k in range(90, 100))
    assert sorted(labels.negatives) == sorted(f"doc {k}" for k in range(0, 20))
    assert labels.lowest_positive == pytest.approx(90 / 99) and labels.highest_negative == pytest.approx(19 / 99)


def test_ties_at_the_cut_are_broken_by_the_seed() -> None:
    rows = _rows([1.0] * 30 + [0.0] * 70)
    first = label_by_strength(rows, 0.1, 0.1, seed=0)
    assert all(int(t.split()[1]) < 30 for t in first.positives) and len(first.positives) == 10
    assert first.positives == label_by_strength(rows, 0.1, 0.1, seed=0).positives
    assert first.positives != label_by_strength(rows, 0.1, 0.1, seed=1).positives


@pytest.mark.parametrize(("strengths", "top", "bottom", "message"), [
    ([0.5] * 50, 0.1, 0.1, "nothing separates them"),
    ([k / 9 for k in range(10)], 0.6, 0.6, "overlap"),
    ([k / 9 for k in range(10)], 0.0, 0.1, "between 0 and 1"),
    ([0.0, 1.0, 0.5], 0.1, 0.1, "0 positives"),
])
def test_bad_labelling_is_refused(strengths: list[float], top: float, bottom: float, message: str) -> None:
    with pytest.raises(PreselectError, match=message):
        label_by_strength(_rows(strengths), top, bottom)


def test_round_trip_separates_the_two_kinds(classifier_path: Path) -> None:
    model = load_classifier(classifier_path)
    math_scores = positive_probability(model, make_texts(MATH, 20, 7))
    spam_scores = positive_probability(model, make_texts(SPAM, 20, 8))
    assert min(math_scores) > 0.5 > max(spam_scores)
    # Newlines would end a fastText example early; they are folded into spaces.
    assert positive_probability(model, ["theorem\nproof\n\nlemma"]) == positive_probability(model, ["theorem proof lemma"])


def test_one_line() -> None:
    assert one_line("  a\nb\t\tc \r\n") == "a b c"


def test_not_a_classifier_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a model")
    with pytest.raises(PreselectError, match="not a fastText model"):
        load_classifier(junk)
    with pytest.raises(PreselectError, match="no such classifier"):
        load_classifier(tmp_path / "missing.bin")


def test_failed_training_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "clf.bin"
    with pytest.raises(PreselectError, match="both labels"):
        train_classifier(["only positives here"] * 5, [], out, holdout=0.0)
    assert list(tmp_path.iterdir()) == []
