"""The fastText scorer: documents of high predictive strength (label 1) against low (label 0).

As in PreSelect (Sec. 2.3 and the authors' train script): positives are the documents with the
highest S, negatives those with the lowest, and a fastText classifier learns to tell them apart
from the text alone (defaults from the authors' script: 3 epochs, learning rate 0.1, word bigrams).
Where rlvr differs: the authors take every document with S = 1 as positive and as many of the
lowest-S documents as negative; rlvr takes fixed shares (`top`, `bottom`) of the pool, orders
ties in S by a seeded shuffle, and holds out a share of the labelled documents to report accuracy.
The score of a document is the classifier's probability of label 1.
"""

from __future__ import annotations

import os
import random
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rlvr.atomic import AtomicFile
from rlvr.preselect.errors import PreselectError

POSITIVE = "__label__1"
NEGATIVE = "__label__0"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class FastTextParams:
    """fastText's supervised training knobs (defaults: the PreSelect authors' script)."""

    epoch: int = 3
    lr: float = 0.1
    word_ngrams: int = 2
    dim: int = 100
    min_count: int = 1
    # Hash buckets for word n-grams: fastText's default 2,000,000 makes an 800 MB model at dim 100;
    # 200,000 (80 MB) is plenty for the tens of thousands of labelled documents PreSelect trains on.
    bucket: int = 200_000
    threads: int = 1  # one thread: the same classifier from the same data on every run


@dataclass
class TrainResult:
    """What `train_classifier` did."""

    positives: int
    negatives: int
    train_docs: int
    heldout_docs: int
    heldout_accuracy: float | None  # None when nothing was held out
    output: Path


@dataclass
class Labels:
    """Texts labelled by predictive strength, and where the cuts fell."""

    positives: list[str]
    negatives: list[str]
    lowest_positive: float  # lowest S among positives
    highest_negative: float  # highest S among negatives


def fasttext_module() -> Any:
    """The `fasttext` module (from the fasttext-community wheel), or an error naming the extra."""
    try:
        import fasttext
    except ImportError:
        raise PreselectError("the fastText classifier needs the preselect extra: pip install 'rlvr[preselect]'") from None
    return fasttext


def one_line(text: str) -> str:
    """fastText reads one example per line: every run of whitespace becomes one space."""
    return _SPACE.sub(" ", text).strip()


def label_by_strength(rows: Sequence[dict], top: float, bottom: float, seed: int = 0) -> Labels:
    """Texts of the `top` share of rows by strength (positives) and of the `bottom` share (negatives)."""
    for name, share in (("--top", top), ("--bottom", bottom)):
        if not 0 < share < 1:
            raise PreselectError(f"{name} must be a share of the documents between 0 and 1; got {share}")
    if top + bottom > 1:
        raise PreselectError(f"--top {top} and --bottom {bottom} overlap; their sum must be at most 1")
    count = len(rows)
    n_top, n_bottom = round(top * count), round(bottom * count)
    if n_top < 1 or n_bottom < 1:
        raise PreselectError(f"{count} scored documents give {n_top} positives and {n_bottom} negatives; "
                             "score more documents or raise --top/--bottom")
    # A seeded shuffle first, then a stable sort: ties in S are ordered at random but reproducibly.
    order = list(range(count))
    random.Random(seed).shuffle(order)
    order.sort(key=lambda k: rows[k]["strength"])
    negatives, positives = order[:n_bottom], order[count - n_top:]
    if rows[positives[0]]["strength"] <= rows[negatives[-1]]["strength"]:
        raise PreselectError(f"the top {top:g} and bottom {bottom:g} of the documents have the same predictive strength "
                             f"({rows[positives[0]]['strength']:g}); nothing separates them. Use smaller shares, more "
                             "documents or models whose losses differ more")
    return Labels(positives=[rows[k]["text"] for k in positives], negatives=[rows[k]["text"] for k in negatives],
                  lowest_positive=float(rows[positives[0]]["strength"]),
                  highest_negative=float(rows[negatives[-1]]["strength"]))


def train_classifier(positives: Sequence[str], negatives: Sequence[str], out: str | Path, *,
                     holdout: float = 0.2, seed: int = 0, params: FastTextParams = FastTextParams()) -> TrainResult:
    """Train fastText on labelled texts, report accuracy on a held-out share, save the model atomically to `out`."""
    if not 0 <= holdout < 1:
        raise PreselectError(f"--holdout must be a share in [0, 1); got {holdout}")
    fasttext = fasttext_module()
    examples = [(POSITIVE, one_line(t)) for t in positives] + [(NEGATIVE, one_line(t)) for t in negatives]
    examples = [(label, text) for label, text in examples if text]
    random.Random(seed).shuffle(examples)
    held = int(round(holdout * len(examples)))
    heldout, train = examples[:held], examples[held:]
    if not any(label == POSITIVE for label, _ in train) or not any(label == NEGATIVE for label, _ in train):
        raise PreselectError("the training split needs documents of both labels; score more documents")
    target = AtomicFile(out)
    try:
        with tempfile.TemporaryDirectory(prefix="rlvr-preselect-") as folder:
            corpus = os.path.join(folder, "train.txt")
            with open(corpus, "w", encoding="utf-8") as handle:
                handle.writelines(f"{label} {text}\n" for label, text in train)
            model = fasttext.train_supervised(input=corpus, epoch=params.epoch, lr=params.lr,
                                              wordNgrams=params.word_ngrams, dim=params.dim,
                                              minCount=params.min_count, bucket=params.bucket,
                                              thread=params.threads, seed=seed, verbose=0)
        accuracy = None
        if heldout:
            predicted = predict_labels(model, [text for _, text in heldout])
            accuracy = sum(p == label for p, (label, _) in zip(predicted, heldout)) / len(heldout)
        model.save_model(str(target.temp))
        target.commit()
    finally:
        if not target.done:
            target.discard()
    return TrainResult(positives=len(positives), negatives=len(negatives), train_docs=len(train),
                       heldout_docs=len(heldout), heldout_accuracy=accuracy, output=Path(out))


def load_classifier(path: str | Path) -> Any:
    """A fastText model trained by `train_classifier` (labels __label__0 and __label__1)."""
    fasttext = fasttext_module()
    source = Path(path)
    if not source.is_file():
        raise PreselectError(f"{source}: no such classifier; train one with `rlvr preselect train`")
    try:
        model = fasttext.load_model(str(source))
    except (ValueError, RuntimeError, OSError) as error:
        raise PreselectError(f"{source}: not a fastText model ({error})") from None
    if sorted(model.get_labels()) != [NEGATIVE, POSITIVE]:
        raise PreselectError(f"{source}: labels {model.get_labels()} are not PreSelect's {NEGATIVE} and {POSITIVE}")
    return model


def positive_probability(model: Any, texts: Iterable[str]) -> list[float]:
    """P(label 1) of each text under the classifier: the PreSelect score."""
    lines = [one_line(t) for t in texts]
    labels, probabilities = model.predict(lines, k=2)
    scores = []
    for names, probs in zip(labels, probabilities):
        pairs = dict(zip(names, probs))
        # k=2 of 2 labels gives both; the fallbacks only guard a model that returns fewer.
        scores.append(float(pairs[POSITIVE]) if POSITIVE in pairs else 1.0 - float(pairs.get(NEGATIVE, 1.0)))
    return scores


def predict_labels(model: Any, texts: Sequence[str]) -> list[str]:
    """The more probable label of each text."""
    return [POSITIVE if p >= 0.5 else NEGATIVE for p in positive_probability(model, texts)]
