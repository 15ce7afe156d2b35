"""PreSelect: pick training documents on which model losses predict model ability (Shum et al. 2025).

    from rlvr.preselect import predictive_strength, score_pool, label_by_strength, train_classifier, select_pool
    score_pool("default,runs/a,runs/b", "0.42,0.50,0.61", "pool.jsonl", "scores.jsonl")   # BPC per model, S per doc
    labels = label_by_strength(rows, top=0.1, bottom=0.1)                                  # S-top vs S-bottom texts
    train_classifier(labels.positives, labels.negatives, "clf.bin")                       # fastText, held-out accuracy
    select_pool("clf.bin", "big_pool.parquet", keep=0.2, out="selected.parquet")          # streaming, exact top share

Command line: `rlvr preselect score|train|select`. Reference: docs/preselect.md.
Layer 4: it loads models through `rlvr.models`; torch, transformers and fastText load inside functions.
"""

from rlvr.preselect.classifier import FastTextParams, Labels, TrainResult, label_by_strength, load_classifier, positive_probability, train_classifier
from rlvr.preselect.errors import PreselectError
from rlvr.preselect.score import ScoreSummary, read_scores, score_pool
from rlvr.preselect.select import SelectSummary, select_pool
from rlvr.preselect.strength import bits_per_character, predictive_strength

__all__ = [
    "FastTextParams",
    "Labels",
    "PreselectError",
    "ScoreSummary",
    "SelectSummary",
    "TrainResult",
    "bits_per_character",
    "label_by_strength",
    "load_classifier",
    "positive_probability",
    "predictive_strength",
    "read_scores",
    "score_pool",
    "select_pool",
    "train_classifier",
]
