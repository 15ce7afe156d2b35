"""Fixtures: a fastText classifier trained once per session on a tiny two-kind corpus."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# --import-mode=importlib puts no test folder on sys.path; the corpus helper lives here.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from preselect_corpus import MATH, SPAM, make_texts  # noqa: E402


@pytest.fixture(scope="session")
def classifier_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from rlvr.preselect import FastTextParams, train_classifier

    out = tmp_path_factory.mktemp("clf") / "clf.bin"
    result = train_classifier(make_texts(MATH, 150, 1), make_texts(SPAM, 150, 2), out, holdout=0.2,
                              params=FastTextParams(epoch=20, lr=0.5, bucket=20_000))
    assert result.heldout_accuracy is not None and result.heldout_accuracy >= 0.9
    return out
