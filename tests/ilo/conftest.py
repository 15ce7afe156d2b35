"""Fixtures: the tiny random model folder (tests/models/tiny_model.py) and a small parallel TSV."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))

from tiny_model import build_model_dir  # noqa: E402


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_model_dir(tmp_path_factory.mktemp("tiny") / "model")


SENTENCES = {
    "en": ["the cat sleeps", "open the door", "it is raining today", "she reads a book", "we eat bread", "the sky is blue"],
    "de": ["die Katze schläft", "öffne die Tür", "heute regnet es", "sie liest ein Buch", "wir essen Brot", "der Himmel ist blau"],
    "fr": ["le chat dort", "ouvre la porte", "il pleut aujourd'hui", "elle lit un livre", "nous mangeons du pain", "le ciel est bleu"],
}


@pytest.fixture()
def parallel_tsv(tmp_path: Path) -> Path:
    lines = ["id\tlang\ttext"]
    for lang, texts in SENTENCES.items():
        lines += [f"s{i}\t{lang}\t{text}" for i, text in enumerate(texts)]
    path = tmp_path / "parallel.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
