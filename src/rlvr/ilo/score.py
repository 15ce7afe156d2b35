"""The Interlingual Local Overlap (ILO) score of one layer's sentence representations, and a translation check.

ILO (Wilie, Cahyawijaya, He & Fung, "High-Dimensional Interlingual Representations of Large
Language Models", SIGTYP 2025; formula as in the authors' code, HLTCHKUST/interlingua src/ilo.py):
pool the representations of all languages, find each sentence's k nearest neighbours by cosine
distance (itself excluded), then for each language l with n_l sentences among L languages

    bridge(l) = |{ i in l : the neighbours of i span >= t languages other than l }| / n_l
    reach(l)  = |{ languages other than l among the neighbours of any i in l }| / (L - 1)
    ILO(l)    = harmonic mean of bridge(l) and reach(l)      (0 when either is 0)

and the layer's ILO is the mean of ILO(l) over languages. The paper's defaults are k = 5, t = 3.
ILO asks whether neighbourhoods mix languages; it does not use which sentence translates which.

translation overlap (rlvr's companion check, the mutual-kNN alignment of Huh et al. 2024, "The
Platonic Representation Hypothesis", applied to translations): for languages a != b and sentence i,
N_a(i) is the set of ids of i's k nearest neighbours among language a's sentences (i excluded), and

    overlap(a, b) = mean over i of |N_a(i) & N_b(i)| / k

1 when every language arranges the sentences alike, about k / (n - 1) for unrelated representations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import harmonic_mean

import numpy as np

from rlvr.ilo.errors import IloError

DEFAULT_K = 5
DEFAULT_THRESHOLD = 3


@dataclass
class LayerScore:
    """ILO of one layer: the mean over languages, and per language its ILO, bridge, reach and translation overlap."""

    ilo: float
    translation_overlap: float
    per_language: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {"ilo": self.ilo, "translation_overlap": self.translation_overlap, "per_language": self.per_language}


def check_sizes(counts: Mapping[str, int], k: int, threshold: int) -> None:
    """Raise IloError unless k, t and the number of sentences per language allow the scores."""
    if len(counts) < 2:
        raise IloError(f"ILO compares languages; the data holds only {', '.join(counts) or 'none'}: add at least one more")
    for lang, n in counts.items():
        if n < 2:
            raise IloError(f"language {lang!r} has a single sentence; every language needs at least k + 1 = {k + 1}")
        if k >= n:
            raise IloError(f"k ({k}) must be smaller than the sentences per language ({n} in {lang!r}): lower --k or add sentences")
    if k < 1:
        raise IloError(f"k must be >= 1; got {k}")
    others = len(counts) - 1
    if not 1 <= threshold <= min(k, others):
        raise IloError(f"the bridge threshold t ({threshold}) must be between 1 and min(k, languages - 1) = "
                       f"{min(k, others)}: lower --threshold or add languages")


def nearest(x: np.ndarray, k: int) -> np.ndarray:
    """Indices of each row's k nearest rows by cosine distance, itself excluded (ties go to the lower index)."""
    unit = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    distance = 1.0 - unit @ unit.T
    np.fill_diagonal(distance, np.inf)
    return np.argsort(distance, axis=1, kind="stable")[:, :k]


def layer_score(embeddings: Mapping[str, np.ndarray], k: int = DEFAULT_K, threshold: int = DEFAULT_THRESHOLD) -> LayerScore:
    """ILO and translation overlap of one layer; `embeddings[lang]` is (sentences, dim), rows in the same id order."""
    languages = list(embeddings)
    check_sizes({lang: len(embeddings[lang]) for lang in languages}, k, threshold)
    sizes = {len(embeddings[lang]) for lang in languages}
    pooled = np.concatenate([np.asarray(embeddings[lang], dtype=np.float64) for lang in languages])
    labels = np.concatenate([np.full(len(embeddings[lang]), i) for i, lang in enumerate(languages)])
    neighbour_labels = labels[nearest(pooled, k)]
    per_language: dict[str, dict[str, float]] = {}
    for i, lang in enumerate(languages):
        rows = neighbour_labels[labels == i]
        other_counts = np.array([len(set(row.tolist()) - {i}) for row in rows])
        bridge = float(np.mean(other_counts >= threshold))
        reach = len(set(rows.ravel().tolist()) - {i}) / (len(languages) - 1)
        ilo = harmonic_mean([bridge, reach]) if bridge > 0 and reach > 0 else 0.0
        per_language[lang] = {"ilo": float(ilo), "bridge": bridge, "reach": float(reach)}
    overlaps = _translation_overlap(embeddings, k) if len(sizes) == 1 else {}
    for lang in languages:
        per_language[lang]["translation_overlap"] = overlaps.get(lang, float("nan"))
    return LayerScore(
        ilo=float(np.mean([per_language[lang]["ilo"] for lang in languages])),
        translation_overlap=float(np.mean(list(overlaps.values()))) if overlaps else float("nan"),
        per_language=per_language,
    )


def _translation_overlap(embeddings: Mapping[str, np.ndarray], k: int) -> dict[str, float]:
    """Per language, the mean of overlap(lang, other) over the other languages."""
    languages = list(embeddings)
    sets = {lang: nearest(np.asarray(embeddings[lang], dtype=np.float64), k) for lang in languages}
    per_language: dict[str, list[float]] = {lang: [] for lang in languages}
    for a_index, a in enumerate(languages):
        for b in languages[a_index + 1:]:
            shared = [len(set(row_a.tolist()) & set(row_b.tolist())) for row_a, row_b in zip(sets[a], sets[b])]
            value = float(np.mean(shared)) / k
            per_language[a].append(value)
            per_language[b].append(value)
    return {lang: float(np.mean(values)) for lang, values in per_language.items()}
