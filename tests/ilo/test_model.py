"""ILO on a tiny random model end to end: representations, scores, outputs, the CLI and its errors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from typer.testing import CliRunner

from rlvr.cli import app
from rlvr.ilo import read_tsv, score_model, write_outputs
from rlvr.ilo.errors import IloError
from rlvr.ilo.representations import sentence_representations
from rlvr.models import LoadedModel, load

pytestmark = pytest.mark.train


def test_scores_every_layer_and_writes_json_and_png(tiny_model_dir: Path, parallel_tsv: Path, tmp_path: Path) -> None:
    result = score_model(str(tiny_model_dir), read_tsv(parallel_tsv), k=2, threshold=2)
    assert [layer["layer"] for layer in result["layers"]] == [0, 1, 2]  # embeddings + 2 blocks
    assert result["languages"] == ["de", "en", "fr"] and result["sentences_per_language"] == 6
    for layer in result["layers"]:
        assert 0.0 <= layer["ilo"] <= 1.0 and 0.0 <= layer["translation_overlap"] <= 1.0
        assert set(layer["per_language"]) == {"de", "en", "fr"}
    json_path, png_path = write_outputs(result, tmp_path / "out")
    assert json.loads(json_path.read_text())["layers"] == result["layers"]
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_batching_and_padding_do_not_change_representations(tiny_model_dir: Path) -> None:
    loaded = load(str(tiny_model_dir), device="cpu", dtype="float32")
    texts = ["a", "a much longer sentence than the first", "mid length one", "zz"]
    one = sentence_representations(loaded.model, loaded.tokenizer, texts, batch_size=1)
    four = sentence_representations(loaded.model, loaded.tokenizer, texts, batch_size=4)
    assert one.shape == (3, 4, 32)
    np.testing.assert_allclose(one, four, atol=1e-5)
    last = sentence_representations(loaded.model, loaded.tokenizer, texts, pooling="last", batch_size=4)
    assert not np.allclose(last[1:], one[1:])  # a different pooling gives different vectors
    assert loaded.tokenizer.padding_side == "left"  # restored for sampling


def test_model_without_hidden_states_is_refused(tiny_model_dir: Path, parallel_tsv: Path) -> None:
    import torch

    real = load(str(tiny_model_dir), device="cpu", dtype="float32")

    class NoStates(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.weight = torch.nn.Parameter(torch.zeros(1))

        def forward(self, **_: object) -> SimpleNamespace:
            return SimpleNamespace(logits=torch.zeros(1), hidden_states=None)

    loaded = LoadedModel(model=NoStates(), tokenizer=real.tokenizer, path=tiny_model_dir)
    with pytest.raises(IloError, match="NoStates returns no hidden states"):
        score_model(loaded, read_tsv(parallel_tsv), k=2, threshold=1)


def test_cli_writes_outputs(tiny_model_dir: Path, parallel_tsv: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["ilo", str(tiny_model_dir), "--data", str(parallel_tsv), "--k", "2",
                                      "--threshold", "1", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "layer   2  ILO" in result.output
    assert (tmp_path / "out" / "ilo.json").is_file() and (tmp_path / "out" / "ilo.png").is_file()


@pytest.mark.parametrize("tsv, options, message", [
    ("id\tlang\ttext\na\ten\tx\n", [], "only en: add at least one more"),
    ("id\tlang\ttext\na\ten\tx\na\tde\ty\n", ["--k", "1", "--threshold", "1"], "language 'de' has a single sentence"),
    ("id lang text\n", [], "the first line must be the header"),
    (None, ["--k", "6"], r"k \(6\) must be smaller than the sentences per language \(6 in 'de'\)"),
    (None, ["--pooling", "max", "--threshold", "2"], "pooling must be one of mean, last"),
])
def test_cli_errors_are_one_line(tiny_model_dir: Path, parallel_tsv: Path, tmp_path: Path, tsv: str | None,
                                 options: list[str], message: str) -> None:
    data = parallel_tsv
    if tsv is not None:
        data = tmp_path / "bad.tsv"
        data.write_text(tsv)
    result = CliRunner().invoke(app, ["ilo", str(tiny_model_dir), "--data", str(data), "--out", str(tmp_path / "o"), *options])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and re.search(message, lines[0]), result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o" / "ilo.json").exists()


def test_cli_extract(tmp_path: Path) -> None:
    import polib

    paths = []
    for lang, text in (("de", "Bitte erneut versuchen"), ("fr", "Veuillez réessayer")):
        catalogue = polib.POFile()
        catalogue.append(polib.POEntry(msgid="Please try again", msgstr=text))
        folder = tmp_path / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        catalogue.save(str(folder / "app.po"))
        paths.append(str(folder / "app.po"))
    out = tmp_path / "p.tsv"
    result = CliRunner().invoke(app, ["ilo-extract", *paths, "--languages", "en,de,fr", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(s.text for s in read_tsv(out)) == ["Bitte erneut versuchen", "Please try again", "Veuillez réessayer"]
    result = CliRunner().invoke(app, ["ilo-extract", *paths, "--languages", "en,it", "--out", str(tmp_path / "x.tsv")])
    assert result.exit_code == 2 and "no usable catalogue entries for it" in result.output
