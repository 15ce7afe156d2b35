"""ILO and translation overlap on synthetic representations whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from rlvr.ilo.errors import IloError
from rlvr.ilo.score import layer_score, nearest


def test_identical_representations_across_languages_score_one() -> None:
    base = np.random.default_rng(0).normal(size=(40, 16))
    score = layer_score({lang: base for lang in ("en", "de", "fr", "es")}, k=3, threshold=3)
    assert score.ilo == pytest.approx(1.0)
    assert score.translation_overlap == pytest.approx(1.0)
    assert all(v["bridge"] == 1.0 and v["reach"] == 1.0 for v in score.per_language.values())


def test_random_representations_overlap_about_k_over_n() -> None:
    rng = np.random.default_rng(1)
    n, k = 300, 5
    score = layer_score({lang: rng.normal(size=(n, 32)) for lang in ("en", "de", "fr", "es")}, k=k, threshold=3)
    assert score.translation_overlap == pytest.approx(k / (n - 1), abs=0.015)
    # Random points mix languages: ILO, which rewards mixed neighbourhoods, is far from 0 here.
    assert score.ilo > 0.5


def test_languages_in_separate_clusters_score_zero() -> None:
    rng = np.random.default_rng(2)
    shared = rng.normal(size=(30, 8))
    # Each language shifted far along its own axis: every neighbourhood stays inside one language.
    embeddings = {lang: shared + 100 * np.eye(8)[i] for i, lang in enumerate(("en", "de", "fr"))}
    score = layer_score(embeddings, k=5, threshold=1)
    assert score.ilo == 0.0
    assert all(v["bridge"] == 0.0 and v["reach"] == 0.0 for v in score.per_language.values())


def test_bridge_and_reach_on_a_hand_made_layout() -> None:
    # Three sentences per language on a circle; each "en" point sits between a "de" and a "fr" point, "es" far off.
    angles = {"en": [0.0, 2.0, 4.0], "de": [0.1, 2.1, 4.1], "fr": [-0.1, 1.9, 3.9], "es": [1.0, 3.0, 5.0]}
    embeddings = {lang: np.array([[np.cos(a), np.sin(a)] for a in values]) for lang, values in angles.items()}
    score = layer_score(embeddings, k=2, threshold=2)
    en = score.per_language["en"]
    assert en["bridge"] == 1.0                      # both neighbours are de and fr: 2 other languages
    assert en["reach"] == pytest.approx(2 / 3)      # es never appears among en's neighbours
    assert en["ilo"] == pytest.approx(2 * 1.0 * (2 / 3) / (1.0 + 2 / 3))  # harmonic mean


def test_nearest_excludes_itself_and_uses_cosine() -> None:
    x = np.array([[1.0, 0.0], [10.0, 0.5], [0.0, 1.0], [-1.0, 0.0]])
    # By cosine, row 1 (long but nearly parallel to row 0) is row 0's nearest; Euclidean would pick row 2.
    assert nearest(x, 1)[:, 0].tolist() == [1, 0, 1, 2]


@pytest.mark.parametrize("sizes, k, threshold, message", [
    ({"en": 1, "de": 1}, 1, 1, "language 'en' has a single sentence"),
    ({"en": 5, "de": 5}, 5, 1, r"k \(5\) must be smaller than the sentences per language \(5 in 'en'\)"),
    ({"en": 8}, 3, 1, "only en: add at least one more"),
    ({"en": 8, "de": 8}, 3, 3, r"threshold t \(3\) must be between 1 and min\(k, languages - 1\) = 1"),
])
def test_sizes_that_cannot_be_scored(sizes: dict, k: int, threshold: int, message: str) -> None:
    rng = np.random.default_rng(3)
    with pytest.raises(IloError, match=message):
        layer_score({lang: rng.normal(size=(n, 4)) for lang, n in sizes.items()}, k=k, threshold=threshold)
